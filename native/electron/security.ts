/**
 * Applies the Electron-free security policy (electron/security) to sessions and webContents:
 * permission/device handlers, navigation, redirects, window.open, webviews.
 */
import { BrowserWindow, type BrowserWindowConstructorOptions, type HIDDevice, type Session, type WebContents } from 'electron';
import type { Logger } from '../../electron/platform';
import {
  decideDevicePermission, decideExternalLink, decideNavigation, decidePermission, decideRedirect, decideWindowOpen, routeDecision, secureWebPreferences,
  selectHidDevice, type OriginPolicy,
} from '../../electron/security';
import { electronUrlOpener } from './url-opener';
import { hasLinkScheme } from '../../common/links';

/** The URL of a frame Electron names (it may be gone: then unknown). */
function frameUrl(frame: { url: string; isDestroyed?(): boolean } | null | undefined): string | undefined {
  try {
    if (!frame || frame.isDestroyed?.()) return undefined;
    return frame.url || undefined;
  } catch {
    return undefined;
  }
}

export interface PolicyDeps {
  origins: OriginPolicy;
  logger: Logger;
  /** DISABLEHEADSETS: no HID access even for the PBX. */
  disableHeadsets(): boolean;
  /**
   * tel:/sip:/im: links from pages (any frame): the user confirms them first (link-confirm.ts).
   * `fromUrl`: the requesting frame where Electron says which one, else undefined (untrusted).
   */
  onInternalLink(url: string, fromUrl: string | undefined): void;
  /** External links (http/https/mailto), already vetted; default shell.openExternal. */
  openExternal?(url: string): void;
}

export function applySessionPolicy(ses: Session, d: PolicyDeps): void {
  const opts = () => ({ disableHeadsets: d.disableHeadsets() });
  ses.setPermissionRequestHandler((wc, permission, callback, details) => {
    const url = details.requestingUrl || wc.getURL();
    const r = decidePermission(permission, url, d.origins, opts());
    if (!r.granted) d.logger.warn('permission refused', { permission, reason: r.reason });
    else d.logger.trace('App', 'permission granted', { permission });
    callback(r.granted);
  });
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => decidePermission(permission, requestingOrigin, d.origins, opts()).granted);
  ses.setDevicePermissionHandler((details) => {
    const r = decideDevicePermission(details.deviceType, details.origin, details.device as HIDDevice, d.origins, opts());
    if (!r.granted) d.logger.trace('App', 'device permission refused', { deviceType: details.deviceType, reason: r.reason });
    return r.granted;
  });
  ses.on('select-hid-device', (event, details, callback) => {
    event.preventDefault();
    callback(selectHidDevice(details.deviceList, details.frame?.url, d.origins, opts()) ?? null);
  });
  ses.on('select-serial-port', (event, _ports, _wc, callback) => {
    event.preventDefault();
    callback('');
  });
  ses.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
}

/** Options of popups the PBX origin may open (app windows). */
export function popupWindowOptions(): BrowserWindowConstructorOptions {
  return { autoHideMenuBar: true, webPreferences: secureWebPreferences(undefined) };
}

/** The default browser (./url-opener.ts) for URLs the policy vetted; a failure is a warning. */
export function openExternalWith(logger: PolicyDeps['logger']): (url: string) => void {
  return (url) => void electronUrlOpener.openExternal(url).catch((err) => logger.warn('external link not opened', { error: String(err) }));
}

/** A launcher-owned window for a PBX page that lib1's window.open hook asked for (as setWindowOpenHandler's popups). */
export function openPopupWindow(url: string, icon?: string): void {
  const win = new BrowserWindow({ ...popupWindowOptions(), ...(icon ? { icon } : {}) });
  void win.loadURL(url).catch(() => undefined);
}

export function applyWebContentsPolicy(contents: WebContents, d: PolicyDeps): void {
  const routes = { openExternal: d.openExternal ?? openExternalWith(d.logger), onInternalLink: d.onInternalLink, get logger() { return d.logger; } };
  const route = (decision: Parameters<typeof routeDecision>[0], what: string, url: string, fromUrl: string | undefined) => routeDecision(decision, what, url, routes, fromUrl);
  contents.on('will-navigate', (event) => {
    const decision = decideNavigation(event.url, contents.getURL(), d.origins);
    if (decision.action === 'allow') return;
    event.preventDefault();
    // the frame that started it (a subframe may navigate the top, target=_top); unknown: untrusted
    route(decision, 'navigation', event.url, frameUrl(event.initiator));
  });
  // Subframes (an app, an advertisement inside it) navigating to one of our link schemes: the
  // link is confirmed by the user, naming that frame. Other subframe navigations are the page's.
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame || !hasLinkScheme(event.url)) return;
    event.preventDefault();
    route(decideExternalLink(event.url), 'frame navigation', event.url, frameUrl(event.initiator) ?? frameUrl(event.frame));
  });
  contents.on('will-redirect', (event) => {
    if (!event.isMainFrame) return;
    const decision = decideRedirect(event.url, d.origins);
    if (decision.action === 'allow') return;
    event.preventDefault();
    route(decision, 'redirect', event.url, undefined);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    d.logger.warn('webview refused');
  });
  // Electron does not say which frame called window.open; the referrer (set by Chromium from the
  // requesting document, possibly withheld) is the best it tells. Without one: untrusted (no PBX
  // popup; a link is confirmed as coming from an unknown page). The web client and its app frames
  // open windows through lib1's hook instead (page-hooks.ts), which knows the sending frame.
  contents.setWindowOpenHandler((details) => {
    const requester = details.referrer?.url || undefined;
    const decision = decideWindowOpen(details.url, requester, d.origins);
    if (decision.action === 'popup') return { action: 'allow', overrideBrowserWindowOptions: popupWindowOptions() };
    route(decision, 'window.open', details.url, requester);
    return { action: 'deny' };
  });
}
