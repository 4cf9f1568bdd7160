/**
 * ElectronWindowHost's docking parts (native handle, DIP -> screen pixels, display events incl.
 * the Windows AppBar notification) and the per-OS EdgeReservation choice, on the mocked electron.
 */
import { describe, expect, it, vi } from 'vitest';
import { electron, FakeBrowserWindow } from '../../test/fixtures/fake-electron';

vi.mock('electron', async () => (await import('../../test/fixtures/fake-electron')).electron);

const { ElectronWindowHost, createEdgeReservation, APPBAR_CALLBACK_MESSAGE } = await import('./windows');
const { X11EdgeReservation } = await import('../linux/edge-reservation');
const { WindowsAppBarReservation } = await import('../win/appbar');

type Hooked = FakeBrowserWindow & { hooks: Map<number, (w: Buffer, l: Buffer) => void> };
function mainWindow(): Hooked {
  const w = new FakeBrowserWindow({ width: 800, height: 600 }) as Hooked;
  const handle = Buffer.alloc(8);
  handle.writeUInt32LE(0x3c00005);
  w.hooks = new Map();
  Object.assign(w, {
    getNativeWindowHandle: () => handle,
    hookWindowMessage: (m: number, cb: (w: Buffer, l: Buffer) => void) => void w.hooks.set(m, cb),
    unhookWindowMessage: (m: number) => void w.hooks.delete(m),
  });
  return w;
}

describe('ElectronWindowHost docking support', () => {
  it('gives the native handle and maps DIPs to X11 root pixels with the scale factor', () => {
    Object.assign(electron.screen, { getDisplayMatching: () => ({ scaleFactor: 1.5 }) });
    electron.screen.displays = [{ id: 1, bounds: { x: 0, y: 0, width: 1280, height: 720 }, workArea: { x: 0, y: 0, width: 1280, height: 690 }, scaleFactor: 1.5 }];
    const w = mainWindow();
    const host = new ElectronWindowHost({ main: w as never, isQuitting: () => false, platform: 'linux' });
    expect(host.getDisplays()[0]!.scaleFactor).toBe(1.5);
    const n = host.nativeMain()!;
    expect(n.handle.readUInt32LE(0)).toBe(0x3c00005);
    expect(n.toScreen({ x: 860, y: 0, width: 420, height: 690 })).toEqual({ x: 1290, y: 0, width: 630, height: 1035 });
    expect(n.toScreen({ x: 1, y: 1, width: 3, height: 3 })).toEqual({ x: 2, y: 2, width: 4, height: 4 }); // edges rounded, not sizes
    w.destroy();
    expect(host.nativeMain()).toBeUndefined();
  });

  it('uses dipToScreenRect on Windows and re-applies when the shell moves the app bar', () => {
    const seen: unknown[] = [];
    Object.assign(electron.screen, { dipToScreenRect: (win: unknown, r: { x: number; y: number; width: number; height: number }) => { seen.push(win); return { ...r, x: r.x * 2, width: r.width * 2 }; } });
    const w = mainWindow();
    const host = new ElectronWindowHost({ main: w as never, isQuitting: () => false, platform: 'win32' });
    expect(host.nativeMain()!.toScreen({ x: 10, y: 5, width: 100, height: 50 })).toEqual({ x: 20, y: 5, width: 200, height: 50 });
    expect(seen).toEqual([w]);

    let changes = 0;
    const off = host.onDisplaysChanged(() => changes++);
    expect(w.hooks.has(APPBAR_CALLBACK_MESSAGE)).toBe(true);
    electron.screen.emit('display-metrics-changed');
    expect(changes).toBe(1);
    return new Promise<void>((resolve) => {
      const wParam = Buffer.alloc(8);
      wParam.writeUInt32LE(2); // ABN_STATECHANGE: ignored
      w.hooks.get(APPBAR_CALLBACK_MESSAGE)!(wParam, Buffer.alloc(8));
      wParam.writeUInt32LE(1); // ABN_POSCHANGED
      w.hooks.get(APPBAR_CALLBACK_MESSAGE)!(wParam, Buffer.alloc(8));
      setImmediate(() => {
        expect(changes).toBe(2);
        off();
        expect(w.hooks.size).toBe(0);
        electron.screen.emit('display-added');
        expect(changes).toBe(2);
        resolve();
      });
    });
  });

  it('does not hook window messages elsewhere; maps 1:1 on macOS', () => {
    const w = mainWindow();
    const host = new ElectronWindowHost({ main: w as never, isQuitting: () => false, platform: 'darwin' });
    const off = host.onDisplaysChanged(() => {});
    expect(w.hooks.size).toBe(0);
    off();
    expect(host.nativeMain()!.toScreen({ x: 1, y: 2, width: 3, height: 4 })).toEqual({ x: 1, y: 2, width: 3, height: 4 });
  });

  it('reports the main window shown, hidden, minimised and restored', () => {
    const w = mainWindow();
    const host = new ElectronWindowHost({ main: w as never, isQuitting: () => false, platform: 'linux' });
    const seen: boolean[] = [];
    const off = host.onMainVisibilityChanged((v) => seen.push(v));
    w.show();
    w.emit('show');
    w.minimized = true;
    w.emit('minimize');
    w.minimized = false;
    w.emit('restore');
    w.hide();
    w.emit('hide');
    expect(seen).toEqual([true, false, true, false]);
    off();
    w.emit('show');
    expect(seen).toHaveLength(4);
  });

  it('picks the edge reservation of the OS', () => {
    expect(createEdgeReservation({ platform: 'win32', nativeDir: 'C:\\n', env: {} })).toBeInstanceOf(WindowsAppBarReservation);
    const x = createEdgeReservation({ platform: 'linux', nativeDir: '/n', env: { DISPLAY: ':5' } });
    expect(x).toBeInstanceOf(X11EdgeReservation);
    expect(x!.unsupported()).toBeUndefined();
    expect(createEdgeReservation({ platform: 'linux', nativeDir: '/n', env: { XDG_SESSION_TYPE: 'wayland', WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' } })!.unsupported()).toMatch(/Wayland/);
    expect(createEdgeReservation({ platform: 'darwin', nativeDir: '/n' })).toBeUndefined();
  });
});
