/**
 * WindowHost, TrayPort and ShellPort with Electron (BrowserWindow, screen, Tray, Menu, shell).
 */
import { app, BrowserWindow, Menu, nativeImage, screen, shell, Tray, type MenuItemConstructorOptions, type WebContents } from 'electron';
import type { AppWindowHandle, DisplayInfo, EdgeReservation, NativeWindow, Rect, ShellPort, TrayMenuItem, TrayPort, WindowHost } from '../../electron/windows/ports';
import { launcherPageUrl, secureWebPreferences } from '../../electron/security';
import { X11EdgeReservation } from '../linux/edge-reservation';
import { WindowsAppBarReservation } from '../win/appbar';

/** The AppBar notification message native/win/appbar.ps1 registers (WM_APP + 0x4D1) and ABN_POSCHANGED. */
export const APPBAR_CALLBACK_MESSAGE = 0x8000 + 0x4d1;
const ABN_POSCHANGED = 1;

export interface ElectronWindowHostOptions {
  main: BrowserWindow;
  /** Preload of detached app windows (they host PBX-origin pages; the policy is applied to
   * every webContents by app 'web-contents-created'). */
  preload?: string;
  /** True while the client quits (windows closed then are kept for the next start). */
  isQuitting(): boolean;
  icon?: string;
  /** process.platform unless a test says otherwise. */
  platform?: NodeJS.Platform;
}

/**
 * The EdgeReservation of this OS: a Windows AppBar, X11 struts on Linux (Wayland reports itself
 * unsupported), none on macOS (no such concept there: docking only snaps the window).
 */
export function createEdgeReservation(opts: { platform: NodeJS.Platform; nativeDir: string; env?: NodeJS.ProcessEnv }): EdgeReservation | undefined {
  if (opts.platform === 'win32') return new WindowsAppBarReservation({ nativeDir: opts.nativeDir, env: opts.env });
  if (opts.platform === 'linux') return new X11EdgeReservation({ env: opts.env });
  return undefined;
}

export class ElectronWindowHost implements WindowHost {
  constructor(private readonly o: ElectronWindowHostOptions) {}

  private get platform(): NodeJS.Platform {
    return this.o.platform ?? process.platform;
  }

