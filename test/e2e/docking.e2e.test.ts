/**
 * Docking reserves its screen strip on X11: the adapter of native/linux/edge-reservation.ts
 * sets _NET_WM_STRUT_PARTIAL/_NET_WM_STRUT on a real X window of a private Xvfb; `xprop` (another
 * X client) reads them back; release removes them. With a real window manager (Openbox) running,
 * the reservation shrinks the root's _NET_WORKAREA, which is what Electron's screen.workArea and
 * every other application see.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as x11 from 'x11';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X11EdgeReservation } from '../../native/linux/edge-reservation';
import { silentLogger } from '../../electron/platform';
import { createWindowsService, EdgeReservationError, WindowStateStore, type DisplayInfo, type Rect, type WindowHost, type WindowSettings } from '../../electron/windows';
import { applyReactions } from '../../electron/wiring/reactions';
import { startXvfb, type Xvfb } from './harness/xvfb';

let xvfb: Xvfb;
let client: { AllocID(): number; CreateWindow(...a: unknown[]): void; MapWindow(id: number): void; DestroyWindow(id: number): void; GetInputFocus(cb: (e: unknown) => void): void; terminate(): void };
let wid = 0;
const res: X11EdgeReservation[] = [];

/** Electron's getNativeWindowHandle() on 64-bit Linux: the XID as an 8-byte little-endian integer. */
const handleOf = (id: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(id));
  return b;
};

function xprop(id: number, ...props: string[]): string {
  return execFileSync('xprop', ['-display', xvfb.display, '-id', String(id), ...props], { encoding: 'utf8' });
}

beforeAll(async () => {
  xvfb = await startXvfb({ screen: '1280x800x24' });
  await new Promise<void>((resolve, reject) => {
    const c = x11.createClient({ display: xvfb.display }, (err, display) => {
      if (err) return reject(err);
      client = display.client as unknown as typeof client;
      wid = client.AllocID();
      client.CreateWindow(wid, display.screen[0]!.root, 0, 0, 420, 800, 0, 0, 0, 0, { eventMask: 0 });
      client.MapWindow(wid);
      client.GetInputFocus(() => resolve()); // round trip: the window exists
    });
    c.on('error', reject);
  });
});

afterAll(async () => {
  for (const r of res) r.close();
  client?.terminate();
  await xvfb?.stop();
});

const display = { x: 0, y: 0, width: 1280, height: 800 };

