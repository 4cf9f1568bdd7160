/**
 * Client of the copy-keystroke helpers (native/win/send-copy.ps1, native/mac/send-copy.js) used
 * by the Windows/macOS "dial selected text" hot key (electron/hotkeys/copy-selection.ts).
 *
 * The helper is one long-lived child process (PowerShell needs 0.5–2 s to start and compile its
 * P/Invoke declarations; osascript ~0.1 s), started with a fixed argument array (never a shell,
 * nothing from a message or the user) and spoken to over stdin/stdout, one JSON object per line:
 *
 *   helper → {"ready":true,"version":1,"seq":N}                           once, at start
 *   "seq"  → {"seq":N}                                                    clipboard change counter
 *   "copy" → {"copied":true}                                              copy shortcut sent
 *          | {"error":"permission-denied"|"send-failed","message":"…","code":n}
 *   other  → {"error":"bad-command","message":"…"}
 *   helper → {"error":"unavailable","message":"…"} then exit code 3       cannot work at all
 *
 * stdin closed → the helper exits 0. Lines that are not JSON objects (PowerShell's "#< CLIXML"
 * progress records, blank lines) are ignored. Requests are sent one at a time.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { powershellExe } from './process';
import { CopyKeystrokeError } from '../electron/hotkeys/ports';
import type { Logger } from '../electron/platform';

export const COPY_HELPER_PROTOCOL_VERSION = 1;
/** Exit code of a helper that cannot work on this machine (printed an "unavailable" line first). */
export const EXIT_UNAVAILABLE = 3;

export const MAC_KEYSTROKE_DENIED =
  'macOS did not allow myApps to send the copy keystroke (Cmd+C) for the dial hot key. Allow myApps in System Settings › Privacy & Security › Accessibility (and › Automation › System Events), then press the hot key again';
export const WIN_KEYSTROKE_FAILED = 'Windows did not accept the copy keystroke (Ctrl+C) for the dial hot key';

export interface HelperCommand {
  file: string;
  args: string[];
}

/** Fixed command line of the helper for this OS; nothing in it comes from the user or a message. */
export function copyHelperCommand(platform: NodeJS.Platform, nativeDir: string, env: NodeJS.ProcessEnv = process.env): HelperCommand {
  if (platform === 'win32') {
    return {
      file: powershellExe(env),
      args: ['-NoProfile', '-NonInteractive', '-NoLogo', '-ExecutionPolicy', 'Bypass', '-File', path.win32.join(nativeDir, 'win', 'send-copy.ps1')],
    };
  }
  if (platform === 'darwin') return { file: '/usr/bin/osascript', args: ['-l', 'JavaScript', path.posix.join(nativeDir, 'mac', 'send-copy.js')] };
  throw new Error(`no copy-keystroke helper for ${platform} (Linux reads the PRIMARY selection instead)`);
}

export type HelperReply =
  | { kind: 'ready'; version: number; seq: number }
  | { kind: 'seq'; seq: number }
  | { kind: 'copied' }
  | { kind: 'error'; error: 'permission-denied' | 'send-failed' | 'bad-command' | 'unavailable' | 'failed'; message: string; code?: number };

const ERRORS = new Set(['permission-denied', 'send-failed', 'bad-command', 'unavailable']);

/** One stdout line of a helper; undefined for lines that are not protocol replies (noise). */
export function parseHelperLine(line: string): HelperReply | undefined {
  const t = line.replace(/^\uFEFF/, '').trim();
  if (!t.startsWith('{')) return undefined;
  let d: unknown;
  try {
    d = JSON.parse(t);
  } catch {
    return undefined;
  }
  if (!d || typeof d !== 'object' || Array.isArray(d)) return undefined;
  const r = d as Record<string, unknown>;
  const seqOk = typeof r.seq === 'number' && Number.isFinite(r.seq);
  if (typeof r.error === 'string') {
    const error = ERRORS.has(r.error) ? (r.error as 'permission-denied') : 'failed';
    return { kind: 'error', error, message: typeof r.message === 'string' ? r.message : r.error, code: typeof r.code === 'number' ? r.code : undefined };
  }
  if (r.ready === true && seqOk) return { kind: 'ready', version: typeof r.version === 'number' ? r.version : 0, seq: r.seq as number };
  if (r.copied === true) return { kind: 'copied' };
  if (seqOk) return { kind: 'seq', seq: r.seq as number };
  return undefined;
}

