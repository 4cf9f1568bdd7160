/**
 * "Collect logs" (docs/log-flags.md, issue 5): one zip with the trace folder, the resolved settings
 * (with their sources; secrets masked) and version info. The tray and the settings page call
 * `collectLogs()` and reveal the returned path.
 *
 * Zip layout:
 *   traces/<files of the trace folder>   text files passed through redact() line by line
 *   settings.json                          the settings object given, through redactData()
 *   version.json                           version info given, plus collection time and mask
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { ZipFile } from 'yazl';
import { redact, redactData } from './redact';
import { fileTimestamp } from './format';

export interface CollectLogsOptions {
  /** The trace folder. */
  logsDir: string;
  /** Where the zip goes (created if missing). */
  outDir: string;
  /** Resolved settings with sources, e.g. `{ logFlags: { value: '0x1', source: 'pbx-forced' }, … }`. */
  settings: unknown;
  /** Version info: app version, build, Electron/Chromium/Node versions, OS. */
  version: Record<string, unknown>;
  /** Flush the trace writers first so the zip holds the latest lines. */
  flush?: () => Promise<void>;
  /** Zip file base name; default `myApps-logs-<date-time>`. */
  name?: string;
  now?: () => Date;
  /** Skip files larger than this (bytes); default 512 MB. Skipped files are listed in version.json. */
  maxFileSize?: number;
  /**
   * Progress while the zip is written: bytes of trace files read (`done` of `total`) and files
   * finished; called when a file is done and at most every `progressIntervalMs` in between, and
   * once with done = total at the end.
   */
  onProgress?(p: CollectLogsProgress): void;
  /** Default 200 ms. */
  progressIntervalMs?: number;
}

export interface CollectLogsProgress {
  done: number;
  total: number;
  files: number;
  filesTotal: number;
}

export interface CollectLogsResult {
  zipPath: string;
  /** Paths inside the zip. */
  entries: string[];
  /** Files left out (too large, unreadable), with the reason. */
  skipped: { file: string; reason: string }[];
}

const TEXT_FILE = /\.(txt|log|json)$/i;

/** Files under `dir` (two levels deep), skipping zips and partial downloads. */
async function listFiles(dir: string, depth = 0): Promise<string[]> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (depth < 1) out.push(...(await listFiles(p, depth + 1)));
    } else if (e.isFile() && !/\.(zip|part|tmp)$/i.test(e.name)) {
      out.push(p);
    }
  }
  return out;
}

/** A line-by-line redacting transform for text files. */
function redactStream(): Transform {
  let rest = '';
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      const s = rest + chunk.toString('utf8');
      const i = s.lastIndexOf('\n');
      if (i < 0) { rest = s; cb(); return; }
      rest = s.slice(i + 1);
      cb(null, Buffer.from(s.slice(0, i + 1).split('\n').map(redact).join('\n')));
    },
    flush(cb: TransformCallback) {
      cb(null, rest ? Buffer.from(redact(rest)) : undefined);
    },
  });
}

export async function collectLogs(opts: CollectLogsOptions): Promise<CollectLogsResult> {
  const now = (opts.now ?? (() => new Date()))();
  const maxFileSize = opts.maxFileSize ?? 512 * 1024 * 1024;
  if (opts.flush) await opts.flush().catch(() => {});
  await fs.promises.mkdir(opts.outDir, { recursive: true });
  const name = (opts.name ?? `myApps-logs-${fileTimestamp(now)}`).replace(/[^A-Za-z0-9_.-]/g, '_');
  const zipPath = path.join(opts.outDir, `${name}.zip`);
  const partPath = `${zipPath}.part`;

  const zip = new ZipFile();
  const entries: string[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const outDirAbs = path.resolve(opts.outDir);
  const progress = { done: 0, total: 0, files: 0, filesTotal: 0 };
  let lastReport = 0;
  const report = (force: boolean) => {
    if (!opts.onProgress) return;
    const now = Date.now();
    if (!force && now - lastReport < (opts.progressIntervalMs ?? 200)) return;
    lastReport = now;
    opts.onProgress({ ...progress });
  };
  /** Counts the bytes of one file as the zip reads them. */
  const counted = (rs: Readable): Readable => {
    rs.on('data', (c: Buffer) => {
      progress.done += c.length;
      report(false);
    });
    rs.on('end', () => {
      progress.files++;
      report(true);
    });
    return rs;
  };
  // Sizes first (the progress total is known before the zip reads the first byte), then the entries.
  const files: { file: string; st: fs.Stats }[] = [];
  for (const file of await listFiles(opts.logsDir)) {
    if (path.resolve(file) === path.resolve(partPath)) continue;
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(file);
    } catch (err) {
      skipped.push({ file, reason: (err as Error).message });
      continue;
    }
    if (st.size > maxFileSize) { skipped.push({ file, reason: `larger than ${maxFileSize} bytes` }); continue; }
    if (path.dirname(path.resolve(file)) === outDirAbs && /^myApps-logs-/.test(path.basename(file))) continue;
    files.push({ file, st });
    progress.total += st.size;
    progress.filesTotal++;
  }
  for (const { file, st } of files) {
    const rel = path.relative(opts.logsDir, file).split(path.sep).join('/');
    const entry = `traces/${rel}`;
    // Snapshot the size now: a trace file that grows while zipping is cut at this length.
    const size = st.size;
    const text = TEXT_FILE.test(file);
    zip.addReadStreamLazy(entry, { mtime: st.mtime }, (cb) => {
      // Open now; a file deleted by rotation meanwhile becomes a one-line note, not a failed zip.
      let fd: number;
      try {
        fd = fs.openSync(file, 'r');
      } catch (err) {
        progress.done += size;
        progress.files++;
        cb(null, Readable.from([Buffer.from(`[${rel} could not be read: ${(err as Error).message}]\n`)]));
        return;
      }
      if (size === 0) {
        fs.closeSync(fd);
        progress.files++;
        cb(null, Readable.from([] as Buffer[]));
        return;
      }
      const rs = counted(fs.createReadStream('', { fd, start: 0, end: size - 1 }));
      cb(null, text ? rs.pipe(redactStream()) : rs);
    });
    entries.push(entry);
  }
  zip.addBuffer(Buffer.from(JSON.stringify(redactData(opts.settings ?? {}), null, 2) + '\n'), 'settings.json', { mtime: now });
  entries.push('settings.json');
  const version = redactData({ ...opts.version, collectedAt: now.toISOString(), skipped: skipped.map((s) => ({ file: path.basename(s.file), reason: s.reason })) });
  zip.addBuffer(Buffer.from(JSON.stringify(version, null, 2) + '\n'), 'version.json', { mtime: now });
  entries.push('version.json');
  zip.end();

  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(partPath, { mode: 0o600 });
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      out.destroy();
      fs.promises.rm(partPath, { force: true }).finally(() => reject(new Error(`Collect logs: cannot write ${zipPath}: ${err.message}`)));
    };
    zip.on('error', fail);
    zip.outputStream.on('error', fail);
    out.on('error', fail);
    out.on('close', () => { if (!failed) resolve(); });
    zip.outputStream.pipe(out);
  });
  await fs.promises.rename(partPath, zipPath);
  progress.done = progress.total;
  progress.files = progress.filesTotal;
  report(true);
  return { zipPath, entries, skipped };
}
