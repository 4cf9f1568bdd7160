import { describe, it, expect } from 'vitest';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { CopySelectionReader } from './copy-selection';
import { CopyKeystrokeError, type ClipboardAccess, type CopyKeystroke } from './ports';

/** An in-memory system clipboard with a change counter, like Windows' sequence number. */
class FakeClipboard implements ClipboardAccess<Record<string, string>> {
  count = 7;
  content: Record<string, string> = {};
  writes = 0;
  restoreFails = false;
  log: string[] = [];
  async changeCount() { return this.count; }
  async snapshot() { this.log.push('snapshot'); return { ...this.content }; }
  async restore(s: Record<string, string>) {
    this.log.push('restore');
    if (this.restoreFails) throw new Error('clipboard is locked by another program');
    this.write(s);
  }
  async readText() { return this.content['text/plain'] ?? ''; }
  describe(s: Record<string, string>) { return { formats: Object.keys(s), lost: [] }; }
  write(c: Record<string, string>) { this.content = { ...c }; this.count++; this.writes++; }
}

/** The focused application: on the copy keystroke it puts its selection on the clipboard after `delayMs`. */
class FakeApp implements CopyKeystroke {
  selection = '';
  delayMs = 0;
  /** Empty the clipboard first, set the data `stepMs` later (two counter changes). */
  twoStep?: number;
  refuse?: CopyKeystrokeError | Error;
  sent = 0;
  constructor(private readonly clip: FakeClipboard) {}
  async send() {
    this.sent++;
    this.clip.log.push('keystroke');
    if (this.refuse) throw this.refuse;
    if (!this.selection) return; // nothing selected: applications leave the clipboard alone
    const text = this.selection;
    setTimeout(() => {
      if (this.twoStep !== undefined) {
        this.clip.write({});
        setTimeout(() => this.clip.write({ 'text/plain': text, 'text/html': `<b>${text}</b>` }), this.twoStep);
      } else this.clip.write({ 'text/plain': text, 'text/html': `<b>${text}</b>` });
    }, this.delayMs);
  }
}

function setup(opts: { timeoutMs?: number } = {}) {
  const clip = new FakeClipboard();
  clip.content = { 'text/plain': 'old text', 'text/html': '<i>old</i>', 'image/png': 'PNGDATA' };
  const app = new FakeApp(clip);
  const logger = memoryLogger();
  const reader = new CopySelectionReader({ clipboard: clip, keystroke: app, logger, timeoutMs: opts.timeoutMs ?? 300, pollMs: 5 });
  return { clip, app, logger, reader };
}

