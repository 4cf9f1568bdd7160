/**
 * The trace files of the client: the main file, the helpers' own files, one log-flag mask for
 * all of them (command line, else settings), live mask changes (docs/log-flags.md).
 */
import { effectiveLogFlags, parseLogArgs, describeLogFlags, type LogArgs } from '../../common/log-flags';
import { TraceWriter, type TraceWriterOptions } from './writer';

/** Named helper files of docs/log-flags.md (plus the update service, which traces separately). */
export type HelperTraceName = 'myAppsHookController' | 'myAppsOutlookSearch' | 'myAppsUpdate' | (string & {});

export interface TraceFilesOptions extends Omit<TraceWriterOptions, 'baseName' | 'mask' | 'maxFileSize'> {
  /** Command line (`process.argv`): `--log-flags=` and `--log-size=` are read from it. */
  argv?: readonly string[];
  /** Mask from settings (user field or PBX `logFlags`, resolved with force by the settings service). */
  settingsMask?: bigint;
  /** Size cap per file when the command line has no `--log-size` (the logSizeBytes setting). */
  maxFileSize?: number;
}

export interface TraceFiles {
  /** `myApps-<date-time>.txt` */
  readonly main: TraceWriter;
  /** A helper's own file (`myAppsHookController-<date-time>.txt`, …), same mask and size cap. */
  helper(baseName: HelperTraceName): TraceWriter;
  /** A new settings mask (settings change event); applied live to every file. */
  setSettingsMask(mask: bigint | undefined): void;
  /** A new size cap from settings (logSizeBytes); `--log-size` wins. Applied live to every file. */
  setSettingsMaxFileSize(bytes: number | undefined): void;
  /** The mask in effect and where it came from. */
  readonly mask: { mask: bigint; source: 'command-line' | 'settings' | 'default' };
  readonly args: LogArgs;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createTraceFiles(opts: TraceFilesOptions): TraceFiles {
  const args = parseLogArgs(opts.argv ?? []);
  let settingsMask = opts.settingsMask;
  let mask = effectiveLogFlags({ commandLine: args.logFlags, settings: settingsMask });
  let maxFileSize = args.logSize ?? opts.maxFileSize;
  const writers = new Map<string, TraceWriter>();
  const make = (baseName: string): TraceWriter => {
    let w = writers.get(baseName);
    if (!w) {
      w = new TraceWriter({ ...opts, baseName, mask: mask.mask, maxFileSize });
      writers.set(baseName, w);
    }
    return w;
  };
  const main = make('myApps');
  for (const e of args.errors) main.warn(`Command line: ${e}`);
  main.info(`Log flags ${describeLogFlags(mask.mask).text} (from ${mask.source}); file size cap ${main.maxFileSize} bytes`);
  return {
    main,
    helper: make,
    get mask() { return mask; },
    args,
    setSettingsMask(m) {
      settingsMask = m;
      const next = effectiveLogFlags({ commandLine: args.logFlags, settings: settingsMask });
      if (next.mask === mask.mask && next.source === mask.source) return;
      mask = next;
      for (const w of writers.values()) w.setMask(mask.mask);
      main.info(`Log flags changed: ${describeLogFlags(mask.mask).text} (from ${mask.source})`);
    },
    setSettingsMaxFileSize(bytes) {
      if (args.logSize !== undefined || bytes === undefined || bytes === maxFileSize) return;
      maxFileSize = bytes;
      for (const w of writers.values()) w.setMaxFileSize(bytes);
      main.info(`Trace file size cap changed: ${main.maxFileSize} bytes (from settings)`);
    },
    async flush() {
      await Promise.all([...writers.values()].map((w) => w.flush()));
    },
    async close() {
      await Promise.all([...writers.values()].map((w) => w.close()));
    },
  };
}
