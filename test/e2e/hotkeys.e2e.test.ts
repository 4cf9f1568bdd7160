/**
 * Hot keys end to end (issue 3): a private Xvfb, the real X11 key listener
 * (node-global-key-listener's X11KeyServer), the PRIMARY selection owned by a real X client
 * (xclip) read with xsel, the real service graph and the stand-in phone app in Chromium.
 * `xdotool key ctrl+F9` → PrepareCall {text, txt, adjust:true}; twice quickly → StartCall.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../../common/bus';
import { memoryLogger } from '../fixtures/memory-logger';
import { X11KeyListener } from '../../native/linux/key-listener';
import { XselSelectionReader, X11SelectionReader } from '../../native/linux/selection';
import type { HotkeyService } from '../../electron/hotkeys';
import { startStack, type Stack } from './harness/stack';
import { startXvfb, type Xvfb } from './harness/xvfb';
import * as x11 from 'x11';

/**
 * A real X client with a focused window that records its KeyPress keycodes: proves the passive
 * key listener leaves every key (configured chords included) to the focused application.
 */
function focusedKeyRecorder(display: string): Promise<{ keycodes: number[]; close(): void }> {
  return new Promise((resolve, reject) => {
    const client = x11.createClient({ display }, (err, d) => {
      if (err) return reject(err);
      const X = d.client as unknown as {
        AllocID(): number; MapWindow(w: number): void; SetInputFocus(w: number, revert: number): void; terminate(): void;
        CreateWindow(id: number, p: number, x: number, y: number, w: number, h: number, b: number, depth: number, cls: number, vis: number, v: Record<string, unknown>): void;
        on(ev: 'event', cb: (e: { name: string; keycode?: number }) => void): void;
      };
      const keycodes: number[] = [];
      X.on('event', (e) => { if (e.name === 'KeyPress' && typeof e.keycode === 'number') keycodes.push(e.keycode); });
      const win = X.AllocID();
      X.CreateWindow(win, d.screen[0]!.root, 0, 0, 200, 100, 0, 0, 0, 0, { eventMask: 0x1 /* KeyPress */ });
      X.MapWindow(win);
      setTimeout(() => {
        X.SetInputFocus(win, 1);
        setTimeout(() => resolve({ keycodes, close: () => X.terminate() }), 100);
      }, 100);
    });
    client.on('error', reject);
  });
}

function xdotool(display: string, ...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('xdotool', args, { env: { ...process.env, DISPLAY: display }, timeout: 10_000 }, (err) => (err ? reject(err) : resolve()));
  });
}

/** Owns the PRIMARY selection with `text` (a real X client in the foreground: -quiet), answering up to 50 requests. */
function selectText(display: string, text: string): ChildProcess {
  const p = spawn('xclip', ['-quiet', '-selection', 'primary', '-loops', '50'], { env: { ...process.env, DISPLAY: display }, stdio: ['pipe', 'ignore', 'ignore'] });
  p.stdin!.end(text);
  return p;
}

