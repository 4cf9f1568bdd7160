/**
 * Layering: defaults < managed (installer/MDM) < PBX adminSettings < user file.
 *
 * PBX adminSettings (docs/settings.md): `{ <pbxKey>: { value, force } }`.
 * - force off: the admin value is a default; a user value wins.
 * - force on: the admin value wins, the user value is ignored (kept on disk) and the control is locked.
 * - force has no effect when the admin value is unset (absent, null or "").
 * Settings the user cannot edit (installer-only: DISABLELOCALHOST, …) are locked whenever a
 * managed value exists; a user-file value for them is ignored.
 */
import { SETTINGS, coerceSetting, settingForManagedName, shown, type SettingDescriptor, type SettingKey, type SettingValues } from './schema';
import { english } from '../i18n';

/** Where a resolved value comes from, lowest layer first. */
export const SETTING_SOURCES = ['default', 'managed', 'pbx', 'pbx-forced', 'user'] as const;
export type SettingSource = (typeof SETTING_SOURCES)[number];

/**
 * One setting's resolved state: the one settings row of the client. The resolution below, the
 * settings store's view, the preload API's settings snapshot (common/preload.ts, plus `forced`)
 * and the advanced settings page all pass this row on.
 */
export interface SettingState {
  key: string;
  value: unknown;
  source: SettingSource;
  /** True when the user cannot change it (PBX force, or installer-only setting). */
  locked: boolean;
  /** Why it is locked. */
  lockedBy?: 'pbx' | 'installer';
}

export interface AdminSetting {
  value?: unknown;
  force?: boolean;
}
export type AdminSettings = Record<string, AdminSetting | undefined>;

export interface ResolvedSetting<K extends SettingKey = SettingKey> extends SettingState {
  key: K;
  value: SettingValues[K];
  /** The user's own value when one is stored (also when it is overridden by a forced PBX value). */
  userValue?: SettingValues[K];
}

export interface Layers {
  managed: Partial<Record<SettingKey, unknown>>;
  pbx: AdminSettings;
  user: Record<string, unknown>;
}

export interface Resolution {
  settings: { [K in SettingKey]: ResolvedSetting<K> };
  warnings: string[];
}

/** Unknown managed names warned about one by one; the rest are counted in one warning. */
const MAX_UNKNOWN_NAME_WARNINGS = 10;

/** Map raw managed names (SERVER, server, logFlags, …) to setting keys; unknown names are warned about. */
export function managedByKey(raw: Record<string, unknown>, warnings: string[], origin = 'managed settings'): Partial<Record<SettingKey, unknown>> {
  const out: Partial<Record<SettingKey, unknown>> = {};
  let unknown = 0;
  for (const [name, value] of Object.entries(raw)) {
    const key = settingForManagedName(name);
    if (!key) {
      if (++unknown <= MAX_UNKNOWN_NAME_WARNINGS) warnings.push(`${origin}: unknown setting ${shown(name)} ignored`);
      continue;
    }
    out[key] = value;
  }
  if (unknown > MAX_UNKNOWN_NAME_WARNINGS) warnings.push(`${origin}: ${unknown - MAX_UNKNOWN_NAME_WARNINGS} more unknown settings ignored`);
  return out;
}

function isUnset(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

export function resolveOne<K extends SettingKey>(dsc: SettingDescriptor<K>, layers: Layers, warnings: string[]): ResolvedSetting<K> {
  const key = dsc.key;
  let value = structuredClone(dsc.default) as SettingValues[K];
  let source: SettingSource = 'default';
  let locked = false;
  let lockedBy: 'pbx' | 'installer' | undefined;

  if (Object.hasOwn(layers.managed, key) && dsc.managed === false) {
    // e.g. certificate pins: the user's own decision after seeing the certificate; an admin
    // deploys a CA to the OS trust store instead (docs/settings.md, docs/admin.md §7)
    warnings.push(`managed setting ignored: ${key} cannot be set by managed settings`);
  } else if (Object.hasOwn(layers.managed, key)) {
    const c = coerceSetting(key, layers.managed[key], true);
    if (c.ok) {
      value = c.value;
      source = 'managed';
      if (!dsc.userEditable) {
        locked = true;
        lockedBy = 'installer';
      }
    } else warnings.push(`managed setting ignored: ${c.error}`);
  }

  let forced = false;
  if (dsc.pbxKey && Object.hasOwn(layers.pbx, dsc.pbxKey)) {
    const admin = layers.pbx[dsc.pbxKey];
    if (admin && typeof admin === 'object' && !isUnset(admin.value)) {
      const c = coerceSetting(key, admin.value, true);
      if (c.ok) {
        value = c.value;
        forced = admin.force === true;
        source = forced ? 'pbx-forced' : 'pbx';
        if (forced) {
          locked = true;
          lockedBy = 'pbx';
        }
      } else warnings.push(`PBX adminSettings.${dsc.pbxKey} ignored: ${c.error}`);
    }
  }

  let userValue: SettingValues[K] | undefined;
  if (Object.hasOwn(layers.user, key)) {
    const c = coerceSetting(key, layers.user[key]);
    if (c.ok) {
      userValue = c.value;
      if (!forced && dsc.userEditable) {
        value = c.value;
        source = 'user';
      }
    } else warnings.push(`user setting ignored: ${c.error}`);
  }
  if (!dsc.userEditable && !locked) {
    // Installer-only settings at their default are also not changeable by the user.
    locked = true;
    lockedBy = 'installer';
  }
  return { key, value, source, locked, ...(lockedBy ? { lockedBy } : {}), ...(userValue !== undefined ? { userValue } : {}) };
}

export function resolveSettings(layers: Layers): Resolution {
  const warnings: string[] = [];
  const settings = {} as Record<SettingKey, ResolvedSetting>;
  for (const dsc of SETTINGS as readonly SettingDescriptor[]) settings[dsc.key] = resolveOne(dsc, layers, warnings);
  return { settings: settings as Resolution['settings'], warnings };
}

/** A row of the advanced settings page (and of collected logs): the descriptor beside the resolved state. */
export interface SettingRow extends SettingState {
  key: SettingKey;
  kind: SettingDescriptor['kind'];
  label: string;
  description: string;
  options?: readonly string[];
  defaultValue: unknown;
  userEditable: boolean;
  pbxKey?: string;
  msi?: string;
}

/**
 * The row of one setting. Without a resolved state (a page that got no value for it) the row
 * shows the default, locked for installer-only settings, as the resolution would.
 */
export function settingRow(d: SettingDescriptor, state?: SettingState): SettingRow {
  return {
    key: d.key,
    kind: d.kind,
    label: english.t(`setting.${d.key}.label`),
    description: english.t(`setting.${d.key}.description`),
    ...(d.options ? { options: d.options } : {}),
    value: structuredClone(state ? state.value : d.default),
    defaultValue: structuredClone(d.default),
    source: state?.source ?? 'default',
    locked: state ? state.locked : !d.userEditable,
    ...(state?.lockedBy ? { lockedBy: state.lockedBy } : !state && !d.userEditable ? { lockedBy: 'installer' as const } : {}),
    userEditable: d.userEditable,
    ...(d.pbxKey ? { pbxKey: d.pbxKey } : {}),
    ...(d.msi ? { msi: d.msi } : {}),
  };
}
