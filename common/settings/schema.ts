/**
 * Every setting of the client, declared once: type, default, validation, and where admins can
 * set it (MSI property / registry value, macOS defaults key, Linux JSON key, PBX adminSettings
 * key). docs/settings.md is the human-readable copy of this table.
 */
import { z } from 'zod';
import { parseServerString } from '../server-string';
import { ExternalAppsSchema, type ExternalApp } from '../external-apps';

export type SettingKind =
  | 'boolean'
  | 'integer'
  | 'string'
  | 'enum'
  | 'server'
  | 'hotkey'
  | 'logFlags'
  | 'stringList'
  | 'externalApps'
  | 'certificatePins';


export interface CertificatePin {
  /** `https://host[:port]` the certificate was accepted for. */
  origin: string;
  /** SHA-256 fingerprint as Node prints it (`AB:CD:…`). */
  fingerprint256: string;
  subject?: string;
  addedAt?: string;
}

export type Docking = 'none' | 'left' | 'right';
export type UpdatePolicy = 'auto' | 'notify' | 'off';

/** The value type of each setting. */
export interface SettingValues {
  server: string;
  autostart: boolean;
  appearOfflineAfterMs: number;
  hotkeyDial: string;
  hotkeyAccept: string;
  hotkeyReject: string;
  docking: Docking;
  notifications: boolean;
  showInTaskbar: boolean;
  excludeVpn: boolean;
  logFlags: string;
  logSizeBytes: number;
  externalApps: ExternalApp[];
  ringInHeadset: boolean;
  disableOutlookSearch: boolean;
  videoAutostart: boolean;
  officePresence: boolean;
  disableHeadsets: boolean;
  forceRestart: boolean;
  disableLocalhost: boolean;
  excludeInterfaces: string[];
  fasterDownloads: boolean;
  updatePolicy: UpdatePolicy;
  appProxyCacheMb: number;
  trustedCertificates: CertificatePin[];
}

export type SettingKey = keyof SettingValues;

export interface SettingDescriptor<K extends SettingKey = SettingKey> {
  key: K;
  kind: SettingKind;
  label: string;
  description: string;
  default: SettingValues[K];
  /** For kind 'enum': allowed values. */
  options?: readonly string[];
  /** For kind 'integer': bounds. */
  min?: number;
  max?: number;
  /** Windows MSI property = registry value name (HKLM/HKCU …\innovaphone\myApps). */
  msi?: string;
  /** PBX Client Settings key in the com.innovaphone.client model's adminSettings. */
  pbxKey?: string;
  /** True when the PBX key name is our guess (not in the public documentation). */
  pbxKeyInferred?: boolean;
  /** False: set only by defaults/managed/PBX (the user cannot change it in the UI). */
  userEditable: boolean;
  /** Shown on the advanced settings page. */
  visible: boolean;
}

const HOTKEY_KEYS = ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11'] as const;
const MODIFIER_ORDER = ['CTRL', 'ALT', 'SHIFT', 'WIN'] as const;

/**
 * Normalise a hot key: F1–F11 with up to two of CTRL, ALT, SHIFT, WIN, written like the PBX does
 * ("CTRL + ALT + F9"). Empty string = no hot key.
 */
export function normaliseHotkey(raw: string): { ok: true; value: string } | { ok: false; error: string } {
  const s = raw.trim();
  if (s === '') return { ok: true, value: '' };
  const parts = s.split('+').map((p) => p.trim().toUpperCase());
  if (parts.some((p) => p === '')) return { ok: false, error: `"${raw}" is not a hot key (empty part around "+").` };
  const key = parts.pop()!;
  if (!(HOTKEY_KEYS as readonly string[]).includes(key)) {
    return { ok: false, error: `"${raw}": the key must be one of F1-F11.` };
  }
  const mods = parts.map((p) => (p === 'CONTROL' ? 'CTRL' : p === 'OPTION' ? 'ALT' : p === 'META' || p === 'SUPER' || p === 'CMD' ? 'WIN' : p));
  for (const m of mods) {
    if (!(MODIFIER_ORDER as readonly string[]).includes(m)) return { ok: false, error: `"${raw}": unknown modifier "${m}" (use CTRL, ALT, SHIFT, WIN).` };
  }
  if (new Set(mods).size !== mods.length) return { ok: false, error: `"${raw}": a modifier is repeated.` };
  if (mods.length > 2) return { ok: false, error: `"${raw}": at most two modifiers.` };
  const ordered = MODIFIER_ORDER.filter((m) => mods.includes(m));
  return { ok: true, value: [...ordered, key].join(' + ') };
}

