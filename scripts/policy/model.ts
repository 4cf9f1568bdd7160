/**
 * Which settings the admin templates (build/policy) offer and how each is written, derived from
 * the one settings schema (common/settings/schema.ts) and the managed readers
 * (native/win|mac|linux/managed.ts). See docs/admin.md.
 */
import { SETTINGS, type SettingDescriptor, type SettingKey, type SettingValues } from '../../common/settings/schema';

/** Settings no template offers, and why (also printed in docs/admin.md). */
export const NOT_IN_TEMPLATES = {
  trustedCertificates: "certificate pins are the user's own decisions; deploy a private CA to the OS trust store instead",
  forceRestart: 'an installer action (MSI property FORCERESTART) that the client itself does not use',
} as const satisfies Partial<Record<SettingKey, string>>;

export type PolicyKey = Exclude<SettingKey, keyof typeof NOT_IN_TEMPLATES>;

/** How a setting is presented in the ADMX and which registry type Group Policy writes. */
export type AdmxElement = 'toggle' | 'decimal' | 'enum' | 'text';
export type RegType = 'REG_DWORD' | 'REG_SZ';

export interface PolicySetting {
  key: PolicyKey;
  dsc: SettingDescriptor;
  /** Registry value name: the MSI property where there is one, else the setting key (both are read). */
  valueName: string;
  element: AdmxElement;
  regType: RegType;
  /** Installer-only setting: locked for the user while set (SettingDescriptor.userEditable false). */
  locked: boolean;
}

export type TargetOs = 'win' | 'mac' | 'linux';

const EXTERNAL_APP_PATH: Record<TargetOs, string> = {
  win: 'C:\\Program Files\\CRM\\crm.exe',
  mac: '/Applications/CRM.app/Contents/MacOS/CRM',
  linux: '/opt/crm/bin/crm',
};

/** A realistic value per setting for the samples and the explain texts (each must validate). */
export function exampleValue<K extends PolicyKey>(key: K, os: TargetOs): Pick<SettingValues, PolicyKey>[K] {
  const examples: Pick<SettingValues, PolicyKey> = {
    server: 'pbx.example.com:4444/PBX0-1',
    autostart: true,
    appearOfflineAfterMs: 900_000,
    hotkeyDial: 'CTRL + F8',
    hotkeyAccept: 'CTRL + F9',
    hotkeyReject: 'CTRL + F10',
    docking: 'right',
    notifications: true,
    showInTaskbar: true,
    excludeVpn: true,
    logFlags: '0x856000001',
    logSizeBytes: 20_000_000,
    externalApps: [{ id: 0, name: 'CRM', path: EXTERNAL_APP_PATH[os], param: '--caller $I', startOnAccept: false }],
    ringInHeadset: true,
    disableOutlookSearch: false,
    videoAutostart: false,
    officePresence: true,
    disableHeadsets: false,
    disableLocalhost: true,
    excludeInterfaces: ['172', '192.168', '10.10'],
    fasterDownloads: false,
    updatePolicy: 'notify',
    allowUpdateDowngrade: false,
    appProxyCacheMb: 1000,
    spellcheckDictionaryUrl: 'https://intranet.example.com/hunspell/',
  };
  return examples[key];
}

/** The value as Group Policy writes it (REG_DWORD number or REG_SZ text the client parses). */
export function registryValue(p: PolicySetting, value: unknown): number | string {
  switch (p.dsc.kind) {
    case 'boolean':
      return value ? 1 : 0;
    case 'integer':
      return value as number;
    case 'stringList':
      return (value as string[]).join(',');
    case 'externalApps':
      // The MSI's EXTERNALAPPS format (docs/msi-properties.md).
      return JSON.stringify({ externalApps: value });
    default:
      return String(value);
  }
}

function elementOf(dsc: SettingDescriptor): AdmxElement {
  switch (dsc.kind) {
    case 'boolean':
      return 'toggle';
    case 'integer':
      return 'decimal';
    case 'enum':
      return 'enum';
    case 'server':
    case 'string':
    case 'hotkey':
    case 'logFlags':
    case 'stringList':
    case 'externalApps':
    case 'url':
      return 'text';
    case 'certificatePins':
      throw new Error(`${dsc.key}: certificate pins cannot be a policy`);
  }
}

export function isPolicyKey(key: SettingKey): key is PolicyKey {
  return !Object.hasOwn(NOT_IN_TEMPLATES, key);
}

/** Every setting the templates offer, in the schema's order. */
export function policySettings(): PolicySetting[] {
  const out: PolicySetting[] = [];
  for (const dsc of SETTINGS as readonly SettingDescriptor[]) {
    if (!isPolicyKey(dsc.key)) continue;
    const element = elementOf(dsc);
    out.push({
      key: dsc.key,
      dsc,
      valueName: dsc.msi ?? dsc.key,
      element,
      regType: element === 'toggle' || element === 'decimal' ? 'REG_DWORD' : 'REG_SZ',
      locked: !dsc.userEditable,
    });
  }
  return out;
}
