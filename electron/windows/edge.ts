/**
 * Taking our own screen-strip reservation back out of the work area the OS reports (pure). The
 * rules every EdgeReservation implementation shares are in ports.ts; the X11 strut values in
 * native/linux/edge-reservation.ts.
 */
import type { Rect } from './ports';

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