/** Normalise a log-flag mask (hex string, with or without 0x, up to 36 bits) to `0x<lowercase>`. */
export function normaliseLogFlags(raw: unknown): { ok: true; value: string } | { ok: false; error: string } {
  let n: bigint;
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) n = BigInt(raw);
  else if (typeof raw === 'bigint' && raw >= 0n) n = raw;
  else if (typeof raw === 'string' && /^\s*(0x)?[0-9a-f]{1,16}\s*$/i.test(raw)) n = BigInt(`0x${raw.trim().replace(/^0x/i, '')}`);
  else return { ok: false, error: `log flags must be a hex string like 0x856000001, got ${JSON.stringify(raw)}` };
  if (n >= 1n << 36n) return { ok: false, error: `log flags ${JSON.stringify(raw)} have bits above 35` };
  return { ok: true, value: `0x${n.toString(16)}` };
}

const CertificatePinSchema = z.object({
  origin: z.string().regex(/^https:\/\/[^/]+$/),
  fingerprint256: z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
  subject: z.string().max(1000).optional(),
  addedAt: z.string().max(100).optional(),
});

function d<K extends SettingKey>(x: SettingDescriptor<K>): SettingDescriptor<K> {
  return x;
}

/** The settings, in the order the advanced settings page lists them. */
export const SETTINGS = [
  d({ key: 'server', kind: 'server', label: 'Server', description: 'PBX server string: host[:port][/PBX0-n][#phys=location].', default: '', msi: 'SERVER', userEditable: true, visible: true }),
  d({ key: 'autostart', kind: 'boolean', label: 'Autostart', description: 'Start myApps at login.', default: false, pbxKey: 'autostart', userEditable: true, visible: true }),
  d({ key: 'appearOfflineAfterMs', kind: 'integer', label: 'Appear offline after (ms)', description: 'Idle time after which presence shows offline; 0 = never.', default: 0, min: 0, max: 24 * 3600_000, pbxKey: 'offline', userEditable: true, visible: true }),
  d({ key: 'hotkeyDial', kind: 'hotkey', label: 'Hot key: dial selected number', description: 'F1-F11 with up to two of CTRL, ALT, SHIFT, WIN; empty = none.', default: '', pbxKey: 'hotkeyDial', userEditable: true, visible: true }),
  d({ key: 'hotkeyAccept', kind: 'hotkey', label: 'Hot key: accept call', description: 'F1-F11 with up to two of CTRL, ALT, SHIFT, WIN; empty = none.', default: '', pbxKey: 'hotkeyAccept', userEditable: true, visible: true }),
  d({ key: 'hotkeyReject', kind: 'hotkey', label: 'Hot key: reject/disconnect call', description: 'F1-F11 with up to two of CTRL, ALT, SHIFT, WIN; empty = none.', default: '', pbxKey: 'hotkeyReject', userEditable: true, visible: true }),
  d({ key: 'docking', kind: 'enum', label: 'Docking', description: 'Dock the window to the left or right screen edge.', default: 'none', options: ['none', 'left', 'right'], pbxKey: 'docking', userEditable: true, visible: true }),
  d({ key: 'notifications', kind: 'boolean', label: 'Desktop notifications', description: 'Show native desktop notifications.', default: true, pbxKey: 'notifications', userEditable: true, visible: true }),
  d({ key: 'showInTaskbar', kind: 'boolean', label: 'Show in taskbar', description: 'Show myApps in the taskbar in addition to the tray icon.', default: true, pbxKey: 'taskbar', userEditable: true, visible: true }),
  d({ key: 'excludeVpn', kind: 'boolean', label: 'Exclude VPN interfaces for media', description: 'Audio/video/app sharing never use PPP/tunnel interfaces.', default: false, pbxKey: 'vpn', pbxKeyInferred: true, userEditable: true, visible: true }),
  d({ key: 'logFlags', kind: 'logFlags', label: 'Log flags', description: 'Trace flag mask (hex), e.g. 0x856000001 for call problems.', default: '0x1', pbxKey: 'logFlags', userEditable: true, visible: true }),
  d({ key: 'logSizeBytes', kind: 'integer', label: 'Maximum trace file size (bytes)', description: 'Like --log-size: each trace file is rotated at this size.', default: 10_000_000, min: 100_000, max: 2_000_000_000, userEditable: true, visible: true }),
  d({ key: 'externalApps', kind: 'externalApps', label: 'External applications', description: 'Applications started on calls ({id,name,path,param,startOnAccept}); path: a program or an http(s) URL.', default: [], msi: 'EXTERNALAPPS', userEditable: true, visible: true }),
  d({ key: 'ringInHeadset', kind: 'boolean', label: 'Ring in headset', description: 'Ring incoming calls on the headset instead of the loudspeaker.', default: false, userEditable: true, visible: true }),
  d({ key: 'disableOutlookSearch', kind: 'boolean', label: 'Disable Outlook search', description: 'Turn off the local contact search provider.', default: false, pbxKey: 'disableOutlookSearch', pbxKeyInferred: true, userEditable: true, visible: true }),
  d({ key: 'videoAutostart', kind: 'boolean', label: 'Autostart video', description: 'Phone apps start calls with video.', default: false, pbxKey: 'video', userEditable: true, visible: true }),
  d({ key: 'officePresence', kind: 'boolean', label: 'Office presence', description: 'Map PBX presence to the Office presence state.', default: true, msi: 'OFFICEPRESENCE', userEditable: false, visible: true }),
  d({ key: 'disableHeadsets', kind: 'boolean', label: 'Disable headset support', description: 'Turn headset (HID) support off.', default: false, msi: 'DISABLEHEADSETS', userEditable: false, visible: true }),
  d({ key: 'forceRestart', kind: 'boolean', label: 'Force restart on install', description: 'Installer: kill and restart a running client.', default: false, msi: 'FORCERESTART', userEditable: false, visible: false }),
  d({ key: 'disableLocalhost', kind: 'boolean', label: 'Use 127.0.0.1 instead of localhost', description: 'Address the local services as 127.0.0.1 (our default; DISABLELOCALHOST=0 selects localhost).', default: true, msi: 'DISABLELOCALHOST', userEditable: false, visible: true }),
  d({ key: 'excludeInterfaces', kind: 'stringList', label: 'Excluded interfaces', description: 'Address prefixes never used for media, e.g. 172,192.168,10.10.', default: [], msi: 'EXCLUDEINTERFACES', userEditable: false, visible: true }),
  d({ key: 'fasterDownloads', kind: 'boolean', label: 'Faster update downloads', description: 'Do not throttle update downloads.', default: false, msi: 'FASTERDOWNLOADS', userEditable: false, visible: true }),
  d({ key: 'updatePolicy', kind: 'enum', label: 'Updates', description: 'auto: install updates; notify: ask; off: never.', default: 'auto', options: ['auto', 'notify', 'off'], userEditable: true, visible: true }),
  d({ key: 'appProxyCacheMb', kind: 'integer', label: 'App proxy cache size (MB)', description: 'Largest size of the offline app cache.', default: 500, min: 10, max: 100_000, userEditable: true, visible: true }),
  d({ key: 'trustedCertificates', kind: 'certificatePins', label: 'Trusted server certificates', description: 'Certificates the user accepted after seeing their details (per origin).', default: [], userEditable: true, visible: false }),
] as const satisfies readonly SettingDescriptor[];

