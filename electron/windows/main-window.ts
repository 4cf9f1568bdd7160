/**
 * The main window's state: placement (saved bounds, or docked to a screen edge with its
 * reserved strip), always-on-top while docked, show-in-taskbar, remembering bounds, and what
 * closing it does (docs/windows.md, docs/docking.md).
 */
import type { Logger } from '../platform';
import { placeWindow, DOCK_DEFAULT_WIDTH } from './geometry';
import { workAreaWithoutOwnStrip } from './edge';
import { createDockingReservation, type DockingStatus } from './docking';
import type { DisplayInfo, DockSide, EdgeReservation, Rect, WindowHost } from './ports';
import type { WindowStateStore } from './state';
import type { WindowSettings } from './settings';

const asDock = (v: unknown): DockSide => (v === 'left' || v === 'right' ? v : 'none');

export interface MainWindowState {
  /** Place the window (saved bounds or docked), on top while docked, taskbar entry. */
  applyLayout(): void;
  /** Only the taskbar entry ("Show in taskbar"). */
  applyTaskbar(): void;
  /** Remember the bounds (undocked), or the dock width (docked: re-docks at that width). */
  rememberBounds(): void;
  /** Watch display changes and the window's visibility (the strip is released while hidden). */
  start(): void;
  dockingStatus(): DockingStatus;
  settled(): Promise<void>;
  close(): Promise<void>;
}

export function createMainWindowState(o: { host: WindowHost; edgeReservation?: EdgeReservation; settings: WindowSettings; store: WindowStateStore; logger: Logger }): MainWindowState {
  const { host, settings, store, logger } = o;
  const cleanups: (() => void)[] = [];
  let mainShown = host.onMainVisibilityChanged ? host.isMainVisible() : true;
  let lastLayout: { side: DockSide; r: Rect; displays: DisplayInfo[] } | undefined;
  const docking = (): DockSide => asDock(settings.get('docking'));
  const showInTaskbar = (): boolean => settings.get('showInTaskbar') !== false;
  const reservation = createDockingReservation({ host, reservation: o.edgeReservation, logger, mainShown: () => mainShown });

  function applyLayout(): void {
    const st = store.get();
    const side = docking();
    // Docking is computed against the work area without our own reserved strip.
    const own = reservation.own();
    const displays = host.getDisplays().map((d) => (own && d.id === own.displayId ? { ...d, workArea: workAreaWithoutOwnStrip(d.workArea, own) } : d));
    const r = placeWindow({ saved: st.main.bounds, docking: side, dockWidth: st.dockWidth ?? DOCK_DEFAULT_WIDTH, displays });
    host.setMainBounds(r);
    host.setAlwaysOnTop(side !== 'none');
    host.setShowInTaskbar(showInTaskbar());
    logger.trace('App', 'window layout', { docking: side, bounds: r });
    lastLayout = { side, r, displays };
    reservation.sync(side, r, displays);
  }

  return {
    applyLayout,
    applyTaskbar: () => host.setShowInTaskbar(showInTaskbar()),
    rememberBounds() {
      const b = host.getMainBounds();
      if (docking() !== 'none') {
        const width = Math.round(b.width);
        if (store.get().dockWidth === width) return;
        void store.update((s) => { s.dockWidth = width; });
        // The user resized the docked window: re-dock at that width (and move the reserved strip).
        applyLayout();
        return;
      }
      void store.update((s) => { s.main.bounds = b; });
    },
    start() {
      cleanups.push(host.onDisplaysChanged(() => applyLayout()));
      if (host.onMainVisibilityChanged) {
        cleanups.push(
          host.onMainVisibilityChanged((visible) => {
            if (visible === mainShown) return;
            mainShown = visible;
            if (lastLayout) reservation.sync(lastLayout.side, lastLayout.r, lastLayout.displays);
          }),
        );
      }
    },
    dockingStatus: () => reservation.status(),
    settled: () => reservation.settled(),
    async close() {
      for (const c of cleanups.splice(0)) c();
      reservation.release('quit');
      await reservation.settled();
    },
  };
}
