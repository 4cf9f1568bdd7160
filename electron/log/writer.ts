/**
 * Trace files (docs/log-flags.md): `myApps-<date-time>.txt` in the logs folder, one line per event
 * with a millisecond timestamp and a category tag, written only when the category's log-flag bit
 * is on (warnings and errors always). Implements the `Logger` port of electron/platform.ts.
 *
 * Writes are buffered and asynchronous: `trace()` only formats the line and appends it to a
 * buffer (encoded into 256 KB chunks); one write at a time drains it, gathering up to
 * `flushDelayMs` (25 ms) of lines per write. Nothing ever throws into the caller: a failing disk
 * is reported once on stderr and lines are counted as dropped. The queue is bounded
 * (`maxBufferedBytes`); beyond it lines are dropped and a "N lines dropped" marker is written when
 * the disk catches up. `flushSync()` (called on process exit) writes what is left synchronously.
 *
 * Each file is capped at `maxFileSize` bytes (`--log-size`); then a new file is started and the
 * oldest files of the same base name beyond `maxFiles` are deleted.
 *
 * This file is the Logger and the write scheduling; its parts: which categories are written
 * (./filter.ts), the line text and its redaction (./format.ts), the bounded queue (./queue.ts),
 * the files and their rotation (./rotation.ts).
 */
import type { Logger } from '../platform';
import { CategoryFilter } from './filter';
import { DEFAULT_LOG_SIZE } from '../../common/log-flags';
import { formatBody, LineStamp } from './format';
import { LineQueue } from './queue';
import { RotatingFile } from './rotation';

export interface TraceWriterOptions {
  /** Folder of the trace files (created if missing). */
  dir: string;
  /** File name prefix: `myApps` (main), `myAppsHookController`, `myAppsOutlookSearch`, … */
  baseName?: string;
  /** Log-flag mask (BigInt). Change it live with `setMask()`. */
  mask?: bigint;
  /** Size cap per file in bytes (`--log-size`); default 10 MB. */
  maxFileSize?: number;
  /** Files of this base name kept in the folder (the current one included); default 10. */
  maxFiles?: number;
  /** Queue bound in bytes; beyond it lines are dropped (and counted). Default 16 MB. */
  maxBufferedBytes?: number;
  /** Clock (tests). */
  now?: () => Date;
  /**
   * Lines are gathered this long before a write (one syscall for many lines); a full 256 KB chunk
   * is written at once. Default 25 ms. `flush()`, `close()` and the exit hook write at once.
   */
  flushDelayMs?: number;
  /** Install a process 'exit' hook that flushes synchronously. Default true. */
  flushOnExit?: boolean;
}

const LEVEL_TAG = { warn: 'WARN', error: 'ERROR' } as const;

export class TraceWriter implements Logger {
  readonly dir: string;
  readonly baseName: string;
  private maxSize: number;
  readonly maxFiles: number;
  private readonly now: () => Date;
  private readonly filter: CategoryFilter;
  private readonly stamp: LineStamp;
  private readonly queue: LineQueue;
  private readonly files: RotatingFile;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate = false;
  private readonly flushDelayMs: number;
  private failed = false;
  private closed = false;
  private readonly exitHook: (() => void) | undefined;
  /** Lines written since start (for tests and the bench). */
  linesWritten = 0;

  constructor(opts: TraceWriterOptions) {
    this.dir = opts.dir;
    this.baseName = opts.baseName ?? 'myApps';
    if (!/^[A-Za-z0-9_-]+$/.test(this.baseName)) throw new Error(`Invalid trace file base name ${JSON.stringify(this.baseName)}`);
    this.maxSize = Math.max(4096, opts.maxFileSize ?? DEFAULT_LOG_SIZE);
    this.maxFiles = Math.max(1, opts.maxFiles ?? 10);
    this.queue = new LineQueue(opts.maxBufferedBytes ?? 16 * 1024 * 1024);
    this.flushDelayMs = Math.max(0, opts.flushDelayMs ?? 25);
    this.now = opts.now ?? (() => new Date());
    const custom = opts.now;
    this.stamp = new LineStamp(custom ? () => custom().getTime() : Date.now);
    this.files = new RotatingFile({ dir: this.dir, baseName: this.baseName, maxFileSize: this.maxSize, maxFiles: this.maxFiles, now: this.now });
    this.filter = new CategoryFilter(opts.mask ?? 0n);
    if (opts.flushOnExit !== false) {
      this.exitHook = () => this.flushSync();
      process.on('exit', this.exitHook);
    }
  }