const byKey = new Map<string, SettingDescriptor>(SETTINGS.map((s) => [s.key, s as SettingDescriptor]));

export function descriptor<K extends SettingKey>(key: K): SettingDescriptor<K> {
  const dsc = byKey.get(key);
  if (!dsc) throw new Error(`unknown setting ${key}`);
  return dsc as SettingDescriptor<K>;
}

export function isSettingKey(key: string): key is SettingKey {
  return byKey.has(key);
}

/** The built-in defaults (fresh copies). */
export function defaultValues(): SettingValues {
  return Object.fromEntries(SETTINGS.map((s) => [s.key, structuredClone(s.default)])) as unknown as SettingValues;
}

/**
 * Aliases by which a managed source (registry value, macOS defaults key, Linux JSON key) names a
 * setting: the setting key and its MSI property, compared case-insensitively.
 */
const aliasMap = new Map<string, SettingKey>();
for (const s of SETTINGS as readonly SettingDescriptor[]) {
  aliasMap.set(s.key.toLowerCase(), s.key);
  if (s.msi) aliasMap.set(s.msi.toLowerCase(), s.key);
}
export function settingForManagedName(name: string): SettingKey | undefined {
  return aliasMap.get(name.toLowerCase());
}

export type Coerced<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Validate and normalise a raw value for a setting. `loose` accepts the spellings that registry,
 * plist and PBX sources use ("true"/"1"/1 for booleans, numeric strings, comma lists, JSON text).
 */
