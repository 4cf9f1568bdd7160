/**
 * DialogHost (electron/windows/ports.ts) with BrowserWindow: a launcher page in a small window
 * with the secure webPreferences and the launcher preload, child of the main window (modal to it
 * where requested and the main window is visible).
 */
import { BrowserWindow, type WebContents } from 'electron';
import type { PreloadEventName, PreloadEventPayload } from '../../common/preload';
import { launcherPageUrl, secureWebPreferences } from '../../electron/security';
import type { DialogHost, DialogSpec, DialogWindow } from '../../electron/windows/ports';

export interface ElectronDialogHostOptions {
  preload: string;
  icon?: string;
  parent?: () => BrowserWindow | undefined;
  /** ipc.emit of native/electron/ipc.ts (validated, origin-checked). */
  emit<E extends PreloadEventName>(targets: WebContents[], event: E, payload: PreloadEventPayload<E>): void;
}

export function createDialogHost(o: ElectronDialogHostOptions): DialogHost {
  return {
    open(spec: DialogSpec): DialogWindow {
      const parent = o.parent?.();
      const usableParent = parent && !parent.isDestroyed() && parent.isVisible() ? parent : undefined;
      const win = new BrowserWindow({
        width: spec.width,
        height: spec.height,
        title: spec.title,
        ...(o.icon ? { icon: o.icon } : {}),
        autoHideMenuBar: true,
        resizable: true,
        minimizable: false,
        maximizable: false,
        show: true,
        ...(usableParent ? { parent: usableParent, modal: !!spec.modal } : {}),
        alwaysOnTop: !!spec.modal && !usableParent,
        webPreferences: secureWebPreferences(o.preload),
      });
      const closedCbs: (() => void)[] = [];
      win.on('closed', () => {
        for (const cb of closedCbs.splice(0)) cb();
      });
      void win.loadURL(launcherPageUrl(spec.page)).catch(() => undefined);
      const id = win.webContents.id;
      return {
        id,
        emit(event, payload) {
          if (!win.isDestroyed()) o.emit([win.webContents], event, payload);
        },
        focus() {
          if (win.isDestroyed()) return;
          win.show();
          win.focus();
        },
        close() {
          if (!win.isDestroyed()) win.close();
        },
        onClosed(cb) {
          if (win.isDestroyed()) cb();
          else closedCbs.push(cb);
        },
      };
    },
  };
}
