/**
 * The launcher's own windows in Debian Chromium, for end-to-end tests of the services that open
 * them: a DialogHost and an OverlayHost (the ports the product implements with BrowserWindow and
 * WebContentsView, native/electron/dialogs.ts and overlay.ts) whose windows are Chromium pages
 * loading the product's built launcher pages (scripts/build.mjs) under the product's CSP. The
 * preload is stood in for by `window.myAppsLauncher` with the preload's shape: every call goes
 * through the product's preload dispatcher (sender check, zod validation of request and
 * response) to the handlers the test adds (`handlers`, e.g. the services' instances), with the
 * page's id as the webContents id; events are checked against the contract before they reach the
 * page. The page URL the dispatcher sees is the page's `myapps-launcher://pages/<file>` URL.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PRELOAD_API_VERSION, PRELOAD_METHOD_NAMES, PreloadEvents, type PreloadEventName, type PreloadEventPayload } from '../../../common/preload';
import { createPreloadDispatcher, LAUNCHER_CSP, launcherPageUrl, resolveLauncherFile, type PreloadHandlers } from '../../../electron/security';
import type { DialogHost, DialogSpec, DialogWindow } from '../../../electron/windows';
import type { OverlayHost, OverlaySpec, OverlayView } from '../../../electron/notifications';
import { silentLogger, type Logger } from '../../../electron/platform';
import type { Language } from '../../../common/i18n';

const root = path.resolve(__dirname, '..', '..', '..');

export interface LauncherWindow {
  kind: 'dialog' | 'overlay';
  id: number;
  spec: DialogSpec | OverlaySpec;
  /** The heights it was given after it opened (setHeight). */
  heights: number[];
  closed: boolean;
  page: Promise<Page>;
}

export interface LauncherWindows {
  readonly dialogs: DialogHost;
  readonly overlays: OverlayHost;
  /** The handlers the dispatcher calls (add the services' handlers here, any time). */
  readonly handlers: PreloadHandlers;
  readonly windows: LauncherWindow[];
  /** Gives the windows a browser to open in (windows opened before wait for it). */
  attach(browser: Browser): Promise<void>;
  /** The first open window of this page whose page rendered (body[data-ready=true]). */
  waitFor(page: string, timeoutMs?: number): Promise<{ win: LauncherWindow; page: Page }>;
  close(): Promise<void>;
}

let built: Promise<string> | undefined;
/** The product's launcher pages, built once per test process. */
function buildPages(): Promise<string> {
  built ??= (async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'launcher-windows-'));
    await promisify(execFile)(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--out', out], { cwd: root });
    process.once('exit', () => void fs.rm(out, { recursive: true, force: true }).catch(() => undefined));
    return path.join(out, 'renderer');
  })();
  return built;
}

/** Runs in each launcher page before its scripts: the preload's `window.myAppsLauncher`. */
function preloadStandIn(arg: { version: number; methods: string[] }): void {
  const w = globalThis as unknown as Record<string, unknown> & { __myAppsLauncherCall(m: string, req: unknown): Promise<{ ok: boolean; value?: unknown; error?: string }> };
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  w.__myAppsLauncherEvent = (event: string, payload: unknown) => {
    for (const cb of listeners.get(event) ?? []) cb(payload);
  };
  w.myAppsLauncher = Object.freeze({
    version: arg.version,
    methods: arg.methods,
    async call(method: string, req?: unknown) {
      const r = await w.__myAppsLauncherCall(method, req ?? null);
      if (!r || !r.ok) throw new Error(r ? r.error : 'no answer from the launcher');
      return r.value;
    },
    on(event: string, cb: (p: unknown) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(cb);
      return () => void set.delete(cb);
    },
  });
}

