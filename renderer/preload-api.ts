/**
 * The object pages see as `window.myAppsLauncher` (common/preload.ts `MyAppsLauncherApi`), built
 * once for every way a page reaches the main process: the product's preload (renderer/preload.ts,
 * over Electron IPC) and the demo's launcher-page shim (scripts/demo/launcher-shim.ts, over a
 * Playwright binding into the same main-side dispatcher). Only names from common/preload-names
 * (no zod: the sandboxed preload bundle stays small).
 */
import { PRELOAD_API_VERSION, PRELOAD_EVENT_NAMES, PRELOAD_METHOD_NAMES } from '../common/preload-names';
// Types only (erased).
import type { PreloadEventName, PreloadMethodName, PreloadResult } from '../common/preload';

export interface PreloadApiObject {
  /** The object to expose (`call`, `on`, and every method by name: `settings.get()`, `getConfig()`, …). */
  api: Record<string, unknown>;
  /** An event from the main process (`{event, payload}` on the event channel): runs its listeners. */
  deliver(event: unknown, payload: unknown): void;
}

/**
 * `invoke` sends one call to the main process and resolves with its `PreloadResult` envelope;
 * `{ok:false}` becomes a rejected promise with the error text, as the contract says.
 */
export function createPreloadApi(invoke: (method: PreloadMethodName, req: unknown) => Promise<unknown>): PreloadApiObject {
  async function call(method: PreloadMethodName, req?: unknown): Promise<unknown> {
    if (!(PRELOAD_METHOD_NAMES as readonly string[]).includes(method)) throw new Error(`unknown method ${String(method)}`);
    const res = (await invoke(method, req ?? undefined)) as PreloadResult | undefined;
    if (!res || typeof res !== 'object') throw new Error('no answer from the launcher');
    if (!res.ok) throw new Error(res.error);
    return res.value;
  }

  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  function on(event: PreloadEventName, cb: (payload: unknown) => void): () => void {
    if (!(PRELOAD_EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`unknown event ${String(event)}`);
    if (typeof cb !== 'function') throw new Error('callback must be a function');
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(cb);
    return () => void set.delete(cb);
  }

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

  return {
    api,
    deliver(event, payload) {
      if (typeof event !== 'string') return;
      for (const cb of listeners.get(event) ?? []) {
        try {
          cb(payload);
        } catch (err) {
          console.error('myApps launcher: event listener failed', err);
        }
      }
    },
  };
}
