/**
 * Applies the Electron-free security policy (electron/security) to sessions and webContents:
 * permission/device handlers, navigation, redirects, window.open, webviews.
 */
import { BrowserWindow, type BrowserWindowConstructorOptions, type HIDDevice, type Session, type WebContents } from 'electron';
import type { Logger } from '../../electron/platform';
import {
  decideDevicePermission, decideNavigation, decidePermission, decideRedirect, decideWindowOpen, routeDecision, secureWebPreferences,
  selectHidDevice, type OriginPolicy,
} from '../../electron/security';
import { electronUrlOpener } from './url-opener';

export interface PolicyDeps {
  origins: OriginPolicy;
  logger: Logger;
  /** DISABLEHEADSETS: no HID access even for the PBX. */
  disableHeadsets(): boolean;
  /** tel:/sip:/im: links clicked inside pages go to the URI handler. */
  onInternalLink(url: string): void;
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
  const route = (decision: Parameters<typeof routeDecision>[0], what: string, url: string) => routeDecision(decision, what, url, routes);
  contents.on('will-navigate', (event) => {
    const decision = decideNavigation(event.url, contents.getURL(), d.origins);
    if (decision.action === 'allow') return;
    event.preventDefault();
    route(decision, 'navigation', event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!event.isMainFrame) return;
    const decision = decideRedirect(event.url, d.origins);
    if (decision.action === 'allow') return;
    event.preventDefault();
    route(decision, 'redirect', event.url);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    d.logger.warn('webview refused');
  });
  contents.setWindowOpenHandler((details) => {
    const decision = decideWindowOpen(details.url, contents.getURL(), d.origins);
    if (decision.action === 'popup') return { action: 'allow', overrideBrowserWindowOptions: popupWindowOptions() };
    route(decision, 'window.open', details.url);
    return { action: 'deny' };
  });
}