export function coerceSetting<K extends SettingKey>(key: K, raw: unknown, loose = false): Coerced<SettingValues[K]> {
  const dsc = descriptor(key);
  const bad = (why: string): Coerced<SettingValues[K]> => ({ ok: false, error: `${key}: ${why}` });
  const ok = (v: unknown): Coerced<SettingValues[K]> => ({ ok: true, value: v as SettingValues[K] });
  switch (dsc.kind) {
    case 'boolean': {
      if (typeof raw === 'boolean') return ok(raw);
      if (loose) {
        if (raw === 1 || raw === 0) return ok(raw === 1);
        if (typeof raw === 'string') {
          const s = raw.trim().toLowerCase();
          if (['true', '1', 'yes', 'on', '0x1', '0x00000001'].includes(s)) return ok(true);
          if (['false', '0', 'no', 'off', '0x0', '0x00000000'].includes(s)) return ok(false);
        }
      }
      return bad(`expected true or false, got ${JSON.stringify(raw)}`);
    }
    case 'integer': {
      let n: number | undefined;
      if (typeof raw === 'number') n = raw;
      else if (loose && typeof raw === 'string' && /^\s*(0x[0-9a-f]+|\d+)\s*$/i.test(raw)) n = Number(raw.trim());
      if (n === undefined || !Number.isSafeInteger(n)) return bad(`expected a whole number, got ${JSON.stringify(raw)}`);
      if ((dsc.min !== undefined && n < dsc.min) || (dsc.max !== undefined && n > dsc.max)) return bad(`${n} is outside ${dsc.min}..${dsc.max}`);
      return ok(n);
    }
    case 'string':
      return typeof raw === 'string' ? ok(raw) : bad(`expected text, got ${JSON.stringify(raw)}`);
    case 'enum': {
      let v = raw;
      // PBX docking is a number (INFERRED: 0 none, 1 left, 2 right).
      if (loose && key === 'docking' && typeof raw === 'number') v = ['none', 'left', 'right'][raw];
      if (loose && typeof v === 'string') v = v.trim().toLowerCase();
      return typeof v === 'string' && dsc.options!.includes(v) ? ok(v) : bad(`expected one of ${dsc.options!.join(', ')}, got ${JSON.stringify(raw)}`);
    }
    case 'server': {
      if (typeof raw !== 'string') return bad(`expected a server string, got ${JSON.stringify(raw)}`);
      if (raw.trim() === '') return ok('');
      const p = parseServerString(raw);
      return p.ok ? ok(p.canonical) : bad(p.error);
    }
    case 'hotkey': {
      if (typeof raw !== 'string') return bad(`expected a hot key like "CTRL + ALT + F9", got ${JSON.stringify(raw)}`);
      const h = normaliseHotkey(raw);
      return h.ok ? ok(h.value) : bad(h.error);
    }
    case 'logFlags': {
      const f = normaliseLogFlags(raw);
      return f.ok ? ok(f.value) : bad(f.error);
    }
    case 'stringList': {
      let list: unknown = raw;
      if (loose && typeof raw === 'string') list = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || !/^[0-9a-f.:]{1,64}$/i.test(x))) {
        return bad(`expected address prefixes like "172,192.168,10.10", got ${JSON.stringify(raw)}`);
      }
      return ok(list);
    }
    case 'externalApps': {
      let v: unknown = raw;
      if (loose && typeof raw === 'string') {
        try {
          v = JSON.parse(raw);
        } catch {
          return bad('EXTERNALAPPS is not valid JSON');
        }
      }
      if (v && typeof v === 'object' && !Array.isArray(v) && 'externalApps' in v) v = (v as { externalApps: unknown }).externalApps;
      const r = ExternalAppsSchema.safeParse(v);
      return r.success ? ok(r.data) : bad(`expected [{id,name,path,param,startOnAccept?}]: ${r.error.issues[0]?.message ?? 'invalid'}`);
    }
    case 'certificatePins': {
      const r = z.array(CertificatePinSchema).max(100).safeParse(raw);
      return r.success ? ok(r.data) : bad(`expected [{origin, fingerprint256}]: ${r.error.issues[0]?.message ?? 'invalid'}`);
    }
  }
}
