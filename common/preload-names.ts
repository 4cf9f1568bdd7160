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
export const LAUNCHER_ORIGIN = `${LAUNCHER_SCHEME}://pages`;
/** Same value as common/bus.ts APPCLIENT_CONFIG_KEY (checked by a unit test). */
export const APPCLIENT_CONFIG_STORAGE_KEY = 'appclient-config';

export type SenderKind = 'pbx' | 'launcher';

/** The methods, in declaration order (the preload builds its object from this list). */
export const PRELOAD_METHOD_NAMES = [
  'getInfo', 'getConfig', 'getConnectState', 'connect', 'trustCertificate', 'retry', 'changeServer', 'openSettings',
  'settings.get', 'settings.set', 'settings.reset', 'collectLogs', 'openTraceFolder',
  'detachApp', 'attachApp', 'getDetachedApps', 'setBadge', 'showWindow',
  'hotkeys.status', 'update.getState', 'proxyAuth.getRequest', 'proxyAuth.answer',
  'displayPicker.getState', 'displayPicker.choose', 'displayPicker.cancel',
] as const;
export const PRELOAD_EVENT_NAMES = ['settingsChanged', 'appAttached', 'hotkeysChanged', 'updateProgress', 'proxyAuthRequest', 'displayPickerChanged'] as const;

/** The IPC channel of a method. */
export function channelOf(method: (typeof PRELOAD_METHOD_NAMES)[number]): string {
  return `${PRELOAD_CHANNEL_PREFIX}${method}`;
}
