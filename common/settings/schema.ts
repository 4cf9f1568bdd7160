/**
 * Every setting of the client, declared once: type, default, validation, and where admins can
 * set it (MSI property / registry value, macOS defaults key, Linux JSON key, PBX adminSettings
 * key). docs/settings.md is the human-readable copy of this table. Names and descriptions are in
 * the language files (common/i18n/en.json, de.json: `setting.<key>.label` / `.description`).
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
  | 'certificatePins'
  | 'url';


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
  allowUpdateDowngrade: boolean;
  appProxyCacheMb: number;
  trustedCertificates: CertificatePin[];
  spellcheckDictionaryUrl: string;
}

export type SettingKey = keyof SettingValues;

export interface SettingDescriptor<K extends SettingKey = SettingKey> {
  key: K;
  kind: SettingKind;
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
  /** False: set only by defaults/managed/PBX (the user cannot change it in the UI). */
  userEditable: boolean;
  /** Shown on the advanced settings page. */
  visible: boolean;
  /**
   * False: managed sources (installer, MDM, /etc files) cannot set it; a managed value is ignored
   * with a warning. Only `trustedCertificates` (docs/settings.md "Certificates").
   */
  managed?: false;
}

/** Longest piece of a refused value quoted in a warning (values may be huge: issue 12, redact-redos). */
export const MAX_SHOWN_VALUE = 80;

/**
 * A refused value as warnings quote it: JSON, cut to MAX_SHOWN_VALUE characters with the length
 * said. A warning never carries a whole value (a 400 KB admin setting would otherwise be copied
 * into every warning and trace line).
 */
export function shown(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = `[${typeof raw}]`;
  }
  return text.length <= MAX_SHOWN_VALUE ? text : `${text.slice(0, MAX_SHOWN_VALUE)}… (${text.length} characters)`;
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
  if (parts.some((p) => p === '')) return { ok: false, error: `${shown(raw)} is not a hot key (empty part around "+").` };
  const key = parts.pop()!;
  if (!(HOTKEY_KEYS as readonly string[]).includes(key)) {
    return { ok: false, error: `${shown(raw)}: the key must be one of F1-F11.` };
  }
  const mods = parts.map((p) => (p === 'CONTROL' ? 'CTRL' : p === 'OPTION' ? 'ALT' : p === 'META' || p === 'SUPER' || p === 'CMD' ? 'WIN' : p));
  for (const m of mods) {
    if (!(MODIFIER_ORDER as readonly string[]).includes(m)) return { ok: false, error: `${shown(raw)}: unknown modifier ${shown(m)} (use CTRL, ALT, SHIFT, WIN).` };
  }
  if (new Set(mods).size !== mods.length) return { ok: false, error: `${shown(raw)}: a modifier is repeated.` };
  if (mods.length > 2) return { ok: false, error: `${shown(raw)}: at most two modifiers.` };
  const ordered = MODIFIER_ORDER.filter((m) => mods.includes(m));
  return { ok: true, value: [...ordered, key].join(' + ') };
}

/** Normalise a log-flag mask (hex string, with or without 0x, up to 36 bits) to `0x<lowercase>`. */
export function normaliseLogFlags(raw: unknown): { ok: true; value: string } | { ok: false; error: string } {
  let n: bigint;
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) n = BigInt(raw);
  else if (typeof raw === 'bigint' && raw >= 0n) n = raw;
  else if (typeof raw === 'string' && /^\s*(0x)?[0-9a-f]{1,16}\s*$/i.test(raw)) n = BigInt(`0x${raw.trim().replace(/^0x/i, '')}`);
  else return { ok: false, error: `log flags must be a hex string like 0x856000001, got ${shown(raw)}` };
  if (n >= 1n << 36n) return { ok: false, error: `log flags ${shown(raw)} have bits above 35` };
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
  d({ key: 'server', kind: 'server', default: '', msi: 'SERVER', userEditable: true, visible: true }),
  d({ key: 'autostart', kind: 'boolean', default: false, pbxKey: 'autostart', userEditable: true, visible: true }),
  d({ key: 'appearOfflineAfterMs', kind: 'integer', default: 0, min: 0, max: 24 * 3600_000, pbxKey: 'offline', userEditable: true, visible: true }),
  d({ key: 'hotkeyDial', kind: 'hotkey', default: '', pbxKey: 'hotkeyDial', userEditable: true, visible: true }),
  d({ key: 'hotkeyAccept', kind: 'hotkey', default: '', pbxKey: 'hotkeyAccept', userEditable: true, visible: true }),
  d({ key: 'hotkeyReject', kind: 'hotkey', default: '', pbxKey: 'hotkeyReject', userEditable: true, visible: true }),
  d({ key: 'docking', kind: 'enum', default: 'none', options: ['none', 'left', 'right'], pbxKey: 'docking', userEditable: true, visible: true }),
  d({ key: 'notifications', kind: 'boolean', default: true, pbxKey: 'notifications', userEditable: true, visible: true }),
  d({ key: 'showInTaskbar', kind: 'boolean', default: true, pbxKey: 'taskbar', userEditable: true, visible: true }),
  d({ key: 'excludeVpn', kind: 'boolean', default: false, pbxKey: 'noVpnAddresses', userEditable: true, visible: true }),
  d({ key: 'logFlags', kind: 'logFlags', default: '0x1', pbxKey: 'logFlags', userEditable: true, visible: true }),
  d({ key: 'logSizeBytes', kind: 'integer', default: 10_000_000, min: 100_000, max: 2_000_000_000, userEditable: true, visible: true }),
  d({ key: 'externalApps', kind: 'externalApps', default: [], msi: 'EXTERNALAPPS', userEditable: true, visible: true }),
  d({ key: 'ringInHeadset', kind: 'boolean', default: false, userEditable: true, visible: true }),
  d({ key: 'disableOutlookSearch', kind: 'boolean', default: false, pbxKey: 'disableOutlookSearch', userEditable: true, visible: true }),
  d({ key: 'videoAutostart', kind: 'boolean', default: false, pbxKey: 'video', userEditable: true, visible: true }),
  d({ key: 'officePresence', kind: 'boolean', default: true, msi: 'OFFICEPRESENCE', userEditable: false, visible: true }),
  d({ key: 'disableHeadsets', kind: 'boolean', default: false, msi: 'DISABLEHEADSETS', userEditable: false, visible: true }),
  d({ key: 'forceRestart', kind: 'boolean', default: false, msi: 'FORCERESTART', userEditable: false, visible: false }),
  d({ key: 'disableLocalhost', kind: 'boolean', default: true, msi: 'DISABLELOCALHOST', userEditable: false, visible: true }),
  d({ key: 'excludeInterfaces', kind: 'stringList', default: [], msi: 'EXCLUDEINTERFACES', userEditable: false, visible: true }),
  d({ key: 'fasterDownloads', kind: 'boolean', default: false, msi: 'FASTERDOWNLOADS', userEditable: false, visible: true }),
  d({ key: 'updatePolicy', kind: 'enum', default: 'auto', options: ['auto', 'notify', 'off'], userEditable: true, visible: true }),
  d({ key: 'allowUpdateDowngrade', kind: 'boolean', default: false, userEditable: false, visible: true }),
  d({ key: 'appProxyCacheMb', kind: 'integer', default: 500, min: 10, max: 100_000, userEditable: true, visible: true }),
  d({ key: 'spellcheckDictionaryUrl', kind: 'url', default: '', userEditable: false, visible: true }),
  d({ key: 'trustedCertificates', kind: 'certificatePins', default: [], userEditable: true, visible: false, managed: false }),
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