  showMain(): void {
    const w = this.o.main;
    if (w.isDestroyed()) return;
    if (w.isMinimized()) w.restore();
    w.show();
    w.focus();
    if (process.platform === 'darwin') app.focus({ steal: true });
  }
  hideMain(): void {
    if (!this.o.main.isDestroyed()) this.o.main.hide();
  }
  isMainVisible(): boolean {
    return !this.o.main.isDestroyed() && this.o.main.isVisible();
  }
  setShowInTaskbar(show: boolean): void {
    if (!this.o.main.isDestroyed()) this.o.main.setSkipTaskbar(!show);
  }
  getMainBounds(): Rect {
    return this.o.main.getBounds();
  }
  setMainBounds(r: Rect): void {
    if (!this.o.main.isDestroyed()) this.o.main.setBounds(r);
  }
  setAlwaysOnTop(on: boolean): void {
    if (!this.o.main.isDestroyed()) this.o.main.setAlwaysOnTop(on);
  }
  getDisplays(): DisplayInfo[] {
    return screen.getAllDisplays().map((d) => ({ id: d.id, bounds: { ...d.bounds }, workArea: { ...d.workArea }, ...(d.scaleFactor ? { scaleFactor: d.scaleFactor } : {}) }));
  }
  onDisplaysChanged(cb: () => void): () => void {
    const events = ['display-added', 'display-removed', 'display-metrics-changed'] as const;
    const h = () => cb();
    for (const e of events) screen.on(e as 'display-added', h);
    // Windows: the shell moved our app bar (another app bar, task bar change): re-apply too.
    const w = this.o.main;
    const hooked = this.platform === 'win32' && !w.isDestroyed() && typeof w.hookWindowMessage === 'function';
    if (hooked) {
      w.hookWindowMessage(APPBAR_CALLBACK_MESSAGE, (wParam: Buffer) => {
        if (wParam.length >= 4 && wParam.readUInt32LE(0) === ABN_POSCHANGED) setImmediate(cb);
      });
    }
    return () => {
      for (const e of events) screen.removeListener(e as 'display-added', h);
      if (hooked && !w.isDestroyed()) w.unhookWindowMessage(APPBAR_CALLBACK_MESSAGE);
    };
  }
  onMainVisibilityChanged(cb: (visible: boolean) => void): () => void {
    const w = this.o.main;
    const h = () => {
      if (!w.isDestroyed()) cb(w.isVisible() && !w.isMinimized());
    };
    const events = ['show', 'hide', 'minimize', 'restore'] as const;
    for (const e of events) w.on(e as 'show', h);
    return () => {
      for (const e of events) w.removeListener(e as 'show', h);
    };
  }
  nativeMain(): NativeWindow | undefined {
    const w = this.o.main;
    if (w.isDestroyed()) return undefined;
    const handle = w.getNativeWindowHandle();
    const platform = this.platform;
    return {
      handle,
      toScreen: (r: Rect): Rect => {
        if (platform === 'win32') return screen.dipToScreenRect(w, r);
        if (platform !== 'linux') return { ...r };
        // Chromium on X11 uses one device scale factor for every monitor: root-window pixels
        // are DIPs times that factor.
        const f = screen.getDisplayMatching(r).scaleFactor || 1;
        const x = Math.round(r.x * f);
        const y = Math.round(r.y * f);
        return { x, y, width: Math.round((r.x + r.width) * f) - x, height: Math.round((r.y + r.height) * f) - y };
      },
    };
  }
  openAppWindow(opts: { app: string; url: string; title?: string; bounds?: Rect }): AppWindowHandle {
    const win = new BrowserWindow({
      ...(opts.bounds ?? { width: 800, height: 600 }),
      title: opts.title ?? opts.app,
      show: true,
      autoHideMenuBar: true,
      ...(this.o.icon ? { icon: this.o.icon } : {}),
      // the app's own frames get lib1's launcher hooks too
      webPreferences: secureWebPreferences(this.o.preload, { subFrames: true }),
    });
    void win.loadURL(opts.url);
    let closedByUs = false;
    const closedCbs: ((byUser: boolean) => void)[] = [];
    win.on('closed', () => {
      const byUser = !closedByUs && !this.o.isQuitting();
      for (const cb of closedCbs) cb(byUser);
    });
    return {
      app: opts.app,
      focus: () => {
        if (win.isDestroyed()) return;
        if (win.isMinimized()) win.restore();
        win.show();
        win.focus();
      },
      close: () => {
        closedByUs = true;
        if (!win.isDestroyed()) win.close();
      },
      getBounds: () => win.getBounds(),
      onClosed: (cb) => void closedCbs.push(cb),
      onBoundsChanged: (cb) => {
        let t: NodeJS.Timeout | undefined;
        const h = () => {
          clearTimeout(t);
          t = setTimeout(() => !win.isDestroyed() && cb(win.getBounds()), 500);
        };
        win.on('resized', h);
        win.on('moved', h);
      },
    };
  }
  setBadge(count: number | string): void {
    if (typeof count === 'number') {
      app.setBadgeCount(count);
      return;
    }
    if (process.platform === 'darwin') app.dock?.setBadge(count);
    else app.setBadgeCount(count ? 1 : 0);
  }
}

/** Tray icon with a context menu built from the plain model of electron/windows/tray-menu. */
export class ElectronTray implements TrayPort {
  private readonly tray: Tray;
  constructor(iconPath: string) {
    const img = nativeImage.createFromPath(iconPath);
    this.tray = new Tray(img.isEmpty() ? nativeImage.createEmpty() : img);
  }
  setMenu(items: TrayMenuItem[], onClick: (id: string) => void): void {
    const template: MenuItemConstructorOptions[] = items.map((i) =>
      i.type === 'separator'
        ? { type: 'separator' }
        : { id: i.id, label: i.label, type: i.type, checked: i.checked, enabled: i.enabled !== false, click: () => onClick(i.id) },
    );
    this.tray.setContextMenu(Menu.buildFromTemplate(template));
  }
  setToolTip(text: string): void {
    this.tray.setToolTip(text);
  }
  onActivate(cb: () => void): void {
    // macOS: a click opens the context menu; elsewhere it shows the window.
    if (process.platform !== 'darwin') this.tray.on('click', () => cb());
  }
  destroy(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }
}

export const electronShell: ShellPort = {
  async openPath(p: string): Promise<void> {
    const err = await shell.openPath(p);
    if (err) throw new Error(err);
  },
  showItemInFolder(p: string): void {
    shell.showItemInFolder(p);
  },
};

/** The advanced settings window (a launcher page): one at a time, brought to the front when open. */
export function settingsWindowOpener(o: { title: string; icon?: string; preload: string }): { open(): void; webContents(): WebContents[] } {
  let win: BrowserWindow | undefined;
  return {
    open() {
      if (win && !win.isDestroyed()) {
        win.show();
        win.focus();
        return;
      }
      win = new BrowserWindow({ width: 720, height: 760, title: o.title, icon: o.icon, autoHideMenuBar: true, webPreferences: secureWebPreferences(o.preload) });
      void win.loadURL(launcherPageUrl('settings.html'));
    },
    webContents: () => (win && !win.isDestroyed() ? [win.webContents] : []),
  };
}
