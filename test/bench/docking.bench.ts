/**
 * docking.x11_reserve_p50_ms / _p99_ms: one EdgeReservation.reserve() on X11 (strut properties set
 * and read back over the adapter's one connection) on a private Xvfb, alternating left/right.
 * docking.workarea_p50_ms: from reserve() to the window manager (Openbox) publishing the shrunk
 * _NET_WORKAREA on the root window (what Electron's screen.workArea and other apps see), polled
 * over a second X connection.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as x11 from 'x11';
import { X11EdgeReservation } from '../../native/linux/edge-reservation';
import { startXvfb } from '../e2e/harness/xvfb';
import { percentile, type BenchContext } from './types';

const N = 200;
const WM_N = 40;

type XC = {
  AllocID(): number;
  CreateWindow(...a: unknown[]): void;
  MapWindow(id: number): void;
  InternAtom(onlyIfExists: boolean, name: string, cb: (e: unknown, a: number) => void): void;
  GetProperty(del: number, wid: number, name: number, type: number, off: number, len: number, cb: (e: unknown, p: { data: Buffer }) => void): void;
  GetInputFocus(cb: (e: unknown) => void): void;
  terminate(): void;
};

export default async function bench(ctx: BenchContext): Promise<void> {
  if (ctx.only && !'docking.'.startsWith(ctx.only) && !ctx.only.startsWith('docking')) return;
  const xvfb = await startXvfb({ screen: '1280x800x24' });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'docking-bench-'));
  const cleanups: (() => unknown)[] = [() => xvfb.stop(), () => fs.rmSync(home, { recursive: true, force: true })];
  try {
    const { client, root, wid } = await new Promise<{ client: XC; root: number; wid: number }>((resolve, reject) => {
      const c = x11.createClient({ display: xvfb.display }, (err, display) => {
        if (err) return reject(err);
        const client = display.client as unknown as XC;
        const root = display.screen[0]!.root;
        const wid = client.AllocID();
        client.CreateWindow(wid, root, 0, 0, 420, 800, 0, 0, 0, 0, {});
        client.MapWindow(wid);
        client.GetInputFocus(() => resolve({ client, root, wid }));
      });
      c.on('error', reject);
    });
    cleanups.push(() => client.terminate());
    const handle = Buffer.alloc(8);
    handle.writeBigUInt64LE(BigInt(wid));
    const display = { x: 0, y: 0, width: 1280, height: 800 };
    const r = new X11EdgeReservation({ display: xvfb.display, env: { DISPLAY: xvfb.display } });
    cleanups.push(() => r.close());

    const times: number[] = [];
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      await r.reserve({ window: handle, edge: i % 2 ? 'right' : 'left', width: 400 + (i % 7), display, displays: [display] });
      times.push(performance.now() - t0);
    }
    ctx.emit({ name: 'docking.x11_reserve_p50_ms', value: +percentile(times, 50).toFixed(3), unit: 'ms', n: N, path: 'native/linux edge reservation (EdgeReservation.reserve: _NET_WM_STRUT_PARTIAL set and read back over the adapter\'s one X connection) on Xvfb' });
    ctx.emit({ name: 'docking.x11_reserve_p99_ms', value: +percentile(times, 99).toFixed(3), unit: 'ms', n: N, path: 'native/linux edge reservation (EdgeReservation.reserve: _NET_WM_STRUT_PARTIAL set and read back over the adapter\'s one X connection) on Xvfb' });
    await r.release(handle);

    // With a window manager: until the work area changes.
    const wm = spawn('openbox', ['--sm-disable'], { env: { ...process.env, DISPLAY: xvfb.display, HOME: home, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home }, stdio: 'ignore' });
    cleanups.unshift(() => new Promise((res) => { if (wm.exitCode !== null) return res(undefined); wm.once('exit', res); wm.kill('SIGTERM'); }));
    const workareaAtom = await new Promise<number>((res, rej) => client.InternAtom(false, '_NET_WORKAREA', (e, a) => (e ? rej(e) : res(a))));
    const left = (): Promise<number | undefined> =>
      new Promise((res) => client.GetProperty(0, root, workareaAtom, 6, 0, 4, (e, p) => res(!e && p?.data?.length >= 16 ? p.data.readUInt32LE(0) : undefined)));
    for (let i = 0; i < 400 && (await left()) === undefined; i++) await new Promise((res) => setTimeout(res, 25));
    if ((await left()) === undefined) throw new Error('openbox did not publish _NET_WORKAREA');
    const wmTimes: number[] = [];
    for (let i = 0; i < WM_N; i++) {
      const want = i % 2 ? 0 : 420;
      const t0 = performance.now();
      if (want) await r.reserve({ window: handle, edge: 'left', width: 420, display, displays: [display] });
      else await r.release(handle);
      let seen = await left();
      for (let k = 0; k < 5000 && seen !== want; k++) seen = await left();
      if (seen !== want) throw new Error(`work area did not follow (${seen} != ${want})`);
      wmTimes.push(performance.now() - t0);
    }
    ctx.emit({ name: 'docking.workarea_p50_ms', value: +percentile(wmTimes, 50).toFixed(3), unit: 'ms', n: WM_N, wm: 'openbox', path: 'EdgeReservation.reserve (native/linux) -> the window manager (Openbox) publishes the shrunk _NET_WORKAREA, read over a second X connection' });
  } finally {
    for (const c of cleanups) await Promise.resolve().then(c).catch(() => undefined);
  }
}
