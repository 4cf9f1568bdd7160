/**
 * Detached app windows: an app of the web client in a window of its own (PBX origin only),
 * persisted with its bounds and re-opened at the next start; a window the user closes is
 * reported so that the web client shows the app again (docs/windows.md).
 */
import type { Logger } from '../platform';
import { placeWindow } from './geometry';
import type { AppWindowHandle, Rect, WindowHost } from './ports';
import type { WindowStateStore } from './state';

export interface DetachedApp {
  app: string;
  url: string;
  title?: string;
}

export interface DetachedWindows {
  detachApp(a: DetachedApp): { ok: true } | { ok: false; error: string };
  attachApp(app: string): void;
  getDetachedApps(): DetachedApp[];
  /** Re-open the app windows of the last session. */
  restoreDetached(): void;
  /** A detached window was closed by the user: the web client shows the app again. */
  onAppAttached(cb: (app: string) => void): () => void;
}

export function createDetachedWindows(o: { host: WindowHost; store: WindowStateStore; logger: Logger; isPbxUrl(url: string): boolean }): DetachedWindows {
  const { host, store, logger } = o;
  const windows = new Map<string, AppWindowHandle>();
  const attachedListeners = new Set<(app: string) => void>();

  function openWindow(a: DetachedApp, bounds?: Rect): void {
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
  };
}
