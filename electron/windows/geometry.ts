/**
 * Window geometry (pure): docking to a screen edge and keeping saved bounds on a visible display.
 */
import type { DialogPlacement, DisplayInfo, DockSide, Rect } from './ports';

export const DOCK_DEFAULT_WIDTH = 420;
export const DOCK_MIN_WIDTH = 320;
export const MIN_WINDOW = { width: 400, height: 300 };
/** A saved window must show at least this much of itself on some display to be kept. */
export const VISIBLE_MARGIN = 100;

function intersection(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** The display a rectangle overlaps most (the first display when it overlaps none). */
export function displayFor(r: Rect, displays: readonly DisplayInfo[]): DisplayInfo | undefined {
  let best: DisplayInfo | undefined;
  let bestArea = -1;
  for (const d of displays) {
    const a = intersection(r, d.workArea);
    if (a > bestArea) {
      best = d;
      bestArea = a;
    }
  }
  return best;
}

/**
 * Bounds of a window docked to the left or right edge of a display's work area: full work-area
 * height, given width (clamped to [DOCK_MIN_WIDTH, half the work area]).
 */
export function dockedBounds(workArea: Rect, side: Exclude<DockSide, 'none'>, width = DOCK_DEFAULT_WIDTH): Rect {
  const w = Math.round(Math.max(DOCK_MIN_WIDTH, Math.min(width, Math.floor(workArea.width / 2))));
  const x = side === 'left' ? workArea.x : workArea.x + workArea.width - w;
  return { x, y: workArea.y, width: w, height: workArea.height };
}

/**
 * Where the main window goes: docked to the edge of the display it is on, or its saved bounds
 * when they are visible enough, or centred on the first display.
 */
export function placeWindow(opts: { saved?: Rect; docking: DockSide; dockWidth?: number; displays: readonly DisplayInfo[]; fallbackSize?: { width: number; height: number } }): Rect {
  const { saved, docking, displays } = opts;
  const size = opts.fallbackSize ?? { width: 1024, height: 720 };
  if (displays.length === 0) return saved ?? { x: 0, y: 0, ...size };
  const d = (saved && displayFor(saved, displays)) || displays[0]!;
  if (docking !== 'none') return dockedBounds(d.workArea, docking, opts.dockWidth ?? saved?.width ?? DOCK_DEFAULT_WIDTH);
  if (saved && isVisible(saved, displays)) return clampSize(saved, d.workArea);
  return centre(size, displays[0]!.workArea);
}

/** Is at least VISIBLE_MARGIN x VISIBLE_MARGIN (or the whole window if smaller) on some display? */
export function isVisible(r: Rect, displays: readonly DisplayInfo[]): boolean {
  if (!(Number.isFinite(r.x) && Number.isFinite(r.y) && r.width > 0 && r.height > 0)) return false;
  const needW = Math.min(VISIBLE_MARGIN, r.width);
  const needH = Math.min(VISIBLE_MARGIN, r.height);
  return displays.some((d) => {
    const a = d.workArea;
    const w = Math.min(r.x + r.width, a.x + a.width) - Math.max(r.x, a.x);
    const h = Math.min(r.y + r.height, a.y + a.height) - Math.max(r.y, a.y);
    return w >= needW && h >= needH;
  });
}

function clampSize(r: Rect, wa: Rect): Rect {
  const width = Math.max(MIN_WINDOW.width, Math.min(r.width, wa.width));
  const height = Math.max(MIN_WINDOW.height, Math.min(r.height, wa.height));
  return { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(width), height: Math.round(height) };
}

function centre(size: { width: number; height: number }, wa: Rect): Rect {
  const width = Math.min(size.width, wa.width);
  const height = Math.min(size.height, wa.height);
  return { x: Math.round(wa.x + (wa.width - width) / 2), y: Math.round(wa.y + (wa.height - height) / 2), width, height };
}

/** Gap between a dialog placed at an edge and the edge of the work area. */
export const DIALOG_EDGE_GAP = 16;

/**
 * Bounds of a launcher dialog in a work area (the primary display's): centred, at the bottom
 * right (incoming call, where notifications appear on Windows) or at the top centre (the sharing
 * bar, out of the way of what is shared), never larger than the work area.
 */
export function dialogBounds(workArea: Rect, size: { width: number; height: number }, placement: DialogPlacement = 'center'): Rect {
  const width = Math.min(size.width, workArea.width);
  const height = Math.min(size.height, workArea.height);
  const gapX = Math.min(DIALOG_EDGE_GAP, Math.floor((workArea.width - width) / 2));
  const gapY = Math.min(DIALOG_EDGE_GAP, Math.floor((workArea.height - height) / 2));
  if (placement === 'bottom-right') return { x: workArea.x + workArea.width - width - gapX, y: workArea.y + workArea.height - height - gapY, width, height };
  if (placement === 'top-center') return { x: Math.round(workArea.x + (workArea.width - width) / 2), y: workArea.y + gapY, width, height };
  return centre({ width, height }, workArea);
}
