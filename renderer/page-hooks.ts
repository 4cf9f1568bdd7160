/**
 * lib1's launcher hooks (innovaphone's web1/lib1, docs/security.md): inside the launcher
 * (navigator.userAgent contains "myApps") lib1 takes `window.console` from its parent frame when
 * `window.parent.console.custom` is set, and `window.open` when the parent has
 * `custom_saved_window_open_`. This installs both in a frame's main world:
 *
 *  - `console` becomes a console that still logs (every method of the original) and also hands
 *    each log/info/warn/error/debug line to `bridge('console', level, text)`; it has `custom: true`;
 *  - the original `window.open` is kept as `custom_saved_window_open_`, and `window.open(url)`
 *    hands the absolute URL to `bridge('open', url)` and returns null (the launcher opens the
 *    window, or the default browser, by its window policy; the page gets no window reference).
 *
 * The preload installs it (contextBridge.executeInMainWorld) in the web client's frame and in its
 * app frames, whose bridge goes to the main process (common/preload.ts consoleLine, openWindow);
 * the e2e harness installs the same function as an init script. It is serialized with
 * Function.prototype.toString: no imports, no closures over module scope, and no named inner
 * functions (a bundler's keepNames helper would not exist in the page). Typed without the DOM
 * library so that the Node side (the harness) can import it too.
 */
export function installLauncherHooks(bridge: (kind: 'console' | 'open', a: string, b?: string) => void): boolean {
  const w = globalThis as unknown as {
    console: Record<string, unknown> & { custom?: unknown };
    open: unknown;
    custom_saved_window_open_?: unknown;
    document: { baseURI: string };
  };
  if (!w.console || w.console.custom) return false;
  const original = w.console;
  const custom: Record<string, unknown> = {};
  // every console method keeps working (table, group, time, …) ...
  for (let o: object | null = original; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    Object.getOwnPropertyNames(o).forEach(function (k) {
      const v = (original as Record<string, unknown>)[k];
      if (typeof v === 'function' && !(k in custom)) custom[k] = (v as (...a: unknown[]) => unknown).bind(original);
    });
  }
  // ... and the lines of these levels also go to the launcher's trace
  ['log', 'info', 'warn', 'error', 'debug'].forEach(function (level) {
    const method = original[level];
    if (typeof method !== 'function') return;
    custom[level] = function (...args: unknown[]) {
      (method as (...a: unknown[]) => unknown).apply(original, args);
      try {
        const text = args
          .map(function (a) {
            if (typeof a === 'string') return a;
            if (a instanceof Error) return a.stack || String(a);
            try {
              const j = JSON.stringify(a);
              return j === undefined ? String(a) : j;
            } catch {
              return String(a);
            }
          })
          .join(' ');
        bridge('console', level, text.length > 4000 ? text.slice(0, 4000) : text);
      } catch {
        // the launcher's trace must never break the page's logging
      }
    };
  });
  custom.custom = true;
  w.console = custom;
  w.custom_saved_window_open_ = w.open;
  w.open = function (url?: unknown) {
    let href = '';
    try {
      href = new URL(url === undefined || url === null ? '' : String(url), w.document.baseURI).href;
    } catch {
      href = '';
    }
    if (href) bridge('open', href);
    return null;
  };
  return true;
}
