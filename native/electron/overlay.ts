/**
 * OverlayHost (electron/notifications/ports.ts) with Electron's WebContentsView: a launcher page (the
 * in-app notification banner) as a view of its own over the top right corner of the main
 * window's content, with the secure webPreferences and the launcher preload. It is not part of
 * the web client's page or frames: the web client cannot reach it, it cannot reach the web
 * client. It follows the window's size; height 0 hides it.
 */
import { WebContentsView, type BrowserWindow, type WebContents } from 'electron';
import type { PreloadEventName, PreloadEventPayload } from '../../common/preload';
import { launcherPageUrl, secureWebPreferences } from '../../electron/security';
import type { OverlayHost, OverlaySpec, OverlayView } from '../../electron/notifications/ports';

/** Gap between the overlay and the window's content edges (DIP). */
const GAP = 8;

export function createOverlayHost(o: {
  main: () => BrowserWindow | undefined;
  preload: string;
  emit<E extends PreloadEventName>(targets: WebContents[], event: E, payload: PreloadEventPayload<E>): void;
}): OverlayHost {
  return {
    open(spec: OverlaySpec): OverlayView {
      const main = o.main();
      if (!main || main.isDestroyed()) throw new Error('no main window for the overlay');
      const view = new WebContentsView({ webPreferences: secureWebPreferences(o.preload) });
      view.setBackgroundColor('#00000000');
      let height = 0;
      const layout = (): void => {
        if (main.isDestroyed()) return;
        const [w = 0, h = 0] = main.getContentSize();
        const width = Math.max(0, Math.min(spec.width, w - 2 * GAP));
        const hh = Math.max(0, Math.min(height, h - 2 * GAP));
        view.setBounds({ x: Math.max(0, w - width - GAP), y: GAP, width, height: hh });
        view.setVisible(hh > 0);
      };
      main.contentView.addChildView(view);
      main.on('resize', layout);
      layout();
      void view.webContents.loadURL(launcherPageUrl(spec.page)).catch(() => undefined);
      let closed = false;
      return {
        id: view.webContents.id,
        emit(event, payload) {
          if (!closed && !view.webContents.isDestroyed()) o.emit([view.webContents], event, payload);
        },
        setHeight(h) {
          height = Math.max(0, Math.round(h));
          layout();
        },
        close() {
          if (closed) return;
          closed = true;
          main.off('resize', layout);
          if (!main.isDestroyed()) main.contentView.removeChildView(view);
          if (!view.webContents.isDestroyed()) view.webContents.close();
        },
      };
    },
  };
}
