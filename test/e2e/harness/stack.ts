/**
 * The e2e stack: the PBX simulator, the real platform service graph (createPlatformServices, the
 * same wiring electron/main.ts uses) and Debian Chromium standing in for Electron's window. A web
 * client context is what the product's main window is: the user agent says `myApps/<version>`
 * (as main.ts sets it), the page gets localStorage['appclient-config'] before its scripts run,
 * exactly as renderer/preload writes it (top frame of the PBX origin only), and the web client's
 * frame and its app frames get lib1's launcher hooks (renderer/page-hooks.ts, as the preload
 * installs them), whose calls go through the product's preload dispatcher and page-hook handlers.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Frame, Page } from 'playwright-core';
import { APPCLIENT_CONFIG_KEY, Api, isWebClientProvider, type AppClientConfig } from '../../../common/bus';
import { pageHookRequest } from '../../../common/preload-names';
import { createPlatformServices, type PlatformConfig, type PlatformPorts, type PlatformServices } from '../../../electron/wiring';
import { createPageHookHandlers, createPreloadDispatcher, type OriginPolicy, type PreloadDispatcher } from '../../../electron/security';
import { originOf } from '../../../common/origin';
import { silentLogger, type Logger } from '../../../electron/platform';
import { installLauncherHooks } from '../../../renderer/page-hooks';
import { startPbxSim, type PbxSim, type PbxSimOptions } from '../../pbx-sim';
import { launchChromium, launcherUserAgent, type ChromiumOptions } from './chromium';
import { startXvfb, type Xvfb } from './xvfb';
import { chromiumAppFrames, type ChromiumAppFrames } from './app-frames';

export interface StackOptions {
  /** PBX simulator options (default: HTTPS, separate apps origin). */
  sim?: PbxSimOptions;
  /** Extra ports for createPlatformServices. */
  ports?: PlatformPorts;
  /** Extra config for createPlatformServices (pbxOrigin is set to the sim's origin). */
  config?: PlatformConfig;
  logger?: Logger;
  /** Run Chromium headed on a private Xvfb (started here unless `display` is given). */
  headed?: boolean;
  display?: string;
  chromium?: ChromiumOptions;
}

export interface Stack {
  sim: PbxSim;
  services: PlatformServices;
  config: AppClientConfig;
  browser: Browser;
  /** Browser context of the web client (user agent, appclient-config, launcher hooks). */
  context: BrowserContext;
  /** Where the launcher hooks' window.open calls went (popup / external / internal). */
  opened: OpenedWindow[];
  xvfb?: Xvfb;
  /**
   * Opens the sim's web client in a new page of `context`. With `ready: true` it also waits until
   * the web client has bridged its apps and itself to the bus (providers phone, chat and its own
   * @client-<id>).
   */
  openWebClient(opts?: { ready?: boolean; timeoutMs?: number }): Promise<Page>;
  /** The frame of the sim's app `app` (`/PBX0/APPS/<app>.htm`) in a web client page; throws when it is not there. */
  appFrame(page: Page, app: string): Frame;
  close(): Promise<void>;
}

/** The init script the preload stands for: writes the config for the PBX origin's top frame only. */
export function appClientConfigInitScript(arg: { key: string; value: string; origin: string }): void {
  // Runs in the page (this project's Node tsconfig has no DOM types, hence the narrow view).
  const w = globalThis as unknown as { top: unknown; location: { origin: string }; localStorage: { setItem(k: string, v: string): void } };
  try {
    if (w.top === globalThis && w.location.origin === arg.origin) w.localStorage.setItem(arg.key, arg.value);
  } catch {
    // storage unavailable (opaque origin): nothing to do
  }
}

/** Installs the appclient-config init script on a context. */
export async function injectAppClientConfig(context: BrowserContext, pbxOrigin: string, config: AppClientConfig): Promise<void> {
  await context.addInitScript(appClientConfigInitScript, { key: APPCLIENT_CONFIG_KEY, value: JSON.stringify(config), origin: pbxOrigin });
}

/** A window.open of the launcher hooks, as the window policy routed it. */
export interface OpenedWindow {
  action: 'popup' | 'external' | 'internal';
  url: string;
}

/**
 * The init script standing in for the preload's hook installation: in the web client's top frame
 * (PBX origin) and its app frames — frames of the PBX origin, and the frames whose parent is the
 * web client's top frame, which is the rule that puts an app's origin on the allow-list main's
 * sync reply consults (electron/bus/app-origins.ts) — the same installLauncherHooks, bridged to
 * the `__myAppsHook` binding. The engine and viewer pages (local services origins) get none.
 */
function hookInitScript(install: (bridge: (kind: string, a: string, b?: string) => void) => boolean, arg: { pbx: string; engine: string[] }): void {
  const w = globalThis as unknown as { top: unknown; parent: unknown; location: { origin: string; ancestorOrigins?: { length: number; [i: number]: string } }; __myAppsHook?: (kind: string, a: string, b?: string) => unknown };
  const top = w.top === globalThis;
  const ancestors = w.location.ancestorOrigins;
  const appFrame = w.parent === w.top && !!ancestors && ancestors.length === 1 && ancestors[0] === arg.pbx;
  if (top ? w.location.origin !== arg.pbx : arg.engine.includes(w.location.origin) || (w.location.origin !== arg.pbx && !appFrame)) return;
  const call = w.__myAppsHook;
  if (call) install(function (kind, a, b) { void call(kind, a, b); });
}

/**
 * A browser context as the product's main window: the client's user agent, appclient-config for
 * the web client, and lib1's launcher hooks in the web client and its app frames, handled by the
 * product's dispatcher and page-hook handlers (window opens recorded in `opened`; the OS browser
 * and new windows are the boundary).
 */
