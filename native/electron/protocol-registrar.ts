/**
 * ProtocolRegistrar with app.setAsDefaultProtocolClient. The registered command line ends with
 * `--` before the link, so Chromium and we never read a link as a switch (CVE-2018-1000006);
 * when run unpackaged (`electron .`) the app path is passed too. On Linux the .desktop file of the
 * deb/AppImage carries `MimeType=x-scheme-handler/tel;…` (build/electron-builder.yml); there
 * setAsDefaultProtocolClient only asks xdg-mime to make that entry the default.
 */
import * as path from 'node:path';
import { app } from 'electron';
import type { ProtocolRegistrar } from '../../electron/links/ports';

export function createProtocolRegistrar(): ProtocolRegistrar {
  return {
    async register(schemes) {
      const registered: string[] = [];
      const failed: { scheme: string; reason: string }[] = [];
      const args = app.isPackaged ? ['--'] : [path.resolve(process.argv[1] ?? '.'), '--'];
      for (const scheme of schemes) {
        if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) {
          failed.push({ scheme, reason: 'invalid scheme name' });
          continue;
        }
        try {
          if (app.setAsDefaultProtocolClient(scheme, process.execPath, args)) registered.push(scheme);
          else failed.push({ scheme, reason: 'the OS refused the registration' });
        } catch (err) {
          failed.push({ scheme, reason: String((err as Error).message ?? err) });
        }
      }
      return { registered, failed };
    },
  };
}
