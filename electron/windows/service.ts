/**
 * The windows service: main window placement and docking (with the edge reservation), minimise
 * to tray, tray menu, autostart, show-in-taskbar, detached app windows, badge. Electron-free:
 * everything OS-facing goes through the ports in ./ports.
 */
import type { Logger } from '../platform';
import { displayFor, placeWindow, DOCK_DEFAULT_WIDTH } from './geometry';
import { workAreaWithoutOwnStrip } from './edge';
import type { AppWindowHandle, AutostartPort, DisplayInfo, DockSide, EdgeReservation, EdgeReservationRequest, Rect, ShellPort, TrayPort, WindowHost } from './ports';
import type { WindowStateStore } from './state';
import { buildTrayMenu, TrayIds } from './tray-menu';
import { english, type Translator } from '../../common/i18n';

/** The settings this service reads and the tray changes (user layer). */
export type WindowSettingKey = 'autostart' | 'showInTaskbar' | 'docking';
export interface WindowSettings {
  get(key: WindowSettingKey): unknown;
  /** Forced by the PBX: the tray shows it, but does not let the user change it. */
  isForced(key: WindowSettingKey): boolean;
  set(key: WindowSettingKey, value: boolean | string): Promise<void>;
  onChange(cb: () => void): () => void;
}

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
  actions: {
    quit(): void;
    openSettings(): void;
    /** Writes the log zip and returns its path (revealed in the file manager); progress 0…1. */
    collectLogs?(onProgress?: (fraction: number) => void): Promise<string>;
  };
  /** The client's language for the tray (common/i18n); English when not given. */
  words?: Translator;
  /** Tells the user something went wrong outside any window (an OS notification in the product). */
  notify?(title: string, body: string): void;
  /** Product name (tray tooltip). */
  productName?: string;
}

export interface DetachedApp {
  app: string;
  url: string;
  title?: string;
}

