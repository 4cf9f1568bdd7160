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
  APPCLIENT_CONFIG_STORAGE_KEY, LAUNCHER_SCHEME, PRELOAD_API_VERSION, PRELOAD_EVENT_CHANNEL, PRELOAD_EVENT_NAMES, PRELOAD_GLOBAL,
  PRELOAD_METHOD_NAMES, PRELOAD_SYNC_CONFIG_CHANNEL, channelOf, pageHookRequest,
} from '../common/preload-names';
import { installLauncherHooks } from './page-hooks';
// Types only (erased): the zod schemas stay out of the sandboxed bundle.
import type { PreloadEventName, PreloadMethodName, PreloadResult, SyncConfigReply } from '../common/preload';

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

async function call(method: PreloadMethodName, req?: unknown): Promise<unknown> {
  if (!(PRELOAD_METHOD_NAMES as readonly string[]).includes(method)) throw new Error(`unknown method ${String(method)}`);
  const res = (await ipcRenderer.invoke(channelOf(method), req ?? undefined)) as PreloadResult;
  if (!res || typeof res !== 'object') throw new Error('no answer from the launcher');
  if (!res.ok) throw new Error(res.error);
  return res.value;
}

const listeners = new Map<string, Set<(payload: unknown) => void>>();
ipcRenderer.on(PRELOAD_EVENT_CHANNEL, (_e, msg: { event?: string; payload?: unknown }) => {
  if (!msg || typeof msg.event !== 'string') return;
  for (const cb of listeners.get(msg.event) ?? []) {
    try {
      cb(msg.payload);
    } catch (err) {
      console.error('myApps launcher: event listener failed', err);
    }
  }
});

function on(event: PreloadEventName, cb: (payload: unknown) => void): () => void {
  if (!(PRELOAD_EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`unknown event ${String(event)}`);
  if (typeof cb !== 'function') throw new Error('callback must be a function');
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  set.add(cb);
  return () => void set.delete(cb);
}

/** `api.call('settings.get')`, and the same as `api.settings.get()`, `api.getConfig()`, … */
function buildApi(): Record<string, unknown> {
  const api: Record<string, unknown> = { version: PRELOAD_API_VERSION, methods: [...PRELOAD_METHOD_NAMES], call, on };
  for (const m of PRELOAD_METHOD_NAMES) {
    const fn = (req?: unknown) => call(m, req);
    const parts = m.split('.');
    if (parts.length === 1) api[m] = fn;
    else {
      const ns = (api[parts[0]!] ??= {}) as Record<string, unknown>;
      ns[parts[1]!] = fn;
    }
  }
  return api;
}

if (isLauncherPage || isPbxPage) contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, buildApi());

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
