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
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../platform';
import { TRACE_CATEGORIES, type TraceCategory } from '../../common/log-categories';
import { DEFAULT_LOG_SIZE, categoryBit } from '../../common/log-flags';
import { redact, redactLiterals, mayHoldSecret } from './redact';

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

/** Size of the buffers lines are encoded into. */
const CHUNK_BYTES = 256 * 1024;
/** Lines are encoded into the chunk once this many characters are gathered. */
const PEND_CHARS = 16 * 1024;
/** A partly filled chunk smaller than this is copied out at a write and reused. */
const COPY_BELOW = 64 * 1024;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `2026-11-23 14:34:11.123` in local time. */
export function formatTimestamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** `20261123-143411-123` (local time), used in file names. */
export function fileTimestamp(d: Date): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}-${pad(d.getMilliseconds(), 3)}`;
}

/** Data as compact JSON that never throws (BigInt as hex, cycles cut, errors as name+message). */
export function formatData(data: Record<string, unknown> | undefined): string {
  if (!data) return '';
  // Fast path: plain JSON data (no Error/typed array values at the top level, no BigInt, no cycle).
  let plain = true;
  for (const k in data) {
    const v = data[k];
    if (v !== null && typeof v === 'object' && (v instanceof Error || ArrayBuffer.isView(v))) { plain = false; break; }
  }
  if (plain) {
    try {
      return ` ${JSON.stringify(data)}`;
    } catch {
      // BigInt or a cycle: the careful path below
    }
  }
  const seen = new WeakSet<object>();
  try {
    return ` ${JSON.stringify(data, (_k, v: unknown) => {
      if (typeof v === 'bigint') return `0x${v.toString(16)}`;
      if (v instanceof Error) return { name: v.name, message: v.message, code: (v as NodeJS.ErrnoException).code };
      if (v && typeof v === 'object') {
        if (seen.has(v)) return '[cycle]';
        seen.add(v);
        if (ArrayBuffer.isView(v)) return `[${v.byteLength} bytes]`;
      }
      return v;
    })}`;
  } catch (err) {
    return ` [unprintable data: ${err instanceof Error ? err.message : String(err)}]`;
  }
}

/** `"key":` for a data key, and whether the key may name a secret (bounded cache). */
const keyCache = new Map<string, { json: string; risky: boolean }>();

/** Set by `formatFlat`: some key or string value may hold a secret (or was escaped). */
let flatRisky = false;

/** Strings JSON writes verbatim between quotes: no control character, `"`, `\\` or surrogate. */
function verbatimJsonString(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/**
 * ` {"k":v,…}` for a plain object whose values are all strings, finite/non-finite numbers,
 * booleans, null or undefined: the same text JSON.stringify makes, built without it. Returns
 * undefined for anything else (nested objects, BigInt, Errors, class instances): the caller takes
 * `formatData`. Sets `flatRisky` when a key or string value may hold a secret.
 */
export function formatFlat(data: Record<string, unknown>): string | undefined {
  const proto = Object.getPrototypeOf(data) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  let risky = false;
  let out = ' {';
  let first = true;
  for (const k in data) {
    const v = data[k];
    let val: string;
    switch (typeof v) {
      case 'string':
        if (v.length <= 256 && verbatimJsonString(v)) {
          val = `"${v}"`;
          if (!risky && mayHoldSecret(v)) risky = true;
        } else {
          val = JSON.stringify(v);
          risky = true;
        }
        break;
      case 'number':
        val = Number.isFinite(v) ? String(v) : 'null';
        break;
      case 'boolean':
        val = v ? 'true' : 'false';
        break;
      case 'undefined':
      case 'function':
      case 'symbol':
        continue;
      default:
        if (v !== null) return undefined;
        val = 'null';
    }
    let key = keyCache.get(k);
    if (!key) {
      key = { json: `${JSON.stringify(k)}:`, risky: !verbatimJsonString(k) || mayHoldSecret(k) };
      if (keyCache.size >= 512) keyCache.clear();
      keyCache.set(k, key);
    }
    if (key.risky) risky = true;
    out += first ? key.json + val : `,${key.json}${val}`;
    first = false;
  }
  flatRisky = risky;
  return `${out}}`;
}

/**
 * Whether a message text may hold a secret; the last answer is remembered (a constant message
 * traced in a loop is the same string). No map: messages that carry ids would only churn it.
 */
let lastMessage = '';
let lastMessageRisk = false;
function messageMayHoldSecret(msg: string): boolean {
  if (msg !== lastMessage) {
    lastMessageRisk = mayHoldSecret(msg);
    lastMessage = msg.length <= 512 ? msg : '';
  }
  return lastMessageRisk;
}

export class TraceWriter implements Logger {
  readonly dir: string;
  readonly baseName: string;
  readonly maxFileSize: number;
  readonly maxFiles: number;
  private readonly maxBufferedBytes: number;
  private readonly now: () => Date;
  private readonly nowMs: () => number;
  private mask = 0n;
  /** Category names (keys and labels, lower case) whose bit is on; rebuilt by setMask. */
  private onCategories = new Set<string>();
  /** Per category string: its tag when written, null when not (rebuilt on setMask; bounded). */
  private decisions = new Map<string, string | null>();
  /** Timestamp cache: the formatted second and the ms it was made for. */
  private stampSecond = -1;
  private stampPrefix = '';
  /** The last full timestamp and its ms. */
  private stampMs = -1;
  private stampText = '';
  /** Lines are encoded at once into `cur` (so they die young); full chunks wait in `queue`. */
  private queue: Buffer[] = [];
  private cur: Buffer | undefined; // allocated at the first line
  private curLen = 0;
  /** Lines not yet encoded. */
  private pend = '';
  /** Characters queued (the bound of maxBufferedBytes; UTF-8 bytes for ASCII text). */
  private queuedBytes = 0;
  private queuedLines = 0;
  private dropped = 0;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate = false;
  private readonly flushDelayMs: number;
  private fd: number | undefined;
  private file: string | undefined;
  private fileSize = 0;
  private failed = false;
  private closed = false;
  private readonly exitHook: (() => void) | undefined;
  /** Lines written since start (for tests and the bench). */
  linesWritten = 0;

  constructor(opts: TraceWriterOptions) {
    this.dir = opts.dir;
    this.baseName = opts.baseName ?? 'myApps';
    if (!/^[A-Za-z0-9_-]+$/.test(this.baseName)) throw new Error(`Invalid trace file base name ${JSON.stringify(this.baseName)}`);
    this.maxFileSize = Math.max(4096, opts.maxFileSize ?? DEFAULT_LOG_SIZE);
    this.maxFiles = Math.max(1, opts.maxFiles ?? 10);
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 16 * 1024 * 1024;
    this.flushDelayMs = Math.max(0, opts.flushDelayMs ?? 25);
    this.now = opts.now ?? (() => new Date());
    const custom = opts.now;
    this.nowMs = custom ? () => custom().getTime() : Date.now;
    this.setMask(opts.mask ?? 0n);
    if (opts.flushOnExit !== false) {
      this.exitHook = () => this.flushSync();
      process.on('exit', this.exitHook);
    }
  }

  /** Change the mask; takes effect for the next line. */
  setMask(mask: bigint): void {
    this.mask = mask;
    const on = new Set<string>();
    for (const [k, bit] of Object.entries(TRACE_CATEGORIES)) {
      if ((mask & bit) !== 0n) on.add(k);
    }
    this.onCategories = on;
    this.decisions = new Map();
  }

  getMask(): bigint {
    return this.mask;
  }

  /**
   * True when lines of this category are written (keys like `HTTPClient` or labels like
   * `HTTP client`). A name that is no category is filed under App (written when App is on, tagged
   * with its own name), so a misspelt category is not silently lost.
   */
  isEnabled(category: string): boolean {
    return this.tagIfEnabled(category) !== null;
  }

  /** The line tag of a category when its lines are written, else null. */
  private tagIfEnabled(category: string): string | null {
    const d = this.decisions.get(category);
    if (d !== undefined) return d;
    const on = this.onCategories.has(category) || (this.mask & (categoryBit(category) ?? TRACE_CATEGORIES.App)) !== 0n;
    const tag = on ? (category in TRACE_CATEGORIES ? category : tagOf(category)) : null;
    if (this.decisions.size < 1000) this.decisions.set(category, tag);
    return tag;
  }

  /** The `Logger.enabled` port member: same answer as `isEnabled`. */
  enabled(category: string): boolean {
    return this.isEnabled(category);
  }

  /** `2026-11-23 14:34:11.123`, formatted once per second and completed with the ms. */
  private stamp(): string {
    const t = this.nowMs();
    if (t === this.stampMs) return this.stampText;
    this.stampMs = t;
    const sec = Math.floor(t / 1000);
    if (sec !== this.stampSecond) {
      this.stampSecond = sec;
      this.stampPrefix = formatTimestamp(new Date(t)).slice(0, 19);
    }
    const ms = t - sec * 1000;
    this.stampText = `${this.stampPrefix}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}`;
    return this.stampText;
  }

  /** The file currently written, once the first line went out. */
  get currentFile(): string | undefined {
    return this.file;
  }

  trace(category: string, message: string, data?: Record<string, unknown>): void {
    const tag = this.tagIfEnabled(category);
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
      let msg = typeof message === 'string' ? message : String(message);
      if (msg.includes('\n')) msg = msg.replace(/\r?\n/g, '\n    ');
      // Redaction: the whole text goes through redact() unless no piece of it may hold a secret
      // (message, and with flat data each key and string value; see mayHoldSecret).
      const flat = data ? formatFlat(data) : '';
      let body: string;
      if (flat === undefined) body = redact(msg + formatData(data));
      else if ((data && flatRisky) || messageMayHoldSecret(msg)) body = redact(msg + flat);
      else body = redactLiterals(msg + flat);
      line = `${this.stamp()} [${tag}] ${body}\n`;
    } catch {
      return;
    }
    if (this.queuedBytes + line.length > this.maxBufferedBytes) {
      this.dropped++;
      return;
    }
    // Lines are gathered in a short string and encoded a few hundred at a time (one native call
    // instead of one per line; the lines die young either way).
    this.pend += line;
    this.queuedBytes += line.length;
    this.queuedLines++;
    if (this.pend.length >= PEND_CHARS) this.encode();
    this.schedule(this.queue.length > 0);
  }

  /** Encode the gathered lines into the current chunk (sealing it first when they might not fit). */
  private encode(): void {
    const text = this.pend;
    if (!text) return;
    this.pend = '';
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const max = text.length * 3;
    if (max > CHUNK_BYTES - this.curLen) {
      this.seal();
      if (max > CHUNK_BYTES) {
        this.queue.push(Buffer.from(text));
        return;
      }
    }
    this.cur ??= Buffer.allocUnsafeSlow(CHUNK_BYTES);
    this.curLen += this.cur.write(text, this.curLen);
  }

  /** Move the current chunk's bytes to the queue. */
  private seal(): void {
    if (!this.curLen || !this.cur) return;
    if (this.curLen < COPY_BELOW) {
      this.queue.push(Buffer.from(this.cur.subarray(0, this.curLen)));
    } else {
      this.queue.push(this.cur.subarray(0, this.curLen));
      this.cur = undefined;
    }
    this.curLen = 0;
  }

  private get pending(): boolean {
    return this.queue.length > 0 || this.curLen > 0 || this.pend.length > 0 || this.dropped > 0;
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
    while (this.writing || this.pending) {
      if (this.writing) await this.writing;
      else await this.drain();
      if (this.failed) return;
    }
  }

  private drain(): Promise<void> {
    if (this.writing) return this.writing;
    if (!this.pending) return Promise.resolve();
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    this.writing = this.writeBatch().finally(() => {
      this.writing = undefined;
      if (this.pending && !this.closed && !this.failed) this.schedule(this.queue.length > 0);
    });
    return this.writing;
  }

  /** Everything queued as one buffer, and its line count. */
  private takeBatch(): { data: Buffer; lines: number } {
    this.encode();
    this.seal();
    const parts = this.queue;
    let lines = this.queuedLines;
    this.queue = [];
    this.queuedBytes = 0;
    this.queuedLines = 0;
    if (this.dropped) {
      parts.unshift(Buffer.from(`${formatTimestamp(this.now())} [WARN] ${this.dropped} trace lines dropped (writer could not keep up)\n`));
      this.dropped = 0;
      lines++;
    }
    return { data: parts.length === 1 ? parts[0]! : Buffer.concat(parts), lines };
  }

  private async writeBatch(): Promise<void> {
    const batch = this.takeBatch();
    try {
      for (const chunk of this.chunks(batch.data)) {
        await this.ensureFile(chunk.rotate);
        await writeAll(this.fd!, chunk.data);
        this.fileSize += chunk.data.length;
      }
      this.linesWritten += batch.lines;
    } catch (err) {
      this.fail(err);
    }
  }

  /**
   * Split a batch into chunks that respect the size cap (each chunk goes to one file; `rotate`:
   * start a new file first). Works on the joined bytes: one Buffer per batch, cuts at newlines.
   * A single line longer than the cap is written whole into a file of its own.
   */
  private *chunks(buf: Buffer): Generator<{ data: Buffer; rotate: boolean }> {
    let size = this.fd === undefined ? 0 : this.fileSize;
    let rotate = false;
    let off = 0;
    while (off < buf.length) {
      const room = this.maxFileSize - size;
      if (buf.length - off <= room) {
        yield { data: buf.subarray(off), rotate };
        return;
      }
      let cut = room > 0 ? buf.lastIndexOf(10, off + room - 1) : -1;
      if (cut < off) {
        if (size > 0) { size = 0; rotate = true; continue; }
        cut = buf.indexOf(10, off + room);
        if (cut < 0) cut = buf.length - 1;
      }
      yield { data: buf.subarray(off, cut + 1), rotate };
      off = cut + 1;
      size = 0;
      rotate = true;
    }
  }

  private async ensureFile(rotate: boolean): Promise<void> {
    if (this.fd !== undefined && !rotate) return;
    if (this.fd !== undefined) {
      const fd = this.fd;
      this.fd = undefined;
      await new Promise<void>((res) => fs.close(fd, () => res()));
    }
    await fs.promises.mkdir(this.dir, { recursive: true });
    const file = await this.newFileName();
    this.fd = await new Promise<number>((res, rej) => fs.open(file, 'wx', 0o600, (err, fd) => (err ? rej(err) : res(fd))));
    this.file = file;
    this.fileSize = 0;
    await this.prune();
  }

  private async newFileName(): Promise<string> {
    const stamp = fileTimestamp(this.now());
    for (let i = 0; ; i++) {
      const f = path.join(this.dir, `${this.baseName}-${stamp}${i ? `-${i}` : ''}.txt`);
      try {
        await fs.promises.access(f);
      } catch {
        return f;
      }
    }
  }

  /** Delete the oldest files of this base name beyond maxFiles. */
  private async prune(): Promise<void> {
    const mine = await listTraceFiles(this.dir, this.baseName);
    const excess = mine.length - this.maxFiles;
    for (let i = 0; i < excess; i++) {
      const f = mine[i]!;
      if (f === this.file) continue;
      await fs.promises.rm(f, { force: true }).catch(() => {});
    }
  }

  private fail(err: unknown): void {
    if (!this.failed) {
      this.failed = true;
      try {
        process.stderr.write(`trace writer: cannot write to ${this.dir}: ${err instanceof Error ? err.message : String(err)}; traces are off\n`);
      } catch { /* nothing left to tell */ }
    }
    this.queue = [];
    this.curLen = 0;
    this.pend = '';
    this.queuedBytes = 0;
    this.queuedLines = 0;
  }

  /** Write what is queued synchronously (process exit). Never throws. */
  flushSync(): void {
    if (this.failed || !this.pending) return;
    try {
      const batch = this.takeBatch();
      // An async write may be in flight; appending to the same file after it is fine for a log.
      fs.mkdirSync(this.dir, { recursive: true });
      for (const chunk of this.chunks(batch.data)) {
        if (this.fd === undefined || chunk.rotate) {
          if (this.fd !== undefined) { try { fs.closeSync(this.fd); } catch { /* ignore */ } }
          let f = path.join(this.dir, `${this.baseName}-${fileTimestamp(this.now())}.txt`);
          for (let i = 1; fs.existsSync(f); i++) f = path.join(this.dir, `${this.baseName}-${fileTimestamp(this.now())}-${i}.txt`);
          this.fd = fs.openSync(f, 'wx', 0o600);
          this.file = f;
          this.fileSize = 0;
        }
        fs.writeSync(this.fd, chunk.data);
        this.fileSize += chunk.data.length;
      }
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
    if (this.fd !== undefined) {
      const fd = this.fd;
      this.fd = undefined;
      await new Promise<void>((res) => fs.close(fd, () => res()));
    }
  }
}

function tagOf(category: string): string {
  const bit = categoryBit(category);
  if (bit === undefined) return category.replace(/[^A-Za-z0-9 _.-]/g, '?').slice(0, 40);
  return (Object.entries(TRACE_CATEGORIES) as [TraceCategory, bigint][]).find(([, b]) => b === bit)![0];
}

async function writeAll(fd: number, data: Buffer): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const n = await new Promise<number>((res, rej) => fs.write(fd, data, off, data.length - off, null, (err, written) => (err ? rej(err) : res(written))));
    off += n;
  }
}

/** Trace files of one base name in a folder, oldest first (by name: the names carry the time). */
export async function listTraceFiles(dir: string, baseName: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return [];
  }
  const re = new RegExp(`^${baseName}-(\\d{8}-\\d{6}-\\d{3})(?:-(\\d+))?\\.txt$`);
  return names
    .map((n) => ({ n, m: re.exec(n) }))
    .filter((x): x is { n: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => (a.m[1]! < b.m[1]! ? -1 : a.m[1]! > b.m[1]! ? 1 : Number(a.m[2] ?? 0) - Number(b.m[2] ?? 0)))
    .map((x) => path.join(dir, x.n));
}
