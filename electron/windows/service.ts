/**
 * The windows service: main window state and docking (main-window.ts, docking.ts), tray and
 * autostart (tray.ts), detached app windows (detached.ts), badge. Electron-free: everything
 * OS-facing goes through the ports in ./ports. Setting changes arrive through applyDocking,
 * applyTaskbar and applyAutostart (the reaction table in electron/wiring/reactions.ts).
 */
import type { Translator } from '../../common/i18n';
import type { Logger } from '../platform';
import type { AutostartPort, EdgeReservation, ShellPort, TrayPort, WindowHost } from './ports';
import type { WindowStateStore } from './state';
import type { WindowSettings } from './settings';
import { createMainWindowState } from './main-window';
import { createTrayController, type TrayActions } from './tray';
import { createDetachedWindows, type DetachedWindows } from './detached';
import type { DockingStatus } from './docking';

export type { WindowSettingKey, WindowSettings } from './settings';
export type { DetachedApp } from './detached';
export type { DockingStatus } from './docking';

export interface WindowsServiceOptions {
  host: WindowHost;
  tray?: TrayPort;
  autostart?: AutostartPort;
  shell?: ShellPort;
  /** Reserve the docked strip (X11 strut / Windows AppBar); without it docking only snaps. */
  edgeReservation?: EdgeReservation;
  settings: WindowSettings;
  store: WindowStateStore;
  logger: Logger;
  platform: string;
  traceFolder: string;
  /** PBX origin check for detached app URLs. */
  isPbxUrl(url: string): boolean;
  actions: TrayActions;
  /** The client's language for the tray (common/i18n); English when not given. */
  words?: Translator;
  /** Tells the user something went wrong outside any window (an OS notification in the product). */
  notify?(title: string, body: string): void;
  /** Product name (tray tooltip). */
  productName?: string;
}

export interface WindowsService extends DetachedWindows {
  /** Load the saved state, place the main window, build the tray, apply autostart. */
  start(): Promise<void>;
  /** Re-apply docking/bounds (display change). */
  applyLayout(): void;
  /** The `docking` setting changed: dock, move or undock the window. */
  applyDocking(): void;
  /** The `showInTaskbar` setting (value or lock) changed. */
  applyTaskbar(): Promise<void>;
  /** The `autostart` setting (value or lock) changed. */
  applyAutostart(): Promise<void>;
  showMain(): void;
  /** What to do when the user closes the main window: hide into the tray, or quit. */
  closeAction(quitting: boolean): 'hide' | 'quit';
  /** Remember the main window bounds (undocked only). */
  rememberMainBounds(): void;
  setBadge(count: number | string): void;
  /** Docking side and whether its strip is reserved (with the reason when it is not). */
  dockingStatus(): DockingStatus;
  /** Resolves when pending reserve/release calls are done (tests, quit). */
  settled(): Promise<void>;
  refreshTray(): Promise<void>;
  /** Long work in words (update download progress) for the tray tooltip and menu; undefined: none. */
  setTrayStatus(text: string | undefined): void;
  /** Handle a tray click by id (also used by tests and the e2e harness). */
  trayClick(id: string): Promise<void>;
  close(): Promise<void>;
}

export function createWindowsService(o: WindowsServiceOptions): WindowsService {
  const { host, tray, store } = o;
  const main = createMainWindowState({ host, edgeReservation: o.edgeReservation, settings: o.settings, store, logger: o.logger });
  const trayCtl = createTrayController({ host, tray, autostart: o.autostart, shell: o.shell, settings: o.settings, logger: o.logger, platform: o.platform, traceFolder: o.traceFolder, actions: o.actions, words: o.words, notify: o.notify, productName: o.productName });
  const detached = createDetachedWindows({ host, store, logger: o.logger, isPbxUrl: o.isPbxUrl });

  return {
    ...detached,
    async start() {
      await store.load();
      main.applyLayout();
      main.start();
      await trayCtl.start();
    },
    applyLayout: main.applyLayout,
    applyDocking: main.applyLayout,
    async applyTaskbar() {
      main.applyTaskbar();
      await trayCtl.refresh();
    },
    async applyAutostart() {
      await trayCtl.applyAutostart();
      await trayCtl.refresh();
    },
    showMain: () => host.showMain(),
    closeAction: (quitting) => (quitting || !tray ? 'quit' : 'hide'),
    rememberMainBounds: main.rememberBounds,
    setBadge: (count) => host.setBadge(count),
    dockingStatus: main.dockingStatus,
    settled: main.settled,
    refreshTray: trayCtl.refresh,
    setTrayStatus: trayCtl.setStatus,
    trayClick: trayCtl.click,
    async close() {
      await main.close();
      trayCtl.destroy();
      await store.flush();
    },
  };
}
