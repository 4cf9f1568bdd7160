/**
 * Runs in the demo's Chromium pages (bundled by scripts/demo/launcher-bridge.ts with esbuild and
 * added as an init script), standing in for the product's preload (renderer/preload.ts) where
 * Electron cannot run: in a launcher page (served at the demo's launcher origin, the stand-in for
 * `myapps-launcher://pages`) and in the web client's top frame it exposes `window.myAppsLauncher`,
 * the same object the preload exposes (renderer/preload-api.ts), whose calls go over the
 * `__myAppsLauncherCall` binding to the product's main-side dispatcher
 * (electron/security/ipc-guard.ts), which checks the sender as it does for Electron IPC.
 * Events come back through `__myAppsLauncherEvent(event, payload)`.
 *
 * The one demo addition: `?lang=de` (or `en`) on a launcher page answers getInfo's language with
 * it, as if the OS language were that one (docs/i18n.md); the product asks the OS.
 */
import { PRELOAD_GLOBAL } from '../../common/preload-names';
import { createPreloadApi } from '../../renderer/preload-api';

interface ShimArgs {
  launcherOrigin: string;
  pbxOrigin: string;
}

declare const __SHIM_ARGS__: ShimArgs;

type Win = Record<string, unknown> & {
  top: unknown;
  location: { origin: string; search: string };
  __myAppsLauncherCall?: (method: string, req: unknown) => Promise<unknown>;
};

(function install(args: ShimArgs): void {
  const w = globalThis as unknown as Win;
  if (w.top !== globalThis) return;
  const launcherPage = w.location.origin === args.launcherOrigin;
  if (!launcherPage && w.location.origin !== args.pbxOrigin) return;
  const binding = w.__myAppsLauncherCall;
  if (typeof binding !== 'function') return;
  const lang = launcherPage ? new URLSearchParams(w.location.search).get('lang') : null;
  const o = createPreloadApi(async (method, req) => {
    const res = (await binding(method, req)) as { ok: boolean; value?: Record<string, unknown> };
    if (method === 'getInfo' && (lang === 'de' || lang === 'en') && res && res.ok && res.value) return { ...res, value: { ...res.value, language: lang } };
    return res;
  });
  Object.defineProperty(w, PRELOAD_GLOBAL, { value: Object.freeze(o.api), enumerable: true });
  Object.defineProperty(w, '__myAppsLauncherEvent', { value: (event: unknown, payload: unknown) => o.deliver(event, payload) });
})(__SHIM_ARGS__);
