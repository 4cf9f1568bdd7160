/**
 * Reserving the docked window's screen strip (pure parts): X11 strut values, the native window
 * handle, and taking our own reservation back out of the work area the OS reports.
 */
import type { EdgeReservationRequest, Rect } from './ports';

export type EdgeReservationErrorCode = 'unsupported' | 'inner-edge' | 'bad-request' | 'failed';

export class EdgeReservationError extends Error {
  constructor(readonly code: EdgeReservationErrorCode, message: string) {
    super(message);
    this.name = 'EdgeReservationError';
  }
}

/**
 * Electron's getNativeWindowHandle(): the HWND (Windows) or X11 Window id (Linux) as the bytes of
 * a pointer-sized integer in machine byte order (little endian on every platform we ship).
 */
export function nativeHandleToNumber(buf: Buffer): number {
  if (buf.length >= 8) {
    const v = buf.readBigUInt64LE(0);
    if (v === 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new EdgeReservationError('bad-request', 'native window handle out of range');
    return Number(v);
  }
  if (buf.length === 4) {
    const v = buf.readUInt32LE(0);
    if (v === 0) throw new EdgeReservationError('bad-request', 'native window handle is 0');
    return v;
  }
  throw new EdgeReservationError('bad-request', `native window handle has ${buf.length} bytes`);
}

function overlap(a: Rect, b: Rect): boolean {
  return Math.min(a.x + a.width, b.x + b.width) > Math.max(a.x, b.x) && Math.min(a.y + a.height, b.y + b.height) > Math.max(a.y, b.y);
}

const sameRect = (a: Rect, b: Rect): boolean => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

/** Checks shared by every platform: whole pixels, a strip narrower than its display. */
export function validateRequest(req: EdgeReservationRequest): void {
  const ints = [req.width, req.display.x, req.display.y, req.display.width, req.display.height];
  if (!ints.every((n) => Number.isSafeInteger(n))) throw new EdgeReservationError('bad-request', 'reservation geometry must be whole pixels');
  if (req.edge !== 'left' && req.edge !== 'right') throw new EdgeReservationError('bad-request', `edge must be left or right, not ${String(req.edge)}`);
  if (req.width <= 0 || req.width >= req.display.width || req.display.height <= 0) {
    throw new EdgeReservationError('bad-request', `strip of ${req.width} px does not fit a display ${req.display.width} px wide`);
  }
}

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

/** The strip a request asks for, in the same pixels as the request. */
export function requestedStrip(req: EdgeReservationRequest): Rect {
  const d = req.display;
  return { x: req.edge === 'left' ? d.x : d.x + d.width - req.width, y: d.y, width: req.width, height: d.height };
}

/**
 * Once our strip is reserved the OS shrinks the display's work area by it; docking must still be
 * computed against the work area WITHOUT our own strip, else the window would move next to its
 * own reservation. `strip` is the docked window's bounds (DIP) when the reservation was made.
 * Only a work area that ends exactly at the strip (±2 DIP of rounding) is widened back.
 */
export function workAreaWithoutOwnStrip(workArea: Rect, own: { edge: 'left' | 'right'; strip: Rect }): Rect {
  const s = own.strip;
  const near = (a: number, b: number) => Math.abs(a - b) <= 2;
  const verticallyInside = s.y <= workArea.y + 2 && s.y + s.height >= workArea.y + workArea.height - 2;
  if (!verticallyInside) return workArea;
  if (own.edge === 'left' && near(workArea.x, s.x + s.width) && s.x < workArea.x) {
    return { ...workArea, x: s.x, width: workArea.width + (workArea.x - s.x) };
  }
  if (own.edge === 'right' && near(workArea.x + workArea.width, s.x) && s.x + s.width > workArea.x + workArea.width) {
    return { ...workArea, width: s.x + s.width - workArea.x };
  }
  return workArea;
}
