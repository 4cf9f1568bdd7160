/**
 * The preload contract (common/preload.ts) in the demo's Chromium, where Electron cannot run: the
 * launcher's own pages (dist/renderer, served as the product serves them: native/electron
 * serveLauncherFile with the launcher CSP) are reached at DEMO_LAUNCHER_ORIGIN, the stand-in for
 * `myapps-launcher://pages`; every call of a page goes over one Playwright binding into the
 * product's dispatcher (electron/security createPreloadDispatcher, the handler table main.ts
 * fills) with the sender frame's URL mapped back to `myapps-launcher://pages/…`, so the dispatcher
 * classifies it as a launcher page exactly as for Electron IPC; pages of any other origin keep
 * their own URL (the web client is `pbx`, anything else is refused). Events go to the pages the
 * contract names, checked as native/electron/ipc.ts checks them.
 */
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { build } from 'esbuild';
import * as path from 'node:path';
import { LAUNCHER_ORIGIN, type PreloadEventName, type PreloadEventPayload } from '../../common/preload';
import type { Logger } from '../../electron/platform';
import { checkedEventPayload, mayReceiveEvent, type OriginPolicy, type PreloadDispatcher, type SenderFrame } from '../../electron/security';

/** Where the demo's Chromium reaches the launcher pages (never resolved: answered by a route). */
export const DEMO_LAUNCHER_ORIGIN = 'https://myapps-launcher.pages.invalid';

/** A URL of the demo's launcher origin as the product names it (`myapps-launcher://pages/…`); other URLs unchanged. */
export function productUrlOf(url: string): string {
  return url === DEMO_LAUNCHER_ORIGIN || url.startsWith(`${DEMO_LAUNCHER_ORIGIN}/`) ? LAUNCHER_ORIGIN + url.slice(DEMO_LAUNCHER_ORIGIN.length) : url;
}

/** The demo's URL of a product URL (`myapps-launcher://pages/x.html` → DEMO_LAUNCHER_ORIGIN/x.html); other URLs unchanged. */
export function demoUrlOf(url: string): string {
  return url === LAUNCHER_ORIGIN || url.startsWith(`${LAUNCHER_ORIGIN}/`) ? DEMO_LAUNCHER_ORIGIN + url.slice(LAUNCHER_ORIGIN.length) : url;
}

/** The sender the dispatcher sees for a call from `frame`. */
export function senderOf(frame: Pick<Frame, 'url' | 'parentFrame'>): SenderFrame {
  return { url: productUrlOf(frame.url()), top: !frame.parentFrame() };
}

export interface LauncherBridge {
  /** The id calls from `page` arrive with (Electron's webContents id). */
  idOf(page: Page): number;
  pageOf(id: number): Page | undefined;
  /** Send an event to these pages (each gets it only if the contract names its kind). */
  emit<E extends PreloadEventName>(pages: Page[], event: E, payload: PreloadEventPayload<E>): void;
  emitTo<E extends PreloadEventName>(id: number, event: E, payload: PreloadEventPayload<E>): void;
  /** Pages of the context now showing a launcher page. */
  launcherPages(): Page[];
}

/** The shim's bundle (scripts/demo/launcher-shim.ts) as an init script. */
async function shimScript(args: { launcherOrigin: string; pbxOrigin: string }): Promise<string> {
  const out = await build({
    entryPoints: [path.join(__dirname, 'launcher-shim.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
    define: { __SHIM_ARGS__: JSON.stringify(args) },
  });
  return out.outputFiles[0]!.text;
}

/**
 * Serves the launcher pages and bridges the preload contract into `context`. `rendererDir` is the
 * built dist/renderer; `pageIds` numbers the pages (shared with the web client's hook binding).
 */
export async function attachLauncherBridge(
  context: BrowserContext,
  o: { dispatcher: PreloadDispatcher; origins: OriginPolicy; logger: Logger; rendererDir: string; pbxOrigin: string; pageIds: PageIds },
): Promise<LauncherBridge> {
  // the product's file server of myapps-launcher://pages (its module imports Electron: loaded once the stand-in is in place)
  const { serveLauncherFile } = await import('../../native/electron/launcher-protocol');
  await context.route(`${DEMO_LAUNCHER_ORIGIN}/**`, async (route) => {
    const res = await serveLauncherFile(o.rendererDir, productUrlOf(route.request().url()), o.logger);
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    await route.fulfill({ status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) });
  });
  await context.exposeBinding('__myAppsLauncherCall', (source, method: unknown, payload: unknown) =>
    o.dispatcher.dispatch(String(method), senderOf(source.frame), o.pageIds.idOf(source.page), payload),
  );
  await context.addInitScript({ content: await shimScript({ launcherOrigin: DEMO_LAUNCHER_ORIGIN, pbxOrigin: o.pbxOrigin }) });

  const bridge: LauncherBridge = {
    idOf: (page) => o.pageIds.idOf(page),
    pageOf: (id) => o.pageIds.pageOf(id),
    emit(pages, event, payload) {
      const checked = checkedEventPayload(event, payload, o.logger);
      if (checked === undefined) return;
      for (const page of pages) {
        if (page.isClosed() || !mayReceiveEvent(productUrlOf(page.url()), event, o.origins)) continue;
        page
          .evaluate(([e, p]) => (globalThis as unknown as { __myAppsLauncherEvent?: (e: unknown, p: unknown) => void }).__myAppsLauncherEvent?.(e, p), [event, checked] as const)
          .catch(() => undefined); // the page navigated or closed meanwhile
      }
    },
    emitTo(id, event, payload) {
      const page = o.pageIds.pageOf(id);
      if (page) bridge.emit([page], event, payload);
    },
    launcherPages: () => context.pages().filter((p) => !p.isClosed() && p.url().startsWith(`${DEMO_LAUNCHER_ORIGIN}/`)),
  };
  return bridge;
}

/** Numbers pages as Electron numbers webContents (one id per window, never reused). */
export interface PageIds {
  idOf(page: Page): number;
  pageOf(id: number): Page | undefined;
  /** An id for a window whose page comes later (a dialog is opened synchronously): `bind` it then. */
  reserve(): number;
  bind(id: number, page: Page): void;
}

export function pageIds(): PageIds {
  const ids = new WeakMap<Page, number>();
  const pages = new Map<number, WeakRef<Page>>();
  let next = 1;
  const bind = (id: number, page: Page): number => {
    ids.set(page, id);
    pages.set(id, new WeakRef(page));
    page.once('close', () => pages.delete(id));
    return id;
  };
  return {
    idOf: (page) => ids.get(page) ?? bind(next++, page),
    pageOf: (id) => pages.get(id)?.deref(),
    reserve: () => next++,
    bind: (id, page) => void bind(id, page),
  };
}
