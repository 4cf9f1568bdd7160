import { describe, it, expect } from 'vitest';
import { ApiRouter } from '../bus';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { HotkeyService, selectionProblem, type HotkeyStatus } from './service';
import { CopySelectionReader } from './copy-selection';
import { CopyKeystrokeError } from './ports';
import { HotkeyStatusSchema } from '../../common/preload';
import type { KeyListener, SelectionReader, ChordStatus } from './ports';
import type { Chord } from '../../common/chord';

/** In-memory key listener port: the test "presses" chords by id. */
class FakeKeys implements KeyListener {
  chords: readonly { id: string; chord: Chord }[] = [];
  press: (id: string) => void = () => {};
  refuse = new Set<string>();
  async setChords(chords: readonly { id: string; chord: Chord }[], onPress: (id: string) => void): Promise<ChordStatus[]> {
    this.chords = chords;
    this.press = onPress;
    return chords.map((c) => (this.refuse.has(c.id) ? { id: c.id, active: false, reason: 'grabbed by another program' } : { id: c.id, active: true }));
  }
  fail: (reason: string) => void = () => {};
  onFailure(cb: (reason: string) => void) { this.fail = cb; return () => {}; }
  close() { this.chords = []; }
}

function setup(selection = '  +49 (7031) 73009-0\n') {
  const router = new ApiRouter(memoryLogger());
  const got: Record<string, unknown>[] = [];
  router.provide('com.innovaphone.phone', 'phone', (req) => { got.push(req.msg); });
  const keys = new FakeKeys();
  let now = 0;
  const sel: SelectionReader = { readSelection: async () => selection };
  const log = memoryLogger();
  const svc = new HotkeyService({ router, logger: log, keys, selection: sel, now: () => now, doublePressMs: 500, session: 'x11' });
  return { svc, keys, got, log, setNow: (t: number) => { now = t; } };
}

