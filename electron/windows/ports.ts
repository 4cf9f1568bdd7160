/**
 * Ports of the windows/tray/start service (implemented by electron/adapters/electron/* with
 * BrowserWindow, Tray, screen, app.setLoginItemSettings; by in-memory fakes in unit tests).
 */

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
}

/** Reveal a folder or file in the OS file manager. */
export interface ShellPort {
  openPath(path: string): Promise<void>;
  showItemInFolder(path: string): void;
}
