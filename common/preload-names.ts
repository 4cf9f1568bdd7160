/**
 * Names, channels and version of the preload contract (common/preload.ts), without zod, so
 * that the sandboxed preload bundle stays small. common/preload.ts re-exports all of this and
 * checks at compile time that the name lists match its method/event declarations.
 */

/** `window[PRELOAD_GLOBAL]` is the API object. */
export const PRELOAD_GLOBAL = 'myAppsLauncher';
/** Bump when a method is removed or changes incompatibly; adding a method keeps the version. */
export const PRELOAD_API_VERSION = 1;
/** Synchronous channel the preload uses before the page's scripts run (AppClientConfig). */
export const PRELOAD_SYNC_CONFIG_CHANNEL = 'myapps:appclient-config-sync';
/** Channel prefix of the request/response methods. */
export const PRELOAD_CHANNEL_PREFIX = 'myapps:';
/** Channel main -> renderer for events (`{event, payload}`). */
export const PRELOAD_EVENT_CHANNEL = 'myapps:event';
/** The launcher's own pages are served from this scheme (`myapps-launcher://pages/<file>`). */
export const LAUNCHER_SCHEME = 'myapps-launcher';
/**
 * The Content-Security-Policy of every launcher page, sent as a response header wherever the pages
 * are served (the product's launcher protocol, the demo, the tests); the pages carry no policy of
 * their own, so there is one.
 */
export const LAUNCHER_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
export const LAUNCHER_ORIGIN = `${LAUNCHER_SCHEME}://pages`;
/** Same value as common/bus.ts APPCLIENT_CONFIG_KEY (checked by a unit test). */
export const APPCLIENT_CONFIG_STORAGE_KEY = 'appclient-config';

/**
 * Who calls: `pbx` = the web client (top frame of the PBX origin); `launcher` = the launcher's own
 * pages; `app` = an app frame inside the web client (a subframe of the PBX origin or of an App
 * Platform origin on the bus allow-list), which may only use lib1's launcher hooks.
 */
export type SenderKind = 'pbx' | 'launcher' | 'app';

/**
 * The renderer's user agent names the product as `myApps/<version>`: innovaphone's lib1 looks for
 * "myApps" in navigator.userAgent to know it runs inside the launcher (and then takes the launcher
 * hooks below from its parent frame).
 */
export const USER_AGENT_PRODUCT = 'myApps';

/** Chromium's user agent with `myApps/<version>` added (once). */
export function myAppsUserAgent(base: string, version: string): string {
  const token = `${USER_AGENT_PRODUCT}/${version}`;
  return base.split(' ').includes(token) ? base : `${base} ${token}`;
}

/** Console levels the launcher's console writes into the trace (Browser Console flag). */
export const CONSOLE_LEVELS = ['log', 'info', 'warn', 'error', 'debug'] as const;
export type ConsoleLevel = (typeof CONSOLE_LEVELS)[number];
/** Longest console line sent to the trace (characters); longer lines are cut. */
export const CONSOLE_LINE_MAX = 2000;

/**
 * What the preload's bridge makes of a call of the launcher hooks (renderer/page-hooks.ts) from a
 * page: the preload method and its request, with every value coerced (the page is not trusted), or
 * null for nonsense. `console`: (level, text); `open`: (url).
 */
export function pageHookRequest(kind: unknown, a: unknown, b?: unknown): { method: 'consoleLine'; req: { level: ConsoleLevel; text: string } } | { method: 'openWindow'; req: { url: string } } | null {
  if (kind === 'console') {
    const level = (CONSOLE_LEVELS as readonly unknown[]).includes(a) ? (a as ConsoleLevel) : 'log';
    return { method: 'consoleLine', req: { level, text: String(b ?? '').slice(0, CONSOLE_LINE_MAX) } };
  }
  if (kind === 'open' && typeof a === 'string' && a.length > 0 && a.length <= 4000) return { method: 'openWindow', req: { url: a } };
  return null;
}

/** The methods, in declaration order (the preload builds its object from this list). */
export const PRELOAD_METHOD_NAMES = [
  'getInfo', 'getConfig', 'getConnectState', 'connect', 'trustCertificate', 'retry', 'changeServer', 'openSettings',
  'settings.get', 'settings.set', 'settings.reset', 'collectLogs', 'openTraceFolder',
  'detachApp', 'attachApp', 'getDetachedApps', 'setBadge', 'showWindow',
  'hotkeys.status', 'update.getState', 'proxyAuth.getRequest', 'proxyAuth.answer', 'linkConfirm.getRequest', 'linkConfirm.answer',
  'displayPicker.getState', 'displayPicker.choose', 'displayPicker.cancel', 'about.get',
  'incomingCall.getState', 'incomingCall.answer', 'sharing.getState', 'sharing.stop', 'banner.getState', 'banner.act',
  'consoleLine', 'openWindow',
] as const;
export const PRELOAD_EVENT_NAMES = ['settingsChanged', 'appAttached', 'hotkeysChanged', 'updateProgress', 'proxyAuthRequest', 'linkConfirmRequest', 'displayPickerChanged', 'aboutChanged', 'collectLogsProgress', 'incomingCallChanged', 'sharingChanged', 'bannerChanged'] as const;

/** The IPC channel of a method. */
export function channelOf(method: (typeof PRELOAD_METHOD_NAMES)[number]): string {
  return `${PRELOAD_CHANNEL_PREFIX}${method}`;
}
