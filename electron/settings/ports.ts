/**
 * Ports of the settings service: where managed (installer/MDM) settings come from.
 * Implementations: native/linux/managed.ts (/etc/innovaphone/myApps/*.json),
 * native/win/managed.ts (`reg query`), native/mac/managed.ts (`defaults export`).
 */

/** What one managed source yielded. Names are raw (MSI property or setting key, any case). */
export interface ManagedSettingsRead {
  /** Raw values by the name the source uses (e.g. `SERVER`, `server`, `logFlags`). */
  values: Record<string, unknown>;
  /** Where they came from (file names, registry keys, defaults domains), for the trace. */
  origins: string[];
  /** Problems met while reading (bad files skipped, unreadable keys); never fatal. */
  warnings: string[];
}

export interface ManagedSettingsReader {
  read(): Promise<ManagedSettingsRead>;
}
