/**
 * hotkey.p50_ms / hotkey.p99_ms: a dial hot key pressed on a private Xvfb → PrepareCall delivered
 * to a phone provider that is a real WebSocket client of the local services server. Key presses
 * are injected with XTEST over one persistent X connection (npm x11) at a known instant, so the
 * figure covers the X server, the product's Linux X11 key listener (X11GrabKeyListener, XGrabKey;
 * named in the figure as `listener`), the chord match, the PRIMARY selection read (the product's
 * X11SelectionReader, in-process over one X connection) and the bus hop; ≥ 200 presses.
 * hotkey.accept_* measure an accept chord (ConnectCall, no selection read): the key path alone.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import * as x11 from 'x11';
import { startLocalServicesServer, OriginAllowList } from '../../electron/bus';
import { silentLogger } from '../../electron/platform';
import { HotkeyService } from '../../electron/hotkeys';
import { X11GrabKeyListener } from '../../native/linux/grab-key-listener';
import { X11SelectionReader } from '../../native/linux/selection';
import { startXvfb } from '../e2e/harness/xvfb';
import { percentile, type BenchContext } from './types';

const ORIGIN = 'https://pbx.bench.local';
const PRESSES = Number(process.env.BENCH_HOTKEY_PRESSES ?? 200);

type XClient = { GetKeyboardMapping(start: number, n: number, cb: (e: unknown, rows: number[][]) => void): void; require(ext: string, cb: (e: unknown, ext: any) => void): void; terminate(): void };

export default async function bench(ctx: BenchContext): Promise<void> {
  if (ctx.only && !'hotkey.'.startsWith(ctx.only) && !ctx.only.startsWith('hotkey')) return;
  const xvfb = await startXvfb();
  const savedDisplay = process.env.DISPLAY;
  process.env.DISPLAY = xvfb.display;
  const cleanups: (() => unknown)[] = [() => xvfb.stop()];
  try {
    const owner = spawn('xclip', ['-quiet', '-selection', 'primary', '-loops', String(PRESSES + 20)], { env: process.env, stdio: ['pipe', 'ignore', 'ignore'] });
    owner.stdin!.end('+49 7031 73009-0');
    cleanups.push(() => owner.kill());

    const server = await startLocalServicesServer({ logger: silentLogger, origins: new OriginAllowList([ORIGIN]), host: '127.0.0.1', port: 0 });
    cleanups.push(() => server.close());
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bus?token=${server.token}&v=1`, { origin: ORIGIN, perMessageDeflate: false });
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    cleanups.push(() => ws.close());
    let onRequest: (() => void) | undefined;
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { mt: string; msg?: { mt?: string } };
      if (m.mt === 'ApiRequest' && (m.msg?.mt === 'PrepareCall' || m.msg?.mt === 'ConnectCall')) onRequest?.();
    });
    ws.send(JSON.stringify({ mt: 'RegisterApi', api: 'com.innovaphone.phone', provider: 'phone' }));
    const phone = server.router.consume('com.innovaphone.phone');
    await phone.waitForProvider(5000, 'phone');
    phone.close();

    const selectionReader = new X11SelectionReader({ display: xvfb.display });
    cleanups.push(() => selectionReader.close());
    const keys = new X11GrabKeyListener({ display: xvfb.display });
    const hotkeys = new HotkeyService({
      router: server.router,
      logger: silentLogger,
      keys,
      selection: selectionReader,
      session: 'x11',
      doublePressMs: 1, // every press is a first press here
    });
    cleanups.push(() => hotkeys.close());
    const st = await hotkeys.configure({ dial: 'ctrl+F9', accept: 'F7' });
    if (!st.functions.dial.active) throw new Error(`hot key not active: ${st.functions.dial.reason}`);

    // XTEST on one persistent connection
    const { X, xtest, codes } = await new Promise<{ X: XClient; xtest: any; codes: { ctrl: number; f9: number; f7: number } }>((resolve, reject) => {
      const c = x11.createClient({ display: xvfb.display }, (err, display) => {
        if (err) return reject(err);
        const X = display.client as unknown as XClient;
        const d = display as unknown as { min_keycode: number; max_keycode: number };
        X.require('xtest', (e, xtest) => {
          if (e) return reject(e);
          X.GetKeyboardMapping(d.min_keycode, d.max_keycode - d.min_keycode, (e2, rows) => {
            if (e2) return reject(e2);
            const find = (sym: number) => d.min_keycode + rows.findIndex((r) => r.includes(sym));
            resolve({ X, xtest, codes: { ctrl: find(0xffe3), f9: find(0xffc6), f7: find(0xffc4) } });
          });
        });
      });
      c.on('error', reject);
    });
    cleanups.push(() => X.terminate());
    const KeyPress = 2;
    const KeyRelease = 3;
    const press = async (keys: number[]): Promise<number> => {
      const got = new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no request within 5 s after a hot key press')), 5000);
        onRequest = () => { clearTimeout(t); resolve(performance.now()); };
      });
      const mods = keys.slice(0, -1);
      const key = keys[keys.length - 1]!;
      for (const m of mods) xtest.FakeInput(KeyPress, m, 0, 0, 0, 0);
      const t0 = performance.now();
      xtest.FakeInput(KeyPress, key, 0, 0, 0, 0);
      xtest.FakeInput(KeyRelease, key, 0, 0, 0, 0);
      for (const m of mods.reverse()) xtest.FakeInput(KeyRelease, m, 0, 0, 0, 0);
      const t1 = await got;
      await new Promise((r) => setTimeout(r, 15));
      return t1 - t0;
    };
    // dial (ctrl+F9): includes the PRIMARY selection read
    const lat: number[] = [];
    for (let i = 0; i < PRESSES + 5; i++) {
      const ms = await press([codes.ctrl, codes.f9]);
      if (i >= 5) lat.push(ms); // the first presses warm up the JIT
    }
    // accept (F7): the key path alone (no selection read)
    const keyOnly: number[] = [];
    for (let i = 0; i < PRESSES; i++) keyOnly.push(await press([codes.f7]));
    const listener = keys.kind;
    const dialPath = 'XTEST press → XGrabKey → chord → PRIMARY read → PrepareCall on the bus → phone WebSocket';
    const acceptPath = 'XTEST press → XGrabKey → chord → ConnectCall on the bus → phone WebSocket';
    ctx.emit({ name: 'hotkey.p50_ms', value: +percentile(lat, 50).toFixed(2), unit: 'ms', target: '<= 10', presses: lat.length, listener, path: dialPath });
    ctx.emit({ name: 'hotkey.p99_ms', value: +percentile(lat, 99).toFixed(2), unit: 'ms', target: '<= 25', presses: lat.length, listener, path: dialPath });
    ctx.emit({ name: 'hotkey.accept_p50_ms', value: +percentile(keyOnly, 50).toFixed(2), unit: 'ms', presses: keyOnly.length, listener, path: acceptPath });
    ctx.emit({ name: 'hotkey.accept_p99_ms', value: +percentile(keyOnly, 99).toFixed(2), unit: 'ms', presses: keyOnly.length, listener, path: acceptPath });
  } finally {
    for (const c of cleanups.reverse()) {
      try { await c(); } catch { /* keep cleaning */ }
    }
    if (savedDisplay === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = savedDisplay;
  }
}
