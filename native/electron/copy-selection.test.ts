import { describe, it, expect, vi, beforeEach } from 'vitest';
import * as path from 'node:path';

// Electron 45's async clipboard: read() → ClipboardItem[] (types + getType), write(ClipboardItem[]).
const board = vi.hoisted(() => ({
  entries: [] as Record<string, unknown>[],
  unreadable: new Set<string>(),
  writes: 0,
  clears: 0,
}));
vi.mock('electron', () => {
  class ClipboardItem {
    constructor(readonly data: Record<string, unknown>) {}
    get types() { return Object.keys(this.data); }
    async getType(t: string) {
      if (board.unreadable.has(t) || !(t in this.data)) throw new Error(`NotFoundError: ${t}`);
      return this.data[t];
    }
  }
  return {
    ClipboardItem,
    clipboard: {
      async read() { return board.entries.map((e) => new ClipboardItem(e)); },
      async write(items: ClipboardItem[]) { board.writes++; board.entries = items.map((i) => ({ ...i.data })); },
      async readText() {
        const t = board.entries[0]?.['text/plain'];
        return t instanceof Blob ? t.text() : typeof t === 'string' ? t : '';
      },
      clear() { board.clears++; board.entries = []; },
    },
  };
});

import { createCopySelectionReader, ElectronClipboardAccess, type CopyHelperPort } from './copy-selection';
import { CopyKeystrokeError } from '../../electron/hotkeys/ports';
import { memoryLogger } from '../../test/fixtures/memory-logger';

/** The native helper with the focused application behind it: "copy" puts the selection on the board. */
class FakeHelper implements CopyHelperPort {
  seq = 500;
  selection = '';
  refuse?: CopyKeystrokeError;
  closed = false;
  async changeCount() { return this.seq; }
  async sendCopy() {
    if (this.refuse) throw this.refuse;
    if (!this.selection) return;
    board.entries = [{ 'text/plain': new Blob([this.selection]), 'text/html': new Blob([`<span>${this.selection}</span>`]) }];
    this.seq++;
  }
  async warmUp() {}
  close() { this.closed = true; }
}

const png = new Blob([Buffer.from([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' });
beforeEach(() => {
  board.entries = [
    {
      'text/plain': new Blob(['oldclip']),
      'text/html': new Blob(['<b>oldclip</b>']),
      'text/rtf': new Blob(['{\\rtf1 oldclip}']),
      'image/png': png,
      'electron application/bookmark': { title: 'Docs', url: 'https://example.com/' },
      'electron application/osclipboard;format="com.example.private"': new Blob(['raw']),
    },
    { 'text/plain': new Blob(['second entry']) },
  ];
  board.unreadable.clear();
  board.writes = 0;
  board.clears = 0;
});

describe('Electron copy-then-read selection reader', () => {
  it('returns the copied selection and writes back every entry and format', async () => {
    const helper = new FakeHelper();
    helper.selection = '+49 (7031) 73009-0';
    const logger = memoryLogger();
    const before = board.entries;
    const reader = createCopySelectionReader({ nativeDir: '/x', helper, logger, platform: 'win32' });
    await expect(reader.readSelection()).resolves.toBe('+49 (7031) 73009-0');
    expect(board.writes).toBe(1);
    expect(board.entries).toHaveLength(2);
    expect(board.entries[0]).toEqual(before[0]);
    expect(board.entries[0]!['image/png']).toBe(png);
    expect(board.entries[0]!['electron application/bookmark']).toEqual({ title: 'Docs', url: 'https://example.com/' });
    expect(await (board.entries[1]!['text/plain'] as Blob).text()).toBe('second entry');
    const trace = logger.lines.find((l) => /clipboard saved/.test(l.message));
    expect(trace?.data).toEqual({
      formats: ['text/plain', 'text/html', 'text/rtf', 'image/png', 'electron application/bookmark', 'electron application/osclipboard;format="com.example.private"', 'text/plain'],
      lost: [],
    });
    expect(JSON.stringify(logger.lines)).not.toMatch(/oldclip|7031/);
  });

  it('nothing selected: empty text, the clipboard is neither written nor cleared', async () => {
    const helper = new FakeHelper();
    const before = board.entries;
    const reader = createCopySelectionReader({ nativeDir: '/x', helper, timeoutMs: 60 });
    await expect(reader.readSelection()).resolves.toBe('');
    expect(board.writes + board.clears).toBe(0);
    expect(board.entries).toBe(before);
  });

  it('an empty clipboard is emptied again after the copy', async () => {
    board.entries = [];
    const helper = new FakeHelper();
    helper.selection = '200';
    const reader = createCopySelectionReader({ nativeDir: '/x', helper });
    await expect(reader.readSelection()).resolves.toBe('200');
    expect(board.entries).toEqual([]);
    expect(board.clears).toBe(1);
  });

  it('an unreadable format is reported as lost and the rest is restored', async () => {
    board.unreadable.add('text/rtf');
    const acc = new ElectronClipboardAccess(async () => 1);
    const snap = await acc.snapshot();
    expect(acc.describe(snap).lost).toEqual(['text/rtf']);
    expect(snap.items[0]).not.toHaveProperty('text/rtf');
    board.entries = [];
    await acc.restore(snap);
    expect(Object.keys(board.entries[0]!)).toEqual(['text/plain', 'text/html', 'image/png', 'electron application/bookmark', 'electron application/osclipboard;format="com.example.private"']);
  });

  it('macOS Accessibility refusal reaches the caller as a clear error; clipboard untouched', async () => {
    const helper = new FakeHelper();
    helper.refuse = new CopyKeystrokeError('permission-denied', 'macOS did not allow myApps to send the copy keystroke (Cmd+C) … Accessibility');
    const reader = createCopySelectionReader({ nativeDir: '/x', helper, platform: 'darwin' });
    await expect(reader.readSelection()).rejects.toMatchObject({ kind: 'permission-denied', message: expect.stringMatching(/Accessibility/) });
    expect(board.writes + board.clears).toBe(0);
  });

  it('builds the real helper for the platform: a helper that cannot start fails clearly, warmUp only warns', async () => {
    const logger = memoryLogger();
    const reader = createCopySelectionReader({ nativeDir: path.join('/nonexistent', 'native'), platform: 'darwin', logger });
    await reader.warmUp(); // /usr/bin/osascript does not exist here
    expect(logger.lines.some((l) => l.level === 'warn' && /copy helper for the dial hot key did not start: .*osascript/.test(l.message))).toBe(true);
    await expect(reader.readSelection()).rejects.toMatchObject({ kind: 'unavailable' });
    reader.close();
    expect(() => createCopySelectionReader({ nativeDir: '/x', platform: 'linux' })).toThrow(/PRIMARY/);
  });

  it('close stops the helper', () => {
    const helper = new FakeHelper();
    createCopySelectionReader({ nativeDir: '/x', helper }).close();
    expect(helper.closed).toBe(true);
  });
});