describe('HotkeyService', () => {
  it('registers valid chords and refuses invalid ones with a reason', async () => {
    const { svc, keys } = setup();
    keys.refuse.add('reject');
    const st = await svc.configure({ dial: 'ctrl+F9', accept: 'F12', reject: 'alt+F10' });
    expect(st.functions.dial).toMatchObject({ active: true, chord: 'ctrl+F9' });
    expect(st.functions.accept).toMatchObject({ active: false, reason: expect.stringContaining('F1–F11') });
    expect(st.functions.reject).toMatchObject({ active: false, reason: 'grabbed by another program' });
    expect(keys.chords.map((c) => c.id)).toEqual(['dial', 'reject']);
    const dup = await svc.configure({ dial: 'ctrl+F9', accept: 'CTRL + F9' });
    expect(dup.functions.accept.reason).toMatch(/same key as the dial/);
  });

  it('dial sends PrepareCall with the selection; a second press in the window sends StartCall', async () => {
    const { svc, got, setNow, log } = setup();
    await svc.configure({ dial: 'ctrl+F9', accept: 'F7', reject: 'F8' });
    await svc.onPress('dial');
    setNow(300);
    await svc.onPress('dial');
    setNow(2000);
    await svc.onPress('dial');
    await svc.onPress('accept');
    await svc.onPress('reject');
    expect(got).toEqual([
      { mt: 'PrepareCall', text: '+49 (7031) 73009-0', txt: '+49 (7031) 73009-0', adjust: true },
      { mt: 'StartCall', txt: '+49 (7031) 73009-0', adjust: true },
      { mt: 'PrepareCall', text: '+49 (7031) 73009-0', txt: '+49 (7031) 73009-0', adjust: true },
      { mt: 'ConnectCall' },
      { mt: 'DisconnectCall' },
    ]);
    // the selected text is never written to traces
    expect(JSON.stringify(log.lines)).not.toContain('7031');
  });

  it('double press before the selection read finished still sends PrepareCall then StartCall', async () => {
    const { svc, got } = setup();
    await svc.configure({ dial: 'F9' });
    await Promise.all([svc.onPress('dial'), svc.onPress('dial')]);
    expect(got.map((m) => m.mt)).toEqual(['PrepareCall', 'StartCall']);
  });

  it('no selection: nothing sent; no phone app: a warning, no throw', async () => {
    const { svc, got } = setup('   ');
    await svc.configure({ dial: 'F9' });
    await svc.onPress('dial');
    expect(got).toEqual([]);
    const router = new ApiRouter(memoryLogger());
    const log = memoryLogger();
    const lonely = new HotkeyService({ router, logger: log, keys: new FakeKeys(), selection: { readSelection: async () => '1' } });
    await lonely.onPress('accept');
    expect(log.lines.some((l) => l.level === 'warn' && /ConnectCall not sent/.test(l.message))).toBe(true);
  });

  it('Wayland without XWayland: chords stay inactive with an explanation', async () => {
    const router = new ApiRouter(memoryLogger());
    const keys = new FakeKeys();
    const svc = new HotkeyService({ router, logger: memoryLogger(), keys, selection: { readSelection: async () => '' }, session: 'wayland' });
    const st = await svc.configure({ dial: 'F9' });
    expect(st.notice).toMatch(/Wayland/);
    expect(st.functions.dial).toMatchObject({ active: false, reason: expect.stringMatching(/Wayland/) });
    expect(keys.chords).toEqual([]);
  });

  it('a key listener that dies later turns its chords inactive with the reason', async () => {
    const { svc, keys } = setup();
    await svc.configure({ dial: 'ctrl+F9', accept: 'F7' });
    const seen: string[] = [];
    svc.onStatus((s) => seen.push(s.functions.dial.reason ?? ''));
    keys.fail('X11 key server stopped (exit code 1)');
    expect(svc.status().functions.dial).toMatchObject({ active: false, reason: 'X11 key server stopped (exit code 1)' });
    expect(svc.status().functions.accept.active).toBe(false);
    expect(seen).toEqual(['X11 key server stopped (exit code 1)']);
  });

  it('a dial reader error (macOS Accessibility) shows on the dial status and clears after a working press', async () => {
    const router = new ApiRouter(memoryLogger());
    const got: Record<string, unknown>[] = [];
    router.provide('com.innovaphone.phone', 'phone', (req) => { got.push(req.msg); });
    const keys = new FakeKeys();
    // the real copy-then-read reader with an in-memory clipboard and a keystroke port that macOS refuses
    let refuse = true;
    let count = 0;
    let board = 'old clipboard';
    const reader = new CopySelectionReader({
      clipboard: { changeCount: async () => count, snapshot: async () => board, restore: async (s: string) => { board = s; count++; }, readText: async () => board },
      keystroke: {
        send: async () => {
          if (refuse) throw new CopyKeystrokeError('permission-denied', 'macOS did not allow myApps to send the copy keystroke (Cmd+C)');
          board = '+49 7031 73009';
          count++;
        },
      },
      timeoutMs: 50,
      pollMs: 1,
    });
    const log = memoryLogger();
    let now = 0;
    const svc = new HotkeyService({ router, logger: log, keys, selection: reader, session: 'other', platform: 'darwin', now: () => (now += 1000) });
    await svc.configure({ dial: 'win+F9' });
    const seen: HotkeyStatus[] = [];
    svc.onStatus((s) => seen.push(s));
    await svc.onPress('dial');
    expect(got).toEqual([]);
    expect(svc.status().functions.dial).toMatchObject({
      active: true,
      problemKind: 'permission-denied',
      problem: 'Dial: allow myApps under System Settings › Privacy & Security › Accessibility, then press the hot key again.',
    });
    expect(seen).toHaveLength(1);
    // the problem survives the preload contract's validation (hotkeys.status / hotkeysChanged)
    expect(HotkeyStatusSchema.parse(svc.status()).functions.dial).toMatchObject({ problemKind: 'permission-denied', problem: expect.stringMatching(/Accessibility/) });
    expect(log.lines.some((l) => l.level === 'warn' && /reading the selection failed/.test(l.message))).toBe(true);
    expect(board).toBe('old clipboard');
    // a second refused press does not notify again; a settings change keeps the problem
    await svc.onPress('dial');
    expect(seen).toHaveLength(1);
    const st = await svc.configure({ dial: 'WIN + F9', accept: 'F7' });
    expect(st.functions.dial.problemKind).toBe('permission-denied');
    // the user granted the permission: the next press works and the problem is gone
    refuse = false;
    await svc.onPress('dial');
    expect(got).toEqual([{ mt: 'PrepareCall', text: '+49 7031 73009', txt: '+49 7031 73009', adjust: true }]);
    expect(svc.status().functions.dial.problem).toBeUndefined();
    expect(seen.at(-1)?.functions.dial.problem).toBeUndefined();
    expect(board).toBe('old clipboard'); // restored after the copy
  });

  it('selectionProblem words each reader error for the settings page', () => {
    expect(selectionProblem(new CopyKeystrokeError('permission-denied', 'x'), 'darwin').text).toMatch(/Privacy & Security › Accessibility/);
    expect(selectionProblem(new CopyKeystrokeError('permission-denied', 'UIPI refused'), 'win32').text).toMatch(/did not allow .*UIPI refused/);
    expect(selectionProblem(new CopyKeystrokeError('unavailable', 'osascript missing'), 'darwin')).toEqual({ kind: 'unavailable', text: expect.stringMatching(/^Dial: .*not available \(osascript missing\)/) });
    expect(selectionProblem(new CopyKeystrokeError('send-failed', 'boom'), 'win32').kind).toBe('send-failed');
    // crossed a process boundary as a plain object
    expect(selectionProblem({ name: 'CopyKeystrokeError', kind: 'permission-denied', message: 'm' }, 'darwin').kind).toBe('permission-denied');
    expect(selectionProblem(new Error('xsel: no display'), 'linux')).toEqual({ kind: 'read-failed', text: 'Dial: the selected text could not be read (xsel: no display).' });
  });
});
