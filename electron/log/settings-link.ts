/**
 * Live log flags from settings: the resolved `logFlags` setting (user field, or the PBX's
 * Client Settings value, with force resolved by electron/settings) is applied to every trace file
 * now and on each change. A `--log-flags=` command line still wins (createTraceFiles).
 */
import type { Logger } from '../platform';
import { tryParseLogFlags } from '../../common/log-flags';
import type { TraceFiles } from './trace-files';

/** The part of electron/settings' SettingsStore this needs. */
export interface LogFlagsSettings {
  get(key: 'logFlags'): unknown;
  onChange(listener: (changes: { key: string }[]) => void): () => void;
}

export function linkLogFlagsToSettings(traces: Pick<TraceFiles, 'setSettingsMask'>, settings: LogFlagsSettings, logger: Logger): () => void {
  const apply = (): void => {
    const raw = settings.get('logFlags');
    if (raw === undefined || raw === null || raw === '') {
      traces.setSettingsMask(undefined);
      return;
    }
    const r = tryParseLogFlags(raw as string | number | bigint);
    if (r.ok) traces.setSettingsMask(r.mask);
    else logger.warn(`log flags setting ignored: ${r.error}`);
  };
  apply();
  return settings.onChange((changes) => {
    if (changes.some((c) => c.key === 'logFlags')) apply();
  });
}
