/**
 * The settings ports of the windows service and the launcher controller, over the settings
 * store: the tray reads and toggles autostart / show in taskbar (a PBX-forced one is shown, not
 * changed); the launcher pages read the snapshot and set or reset one setting at a time; an
 * accepted certificate becomes a pin (docs/settings.md "Certificates"); "collect logs" (tray, settings
 * page) zips the trace folder with the settings and versions (docs/log-flags.md).
 */
import * as path from 'node:path';
import { isSettingKey } from '../../common/settings/schema';
import type { FileLocations } from '../platform';
import { collectLogs, type CollectLogsProgress, type TraceFiles } from '../log';
import { SettingsError, settingsSnapshot, type SettingsStore } from '../settings';
import type { LauncherSettings, WindowSettings } from '../windows';

export function windowSettingsOf(store: SettingsStore): WindowSettings {
  return {
    get: (k) => store.get(k),
    isForced: (k) => store.resolve(k).source === 'pbx-forced',
    set: async (k, v) => {
      await store.set(k, v);
    },
  };
}

export function launcherSettingsOf(store: SettingsStore): LauncherSettings {
  return {
    snapshot: () => settingsSnapshot(store).settings,
    warnings: () => [...store.warnings],
    set: async (key, value) => {
      try {
        if (!isSettingKey(key)) throw new SettingsError(`unknown setting ${key}`, 'unknown');
        await store.set(key, value);
        return { ok: true };
      } catch (err) {
        return { ok: false, error: err instanceof SettingsError ? err.message : String(err) };
      }
    },
    reset: async (key) => {
      try {
        if (!isSettingKey(key)) throw new SettingsError(`unknown setting ${key}`, 'unknown');
        await store.reset(key);
        return { ok: true };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}

/** Keep the user's decision to trust exactly this certificate for exactly this origin. */
export function pinCertificateIn(store: SettingsStore): (origin: string, fingerprint256: string) => Promise<void> {
  return async (origin, fingerprint256) => {
    const pins = store.get('trustedCertificates').filter((p) => p.origin !== origin);
    await store.set('trustedCertificates', [...pins, { origin, fingerprint256, addedAt: new Date().toISOString() }]);
  };
}

/** "Collect logs": writes the zip into <localData>/collected-logs and returns its path; progress as trace bytes read. */
export function logCollector(o: { files: FileLocations; settings: SettingsStore; traces: TraceFiles; version: Record<string, string | undefined> }): (onProgress?: (p: CollectLogsProgress) => void) => Promise<string> {
  return async (onProgress) => {
    const r = await collectLogs({
      onProgress,
      logsDir: o.files.logs,
      outDir: path.join(o.files.localData, 'collected-logs'),
      settings: o.settings.view(),
      version: o.version,
      flush: () => o.traces.flush(),
    });
    return r.zipPath;
  };
}