describe('CopySelectionReader (copy-then-read)', () => {
  it('reads the copied selection and restores every saved format', async () => {
    const { clip, app, reader, logger } = setup();
    app.selection = '+49 7031 73009-0';
    const before = { ...clip.content };
    await expect(reader.readSelection()).resolves.toBe('+49 7031 73009-0');
    expect(clip.content).toEqual(before);
    expect(clip.log).toEqual(['snapshot', 'keystroke', 'restore']);
    expect(reader.stats).toMatchObject({ reads: 1, copied: 1, empty: 0, failed: 0 });
    // the selected text and the clipboard content are never traced
    const traced = JSON.stringify(logger.lines);
    expect(traced).not.toContain('7031');
    expect(traced).not.toContain('old');
    expect(traced).toContain('image/png');
  });

  it('no selection: returns empty text and never writes the clipboard', async () => {
    const { clip, app, reader } = setup({ timeoutMs: 80 });
    const before = { ...clip.content };
    const count = clip.count;
    await expect(reader.readSelection()).resolves.toBe('');
    expect(app.sent).toBe(1);
    expect(clip.writes).toBe(0);
    expect(clip.count).toBe(count);
    expect(clip.content).toEqual(before);
    expect(clip.log).toEqual(['snapshot', 'keystroke']);
    expect(reader.stats).toMatchObject({ empty: 1, copied: 0 });
  });

  it('waits for a slow application within the deadline', async () => {
    const { clip, app, reader } = setup({ timeoutMs: 400 });
    app.selection = '1234';
    app.delayMs = 120;
    await expect(reader.readSelection()).resolves.toBe('1234');
    expect(clip.content['text/plain']).toBe('old text');
  });

  it('an application that copies after the deadline counts as no selection (late copy stays on the clipboard)', async () => {
    const { clip, app, reader } = setup({ timeoutMs: 40 });
    app.selection = '555';
    app.delayMs = 400;
    await expect(reader.readSelection()).resolves.toBe('');
    expect(clip.content['text/plain']).toBe('old text');
    await new Promise((r) => setTimeout(r, 500));
    // the late copy is the application's own write after we gave up: it is what the user did
    expect(clip.content['text/plain']).toBe('555');
  });

  it('an application that empties the clipboard first and sets the text a moment later', async () => {
    const { clip, app, reader } = setup({ timeoutMs: 300 });
    app.selection = '0815';
    app.twoStep = 40;
    await expect(reader.readSelection()).resolves.toBe('0815');
    expect(clip.content['text/plain']).toBe('old text');
  });

  it('permission refusal: clear error, clipboard untouched', async () => {
    const { clip, app, reader } = setup();
    app.refuse = new CopyKeystrokeError('permission-denied', 'macOS did not allow myApps to send the copy keystroke: allow it in Accessibility');
    const before = { ...clip.content };
    const err = await reader.readSelection().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CopyKeystrokeError);
    expect((err as CopyKeystrokeError).kind).toBe('permission-denied');
    expect((err as Error).message).toMatch(/Accessibility/);
    expect(clip.content).toEqual(before);
    expect(clip.writes).toBe(0);
    expect(reader.stats.failed).toBe(1);
    // the reader keeps working after a refusal
    app.refuse = undefined;
    app.selection = '42';
    await expect(reader.readSelection()).resolves.toBe('42');
  });

  it('any other keystroke failure becomes a CopyKeystrokeError send-failed', async () => {
    const { app, reader } = setup();
    app.refuse = new Error('helper exited with code 3');
    const err = await reader.readSelection().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CopyKeystrokeError);
    expect((err as CopyKeystrokeError).kind).toBe('send-failed');
    expect((err as Error).message).toMatch(/could not send the copy keystroke: helper exited with code 3/);
  });

  it('restore failure: the text is still returned and a warning says the clipboard was not restored', async () => {
    const { clip, app, reader, logger } = setup();
    app.selection = '999';
    clip.restoreFails = true;
    await expect(reader.readSelection()).resolves.toBe('999');
    expect(reader.stats.restoreFailed).toBe(1);
    expect(logger.lines.some((l) => l.level === 'warn' && /could not be restored/.test(l.message))).toBe(true);
    expect(JSON.stringify(logger.lines)).not.toContain('999');
  });

  it('concurrent presses are serialised: each sees the original clipboard, never the other copy', async () => {
    const { clip, app, reader } = setup();
    app.selection = '111';
    app.delayMs = 30;
    const a = reader.readSelection();
    const b = reader.readSelection();
    const c = reader.readSelection();
    await expect(Promise.all([a, b, c])).resolves.toEqual(['111', '111', '111']);
    expect(clip.log).toEqual(['snapshot', 'keystroke', 'restore', 'snapshot', 'keystroke', 'restore', 'snapshot', 'keystroke', 'restore']);
    expect(clip.content['text/plain']).toBe('old text');
  });

  it('another program writing the clipboard while the snapshot is taken: snapshot taken again', async () => {
    const { clip, app, reader } = setup();
    app.selection = '77';
    const snap = clip.snapshot.bind(clip);
    let first = true;
    clip.snapshot = async () => {
      const s = await snap();
      if (first) {
        first = false;
        clip.write({ 'text/plain': 'newer' });
      }
      return s;
    };
    await expect(reader.readSelection()).resolves.toBe('77');
    expect(clip.content).toEqual({ 'text/plain': 'newer' });
  });
});