describe('X11 edge reservation (Xvfb)', () => {
  it('reserves the left strip, then the right one, and releases it', async () => {
    const r = new X11EdgeReservation({ display: xvfb.display, env: { DISPLAY: xvfb.display } });
    res.push(r);
    expect(r.unsupported()).toBeUndefined();

    const granted = await r.reserve({ window: handleOf(wid), edge: 'left', width: 420, display, displays: [display] });
    expect(granted).toEqual({ x: 0, y: 0, width: 420, height: 800 });
    let out = xprop(wid, '_NET_WM_STRUT_PARTIAL', '_NET_WM_STRUT');
    expect(out).toContain('_NET_WM_STRUT_PARTIAL(CARDINAL) = 420, 0, 0, 0, 0, 799, 0, 0, 0, 0, 0, 0');
    expect(out).toContain('_NET_WM_STRUT(CARDINAL) = 420, 0, 0, 0');

    // move to the right edge: the same properties are replaced
    await r.reserve({ window: handleOf(wid), edge: 'right', width: 400, display, displays: [display] });
    out = xprop(wid, '_NET_WM_STRUT_PARTIAL', '_NET_WM_STRUT');
    expect(out).toContain('_NET_WM_STRUT_PARTIAL(CARDINAL) = 0, 400, 0, 0, 0, 0, 0, 799, 0, 0, 0, 0');
    expect(out).toContain('_NET_WM_STRUT(CARDINAL) = 0, 400, 0, 0');
    expect(await r.current(handleOf(wid))).toEqual({ partial: [0, 400, 0, 0, 0, 0, 0, 799, 0, 0, 0, 0], legacy: [0, 400, 0, 0] });

    await r.release(handleOf(wid));
    out = xprop(wid, '_NET_WM_STRUT_PARTIAL', '_NET_WM_STRUT');
    expect(out).toMatch(/_NET_WM_STRUT_PARTIAL:\s+not found/);
    expect(out).toMatch(/_NET_WM_STRUT:\s+not found/);
    await r.release(handleOf(wid)); // idempotent
  });

  it('reserves on a display that is only part of the X screen (root-window coordinates)', async () => {
    const r = new X11EdgeReservation({ display: xvfb.display, env: { DISPLAY: xvfb.display } });
    res.push(r);
    // Two monitors stacked in one 1280x800 root: 1280x500 on top, 800x300 below on the left.
    const top = { x: 0, y: 0, width: 1280, height: 500 };
    const bottom = { x: 0, y: 500, width: 800, height: 300 };
    await r.reserve({ window: handleOf(wid), edge: 'right', width: 300, display: bottom, displays: [top, bottom] });
    // right = distance from the ROOT's right edge (1280) to the strip's left edge (800 - 300)
    expect(xprop(wid, '_NET_WM_STRUT_PARTIAL')).toContain('= 0, 780, 0, 0, 0, 0, 500, 799, 0, 0, 0, 0');
    // the left edge of the top monitor: nothing else in the band -> allowed
    await r.reserve({ window: handleOf(wid), edge: 'left', width: 320, display: top, displays: [top, bottom] });
    expect(xprop(wid, '_NET_WM_STRUT_PARTIAL')).toContain('= 320, 0, 0, 0, 0, 499, 0, 0, 0, 0, 0, 0');
    await r.release(handleOf(wid));
  });

  it('refuses a bad window and an inner edge with clear errors, and reports Wayland', async () => {
    const r = new X11EdgeReservation({ display: xvfb.display, env: { DISPLAY: xvfb.display } });
    res.push(r);
    const bogus = handleOf(0x7ffff0);
    await expect(r.reserve({ window: bogus, edge: 'left', width: 420, display, displays: [display] })).rejects.toMatchObject({ code: 'failed' });
    const left = { x: 0, y: 0, width: 640, height: 800 };
    const right = { x: 640, y: 0, width: 640, height: 800 };
    const err = await r.reserve({ window: handleOf(wid), edge: 'left', width: 320, display: right, displays: [left, right] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdgeReservationError);
    expect((err as EdgeReservationError).code).toBe('inner-edge');
    expect(xprop(wid, '_NET_WM_STRUT_PARTIAL')).toMatch(/not found/); // nothing was set
    await r.release(bogus); // a window that is gone: no error

    const wl = new X11EdgeReservation({ env: { XDG_SESSION_TYPE: 'wayland', WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' } });
    expect(wl.unsupported()).toMatch(/Wayland/);
    await expect(wl.reserve({ window: handleOf(wid), edge: 'left', width: 420, display, displays: [display] })).rejects.toMatchObject({ code: 'unsupported' });
  });
});

describe('X11 edge reservation under a window manager (Openbox)', () => {
  let wm: ChildProcess | undefined;
  let home: string | undefined;
  afterAll(async () => {
    if (wm && wm.exitCode === null && wm.signalCode === null) {
      const gone = new Promise((r) => wm!.once('exit', r));
      wm.kill('SIGTERM');
      await gone;
    }
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  const workArea = () => execFileSync('xprop', ['-display', xvfb.display, '-root', '_NET_WORKAREA'], { encoding: 'utf8' }).split('=')[1]?.trim().split(',').slice(0, 4).map((v) => Number(v.trim()));
  async function until<T>(f: () => T, ok: (v: T) => boolean, what: string): Promise<T> {
    let v = f();
    for (let i = 0; i < 200 && !ok(v); i++) {
      await new Promise((r) => setTimeout(r, 25));
      v = f();
    }
    if (!ok(v)) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    return v;
  }

  it('shrinks the work area by the strip and gives it back on release', async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'docking-wm-'));
    wm = spawn('openbox', ['--sm-disable'], { env: { ...process.env, DISPLAY: xvfb.display, HOME: home, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home }, stdio: 'ignore' });
    await until(() => { try { return workArea(); } catch { return undefined; } }, (v) => Array.isArray(v) && v.length === 4, 'openbox did not publish _NET_WORKAREA');
    expect(workArea()).toEqual([0, 0, 1280, 800]);

    const r = new X11EdgeReservation({ display: xvfb.display, env: { DISPLAY: xvfb.display } });
    res.push(r);
    await r.reserve({ window: handleOf(wid), edge: 'left', width: 420, display, displays: [display] });
    await until(workArea, (v) => v?.[0] === 420, 'work area not shrunk on the left');
    expect(workArea()).toEqual([420, 0, 860, 800]);

    await r.reserve({ window: handleOf(wid), edge: 'right', width: 400, display, displays: [display] });
    await until(workArea, (v) => v?.[0] === 0 && v?.[2] === 880, 'work area not moved to the right');
    expect(workArea()).toEqual([0, 0, 880, 800]);

    await r.release(handleOf(wid));
    await until(workArea, (v) => v?.[2] === 1280, 'work area not given back');
    expect(workArea()).toEqual([0, 0, 1280, 800]);
  });

  it('the windows service keeps its docked window in place after its own reservation shrinks the work area', async () => {
    // A WindowHost over the real X screen: displays from the root's _NET_WORKAREA (what Electron
    // reads), the main window = our real X window. Docking setting changes and display events
    // drive it like in the product.
    let bounds: Rect = { x: 100, y: 100, width: 600, height: 400 };
    let displaysChanged: (() => void) | undefined;
    const host: WindowHost = {
      showMain: () => {}, hideMain: () => {}, isMainVisible: () => true, setShowInTaskbar: () => {},
      getMainBounds: () => bounds,
      setMainBounds: (r) => { bounds = r; },
      setAlwaysOnTop: () => {},
      getDisplays: (): DisplayInfo[] => {
        const [x, y, width, height] = workArea()!;
        return [{ id: 1, bounds: { ...display }, workArea: { x: x!, y: y!, width: width!, height: height! }, scaleFactor: 1 }];
      },
      onDisplaysChanged: (cb) => { displaysChanged = cb; return () => { displaysChanged = undefined; }; },
      openAppWindow: () => { throw new Error('not used'); },
      setBadge: () => {},
      nativeMain: () => ({ handle: handleOf(wid), toScreen: (r) => ({ ...r }) }),
    };
    const values: Record<string, unknown> = { docking: 'none', autostart: false, showInTaskbar: true };
    // a change drives the service through the product's reaction table (electron/wiring/reactions.ts)
    const settings: WindowSettings = {
      get: (k) => values[k], isForced: () => false,
      set: async (k, v) => { values[k] = v; applyReactions([k], { windows: svc }, { get: (key: string) => values[key] } as never, silentLogger); },
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docking-svc-'));
    const r = new X11EdgeReservation({ display: xvfb.display, env: { DISPLAY: xvfb.display } });
    res.push(r);
    const svc = createWindowsService({ host, settings, store: new WindowStateStore(dir, silentLogger), logger: silentLogger, platform: 'linux', traceFolder: dir, isPbxUrl: () => true, actions: { quit: () => {}, openSettings: () => {} }, edgeReservation: r });
    try {
      await svc.start();
      await settings.set('docking', 'left');
      await svc.settled();
      expect(svc.dockingStatus()).toMatchObject({ docking: 'left', reserved: true });
      expect(bounds).toEqual({ x: 0, y: 0, width: 420, height: 800 });
      await until(workArea, (v) => v?.[0] === 420, 'work area not shrunk');
      displaysChanged!(); // what Electron's display-metrics-changed does
      await svc.settled();
      expect(bounds).toEqual({ x: 0, y: 0, width: 420, height: 800 }); // not pushed next to its own strip
      expect((await r.current(handleOf(wid))).partial).toEqual([420, 0, 0, 0, 0, 799, 0, 0, 0, 0, 0, 0]);

      await settings.set('docking', 'right');
      await svc.settled();
      await until(workArea, (v) => v?.[0] === 0 && v?.[2] === 860, 'work area not moved right');
      displaysChanged!();
      await svc.settled();
      expect(bounds).toEqual({ x: 860, y: 0, width: 420, height: 800 });

      await settings.set('docking', 'none');
      await svc.settled();
      await until(workArea, (v) => v?.[2] === 1280, 'work area not given back on undock');
      expect(await r.current(handleOf(wid))).toEqual({ partial: undefined, legacy: undefined });

      await settings.set('docking', 'left');
      await svc.settled();
      await until(workArea, (v) => v?.[0] === 420, 'work area not shrunk again');
    } finally {
      await svc.close(); // quit releases
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await until(workArea, (v) => v?.[0] === 0 && v?.[2] === 1280, 'work area not given back on quit');
  });
});
