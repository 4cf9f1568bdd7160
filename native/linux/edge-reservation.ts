/**
 * EdgeReservation on X11: sets _NET_WM_STRUT_PARTIAL and _NET_WM_STRUT (EWMH) on the docked
 * window, over ONE persistent connection of the pure-JS `x11` client (no xprop process per
 * change). Window managers that honour struts (Mutter/GNOME on X11, KWin, Xfwm4, Openbox, …)
 * then keep maximised windows out of the strip and shrink _NET_WORKAREA.
 *
 * _NET_WM_WINDOW_TYPE_DOCK is deliberately NOT set: dock windows lose their decorations, are
 * often not focusable (the web client needs the keyboard), cannot be moved or resized by the user,
 * show on every workspace and leave the task bar; and the type is only read when a window is
 * mapped. A strut on a normal window is what EWMH allows and what e.g. Xfce panels' "reserve
 * space" does.
 *
 * Wayland: no protocol lets a normal client window reserve screen space (only layer-shell
 * surfaces can, which Chromium does not create); `unsupported()` says so and docking only snaps.
 */
import * as x11 from 'x11';
import { EdgeReservationError, nativeHandleToNumber, requestedStrip, validateRequest, type EdgeReservation, type EdgeReservationRequest, type Rect } from '../../electron/windows/ports';
import { detectDisplaySession, isWayland } from '../../common/session';

const CARDINAL = 6; // predefined atom

/** The requests of the `x11` client used here (x11.d.ts types only what idle-clock.ts needs). */
interface PropClient {
  InternAtom(onlyIfExists: boolean, name: string, cb: (err: Error | null, atom: number) => void): void;
  ChangeProperty(mode: number, wid: number, name: number, type: number, format: number, data: number[]): void;
  DeleteProperty(wid: number, name: number): void;
  GetProperty(del: number, wid: number, name: number, type: number, offset: number, length: number, cb: (err: Error | null, prop: { type: number; format: number; data: Buffer }) => void): void;
  on(ev: 'error' | 'end' | 'close', cb: (err?: Error) => void): void;
  terminate(): void;
}

interface Conn {
  client: PropClient;
  root: { width: number; height: number };
  atoms: { partial: number; strut: number };
}

function overlap(a: Rect, b: Rect): boolean {
  return Math.min(a.x + a.width, b.x + b.width) > Math.max(a.x, b.x) && Math.min(a.y + a.height, b.y + b.height) > Math.max(a.y, b.y);
}

const sameRect = (a: Rect, b: Rect): boolean => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

/** The 12 CARDINALs of _NET_WM_STRUT_PARTIAL and the 4 of _NET_WM_STRUT (EWMH 1.5). */
export interface X11Strut {
  /** left, right, top, bottom, left_start_y, left_end_y, right_start_y, right_end_y,
   * top_start_x, top_end_x, bottom_start_x, bottom_end_x */
  partial: number[];
  /** left, right, top, bottom */
  legacy: number[];
}

/**
 * Strut values for a strip docked on `req.display` (root-window coordinates, pixels). EWMH struts
 * are measured from the edge of the ROOT window, not of a monitor: a strip on an edge that another
 * monitor continues past (the left edge of a right-hand monitor) would reserve that whole other
 * monitor's band too, so it is refused ('inner-edge') and the window only snaps there.
 * _NET_WM_STRUT (for window managers without PARTIAL) always spans the full root height.
 */
export function x11Strut(req: EdgeReservationRequest, root: { width: number; height: number }): X11Strut {
  validateRequest(req);
  const d = req.display;
  if (d.x < 0 || d.y < 0 || d.x + d.width > root.width || d.y + d.height > root.height) {
    throw new EdgeReservationError('bad-request', `display ${d.width}x${d.height}+${d.x}+${d.y} is outside the X screen ${root.width}x${root.height}`);
  }
  const band: Rect =
    req.edge === 'left'
      ? { x: 0, y: d.y, width: d.x + req.width, height: d.height }
      : { x: d.x + d.width - req.width, y: d.y, width: root.width - (d.x + d.width - req.width), height: d.height };
  const blocker = req.displays.find((o) => !sameRect(o, d) && overlap(o, band));
  if (blocker) {
    throw new EdgeReservationError('inner-edge', `the ${req.edge} edge of this display borders another display (${blocker.width}x${blocker.height}+${blocker.x}+${blocker.y}); an X11 strut there would reserve part of that display too`);
  }
  const startY = d.y;
  const endY = d.y + d.height - 1; // inclusive, as window managers and panels read it
  if (req.edge === 'left') {
    const left = d.x + req.width;
    return { partial: [left, 0, 0, 0, startY, endY, 0, 0, 0, 0, 0, 0], legacy: [left, 0, 0, 0] };
  }
  const right = root.width - (d.x + d.width) + req.width;
  return { partial: [0, right, 0, 0, 0, 0, startY, endY, 0, 0, 0, 0], legacy: [0, right, 0, 0] };
}