  /** Each file's size cap (`--log-size`, the logSizeBytes setting). */
  get maxFileSize(): number {
    return this.maxSize;
  }

  /** Change the size cap (at least 4096 bytes); the current file rotates once it reaches it. */
  setMaxFileSize(bytes: number): void {
    this.maxSize = Math.max(4096, bytes);
    this.files.setMaxFileSize(this.maxSize);
  }

  /** Change the mask; takes effect for the next line. */
  setMask(mask: bigint): void {
    this.filter.setMask(mask);
  }

  getMask(): bigint {
    return this.filter.mask;
  }

  /**
   * True when lines of this category are written (keys like `HTTPClient` or labels like
   * `HTTP client`). A name that is no category is filed under App (written when App is on, tagged
   * with its own name), so a misspelt category is not silently lost.
   */
  isEnabled(category: string): boolean {
    return this.filter.tag(category) !== null;
  }

  /** The `Logger.enabled` port member: same answer as `isEnabled`. */
  enabled(category: string): boolean {
    return this.isEnabled(category);
  }

  /** The file currently written, once the first line went out. */
  get currentFile(): string | undefined {
    return this.files.current;
  }

  trace(category: string, message: string, data?: Record<string, unknown>): void {
    const tag = this.filter.tag(category);
    if (tag === null) return;
    this.push(tag, message, data);
  }

  /** An always-written informational line (start banner, mask changes); not part of the Logger port. */
  info(message: string, data?: Record<string, unknown>): void {
    this.push('INFO', message, data);
  }

  warn(message: string, data?: Record<string, unknown>): void {
    this.push(LEVEL_TAG.warn, message, data);
  }

  error(message: string, data?: Record<string, unknown>): void {
    this.push(LEVEL_TAG.error, message, data);
  }

  private push(tag: string, message: string, data: Record<string, unknown> | undefined): void {
    if (this.closed) return;
    let line: string;
    try {
      const body = formatBody(message, data);
      line = `${this.stamp.get()} [${tag}] ${body}\n`;
    } catch {
      return;
    }
    if (!this.queue.add(line)) return;
    this.schedule(this.queue.hasFullChunk);
  }

  /** Start a write later (after flushDelayMs) or, `urgent` (a full chunk waits), on the next turn. */
  private schedule(urgent: boolean): void {
    if (this.writing || this.immediate) return; // the write in flight schedules the next one
    if (urgent || this.flushDelayMs === 0) {
      if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
      this.immediate = true;
      setImmediate(() => { this.immediate = false; void this.drain(); });
    } else if (!this.timer) {
      this.timer = setTimeout(() => { this.timer = undefined; void this.drain(); }, this.flushDelayMs);
    }
  }

  /** Wait until every line queued so far is on disk. Never rejects. */
  async flush(): Promise<void> {
    while (this.writing || this.queue.pending) {
      if (this.writing) await this.writing;
      else await this.drain();
      if (this.failed) return;
    }
  }

  private drain(): Promise<void> {
    if (this.writing) return this.writing;
    if (!this.queue.pending) return Promise.resolve();
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    this.writing = this.writeBatch().finally(() => {
      this.writing = undefined;
      if (this.queue.pending && !this.closed && !this.failed) this.schedule(this.queue.hasFullChunk);
    });
    return this.writing;
  }

  private async writeBatch(): Promise<void> {
    const batch = this.queue.take(this.now);
    try {
      await this.files.write(batch.data);
      this.linesWritten += batch.lines;
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    if (!this.failed) {
      this.failed = true;
      try {
        process.stderr.write(`trace writer: cannot write to ${this.dir}: ${err instanceof Error ? err.message : String(err)}; traces are off\n`);
      } catch { /* nothing left to tell */ }
    }
    this.queue.clear();
  }

  /** Write what is queued synchronously (process exit). Never throws. */
  flushSync(): void {
    if (this.failed || !this.queue.pending) return;
    try {
      const batch = this.queue.take(this.now);
      this.files.writeSync(batch.data);
      this.linesWritten += batch.lines;
    } catch (err) {
      this.fail(err);
    }
  }

  /** Flush and close the file; later lines are ignored. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (this.exitHook) process.off('exit', this.exitHook);
    await this.files.close();
  }
}