export function launcherWindows(o: { logger?: Logger; language?: Language } = {}): LauncherWindows {
  const logger = o.logger ?? silentLogger;
  const handlers: PreloadHandlers = {
    getInfo: () => ({ api: PRELOAD_API_VERSION, name: 'myApps', version: '0.1.0', build: 'e2e', platform: 'linux', language: o.language ?? 'en' }),
  };
  const dispatcher = createPreloadDispatcher({ handlers, origins: { pbxOrigin: () => null }, logger });
  const windows: LauncherWindow[] = [];
  let nextId = 9000;
  let ready!: (v: { context: BrowserContext; base: string }) => void;
  const setup = new Promise<{ context: BrowserContext; base: string }>((r) => (ready = r));
  let server: http.Server | undefined;
  const ids = new WeakMap<Page, number>();

  const openPage = (win: LauncherWindow, file: string, size: { width: number; height: number }): Promise<Page> =>
    setup.then(async ({ context, base }) => {
      const page = await context.newPage();
      ids.set(page, win.id);
      await page.setViewportSize({ width: size.width, height: Math.max(1, size.height) });
      await page.goto(`${base}/${file}`);
      return page;
    });

  const emitter = (win: LauncherWindow) => {
    let chain: Promise<unknown> = Promise.resolve();
    return <E extends PreloadEventName>(event: E, payload: PreloadEventPayload<E>): void => {
      const checked = PreloadEvents[event].payload.safeParse(payload);
      if (!checked.success) throw new Error(`event ${event} outside the contract`);
      chain = chain.then(async () => {
        if (win.closed) return;
        const page = await win.page;
        await page.evaluate(([e, p]) => (globalThis as unknown as { __myAppsLauncherEvent(e: string, p: unknown): void }).__myAppsLauncherEvent(e, p), [event, checked.data] as const).catch(() => undefined);
      });
    };
  };

  const dialogs: DialogHost = {
    open(spec: DialogSpec): DialogWindow {
      const win: LauncherWindow = { kind: 'dialog', id: nextId++, spec, heights: [], closed: false, page: undefined as unknown as Promise<Page> };
      win.page = openPage(win, spec.page, spec);
      windows.push(win);
      const closedCbs: (() => void)[] = [];
      void win.page.then((p) =>
        p.on('close', () => {
          win.closed = true;
          closedCbs.splice(0).forEach((c) => c());
        }),
      );
      return {
        id: win.id,
        emit: emitter(win),
        focus() {},
        setHeight(h) {
          win.heights.push(h);
          void win.page.then((p) => (win.closed ? undefined : p.setViewportSize({ width: spec.width, height: Math.max(1, h) }))).catch(() => undefined);
        },
        close: () => void win.page.then((p) => p.close()),
        onClosed: (cb) => void (win.closed ? cb() : closedCbs.push(cb)),
      };
    },
  };

  const overlays: OverlayHost = {
    open(spec: OverlaySpec): OverlayView {
      const win: LauncherWindow = { kind: 'overlay', id: nextId++, spec, heights: [], closed: false, page: undefined as unknown as Promise<Page> };
      win.page = openPage(win, spec.page, { width: spec.width, height: 1 });
      windows.push(win);
      return {
        id: win.id,
        emit: emitter(win),
        setHeight(h) {
          win.heights.push(h);
          void win.page.then((p) => (win.closed ? undefined : p.setViewportSize({ width: spec.width, height: Math.max(1, h) }))).catch(() => undefined);
        },
        close() {
          win.closed = true;
          void win.page.then((p) => p.close());
        },
      };
    },
  };

  return {
    dialogs,
    overlays,
    handlers,
    windows,
    async attach(browser) {
      const pages = await buildPages();
      server = http.createServer((req, res) => {
        void (async () => {
          const u = new URL(req.url ?? '/', 'http://x');
          const r = resolveLauncherFile(pages, `myapps-launcher://pages${u.pathname}`);
          if (!r.ok) return void res.writeHead(r.status).end(r.reason);
          const body = await fs.readFile(r.file).catch(() => undefined);
          if (!body) return void res.writeHead(404).end();
          res.writeHead(200, { 'content-type': r.contentType, 'content-security-policy': LAUNCHER_CSP }).end(body);
        })();
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const context = await browser.newContext();
      await context.exposeBinding('__myAppsLauncherCall', (source, method: unknown, req: unknown) => {
        const u = new URL(source.frame.url());
        // the page's launcher URL (served here from loopback, in the product from the launcher scheme)
        const url = u.origin === base ? launcherPageUrl(u.pathname.replace(/^\//, '')) : source.frame.url();
        return dispatcher.dispatch(String(method), { url, top: !source.frame.parentFrame() }, ids.get(source.page) ?? -1, req);
      });
      await context.addInitScript(preloadStandIn, { version: PRELOAD_API_VERSION, methods: [...PRELOAD_METHOD_NAMES] });
      ready({ context, base });
    },
    async waitFor(file, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const win = windows.find((w) => !w.closed && w.spec.page === file);
        if (win) {
          const page = await win.page;
          await page.waitForSelector('body[data-ready=true]', { timeout: Math.max(1000, end - Date.now()) });
          return { win, page };
        }
        if (Date.now() > end) throw new Error(`no ${file} window opened`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    },
  };
}