/** Why reservation cannot work in this session (undefined: an X11 session). */
export function linuxSessionUnsupported(env: NodeJS.ProcessEnv): string | undefined {
  const session = detectDisplaySession(env, 'linux');
  if (isWayland(session)) return 'Wayland does not let an application reserve a screen edge; the window only snaps to it';
  if (session === 'none') return 'no X11 display';
  return undefined;
}

export class X11EdgeReservation implements EdgeReservation {
  private conn?: Promise<Conn>;

  constructor(private readonly opts: { display?: string; env?: NodeJS.ProcessEnv } = {}) {}

  unsupported(): string | undefined {
    const env = this.opts.env ?? process.env;
    return linuxSessionUnsupported(this.opts.display ? { ...env, DISPLAY: this.opts.display } : env);
  }

  private connect(): Promise<Conn> {
    const existing = this.conn;
    if (existing) return existing;
    const p = new Promise<Conn>((resolve, reject) => {
      const c = x11.createClient({ display: this.opts.display }, (err, display) => {
        if (err) return reject(err);
        const client = display.client as unknown as PropClient;
        const scr = (display.screen as unknown as { pixel_width: number; pixel_height: number }[])[0]!;
        client.on('end', () => { if (this.conn === p) this.conn = undefined; });
        const atom = (name: string) => new Promise<number>((res, rej) => client.InternAtom(false, name, (e, a) => (e ? rej(e) : res(a))));
        Promise.all([atom('_NET_WM_STRUT_PARTIAL'), atom('_NET_WM_STRUT')]).then(
          ([partial, strut]) => resolve({ client, root: { width: scr.pixel_width, height: scr.pixel_height }, atoms: { partial, strut } }),
          reject,
        );
      });
      c.on('error', (e) => reject(e ?? new Error('X11 connection failed')));
    });
    this.conn = p;
    p.catch(() => { if (this.conn === p) this.conn = undefined; });
    return p;
  }

  private async conn0(): Promise<Conn> {
    const why = this.unsupported();
    if (why) throw new EdgeReservationError('unsupported', why);
    try {
      return await this.connect();
    } catch (err) {
      throw new EdgeReservationError('failed', `cannot connect to the X server: ${String((err as Error)?.message ?? err)}`);
    }
  }

  /** Read a CARDINAL[] property back (also the round trip that surfaces BadWindow). */
  private read(c: Conn, wid: number, atom: number): Promise<number[] | undefined> {
    return new Promise((resolve, reject) => {
      c.client.GetProperty(0, wid, atom, CARDINAL, 0, 16, (err, prop) => {
        if (err) return reject(new EdgeReservationError('failed', `X11 window 0x${wid.toString(16)}: ${String((err as Error).message ?? err)}`));
        if (!prop || prop.type === 0 || prop.format !== 32) return resolve(undefined);
        const out: number[] = [];
        for (let i = 0; i + 4 <= prop.data.length; i += 4) out.push(prop.data.readUInt32LE(i));
        resolve(out);
      });
    });
  }

  async reserve(req: EdgeReservationRequest): Promise<Rect> {
    const wid = nativeHandleToNumber(req.window);
    if (wid > 0xffffffff) throw new EdgeReservationError('bad-request', 'X11 window ids are 32-bit');
    const c = await this.conn0();
    const strut = x11Strut(req, c.root);
    c.client.ChangeProperty(0, wid, c.atoms.partial, CARDINAL, 32, strut.partial);
    c.client.ChangeProperty(0, wid, c.atoms.strut, CARDINAL, 32, strut.legacy);
    const back = await this.read(c, wid, c.atoms.partial);
    if (!back || back.join(',') !== strut.partial.join(',')) throw new EdgeReservationError('failed', '_NET_WM_STRUT_PARTIAL did not stick on the window');
    return requestedStrip(req);
  }

  async release(window: Buffer): Promise<void> {
    const wid = nativeHandleToNumber(window);
    if (this.unsupported()) return;
    const c = await this.conn0();
    c.client.DeleteProperty(wid, c.atoms.partial);
    c.client.DeleteProperty(wid, c.atoms.strut);
    try {
      await this.read(c, wid, c.atoms.partial); // round trip: the deletes reached the server
    } catch {
      // the window is already gone: nothing reserved any more
    }
  }

  /** Strut values currently on a window (tests and diagnostics). */
  async current(window: Buffer): Promise<{ partial?: number[]; legacy?: number[] }> {
    const wid = nativeHandleToNumber(window);
    const c = await this.conn0();
    return { partial: await this.read(c, wid, c.atoms.partial), legacy: await this.read(c, wid, c.atoms.strut) };
  }

  close(): void {
    const p = this.conn;
    this.conn = undefined;
    p?.then((c) => c.client.terminate(), () => {});
  }
}
