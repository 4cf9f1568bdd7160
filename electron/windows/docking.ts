/**
 * Docking's reserved strip (EdgeReservation port: Windows AppBar, X11 strut): at most one
 * reserve/release call at a time, in order; the same request is not repeated; a strip is released
 * when the window is undocked, hidden or replaced (docs/docking.md).
 */
import type { Logger } from '../platform';
import { displayFor } from './geometry';
import type { DisplayInfo, DockSide, EdgeReservation, EdgeReservationRequest, Rect, WindowHost } from './ports';

export interface DockingStatus {
  docking: DockSide;
  reserved: boolean;
  /** Screen-pixel strip the OS granted (Windows may shift it next to another app bar). */
  granted?: Rect;
  /** Why the strip is not reserved while docked. */
  reason?: string;
}

/** Our reserved strip (DIP) and its display. */
export interface OwnStrip {
  displayId: number;
  edge: 'left' | 'right';
  strip: Rect;
}

export interface DockingReservation {
  /** Reserve, move or release the strip for the window placed at `r` on `side`. */
  sync(side: DockSide, r: Rect, displays: DisplayInfo[]): void;
  /** Our strip, set as soon as it is asked for (the OS shrinks the work area right after). */
  own(): OwnStrip | undefined;
  status(): DockingStatus;
  release(reason: string): void;
  /** Resolves when pending reserve/release calls are done. */
  settled(): Promise<void>;
}

export function createDockingReservation(o: { host: WindowHost; reservation?: EdgeReservation; logger: Logger; mainShown(): boolean }): DockingReservation {
  const { host, reservation, logger } = o;
  let own: OwnStrip | undefined;
  let reservedHandle: Buffer | undefined;
  let lastKey: string | undefined;
  let status: DockingStatus = { docking: 'none', reserved: false };
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (job: () => Promise<void>): void => {
    queue = queue.then(job, job);
  };

  function release(reason: string): void {
    const handle = reservedHandle;
    own = undefined;
    reservedHandle = undefined;
    lastKey = undefined;
    if (!reservation || !handle) return;
    enqueue(async () => {
      try {
        await reservation.release(handle);
        logger.trace('App', 'docking strip released', { reason });
      } catch (err) {
        logger.warn('docking strip not released', { error: String(err) });
      }
    });
  }

  /** Why the strip cannot be reserved now, or the native window to reserve it for. */
  function nativeTarget(r: Rect, displays: DisplayInfo[]): { reason: string } | { native: NonNullable<ReturnType<NonNullable<WindowHost['nativeMain']>>>; d: DisplayInfo } {
    const why = reservation!.unsupported();
    let native: ReturnType<NonNullable<WindowHost['nativeMain']>>;
    try {
      native = host.nativeMain?.();
    } catch (err) {
      logger.warn('no native handle for the main window', { error: String(err) });
      native = undefined;
    }
    const d = displayFor(r, displays);
    if (why || !native || !d) return { reason: why ?? (native ? 'no display' : 'the window has no native handle') };
    return { native, d };
  }

  function reserve(side: 'left' | 'right', r: Rect, displays: DisplayInfo[], native: NonNullable<ReturnType<NonNullable<WindowHost['nativeMain']>>>, d: DisplayInfo): void {
    const strip = native.toScreen(r);
    const req: EdgeReservationRequest = {
      window: native.handle,
      edge: side,
      width: strip.width,
      display: native.toScreen(d.bounds),
      displays: displays.map((x) => native.toScreen(x.bounds)),
    };
    const key = JSON.stringify({ ...req, window: native.handle.toString('hex') });
    if (key === lastKey) return; // unchanged (e.g. the work area event our own reservation caused)
    if (reservedHandle && !reservedHandle.equals(native.handle)) release('window replaced');
    lastKey = key;
    own = { displayId: d.id, edge: side, strip: r };
    reservedHandle = native.handle;
    status = { docking: side, reserved: false, reason: 'pending' };
    enqueue(async () => {
      if (lastKey !== key) return; // superseded before it started
      try {
        const granted = await reservation!.reserve(req);
        if (lastKey !== key) return; // superseded while running
        status = { docking: side, reserved: true, granted };
        logger.trace('App', 'docking strip reserved', { edge: side, width: req.width, display: req.display, granted });
      } catch (err) {
        if (lastKey !== key) return;
        own = undefined;
        status = { docking: side, reserved: false, reason: (err as Error).message ?? String(err) };
        logger.warn('docking strip not reserved; the window only snaps to the edge', { error: status.reason, code: (err as { code?: string }).code });
        // A strip reserved before (other display or side) must not stay behind.
        reservedHandle = undefined;
        await reservation!.release(native.handle).catch((e) => logger.warn('docking strip not released', { error: String(e) }));
      }
    });
  }

  return {
    sync(side, r, displays) {
      if (side === 'none') {
        status = { docking: side, reserved: false };
        release('undocked');
        return;
      }
      if (!reservation) {
        status = { docking: side, reserved: false, reason: 'docking only snaps the window on this system' };
        return;
      }
      if (!o.mainShown()) {
        status = { docking: side, reserved: false, reason: 'the window is hidden' };
        release('window hidden');
        return;
      }
      const t = nativeTarget(r, displays);
      if ('reason' in t) {
        if (reservedHandle) release('not possible any more');
        status = { docking: side, reserved: false, reason: t.reason };
        if (lastKey !== `unsupported:${t.reason}`) logger.trace('App', 'docking strip not reserved', { reason: t.reason });
        lastKey = `unsupported:${t.reason}`;
        return;
      }
      reserve(side, r, displays, t.native, t.d);
    },
    own: () => own,
    status: () => ({ ...status }),
    release,
    settled: () => queue,
  };
}
