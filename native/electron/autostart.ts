/**
 * Autostart: app.setLoginItemSettings on Windows and macOS; an XDG autostart .desktop file on
 * Linux (electron/windows/autostart-linux.ts), pointing at the AppImage when run from one.
 */
import * as os from 'node:os';
import { app } from 'electron';
import type { AutostartPort } from '../../electron/windows/ports';
import { XdgAutostart, xdgAutostartDir } from '../linux/autostart';

export function createAutostart(opts: { appId: string; name: string; icon?: string; platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv }): AutostartPort {
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;
  if (platform === 'linux') {
    return new XdgAutostart({
      dir: xdgAutostartDir(env, os.homedir()),
      id: opts.appId,
      name: opts.name,
      // An AppImage's execPath is inside a temporary mount; the AppImage file itself is in $APPIMAGE.
      exec: env.APPIMAGE || process.execPath,
      icon: opts.icon,
    });
  }
  return {
    async isEnabled() {
      return app.getLoginItemSettings().openAtLogin;
    },
    async setEnabled(enabled, o = {}) {
      app.setLoginItemSettings({
        openAtLogin: enabled,
        // Windows: the login item starts us with --hidden (tray only); macOS: openAsHidden is deprecated, args are Windows only.
        args: o.hidden ? ['--hidden'] : [],
      });
    },
  };
}
