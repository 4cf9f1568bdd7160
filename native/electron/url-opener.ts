/**
 * The default browser (Electron's shell.openExternal), for URLs electron/security/links.ts decided
 * are external: links in pages and external applications whose path is a URL. On Linux Electron
 * runs xdg-open for it, what the tests run through native/linux/url-opener.ts.
 */
import { shell } from 'electron';
import type { UrlOpener } from '../../electron/externalapps/ports';

export const electronUrlOpener: UrlOpener = {
  openExternal: (url) => shell.openExternal(url),
};
