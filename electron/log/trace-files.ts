/**
 * The trace files of the client: the main file, the helpers' own files, one log-flag mask for
 * all of them (command line, else settings), live mask changes (docs/log-flags.md).
 */
import { effectiveLogFlags, describeLogFlags } from '../../common/log-flags';
import { TraceWriter, type TraceWriterOptions } from './writer';

/** Named helper files of docs/log-flags.md (plus the update service, which traces separately). */
export type HelperTraceName = 'myAppsHookController' | 'myAppsOutlookSearch' | 'myAppsUpdate' | (string & {});

export interface TraceFilesOptions extends Omit<TraceWriterOptions, 'baseName' | 'mask' | 'maxFileSize'> {
  /**
   * What the command line says (`--log-flags`, `--log-size`), as the one command-line parser read
   * it (electron/security/argv.ts `parseLauncherArgv(...).options`): options after `--` or after a
   * link are not options, here as everywhere.
   */
  commandLine?: CommandLineLogOptions;
  /** Mask from settings (user field or PBX `logFlags`, resolved with force by the settings service). */
  settingsMask?: bigint;
  /** Size cap per file when the command line has no `--log-size` (the logSizeBytes setting). */
  maxFileSize?: number;
}

/** The trace options of the command line (a subset of electron/security's LauncherOptions). */
export interface CommandLineLogOptions {
  logFlags?: bigint;
  logSize?: number;
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
  readonly commandLine: CommandLineLogOptions;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createTraceFiles(opts: TraceFilesOptions): TraceFiles {
  const args: CommandLineLogOptions = { logFlags: opts.commandLine?.logFlags, logSize: opts.commandLine?.logSize };
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
  main.info(`Log flags ${describeLogFlags(mask.mask).text} (from ${mask.source}); file size cap ${main.maxFileSize} bytes`);
  return {
    main,
    helper: make,
    get mask() { return mask; },
    commandLine: args,
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