/**
 * An admin's http(s) base URL (e.g. a dictionary mirror): no credentials, query or fragment;
 * stored with a trailing "/" (a file name is appended to it). '' = none.
 */
export function httpBaseUrl(raw: string): { ok: true; url: string } | { ok: false; error: string } {
  const s = raw.trim();
  if (s === '') return { ok: true, url: '' };
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return { ok: false, error: `${JSON.stringify(s.slice(0, 200))} is not a URL` };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { ok: false, error: 'expected an http(s) URL' };
  if (u.username || u.password || u.search || u.hash) return { ok: false, error: 'the URL must not carry credentials, a query or a fragment' };
  const t = u.toString();
  return { ok: true, url: t.endsWith('/') ? t : `${t}/` };
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
      return bad(`expected true or false, got ${shown(raw)}`);
    }
    case 'integer': {
      let n: number | undefined;
      if (typeof raw === 'number') n = raw;
      else if (loose && typeof raw === 'string' && /^\s*(0x[0-9a-f]+|\d+)\s*$/i.test(raw)) n = Number(raw.trim());
      if (n === undefined || !Number.isSafeInteger(n)) return bad(`expected a whole number, got ${shown(raw)}`);
      if ((dsc.min !== undefined && n < dsc.min) || (dsc.max !== undefined && n > dsc.max)) return bad(`${n} is outside ${dsc.min}..${dsc.max}`);
      return ok(n);
    }
    case 'string':
      return typeof raw === 'string' ? ok(raw) : bad(`expected text, got ${shown(raw)}`);
    case 'enum': {
      let v = raw;
      // PBX docking is a number (INFERRED: 0 none, 1 left, 2 right).
      if (loose && key === 'docking' && typeof raw === 'number') v = ['none', 'left', 'right'][raw];
      if (loose && typeof v === 'string') v = v.trim().toLowerCase();
      return typeof v === 'string' && dsc.options!.includes(v) ? ok(v) : bad(`expected one of ${dsc.options!.join(', ')}, got ${shown(raw)}`);
    }
    case 'server': {
      if (typeof raw !== 'string') return bad(`expected a server string, got ${shown(raw)}`);
      if (raw.trim() === '') return ok('');
      const p = parseServerString(raw);
      return p.ok ? ok(p.canonical) : bad(p.error);
    }
    case 'hotkey': {
      if (typeof raw !== 'string') return bad(`expected a hot key like "CTRL + ALT + F9", got ${shown(raw)}`);
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
        return bad(`expected address prefixes like "172,192.168,10.10", got ${shown(raw)}`);
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
    case 'url': {
      if (typeof raw !== 'string') return bad(`expected an http(s) URL, got ${shown(raw)}`);
      const u = httpBaseUrl(raw);
      return u.ok ? ok(u.url) : bad(u.error);
    }
    case 'certificatePins': {
      const r = z.array(CertificatePinSchema).max(100).safeParse(raw);
      return r.success ? ok(r.data) : bad(`expected [{origin, fingerprint256}]: ${r.error.issues[0]?.message ?? 'invalid'}`);
    }
  }
}