export async function newClientContext(
  browser: Browser,
  o: {
    services: PlatformServices;
    pbxOrigin: string;
    logger?: Logger;
    options?: BrowserContextOptions;
    /** The product's dispatcher with its whole handler table (the demo); default: one with the page-hook handlers, window opens recorded. */
    dispatcher?: PreloadDispatcher;
    /** Numbers the pages (Electron's webContents ids); default: a counter of this context. */
    pageId?: (page: Page) => number;
    /** The appFrames port given to the services: it follows this context's frames. */
    appFrames?: ChromiumAppFrames;
  },
): Promise<{ context: BrowserContext; opened: OpenedWindow[] }> {
  const { services } = o;
  const logger = o.logger ?? services.logger ?? silentLogger;
  const config = services.server.config;
  const engine = originOf(config.http);
  const engineOrigins = engine ? [engine, engine.replace('//localhost:', '//127.0.0.1:')] : [];
  const origins: OriginPolicy = { pbxOrigin: () => o.pbxOrigin, appOrigins: () => services.origins.list(), engineOrigins: () => engineOrigins };
  const opened: OpenedWindow[] = [];
  const handlers = createPageHookHandlers({
    logger,
    origins,
    openPopup: (url) => opened.push({ action: 'popup', url }),
    openExternal: (url) => opened.push({ action: 'external', url }),
    onInternalLink: (url) => opened.push({ action: 'internal', url }),
  });
  const dispatcher = o.dispatcher ?? createPreloadDispatcher({ handlers, origins, logger });
  const context = await browser.newContext({ ...o.options, userAgent: await launcherUserAgent(browser, config.launcher.version) });
  await injectAppClientConfig(context, o.pbxOrigin, config);
  const ids = new WeakMap<Page, number>();
  let nextId = 1;
  const pageId = o.pageId ?? ((page: Page) => {
    let id = ids.get(page);
    if (id === undefined) ids.set(page, (id = nextId++));
    return id;
  });
  await context.exposeBinding('__myAppsHook', (source, kind: unknown, a: unknown, b: unknown) => {
    const r = pageHookRequest(kind, a, b);
    if (!r) return undefined;
    return dispatcher.dispatch(r.method, { url: source.frame.url(), top: !source.frame.parentFrame() }, pageId(source.page), r.req);
  });
  await context.addInitScript({ content: `(${hookInitScript.toString()})(${installLauncherHooks.toString()}, ${JSON.stringify({ pbx: o.pbxOrigin, engine: engineOrigins })});` });
  o.appFrames?.watch(context);
  return { context, opened };
}

/** Resolves once the web client's providers (phone, chat, its own @client-<id>) are registered on the bus. */
export async function waitForWebClient(services: PlatformServices, timeoutMs = 30_000): Promise<void> {
  const wanted: [string, string | undefined][] = [[Api.phone, 'phone'], [Api.chat, 'chat'], [Api.client, undefined]];
  await Promise.all(
    wanted.map(async ([api, provider]) => {
      const c = services.router.consume(api);
      try {
        await c.waitForProvider(timeoutMs, provider);
      } finally {
        c.close();
      }
    }),
  );
}

/** The web client's own provider of com.innovaphone.client (`@client-<id>`), once it is there. */
export async function webClientProvider(services: PlatformServices, timeoutMs = 30_000): Promise<{ name: string; model: Record<string, unknown> }> {
  const c = services.router.consume(Api.client);
  try {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const name = Object.keys(c.providers()).reverse().find(isWebClientProvider);
      if (name) return { name, model: c.providers()[name]!.model };
      if (Date.now() > end) throw new Error('no @client-<id> provider of com.innovaphone.client');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    c.close();
  }
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // keep cleaning up
      }
    }
  };
  try {
    const sim = await startPbxSim({ https: true, ...opts.sim });
    cleanups.push(() => sim.close());
    // The apps origin (an App Platform) reaches the bus allow-list as the product's does: from the
    // web client's app frames (electron/bus/app-origins.ts), here the frames of Chromium.
    const appFrames = chromiumAppFrames();
    const services = await createPlatformServices(
      { ...(opts.logger ? { logger: opts.logger } : {}), appFrames, ...opts.ports },
      { launcher: { name: 'myApps', version: '0.1.0', build: 'e2e', platform: 'linux' }, ...opts.config, pbxOrigin: sim.origin },
    );
    cleanups.push(() => services.close());
    let xvfb: Xvfb | undefined;
    let display = opts.display;
    if (opts.headed && !display) {
      xvfb = await startXvfb();
      cleanups.push(() => xvfb!.stop());
      display = xvfb.display;
    }
    const browser = await launchChromium({
      ...opts.chromium,
      headed: !!opts.headed,
      args: [...(opts.chromium?.args ?? []), ...(opts.headed && display ? [`--display=${display}`] : [])],
    });
    cleanups.push(() => browser.close());
    const { context, opened } = await newClientContext(browser, {
      services,
      pbxOrigin: sim.origin,
      logger: opts.logger,
      options: { ignoreHTTPSErrors: sim.origin.startsWith('https:'), viewport: { width: 1280, height: 800 } },
      appFrames,
    });
    const config = services.server.config;
    return {
      sim,
      services,
      config,
      browser,
      context,
      opened,
      xvfb,
      async openWebClient(o = {}) {
        const page = await context.newPage();
        await page.goto(sim.url);
        if (o.ready) await waitForWebClient(services, o.timeoutMs);
        return page;
      },
      appFrame(page, app) {
        const url = `${sim.appsOrigin}/PBX0/APPS/${app}.htm`;
        const frame = page.frames().find((f) => f.url().startsWith(url));
        if (!frame) throw new Error(`no frame of ${url} in the web client`);
        return frame;
      },
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
