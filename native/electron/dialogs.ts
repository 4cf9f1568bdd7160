/**
 * DialogHost (electron/windows/ports.ts) with BrowserWindow: a launcher page in a small window
 * with the secure webPreferences and the launcher preload, child of the main window (modal to it
 * where requested and the main window is visible). A `floating` dialog (sharing bar, incoming
 * call) is no child of the main window (it stays when that is hidden), sits above every window
 * including full-screen ones and on every workspace, at the edge of the primary display's work
 * area its `placement` names; `inactive` ones appear without taking the keyboard focus.
 */
import { BrowserWindow, screen, type WebContents } from 'electron';
import type { PreloadEventName, PreloadEventPayload } from '../../common/preload';
import { launcherPageUrl, secureWebPreferences } from '../../electron/security';
import { dialogBounds, type DialogHost, type DialogSpec, type DialogWindow } from '../../electron/windows';

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
      const floating = !!spec.floating;
      const parent = floating ? undefined : o.parent?.();
      const usableParent = parent && !parent.isDestroyed() && parent.isVisible() ? parent : undefined;
      const placement = spec.placement && spec.placement !== 'center' ? spec.placement : undefined;
      const at = placement ? dialogBounds(screen.getPrimaryDisplay().workArea, spec, placement) : undefined;
      const win = new BrowserWindow({
        ...(at ?? { width: spec.width, height: spec.height }),
        title: spec.title,
        ...(o.icon ? { icon: o.icon } : {}),
        autoHideMenuBar: true,
        resizable: !floating,
        minimizable: false,
        maximizable: false,
        fullscreenable: false,
        show: !spec.inactive,
        ...(usableParent ? { parent: usableParent, modal: !!spec.modal } : {}),
        alwaysOnTop: floating || (!!spec.modal && !usableParent),
        webPreferences: secureWebPreferences(o.preload),
      });
      if (floating) {
        // above full-screen windows too (a presentation being shared), on every workspace
        win.setAlwaysOnTop(true, 'screen-saver');
        win.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
      }
      // an edge-placed dialog: the size asked for is its content's; the frame goes around it,
      // and the window stays at its edge of the work area
      const place = (height: number): void => {
        if (win.isDestroyed()) return;
        if (!placement) return void win.setContentSize(spec.width, Math.round(height));
        const [outerW = 0, outerH = 0] = win.getSize();
        const [innerW = 0, innerH = 0] = win.getContentSize();
        const b = dialogBounds(screen.getPrimaryDisplay().workArea, { width: spec.width + outerW - innerW, height: Math.round(height) + outerH - innerH }, placement);
        win.setBounds(b);
      };
      if (placement) place(spec.height);
      if (spec.inactive) win.once('ready-to-show', () => !win.isDestroyed() && win.showInactive());
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
        setHeight: (height) => place(height),
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
