/**
 * The preload of every launcher-owned window (sandboxed: bundled into one CJS file,
 * dist/preload.cjs). It exposes `window.myAppsLauncher` (common/preload.ts) and, in the hosted
 * web client, writes localStorage['appclient-config'] before the page's scripts run. In the web
 * client's frame and in its app frames (the main window runs the preload in subframes too) it
 * installs lib1's launcher hooks (renderer/page-hooks.ts: `console.custom`,
 * `custom_saved_window_open_`), whose calls go to the main process as consoleLine / openWindow.
 *
 * The main process is the authority: it answers the synchronous config request only for frames
 * of the configured PBX origin (hooks: also for app frames) and checks every call's sender. The
 * preload additionally exposes the API only to the PBX origin's top frame and the launcher's own
 * pages, so other pages do not even see it.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  APPCLIENT_CONFIG_STORAGE_KEY, LAUNCHER_SCHEME, PRELOAD_EVENT_CHANNEL, PRELOAD_GLOBAL, PRELOAD_SYNC_CONFIG_CHANNEL, channelOf, pageHookRequest,
} from '../common/preload-names';
import { installLauncherHooks } from './page-hooks';
import { createPreloadApi } from './preload-api';
// Types only (erased): the zod schemas stay out of the sandboxed bundle.
import type { SyncConfigReply } from '../common/preload';

function readSyncConfig(): SyncConfigReply {
  try {
    const reply = ipcRenderer.sendSync(PRELOAD_SYNC_CONFIG_CHANNEL) as SyncConfigReply;
    return reply && typeof reply === 'object' && typeof reply.origin === 'string' ? reply : null;
  } catch {
    return null;
  }
}

const isLauncherPage = window.location.protocol === `${LAUNCHER_SCHEME}:`;
const sync = isLauncherPage ? null : readSyncConfig();
const isPbxPage = !!sync && !!sync.config && sync.origin === window.location.origin;
const hooks = !!sync && sync.hooks === true && sync.origin === window.location.origin;

if (isPbxPage && sync) {
  try {
    window.localStorage.setItem(APPCLIENT_CONFIG_STORAGE_KEY, JSON.stringify(sync.config));
  } catch (err) {
    console.error('myApps launcher: cannot write appclient-config', err);
  }
}

const launcherApi = createPreloadApi((method, req) => ipcRenderer.invoke(channelOf(method), req));
ipcRenderer.on(PRELOAD_EVENT_CHANNEL, (_e, msg: { event?: string; payload?: unknown }) => {
  if (msg && typeof msg === 'object') launcherApi.deliver(msg.event, msg.payload);
});

if (isLauncherPage || isPbxPage) contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, launcherApi.api);

/** The hooks' bridge (called from the main world): values coerced here, sent without waiting. */
function hookBridge(kind: unknown, a: unknown, b?: unknown): void {
  const r = pageHookRequest(kind, a, b);
  if (r) ipcRenderer.invoke(channelOf(r.method), r.req).catch(() => undefined);
}

if (hooks) {
  try {
    contextBridge.executeInMainWorld({ func: installLauncherHooks, args: [hookBridge] });
  } catch (err) {
    console.error('myApps launcher: the launcher hooks could not be installed', err);
  }
}