/** The error for a copy reply that is not `copied`, in words for the user. */
export function keystrokeError(platform: NodeJS.Platform, reply: HelperReply): CopyKeystrokeError {
  if (reply.kind !== 'error') return new CopyKeystrokeError('send-failed', `unexpected answer from the copy helper: ${reply.kind}`);
  const detail = `${reply.message}${reply.code !== undefined ? ` (${reply.code})` : ''}`;
  if (reply.error === 'permission-denied') {
    return new CopyKeystrokeError('permission-denied', platform === 'darwin' ? `${MAC_KEYSTROKE_DENIED}. macOS said: ${detail}` : `${WIN_KEYSTROKE_FAILED}: ${detail}`);
  }
  if (reply.error === 'unavailable') return new CopyKeystrokeError('unavailable', `the copy helper cannot work on this computer: ${detail}`);
  return new CopyKeystrokeError('send-failed', `${platform === 'darwin' ? 'the copy keystroke (Cmd+C) failed' : WIN_KEYSTROKE_FAILED}: ${detail}`);
}

/** Why the helper ended, from its exit code, its last error line and the tail of its stderr. */
export function describeHelperExit(code: number | null, signal: NodeJS.Signals | null, lastError: HelperReply | undefined, stderr: string): CopyKeystrokeError {
  const tail = stderr.trim().split(/\r?\n/).slice(-3).join(' | ').slice(0, 500);
  if (lastError?.kind === 'error') {
    const kind = lastError.error === 'permission-denied' ? 'permission-denied' : code === EXIT_UNAVAILABLE || lastError.error === 'unavailable' ? 'unavailable' : 'send-failed';
    return new CopyKeystrokeError(kind, `the copy helper stopped: ${lastError.message}${lastError.code !== undefined ? ` (${lastError.code})` : ''}`);
  }
  const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
  return new CopyKeystrokeError(code === EXIT_UNAVAILABLE ? 'unavailable' : 'send-failed', `the copy helper ${how}${tail ? `: ${tail}` : ''}`);
}

export interface CopyHelperOptions {
  command: HelperCommand;
  platform: NodeJS.Platform;
  logger?: Logger;
  /** Start (incl. PowerShell's Add-Type compile) may take a while on a busy machine. Default 20 s. */
  startTimeoutMs?: number;
  /** Per request; "copy" includes the macOS wait for released modifier keys. Default 5 s. */
  requestTimeoutMs?: number;
  /** After an "unavailable" start the helper is not started again for this long. Default 60 s. */
  retryAfterMs?: number;
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  waiter?: (r: HelperReply) => void;
  lastError?: HelperReply;
  stderr: string;
  exited?: CopyKeystrokeError;
  onExit: Set<(e: CopyKeystrokeError) => void>;
}

/** One long-lived helper process; restarted on the next request after it died. */
export class CopyHelper {
  private run?: Running;
  private chain: Promise<unknown> = Promise.resolve();
  private unavailable?: { error: CopyKeystrokeError; until: number };
  private closed = false;
  readonly stats = { starts: 0, requests: 0 };

  constructor(private readonly opts: CopyHelperOptions) {}

  /** Start the helper now (e.g. when the dial hot key becomes active) so the first press is fast. */
  warmUp(): Promise<void> {
    return this.enqueue(async () => {
      await this.ensure();
    });
  }

  /** The clipboard change counter (Windows GetClipboardSequenceNumber, macOS NSPasteboard.changeCount). */
  changeCount(): Promise<number> {
    return this.enqueue(async () => {
      const r = await this.request('seq');
      if (r.kind === 'seq') return r.seq;
      throw r.kind === 'error' ? keystrokeError(this.opts.platform, r) : new CopyKeystrokeError('send-failed', `unexpected answer from the copy helper: ${r.kind}`);
    });
  }

  /** Send the copy shortcut to the focused application. */
  sendCopy(): Promise<void> {
    return this.enqueue(async () => {
      const r = await this.request('copy');
      if (r.kind !== 'copied') throw keystrokeError(this.opts.platform, r);
    });
  }

