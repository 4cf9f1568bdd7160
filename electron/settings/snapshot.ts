/**
 * The settings as the preload API hands them to the launcher pages (common/preload.ts
 * `settings.get` / `settingsChanged`): `{settings: [{key, value, source, forced}]}` plus our
 * `locked`/`lockedBy` and `warnings` (renderer/launcher/api.ts reads them when the contract
 * passes them through, and falls back to `forced` otherwise).
 */
import type { SettingsStore } from './store';

export interface SettingsSnapshotRow {
  key: string;
  value: unknown;
  source: string;
  forced: boolean;
  locked: boolean;
  lockedBy?: 'pbx' | 'installer';
}

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
