/**
 * Ports of the windows/tray/start service (implemented by native/electron/* with
 * BrowserWindow, Tray, screen, app.setLoginItemSettings; by in-memory fakes in unit tests).
 */
import type { PreloadEventName, PreloadEventPayload } from '../../common/preload';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DisplayInfo {
  id: number;
  /** Whole screen. */
  bounds: Rect;
  /** Screen minus task bar / dock / panels. */
  workArea: Rect;
  /** Device pixels per DIP (Electron `Display.scaleFactor`); 1 when unknown. */
  scaleFactor?: number;
}

export type DockSide = 'left' | 'right' | 'none';

/** One entry of the tray menu (a plain model: the adapter turns it into an Electron Menu). */
export interface TrayMenuItem {
  id: string;
  label: string;
  type: 'normal' | 'checkbox' | 'separator';
  checked?: boolean;
  enabled?: boolean;
}

export interface TrayPort {
  setMenu(items: TrayMenuItem[], onClick: (id: string) => void): void;
  setToolTip(text: string): void;
  /** Left click on the icon (Windows/Linux StatusNotifier; macOS opens the menu instead). */
  onActivate(cb: () => void): void;
  destroy(): void;
}

/** Start at login. */
export interface AutostartPort {
  isEnabled(): Promise<boolean>;
  /** `hidden`: start in the tray (passes --hidden). */
  setEnabled(enabled: boolean, opts?: { hidden?: boolean }): Promise<void>;
}

/** A window showing one detached app. */
export interface AppWindowHandle {
  readonly app: string;
  focus(): void;
  close(): void;
  getBounds(): Rect;
  /** Called once when the window is gone (closed by the user or by close()). */
  onClosed(cb: (byUser: boolean) => void): void;
  onBoundsChanged(cb: (r: Rect) => void): void;
}

/** The main window and the screens it lives on. */
export interface WindowHost {
  /** Restore (un-minimise), show and focus the main window. */
  showMain(): void;
  /** Hide the main window (minimise to tray). */
  hideMain(): void;
  isMainVisible(): boolean;
  setShowInTaskbar(show: boolean): void;
  getMainBounds(): Rect;
  setMainBounds(r: Rect): void;
  /** Keep the window above others (docked mode). */
  setAlwaysOnTop(on: boolean): void;
  getDisplays(): DisplayInfo[];
  onDisplaysChanged(cb: () => void): () => void;
  /** Open an app window with the secure webPreferences. */
  openAppWindow(opts: { app: string; url: string; title?: string; bounds?: Rect }): AppWindowHandle;
  /** Badge on task bar (Windows overlay) / dock (macOS) / launcher (Linux Unity). */
  setBadge(count: number | string): void;
  /**
   * The main window as the OS sees it, for reserving the docked strip (EdgeReservation):
   * Electron's getNativeWindowHandle() (HWND on Windows, X11 window id on Linux) and the mapping
   * from Electron's DIP rectangles to the OS's screen pixels. Undefined when the window is gone.
   */
  nativeMain?(): NativeWindow | undefined;
  /** The main window was shown/restored (true) or hidden/minimised (false): a hidden docked
   * window gives its strip back. Without it the window counts as always shown. */
  onMainVisibilityChanged?(cb: (visible: boolean) => void): () => void;
}

export interface NativeWindow {
  handle: Buffer;
  /** DIP rectangle -> screen pixels (X11 root-window / Windows physical screen coordinates). */
  toScreen(r: Rect): Rect;
}

/** What to reserve: everything in screen pixels (NativeWindow.toScreen). */
export interface EdgeReservationRequest {
  /** Native window handle (NativeWindow.handle). */
  window: Buffer;
  edge: 'left' | 'right';
  /** Width of the strip (the docked window's width). */
  width: number;
  /** Whole bounds of the display the window is docked on. */
  display: Rect;
  /** Whole bounds of every display (to refuse a strip on an edge shared with another display). */
  displays: Rect[];
}

/**
 * Keeps other windows out of the docked window's strip: X11 _NET_WM_STRUT(_PARTIAL)
 * (native/linux/edge-reservation.ts), a Windows AppBar (native/win/appbar.ps1).
 * There is none on macOS and Wayland (docking only snaps there).
 */
export interface EdgeReservation {
  /** Why this session cannot reserve screen space at all, or undefined when it can. */
  unsupported(): string | undefined;
  /** Reserve (or move/resize an existing reservation). Resolves with the strip the OS granted,
   * in screen pixels; rejects with EdgeReservationError. */
  reserve(req: EdgeReservationRequest): Promise<Rect>;
  /** Give the strip back (idempotent; a window without a reservation is fine). */
  release(window: Buffer): Promise<void>;
}

/** Reveal a folder or file in the OS file manager. */
export interface ShellPort {
  openPath(path: string): Promise<void>;
  showItemInFolder(path: string): void;
}

// ---- launcher-owned dialogs (dialogs.ts): a launcher page in its own window ----------------------

export interface DialogSpec {
  /** Launcher page file, e.g. 'proxy-auth.html'. */
  page: string;
  title: string;
  width: number;
  height: number;
  /** Keep above the main window (modal to it where the desktop allows). */
  modal?: boolean;
  /**
   * Above every window, also full-screen ones, and independent of the main window (not its
   * child: it stays when the main window is hidden in the tray). The sharing bar, the
   * incoming-call window.
   */
  floating?: boolean;
  /**
   * Where it appears (geometry.ts dialogBounds): centred (default), or at an edge of the primary
   * display's work area. An edge-placed dialog's width and height are its content size (the
   * window frame is added to it).
   */
  placement?: DialogPlacement;
  /** Shown without taking the keyboard focus from what the user is typing in (default: focused). */
  inactive?: boolean;
}

export type DialogPlacement = 'center' | 'bottom-right' | 'top-center';

export interface DialogWindow {
  /** webContents id of the dialog (the sender id its calls arrive with). */
  readonly id: number;
  /** Send a preload event to this dialog only. */
  emit<E extends PreloadEventName>(event: E, payload: PreloadEventPayload<E>): void;
  focus(): void;
  /** A new height for its content (its width stays); an edge-placed dialog keeps its edge. */
  setHeight(height: number): void;
  close(): void;
  /** The user closed the window (or it was destroyed). */
  onClosed(cb: () => void): void;
}

export interface DialogHost {
  open(spec: DialogSpec): DialogWindow;
}

// ---- rules every EdgeReservation implementation shares (native/linux, native/win) ----------------

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

/** Checks shared by every platform: whole pixels, a strip narrower than its display. */
export function validateRequest(req: EdgeReservationRequest): void {
  const ints = [req.width, req.display.x, req.display.y, req.display.width, req.display.height];
  if (!ints.every((n) => Number.isSafeInteger(n))) throw new EdgeReservationError('bad-request', 'reservation geometry must be whole pixels');
  if (req.edge !== 'left' && req.edge !== 'right') throw new EdgeReservationError('bad-request', `edge must be left or right, not ${String(req.edge)}`);
  if (req.width <= 0 || req.width >= req.display.width || req.display.height <= 0) {
    throw new EdgeReservationError('bad-request', `strip of ${req.width} px does not fit a display ${req.display.width} px wide`);
  }
}

/** The strip a request asks for, in the same pixels as the request. */
export function requestedStrip(req: EdgeReservationRequest): Rect {
  const d = req.display;
  return { x: req.edge === 'left' ? d.x : d.x + d.width - req.width, y: d.y, width: req.width, height: d.height };
}
