/**
 * Log flags, trace files and "collect logs" (docs/log-flags.md). Public face of electron/log.
 *
 *   const traces = createTraceFiles({ dir: files.logs, commandLine: parseLauncherArgv(args).options, settingsMask });
 *   const logger = traces.main;                         // Logger port for every service
 *   const hook = traces.helper('myAppsHookController'); // a helper's own file
 *   // live changes of the logFlags / logSizeBytes settings: electron/wiring/reactions.ts
 *   await collectLogs({ logsDir: files.logs, outDir, settings, version, flush: traces.flush });
 */
export { createTraceFiles, type TraceFiles, type TraceFilesOptions, type HelperTraceName, type CommandLineLogOptions } from './trace-files';
export { redact, redactData, registerSecret, isSecretKey } from './redact';
export { TraceWriter, type TraceWriterOptions } from './writer';
export { formatTimestamp, fileTimestamp } from './format';
export { listTraceFiles } from './rotation';
export { collectLogs, type CollectLogsOptions, type CollectLogsProgress, type CollectLogsResult } from './collect';
