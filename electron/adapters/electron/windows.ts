/**
 * WindowHost, TrayPort and ShellPort with Electron (BrowserWindow, screen, Tray, Menu, shell).
 */
import { app, BrowserWindow, Menu, nativeImage, screen, shell, Tray, type MenuItemConstructorOptions } from 'electron';
import type { AppWindowHandle, DisplayInfo, Rect, ShellPort, TrayMenuItem, TrayPort, WindowHost } from '../../windows/ports';
import { secureWebPreferences } from '../../security';

export interface ElectronWindowHostOptions {
  main: BrowserWindow;
  /** Preload of detached app windows (they host PBX-origin pages; the policy is applied to
   * every webContents by app 'web-contents-created'). */
  preload?: string;
  /** True while the client quits (windows closed then are kept for the next start). */
  isQuitting(): boolean;
  icon?: string;
}

export class ElectronWindowHost implements WindowHost {
  constructor(private readonly o: ElectronWindowHostOptions) {}

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
    return screen.getAllDisplays().map((d) => ({ id: d.id, bounds: { ...d.bounds }, workArea: { ...d.workArea } }));
  }
  onDisplaysChanged(cb: () => void): () => void {
    const events = ['display-added', 'display-removed', 'display-metrics-changed'] as const;
    const h = () => cb();
    for (const e of events) screen.on(e as 'display-added', h);
    return () => {
      for (const e of events) screen.removeListener(e as 'display-added', h);
    };
  }
  openAppWindow(opts: { app: string; url: string; title?: string; bounds?: Rect }): AppWindowHandle {
    const win = new BrowserWindow({
      ...(opts.bounds ?? { width: 800, height: 600 }),
      title: opts.title ?? opts.app,
      show: true,
      autoHideMenuBar: true,
      ...(this.o.icon ? { icon: this.o.icon } : {}),
      webPreferences: secureWebPreferences(this.o.preload),
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
