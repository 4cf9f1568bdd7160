/**
 * WindowFocus (links, notification clicks) and AttentionPort (incoming calls) for the main window.
 * showAndFocus: restore if minimised, show if hidden (tray), focus (app.focus({steal:true}) on
 * macOS so the app comes to the front). Attention: flashFrame on Windows/Linux, a critical dock
 * bounce on macOS, both stopped when the call is handled.
 */
import { app, type BrowserWindow } from 'electron';
import type { WindowFocus } from '../../electron/platform';
import type { AttentionPort } from '../../electron/notifications/ports';

export function createWindowFocus(getWindow: () => BrowserWindow | undefined | null): WindowFocus {
  return {
    showAndFocus() {
      const w = getWindow();
      if (!w || w.isDestroyed()) return;
      if (w.isMinimized()) w.restore();
      if (!w.isVisible()) w.show();
      if (process.platform === 'darwin') app.focus({ steal: true });
      w.focus();
    },
  };
}

export function createAttention(getWindow: () => BrowserWindow | undefined | null): AttentionPort {
  let bounceId: number | undefined;
  return {
    requestAttention(on: boolean) {
      if (process.platform === 'darwin' && app.dock) {
        if (on && bounceId === undefined) bounceId = app.dock.bounce('critical');
        else if (!on && bounceId !== undefined) {
          app.dock.cancelBounce(bounceId);
          bounceId = undefined;
        }
        return;
      }
      const w = getWindow();
      if (w && !w.isDestroyed()) w.flashFrame(on);
    },
  };
}
