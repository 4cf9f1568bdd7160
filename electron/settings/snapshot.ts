/**
 * The settings as the preload API hands them to the launcher pages (common/preload.ts
 * `settings.get` / `settingsChanged`): `{settings: [{key, value, source, forced, locked, lockedBy}], warnings}`,
 * the resolved state of every setting (common/settings/resolve.ts SettingState) plus `forced`.
 */
import type { SettingsStore } from './store';
import type { SettingState } from '../../common/settings/resolve';

/** A row of the snapshot: the resolved state plus the contract's `forced` (PBX value with force). */
export type SettingsSnapshotRow = SettingState & { forced: boolean };

export function settingsSnapshot(store: SettingsStore, opts: { includeHidden?: boolean } = {}): { settings: SettingsSnapshotRow[]; warnings: string[] } {
  const rows = store.view().filter((r) => opts.includeHidden || r.key !== 'trustedCertificates');
  return {
    settings: rows.map((r) => ({
      key: r.key,
      value: r.value,
      source: r.source,
      forced: r.source === 'pbx-forced',
      locked: r.locked,
      ...(r.lockedBy ? { lockedBy: r.lockedBy } : {}),
    })),
    warnings: [...store.warnings],
  };
}