export interface WindowsService {
  /** Load the saved state, place the main window, build the tray, apply autostart. */
  start(): Promise<void>;
  /** Re-apply docking/bounds (display change, docking setting change). */
  applyLayout(): void;
  showMain(): void;
  /** What to do when the user closes the main window: hide into the tray, or quit. */
  closeAction(quitting: boolean): 'hide' | 'quit';
  /** Remember the main window bounds (undocked only). */
  rememberMainBounds(): void;
  detachApp(a: DetachedApp): { ok: true } | { ok: false; error: string };
  attachApp(app: string): void;
  getDetachedApps(): DetachedApp[];
  /** Re-open the app windows of the last session. */
  restoreDetached(): void;
  /** A detached window was closed by the user: the web client shows the app again. */
  onAppAttached(cb: (app: string) => void): () => void;
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

export interface DockingStatus {
  docking: DockSide;
  reserved: boolean;
  /** Screen-pixel strip the OS granted (Windows may shift it next to another app bar). */
  granted?: Rect;
  /** Why the strip is not reserved while docked. */
  reason?: string;
}

const asDock = (v: unknown): DockSide => (v === 'left' || v === 'right' ? v : 'none');

export function createWindowsService(o: WindowsServiceOptions): WindowsService {
  const { host, tray, autostart, shell, settings, store, logger } = o;
  const windows = new Map<string, AppWindowHandle>();
  const attachedListeners = new Set<(app: string) => void>();
  const cleanups: (() => void)[] = [];
  let collecting = false;
  let collectProgress: number | undefined;
  let trayStatus: string | undefined;
  const words = o.words ?? english;
  const product = o.productName ?? 'myApps';
  let lastAutostart: boolean | undefined;

  const docking = (): DockSide => asDock(settings.get('docking'));
  const showInTaskbar = (): boolean => settings.get('showInTaskbar') !== false;

  // ---- edge reservation: at most one call at a time, in order; the same request is not repeated
  const reservation = o.edgeReservation;
  /** Our reserved strip (DIP) and display, set when asked for (the OS shrinks the work area
   * right after, possibly before the call returns). */
  let own: { displayId: number; edge: 'left' | 'right'; strip: Rect } | undefined;
  let reservedHandle: Buffer | undefined;
  let lastKey: string | undefined;
  let status: DockingStatus = { docking: 'none', reserved: false };
  let mainShown = host.onMainVisibilityChanged ? host.isMainVisible() : true;
  let lastLayout: { side: DockSide; r: Rect; displays: DisplayInfo[] } | undefined;
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

  function syncReservation(side: DockSide, r: Rect, displays: DisplayInfo[]): void {
    if (side === 'none') {
      status = { docking: side, reserved: false };
      release('undocked');
      return;
    }
    if (!reservation) {
      status = { docking: side, reserved: false, reason: 'docking only snaps the window on this system' };
      return;
    }
    if (!mainShown) {
      status = { docking: side, reserved: false, reason: 'the window is hidden' };
      release('window hidden');
      return;
    }
    const why = reservation.unsupported();
    let native: ReturnType<NonNullable<WindowHost['nativeMain']>>;
    try {
      native = host.nativeMain?.();
    } catch (err) {
      logger.warn('no native handle for the main window', { error: String(err) });
      native = undefined;
    }
    const d = displayFor(r, displays);
    if (why || !native || !d) {
      if (reservedHandle) release('not possible any more');
      const reason = why ?? (native ? 'no display' : 'the window has no native handle');
      status = { docking: side, reserved: false, reason };
      if (lastKey !== `unsupported:${reason}`) logger.trace('App', 'docking strip not reserved', { reason });
      lastKey = `unsupported:${reason}`;
      return;
    }
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
        const granted = await reservation.reserve(req);
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
        await reservation.release(native.handle).catch((e) => logger.warn('docking strip not released', { error: String(e) }));
      }
    });
  }

  function applyLayout(): void {
    const st = store.get();
    const side = docking();
    // Docking is computed against the work area without our own reserved strip.
    const displays = host.getDisplays().map((d) => (own && d.id === own.displayId ? { ...d, workArea: workAreaWithoutOwnStrip(d.workArea, own) } : d));
    const r = placeWindow({ saved: st.main.bounds, docking: side, dockWidth: st.dockWidth ?? DOCK_DEFAULT_WIDTH, displays });
    host.setMainBounds(r);
    host.setAlwaysOnTop(side !== 'none');
    host.setShowInTaskbar(showInTaskbar());
    logger.trace('App', 'window layout', { docking: side, bounds: r });
    lastLayout = { side, r, displays };
    syncReservation(side, r, displays);
  }

  async function applyAutostart(): Promise<void> {
    if (!autostart) return;
    const want = settings.get('autostart') === true;
    if (want === lastAutostart) return;
    try {
      await autostart.setEnabled(want, { hidden: true });
      lastAutostart = want;
      logger.trace('App', 'autostart', { enabled: want });
    } catch (err) {
      logger.warn('autostart not changed', { error: String(err) });
    }
  }

  async function refreshTray(): Promise<void> {
    if (!tray) return;
    const items = buildTrayMenu({
      autostart: settings.get('autostart') === true,
      autostartLocked: !autostart || settings.isForced('autostart'),
      showInTaskbar: showInTaskbar(),
      showInTaskbarLocked: settings.isForced('showInTaskbar'),
      platform: o.platform,
      collecting,
      ...(collectProgress !== undefined ? { collectProgress } : {}),
      ...(trayStatus ? { status: trayStatus } : {}),
      words,
    });
    tray.setMenu(items, (id) => void trayClick(id));
  }

  async function trayClick(id: string): Promise<void> {
    logger.trace('App', 'tray click', { id });
    switch (id) {
      case TrayIds.show:
        host.showMain();
        return;
      case TrayIds.settings:
        o.actions.openSettings();
        return;
      case TrayIds.autostart:
        if (settings.isForced('autostart') || !autostart) return;
        await settings.set('autostart', settings.get('autostart') !== true);
        return;
      case TrayIds.showInTaskbar:
        if (settings.isForced('showInTaskbar')) return;
        await settings.set('showInTaskbar', !showInTaskbar());
        return;
      case TrayIds.openTraceFolder:
        await shell?.openPath(o.traceFolder).catch((err) => logger.warn('trace folder not opened', { error: String(err) }));
        return;
      case TrayIds.collectLogs: {
        if (!o.actions.collectLogs || collecting) return;
        collecting = true;
        collectProgress = undefined;
        await refreshTray();
        let shown = -1;
        try {
          const zip = await o.actions.collectLogs((f) => {
            // the menu shows whole percents: rebuild it only when that number changes
            const pct = Math.floor(f * 100);
            if (pct === shown) return;
            shown = pct;
            collectProgress = f;
            void refreshTray();
          });
          shell?.showItemInFolder(zip);
        } catch (err) {
          logger.error('collect logs failed', { error: String(err) });
          o.notify?.(words.t('logs.failedTitle'), words.t('logs.failed', { error: String((err as Error)?.message ?? err) }));
        } finally {
          collecting = false;
          collectProgress = undefined;
          await refreshTray();
        }
        return;
      }
      case TrayIds.quit:
        o.actions.quit();
        return;
      default:
        logger.warn('unknown tray item', { id });
    }
  }

  function openWindow(a: DetachedApp, bounds?: { x: number; y: number; width: number; height: number }): void {
    const h = host.openAppWindow({ app: a.app, url: a.url, title: a.title, bounds });
    windows.set(a.app, h);
    h.onBoundsChanged((r) => {
      void store.update((s) => {
        const e = s.detached.find((d) => d.app === a.app);
        if (e) e.bounds = r;
      });
    });
    h.onClosed((byUser) => {
      if (windows.get(a.app) !== h) return;
      windows.delete(a.app);
      if (!byUser) return; // closed because the client quits: keep it for the next start
      void store.update((s) => {
        s.detached = s.detached.filter((d) => d.app !== a.app);
      });
      for (const cb of attachedListeners) cb(a.app);
    });
  }

  return {
    async start() {
      await store.load();
      applyLayout();
      cleanups.push(host.onDisplaysChanged(() => applyLayout()));
      if (host.onMainVisibilityChanged) {
        cleanups.push(
          host.onMainVisibilityChanged((visible) => {
            if (visible === mainShown) return;
            mainShown = visible;
            if (lastLayout) syncReservation(lastLayout.side, lastLayout.r, lastLayout.displays);
          }),
        );
      }
      cleanups.push(
        settings.onChange(() => {
          applyLayout();
          void applyAutostart();
          void refreshTray();
        }),
      );
      tray?.setToolTip(product);
      tray?.onActivate(() => host.showMain());
      if (autostart) lastAutostart = await autostart.isEnabled().catch(() => undefined);
      await applyAutostart();
      await refreshTray();
    },
    applyLayout,
    showMain: () => host.showMain(),
    closeAction: (quitting) => (quitting || !tray ? 'quit' : 'hide'),
    rememberMainBounds() {
      if (docking() !== 'none') {
        const b = host.getMainBounds();
        const width = Math.round(b.width);
        if (store.get().dockWidth === width) return;
        void store.update((s) => { s.dockWidth = width; });
        // The user resized the docked window: re-dock at that width (and move the reserved strip).
        applyLayout();
        return;
      }
      const b = host.getMainBounds();
      void store.update((s) => { s.main.bounds = b; });
    },
    detachApp(a) {
      if (!o.isPbxUrl(a.url)) return { ok: false, error: 'app url is not of the PBX origin' };
      const existing = windows.get(a.app);
      if (existing) {
        existing.focus();
        return { ok: true };
      }
      const saved = store.get().detached.find((d) => d.app === a.app)?.bounds;
      openWindow(a, saved);
      void store.update((s) => {
        s.detached = [...s.detached.filter((d) => d.app !== a.app), { app: a.app, url: a.url, title: a.title, bounds: saved }];
      });
      return { ok: true };
    },
    attachApp(app) {
      const h = windows.get(app);
      windows.delete(app);
      void store.update((s) => { s.detached = s.detached.filter((d) => d.app !== app); });
      h?.close();
    },
    getDetachedApps: () => store.get().detached.map(({ app, url, title }) => ({ app, url, ...(title ? { title } : {}) })),
    restoreDetached() {
      for (const d of store.get().detached) {
        if (windows.has(d.app)) continue;
        if (!o.isPbxUrl(d.url)) {
          logger.warn('detached app not restored: not of the PBX origin', { app: d.app });
          continue;
        }
        const displays = host.getDisplays();
        const visible = d.bounds && displays.length ? placeWindow({ saved: d.bounds, docking: 'none', displays, fallbackSize: { width: 800, height: 600 } }) : undefined;
        openWindow(d, visible);
      }
    },
    onAppAttached(cb) {
      attachedListeners.add(cb);
      return () => attachedListeners.delete(cb);
    },
    setBadge: (count) => host.setBadge(count),
    dockingStatus: () => ({ ...status }),
    settled: () => queue,
    refreshTray,
    setTrayStatus(text) {
      if (text === trayStatus) return;
      trayStatus = text;
      tray?.setToolTip(text ? `${product}\n${text}` : product);
      void refreshTray();
    },
    trayClick,
    async close() {
      for (const c of cleanups.splice(0)) c();
      release('quit');
      await queue;
      tray?.destroy();
      await store.flush();
    },
  };
}
