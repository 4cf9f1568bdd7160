/**
 * Hot keys end to end (issue 3): a private Xvfb, the product's Linux X11 key listener
 * (X11GrabKeyListener: XGrabKey over npm x11), the PRIMARY selection owned by a real X client
 * (xclip) read by the product's in-process X11 selection reader (xsel is only the oracle), the
 * real service graph and the stand-in phone app in Chromium.
 * `xdotool key ctrl+F9` → PrepareCall {text, txt, adjust:true}; twice quickly → StartCall.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../../common/bus';
import { memoryLogger } from '../fixtures/memory-logger';
import { X11GrabKeyListener } from '../../native/linux/grab-key-listener';
import { X11SelectionReader } from '../../native/linux/selection';
import { runProcess } from '../../native/process';
import { startStack, type Stack } from './harness/stack';
import { startXvfb, type Xvfb } from './harness/xvfb';
import * as x11 from 'x11';

/** xsel as the oracle for what the PRIMARY selection holds (the product reads it in-process). */
async function xselPrimary(display: string): Promise<string> {
  const r = await runProcess('xsel', ['--primary', '--output'], { env: { ...process.env, DISPLAY: display }, timeoutMs: 2000, maxBytes: 64 * 1024 });
  if (r.code !== 0) throw new Error(`xsel failed: ${r.stderr}`);
  return r.stdout;
}

/**
 * A real X client with a focused window that records its KeyPress keycodes: proves the grabbing
 * key listener takes the configured chords away from the focused application and leaves it
 * every other key.
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

/** Another X client that grabs a chord first (as a desktop shortcut daemon would). */
function grabFirst(display: string, keysym: number, modifiers: number): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const client = x11.createClient({ display }, (err, d) => {
      if (err) return reject(err);
      const X = d.client as unknown as {
        GetKeyboardMapping(first: number, n: number, cb: (e: unknown, rows: number[][]) => void): void;
        GrabKey(w: number, own: number, mods: number, key: number, pm: number, km: number, cb: (e?: Error) => void): void;
        terminate(): void;
      };
      const dd = d as unknown as { min_keycode: number; max_keycode: number };
      X.GetKeyboardMapping(dd.min_keycode, dd.max_keycode - dd.min_keycode + 1, (e, rows) => {
        if (e) return reject(e);
        const keycode = dd.min_keycode + rows.findIndex((r) => r[0] === keysym);
        X.GrabKey(d.screen[0]!.root, 0, modifiers, keycode, 1, 1, (e2) => (e2 ? reject(e2) : resolve({ close: () => X.terminate() })));
      });
    });
    client.on('error', reject);
  });
}