describe('hot keys: xdotool → X11 key listener → stand-in phone app', () => {
  const logger = memoryLogger();
  let xvfb: Xvfb;
  let stack: Stack;
  let owner: ChildProcess | undefined;
  const savedDisplay = process.env.DISPLAY;

  beforeAll(async () => {
    xvfb = await startXvfb();
    // the key server is started by node-global-key-listener with this process's environment
    process.env.DISPLAY = xvfb.display;
    stack = await startStack({
      logger,
      ports: {
        keyListener: new X11KeyListener({ logger }),
        selectionReader: new XselSelectionReader({ env: { ...process.env, DISPLAY: xvfb.display } }),
        displaySession: 'x11',
      },
      config: { hotkeyDial: 'ctrl+F9', hotkeyAccept: 'F7', hotkeyReject: 'ctrl+alt+F8' },
    });
    const page = await stack.openWebClient();
    void page;
    const phone = stack.services.router.consume(Api.phone);
    await phone.waitForProvider(30_000, 'phone');
    phone.close();
  });

  afterAll(async () => {
    owner?.kill();
    await stack?.close();
    await xvfb?.stop();
    if (savedDisplay === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = savedDisplay;
  });

  it('registers the configured chords on X11', () => {
    const st = (stack.services.instances.hotkeys as HotkeyService).status();
    expect(st.functions.dial).toMatchObject({ chord: 'ctrl+F9', active: true });
    expect(st.functions.accept).toMatchObject({ chord: 'F7', active: true });
    expect(st.functions.reject).toMatchObject({ chord: 'alt+ctrl+F8', active: true });
    expect(st.notice).toBeUndefined();
  });

  it('ctrl+F9 with a selected number sends PrepareCall; a double press sends StartCall', async () => {
    owner = selectText(xvfb.display, '+49 7031 73009-0');
    await new Promise((r) => setTimeout(r, 200));
    stack.sim.control.clearReceived();
    await xdotool(xvfb.display, 'key', 'ctrl+F9');
    const rec = await stack.sim.control.waitForReceived((r) => r.msg.mt === 'PrepareCall', 15_000);
    expect(rec).toMatchObject({ app: 'phone', api: Api.phone, msg: { mt: 'PrepareCall', text: '+49 7031 73009-0', txt: '+49 7031 73009-0', adjust: true } });

    await new Promise((r) => setTimeout(r, 800)); // outside the double-press window
    stack.sim.control.clearReceived();
    await xdotool(xvfb.display, 'key', '--delay', '120', 'ctrl+F9', 'ctrl+F9');
    await stack.sim.control.waitForReceived((r) => r.msg.mt === 'StartCall', 15_000);
    expect(stack.sim.control.received().map((r) => r.msg)).toEqual([
      { mt: 'PrepareCall', text: '+49 7031 73009-0', txt: '+49 7031 73009-0', adjust: true },
      { mt: 'StartCall', txt: '+49 7031 73009-0', adjust: true },
    ]);
  });

  it('accept and reject chords send ConnectCall and DisconnectCall; other keys send nothing and are not traced', async () => {
    await new Promise((r) => setTimeout(r, 800));
    stack.sim.control.clearReceived();
    const before = logger.lines.length;
    await xdotool(xvfb.display, 'type', '--delay', '20', 'secret42');
    await xdotool(xvfb.display, 'key', 'F9', 'shift+F7', 'ctrl+F8'); // near misses: not configured chords
    await xdotool(xvfb.display, 'key', 'F7');
    await stack.sim.control.waitForReceived((r) => r.msg.mt === 'ConnectCall', 15_000);
    await xdotool(xvfb.display, 'key', 'ctrl+alt+F8');
    await stack.sim.control.waitForReceived((r) => r.msg.mt === 'DisconnectCall', 15_000);
    expect(stack.sim.control.received().map((r) => r.msg)).toEqual([{ mt: 'ConnectCall' }, { mt: 'DisconnectCall' }]);
    const traced = JSON.stringify(logger.lines.slice(before));
    expect(traced).not.toMatch(/secret|\bS\b|shift\+F7/);
    expect(traced).toContain('accept hot key F7 pressed');
  });

  it('the in-process X11 selection reader and xsel read the same PRIMARY selection', async () => {
    const env = { ...process.env, DISPLAY: xvfb.display };
    const x = new X11SelectionReader({ display: xvfb.display });
    try {
      owner?.kill();
      await new Promise((r) => setTimeout(r, 200));
      expect(await x.readSelection()).toBe(''); // nobody owns PRIMARY
      owner = selectText(xvfb.display, 'Tel. 0049 (7031) 730 090 – Zentrale');
      await new Promise((r) => setTimeout(r, 200));
      const a = await x.readSelection();
      const b = await new XselSelectionReader({ env }).readSelection();
      expect(a).toBe('Tel. 0049 (7031) 730 090 – Zentrale');
      expect(b).toBe(a);
      expect(await Promise.all([x.readSelection(), x.readSelection()])).toEqual([a, a]);
    } finally {
      x.close();
    }
  });

  it('keys, configured chords included, still reach the focused application', async () => {
    const rec = await focusedKeyRecorder(xvfb.display);
    try {
      stack.sim.control.clearReceived();
      await xdotool(xvfb.display, 'key', '--delay', '50', 'a', 'F7');
      await stack.sim.control.waitForReceived((r) => r.msg.mt === 'ConnectCall', 15_000);
      // F7 (the accept chord) reached the phone app AND the focused window; so did "a"
      await expect.poll(() => rec.keycodes.length, { timeout: 5000 }).toBe(2);
      expect(new Set(rec.keycodes).size).toBe(2);
    } finally {
      rec.close();
    }
  });
});