  /** Stop the helper (closing stdin lets it exit by itself; killed if it does not). */
  close(): void {
    this.closed = true;
    const run = this.run;
    this.run = undefined;
    if (!run || run.exited) return;
    run.child.stdin.end();
    const t = setTimeout(() => run.child.kill(), 1000);
    t.unref?.();
    run.child.once('exit', () => clearTimeout(t));
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async ensure(): Promise<Running> {
    if (this.closed) throw new CopyKeystrokeError('unavailable', 'the copy helper was closed');
    if (this.unavailable && Date.now() < this.unavailable.until) throw this.unavailable.error;
    if (this.run && !this.run.exited) {
      await this.run.ready;
      return this.run;
    }
    const { file, args } = this.opts.command;
    this.stats.starts++;
    this.opts.logger?.trace('App', 'hotkeys: starting the copy helper', { file, args });
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, shell: false });
    const run: Running = { child, ready: Promise.resolve(), stderr: '', onExit: new Set() };
    this.run = run;
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const r = parseHelperLine(line);
      if (!r) return;
      if (r.kind === 'error') run.lastError = r;
      const w = run.waiter;
      run.waiter = undefined;
      w?.(r);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      run.stderr = (run.stderr + d).slice(-4000);
    });
    child.stdin.on('error', () => {}); // EPIPE when the helper died: reported through 'exit'
    const finish = (e: CopyKeystrokeError) => {
      if (run.exited) return;
      run.exited = e;
      if (this.run === run) this.run = undefined;
      if (e.kind === 'unavailable') this.unavailable = { error: e, until: Date.now() + (this.opts.retryAfterMs ?? 60_000) };
      run.onExit.forEach((f) => f(e));
    };
    child.on('error', (err) => finish(new CopyKeystrokeError('unavailable', `cannot start the copy helper ${file}: ${err.message}`)));
    // 'close' (not 'exit'): stdout has been read to the end, so a last error line is known.
    child.on('close', (code, signal) => finish(describeHelperExit(code, signal, run.lastError, run.stderr)));
    run.ready = this.nextReply(run, this.opts.startTimeoutMs ?? 20_000, 'start').then((r) => {
      if (r.kind === 'ready') {
        if (r.version !== COPY_HELPER_PROTOCOL_VERSION) this.opts.logger?.warn(`hotkeys: copy helper speaks protocol version ${r.version}, expected ${COPY_HELPER_PROTOCOL_VERSION}`);
        this.opts.logger?.trace('App', 'hotkeys: copy helper ready');
        return;
      }
      throw r.kind === 'error' ? keystrokeError(this.opts.platform, r) : new CopyKeystrokeError('send-failed', `unexpected first line from the copy helper: ${r.kind}`);
    });
    try {
      await run.ready;
    } catch (err) {
      if (err instanceof CopyKeystrokeError && err.kind === 'unavailable') this.unavailable = { error: err, until: Date.now() + (this.opts.retryAfterMs ?? 60_000) };
      this.kill(run);
      throw err;
    }
    return run;
  }

  private async request(cmd: 'seq' | 'copy'): Promise<HelperReply> {
    const run = await this.ensure();
    this.stats.requests++;
    const reply = this.nextReply(run, this.opts.requestTimeoutMs ?? 5000, cmd);
    run.child.stdin.write(`${cmd}\n`);
    return reply;
  }

  /** The next reply line, or the helper's death, or a timeout (then the helper is killed: its state is unknown). */
  private nextReply(run: Running, timeoutMs: number, what: string): Promise<HelperReply> {
    return new Promise((resolve, reject) => {
      if (run.exited) return reject(run.exited);
      const done = () => {
        clearTimeout(timer);
        run.onExit.delete(onExit);
        if (run.waiter === onReply) run.waiter = undefined;
      };
      const onReply = (r: HelperReply) => {
        done();
        resolve(r);
      };
      const onExit = (e: CopyKeystrokeError) => {
        done();
        reject(e);
      };
      const timer = setTimeout(() => {
        done();
        this.kill(run);
        reject(new CopyKeystrokeError('send-failed', `the copy helper did not answer "${what}" within ${timeoutMs} ms`));
      }, timeoutMs);
      run.waiter = onReply;
      run.onExit.add(onExit);
    });
  }

  private kill(run: Running): void {
    if (this.run === run) this.run = undefined;
    if (!run.exited) run.child.kill();
  }
}
