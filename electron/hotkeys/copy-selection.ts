/**
 * "Dial selected text" on Windows and macOS, where there is no PRIMARY selection: the documented
 * copy-then-read technique (docs/hotkeys.md), Electron-free behind two small ports.
 *
 *   1. note the clipboard's change counter and take a snapshot of its content (every format the
 *      ClipboardAccess adapter can read and write back);
 *   2. synthesise the copy shortcut into the focused application (CopyKeystroke: Ctrl+C / Cmd+C);
 *   3. poll the change counter until it moves, with a deadline (default 300 ms after the keystroke);
 *   4. changed: read the text, then restore the snapshot. Not changed (nothing selected, or the
 *      application does not copy): return '' and do not touch the clipboard at all.
 *
 * Presses are serialised: a second press waits until the first has restored the clipboard, so
 * two copies never interleave (a snapshot taken mid-sequence would "restore" the selection).
 * The selected text and the clipboard content are never traced, only sizes and format names.
 */
import type { Logger } from '../platform';
import { CopyKeystrokeError, type ClipboardAccess, type CopyKeystroke, type SelectionReader } from './ports';

export interface CopySelectionOptions<S = unknown> {
  clipboard: ClipboardAccess<S>;
  keystroke: CopyKeystroke;
  logger?: Logger;
  /** How long to wait for the application to put the selection on the clipboard. Default 300 ms. */
  timeoutMs?: number;
  /** Poll interval of the change counter. Default 10 ms. */
  pollMs?: number;
  /** Test hooks. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface CopySelectionStats {
  reads: number;
  copied: number;
  /** No clipboard change within the deadline (nothing selected). */
  empty: number;
  failed: number;
  /** The previous clipboard content could not be written back. */
  restoreFailed: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class CopySelectionReader<S = unknown> implements SelectionReader {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  readonly stats: CopySelectionStats = { reads: 0, copied: 0, empty: 0, failed: 0, restoreFailed: 0 };

  constructor(private readonly opts: CopySelectionOptions<S>) {
    this.timeoutMs = opts.timeoutMs ?? 300;
    this.pollMs = Math.max(1, opts.pollMs ?? 10);
    this.now = opts.now ?? (() => performance.now());
    this.sleep = opts.sleep ?? defaultSleep;
  }

  readSelection(): Promise<string> {
    const run = this.chain.then(() => this.readOnce());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private trace(message: string, data?: Record<string, unknown>): void {
    this.opts.logger?.trace('App', `hotkeys: copy selection: ${message}`, data);
  }

  private async readOnce(): Promise<string> {
    const { clipboard, keystroke } = this.opts;
    this.stats.reads++;
    // 1. counter + snapshot; if another application wrote in between, take them again (once).
    let before = await clipboard.changeCount();
    let snap = await clipboard.snapshot();
    const check = await clipboard.changeCount();
    if (check !== before) {
      before = check;
      snap = await clipboard.snapshot();
    }
    if (clipboard.describe) {
      const d = clipboard.describe(snap);
      this.trace('clipboard saved', { formats: d.formats, lost: d.lost });
    }
    // 2. the keystroke; a refusal is an error with the adapter's words, clipboard untouched.
    try {
      await keystroke.send();
    } catch (err) {
      this.stats.failed++;
      if (err instanceof CopyKeystrokeError) throw err;
      throw new CopyKeystrokeError('send-failed', `could not send the copy keystroke: ${err instanceof Error ? err.message : String(err)}`);
    }
    // 3. wait for the application to write the clipboard.
    const t0 = this.now();
    const deadline = t0 + this.timeoutMs;
    let changed = false;
    for (;;) {
      if ((await clipboard.changeCount()) !== before) {
        changed = true;
        break;
      }
      if (this.now() >= deadline) break;
      await this.sleep(Math.min(this.pollMs, Math.max(0, deadline - this.now())));
    }
    if (!changed) {
      this.stats.empty++;
      this.trace(`no clipboard change within ${this.timeoutMs} ms (nothing selected?)`);
      return '';
    }
    // 4. read, then always put the previous content back.
    let text = '';
    let restored = false;
    try {
      text = await clipboard.readText();
      // Some applications empty the clipboard first and set the data a moment later (the
      // counter moves on the first step): wait for the text within the same deadline.
      while (!text && this.now() < deadline) {
        await this.sleep(Math.min(this.pollMs, Math.max(0, deadline - this.now())));
        text = await clipboard.readText();
      }
    } finally {
      try {
        await clipboard.restore(snap);
        restored = true;
      } catch (err) {
        this.stats.restoreFailed++;
        this.opts.logger?.warn('hotkeys: copy selection: the previous clipboard content could not be restored (it now holds the selected text)', {
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
    if (text) this.stats.copied++;
    else this.stats.empty++;
    this.trace(`clipboard changed after ${Math.round(this.now() - t0)} ms, ${text.length} characters read, previous content ${restored ? 'restored' : 'NOT restored'}`);
    return text;
  }
}