describe('hot keys: xdotool → X11 key listener → stand-in phone app', () => {
  const logger = memoryLogger();
  let xvfb: Xvfb;
  let stack: Stack;
  let owner: ChildProcess | undefined;
  const savedDisplay = process.env.DISPLAY;

  beforeAll(async () => {
    xvfb = await startXvfb();
    process.env.DISPLAY = xvfb.display;
    stack = await startStack({
      logger,
      ports: {
        keyListener: new X11GrabKeyListener({ display: xvfb.display }),
        selectionReader: new X11SelectionReader({ display: xvfb.display }),
        displaySession: 'x11',
      },
      config: { hotkeyDial: 'ctrl+F9', hotkeyAccept: 'F7', hotkeyReject: 'alt+shift+F8' },
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
    const st = stack.services.instances.hotkeys!.status();
    expect(st.functions.dial).toMatchObject({ chord: 'ctrl+F9', active: true });
    expect(st.functions.accept).toMatchObject({ chord: 'F7', active: true });
    expect(st.functions.reject).toMatchObject({ chord: 'alt+shift+F8', active: true });
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
    await xdotool(xvfb.display, 'key', 'alt+shift+F8');
    await stack.sim.control.waitForReceived((r) => r.msg.mt === 'DisconnectCall', 15_000);
    expect(stack.sim.control.received().map((r) => r.msg)).toEqual([{ mt: 'ConnectCall' }, { mt: 'DisconnectCall' }]);
    const traced = JSON.stringify(logger.lines.slice(before));
    expect(traced).not.toMatch(/secret|\bS\b|shift\+F7/);
    expect(traced).toContain('accept hot key F7 pressed');
  });

  it('the in-process X11 selection reader and xsel read the same PRIMARY selection', async () => {
    const x = new X11SelectionReader({ display: xvfb.display });
    try {
      owner?.kill();
      await new Promise((r) => setTimeout(r, 200));
      expect(await x.readSelection()).toBe(''); // nobody owns PRIMARY
      owner = selectText(xvfb.display, 'Tel. 0049 (7031) 730 090 – Zentrale');
      await new Promise((r) => setTimeout(r, 200));
      const a = await x.readSelection();
      const b = await xselPrimary(xvfb.display);
      expect(a).toBe('Tel. 0049 (7031) 730 090 – Zentrale');
      expect(b).toBe(a);
      expect(await Promise.all([x.readSelection(), x.readSelection()])).toEqual([a, a]);
    } finally {
      x.close();
    }
  });

  it('the chords are swallowed; every other key still reaches the focused application', async () => {
    const rec = await focusedKeyRecorder(xvfb.display);
    try {
      stack.sim.control.clearReceived();
      await xdotool(xvfb.display, 'key', '--delay', '50', 'a', 'F7', 'F9', 'shift+F7', 'b');
      await stack.sim.control.waitForReceived((r) => r.msg.mt === 'ConnectCall', 15_000);
      // a, F9, shift (+F7) and b reach the focused window; the accept chord F7 went to the phone app only
      await expect.poll(() => rec.keycodes.length, { timeout: 5000 }).toBe(5);
      await new Promise((r) => setTimeout(r, 300));
      expect(rec.keycodes).toHaveLength(5);
      expect(stack.sim.control.received().map((r) => r.msg)).toEqual([{ mt: 'ConnectCall' }]);
    } finally {
      rec.close();
    }
  });

  it('a chord works with CapsLock and NumLock on', async () => {
    for (const lock of ['Caps_Lock', 'Num_Lock']) {
      await xdotool(xvfb.display, 'key', lock);
      await new Promise((r) => setTimeout(r, 700)); // outside the double-press window
      stack.sim.control.clearReceived();
      await xdotool(xvfb.display, 'key', 'F7');
      await stack.sim.control.waitForReceived((r) => r.msg.mt === 'ConnectCall', 15_000);
      await xdotool(xvfb.display, 'key', lock);
    }
  });

  it('a chord another X client grabbed first is reported inactive with the reason', async () => {
    const hotkeys = stack.services.instances.hotkeys!;
    const other = await grabFirst(xvfb.display, 0xffc2 /* F5 */, 4 /* Control */);
    try {
      const st = await hotkeys.configure({ dial: 'ctrl+F9', accept: 'ctrl+F5', reject: 'ctrl+alt+F8' });
      expect(st.functions.accept).toMatchObject({ chord: 'ctrl+F5', active: false, reason: expect.stringMatching(/used by another program.*grabbed by another client/) });
      // the X server switches the virtual terminal on Ctrl+Alt+F<n> itself: said, not pretended
      expect(st.functions.reject).toMatchObject({ chord: 'alt+ctrl+F8', active: false, reason: expect.stringMatching(/switches to virtual terminal 8/) });
      expect(st.functions.dial.active).toBe(true);
    } finally {
      other.close();
    }
    await new Promise((r) => setTimeout(r, 200));
    const again = await hotkeys.configure({ dial: 'ctrl+F9', accept: 'F7', reject: 'alt+shift+F8' });
    expect(Object.values(again.functions).every((f) => f.active)).toBe(true);
  });
});
