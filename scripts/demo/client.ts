/**
 * The client of the demo, built as electron/main.ts builds the product after app.ready, from the
 * same Electron-free pieces of electron/wiring: the handler table of the preload contract (page
 * hooks, proxy sign-in, update UI, About, the launcher controller, hot-key status), the service
 * graph from the one wiring function (createPlatformServices) with the Linux adapters of
 * electron/os-adapters.ts, the pages' events and the settings reactions that need them. Where main.ts hands Electron objects, the demo hands their Chromium stand-ins: a
 * Playwright page is a window, a route is `protocol.handle`, a binding is IPC
 * (./launcher-bridge.ts), a Node HTTPS client trusting the PBX's certificate is the session's
 * fetch. What the pages show is the product's state.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pickLanguage, translator, type Translator } from '../../common/i18n';
import { parseServerString } from '../../common/server-string';
import { originOf } from '../../common/origin';
import type { FileLocations, Logger, WindowFocus } from '../../electron/platform';
import { createPlatformServices, type PlatformServices } from '../../electron/wiring';
import { createHandlerTable, wirePreloadEvents, type HandlerTable } from '../../electron/wiring/preload';
import { launcherSettingsOf, logCollector, pinCertificateIn } from '../../electron/wiring/windows';
import { productUpdatePorts, updateFactsOf } from '../../electron/wiring/update-product';
import { createLinkRouter } from '../../electron/wiring/link-routing';
import type { TraceFiles } from '../../electron/log';
import type { SettingsStore } from '../../electron/settings';
import { createPageHookHandlers, launcherPageUrl, type OriginPolicy, type PreloadDispatcher } from '../../electron/security';
import { createAbout, createLauncherController, type About, type LauncherController } from '../../electron/windows';
import { createProxyAuth, createUpdateUi } from '../../electron/windows/dialogs';
import { createLinkConfirm } from '../../electron/windows/link-confirm';
import { StaticProxyResolver } from '../../electron/connect';
import type { AttentionPort } from '../../electron/notifications';
import { engineScriptFromFile } from '../../electron/media/engine-bundle';
import type { OsAdapters } from '../../electron/os-adapters';
import { NodeSpawner } from '../../native/spawner';
import type { PbxSim } from '../../test/pbx-sim';
import type { BuiltProduct } from '../../test/e2e/harness/product-bundle';
import { chromiumAppFrames } from '../../test/e2e/harness/app-frames';
import type { StoreServer } from '../../test/fixtures/update/store-server';
import { TEST_KEY } from '../../test/fixtures/update/store-server';
import { createNodeUpstream } from '../../test/fixtures/appproxy/node-upstream';
import { attachLauncherBridge, demoUrlOf, DEMO_LAUNCHER_ORIGIN, type LauncherBridge, type PageIds } from './launcher-bridge';
import { chromiumDialogHost, type ChromiumDialogHost } from './dialogs';
import { DemoStartError, type DemoOptions } from './start-error';

const PRODUCT_NAME = 'myApps';
const ROOT = path.resolve(__dirname, '..', '..');
const VERSION = '0.1.0';
const BUILD = 'demo';

export interface DemoClient {
  services: PlatformServices;
  dispatcher: PreloadDispatcher;
  controller: LauncherController;
  about: About;
  words: Translator;
  dialogs: ChromiumDialogHost;
  /** Where the handoff channel for second starts listens. */
  linkHandoffPath: string;
  /** What the client asked the OS to open (the default browser, external apps' URLs). */
  openedExternally: string[];
  /** Window attention requests (Electron: flashFrame) as they came. */
  attention: boolean[];
  bridge(): LauncherBridge;
  /** The main window's page (web client, connect form or error page). */
  main(): Page;
  /** Opens (or shows) the settings window; `lang` stands for the OS language (docs/i18n.md). Resolves when it has drawn its rows. */
  openSettings(lang?: 'en' | 'de'): Promise<Page>;
  /** Wires the browser context of the client's windows (launcher pages, dialogs, page hooks, main window). */
  attach(context: BrowserContext): Promise<void>;
  /** What main.ts does last: the launcher controller shows the web client of the configured server. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface DemoClientInputs {
  o: DemoOptions;
  env: NodeJS.ProcessEnv;
  files: FileLocations;
  traces: TraceFiles;
  logger: Logger;
  settings: SettingsStore;
  osAdapters: OsAdapters;
  browser: Browser;
  ids: PageIds;
  product: BuiltProduct;
  store: StoreServer;
  sim(): PbxSim;
  /** Where second starts hand their links over (main.ts: linkHandoffEndpoint of Electron's userData and temp paths). */
  linkHandoffPath: string;
}

export async function startDemoClient(i: DemoClientInputs): Promise<DemoClient> {
  const { env, files, traces, logger, settings, osAdapters, browser } = i;
  const { createLanguageSource } = await import('../../native/electron/locale');
  const words = translator(pickLanguage(createLanguageSource(env).preferredLanguages()));
  const identity = { name: PRODUCT_NAME, version: VERSION, build: BUILD, platform: 'linux', language: words.language };

  let services: PlatformServices | undefined;
  let controller: LauncherController | undefined;
  let engineOrigins: string[] = [];
  const origins: OriginPolicy = {
    pbxOrigin: () => controller?.pbxOrigin() ?? null,
    engineOrigins: () => engineOrigins,
    appOrigins: () => services?.origins.list() ?? [],
  };
  const table: HandlerTable = createHandlerTable({ origins, logger });
  const dispatcher = table.dispatcher;
  let context: BrowserContext | undefined;
  let bridge: LauncherBridge | undefined;
  let mainPage: Page | undefined;
  let loading: Promise<unknown> = Promise.resolve();
  const needBridge = () => {
    if (!bridge) throw new Error('the client windows are not attached yet');
    return bridge;
  };
  const dialogs = chromiumDialogHost(() => context, i.ids, needBridge, (what, err) => logger.warn(`demo: ${what} failed`, { error: String(err) }));
  const openedExternally: string[] = [];
  const attentionLog: boolean[] = [];

  // proxy sign-in and the update UI: dialogs that may be needed while the services start
  const proxyAuth = createProxyAuth({ dialogs, store: osAdapters.credentialStore, logger, productName: PRODUCT_NAME, words });
  table.add(proxyAuth.handlers);
  // links from pages (and, in the product, the first start's argv) wait for the services (electron/wiring/link-routing.ts)
  const links = createLinkRouter({});
  const linkConfirm = createLinkConfirm({ dialogs, logger, productName: PRODUCT_NAME, words, dial: (link, origin) => links.handle(link, origin) });
  table.add(linkConfirm.handlers);
  const updateUi = createUpdateUi({ dialogs, notifier: osAdapters.notifier, logger, productName: PRODUCT_NAME, words });
  table.add(updateUi.handlers);
  const updatePorts = productUpdatePorts(
    {
      platform: 'linux',
      arch: process.arch,
      env,
      execPath: env.APPIMAGE ?? '',
      isPackaged: true,
      windowsStore: false,
      mas: false,
      recorded: undefined,
      build: BUILD,
      ...updateFactsOf(settings, files),
    },
    updateUi,
    (outcome) => i.o.say(`update installed (${outcome.detail ?? outcome.next}); the product would quit and start the new build now`),
  );

  const windowFocus: WindowFocus = { showAndFocus: () => void mainPage?.bringToFront().catch(() => undefined) };
  const attention: AttentionPort = { requestAttention: (on) => void attentionLog.push(on) };
  const linkHandoffPath = i.linkHandoffPath;
  const upstream = createNodeUpstream({ ca: i.sim().cert?.cert });
  // the web client's app frames: their origins reach the bus allow-list as apps come and go (electron/bus/app-origins.ts)
  const appFrames = chromiumAppFrames();

  services = await createPlatformServices(
    {
      logger,
      traces,
      files,
      settings,
      idleClock: osAdapters.idleClock,
      protocolRegistrar: osAdapters.protocolRegistrar,
      keyListener: osAdapters.keyListener,
      selectionReader: osAdapters.selectionReader,
      displaySession: osAdapters.displaySession,
      notifier: osAdapters.notifier,
      // the in-app banner over the main window (Electron: a WebContentsView; here a page of its own)
      overlays: dialogs.overlays,
      // around calls (electron/calls): keep awake (the D-Bus inhibit adapter), the sharing bar, the incoming-call window
      powerSaveBlocker: osAdapters.powerSaveBlocker,
      dialogs,
      words,
      attention,
      windowFocus,
      spawner: new NodeSpawner(),
      urlOpener: { openExternal: async (url: string) => void openedExternally.push(url) },
      // the media engine in a Chromium page (Electron: a hidden BrowserWindow), fake devices
      mediaEngineHost: {
        async open(url: string) {
          const p = await browser.newPage();
          await p.goto(url);
          return { close: () => p.close() };
        },
      },
      // Electron: the session's fetch (its proxy and certificate store); here Node's HTTPS, trusting the PBX's certificate
      appProxyUpstream: upstream,
      // Electron: session.resolveProxy (OS proxy, PAC); the demo's traffic is on loopback
      proxyResolver: new StaticProxyResolver([{ kind: 'direct' }]),
      credentialStore: osAdapters.credentialStore,
      credentialPrompt: proxyAuth.prompt,
      // the OS CA bundle, and the update store's certificate as an enterprise CA would be
      caCertificates: [...osAdapters.caCertificates, i.store.ca],
      // the store signs with its test key (the product has no release key built in yet: docs/update.md)
      update: {
        ...updatePorts,
        ...(osAdapters.updateFetch ? { fetch: osAdapters.updateFetch } : {}),
        publicKeys: [{ keyId: TEST_KEY.keyId, publicKey: TEST_KEY.publicKey }],
        logger: traces.helper('myAppsUpdate'),
      },
      appFrames,
    },
    {
      linkHandoffPath,
      launcher: identity,
      touch: false,
      oneIncomingCall: osAdapters.oneIncomingCall,
      // the default vCard folder of the demo user's private home (~/.local/share/contacts)
      phonebook: { nativeDir: path.join(ROOT, 'native'), vcardFolder: path.join(env.XDG_DATA_HOME!, 'contacts') },
      media: { engineScript: engineScriptFromFile(path.join(i.product.appDir, 'dist', 'media-engine.js')) },
    },
  );
  const svc = services;
  links.start({ links: svc.instances.links, showMain: () => windowFocus.showAndFocus() });
  const fail = async (why: string): Promise<never> => {
    await svc.close().catch(() => undefined);
    upstream.close();
    throw new DemoStartError('service graph', why);
  };
  const skipped = Object.entries(svc.skipped);
  if (skipped.length) await fail(`not started: ${skipped.map(([k, v]) => `${k} (${v})`).join(', ')}`);
  if (!(await fs.stat(linkHandoffPath).then((s) => s.isSocket(), () => false))) await fail(`the handoff channel for second starts does not listen at ${linkHandoffPath}`);
  // the pages of the sharing bar, the incoming-call window and the in-app banner (as main.ts)
  const { sharingWindow, incomingCallWindow, banner } = svc.instances;
  for (const part of [sharingWindow, incomingCallWindow, banner]) if (part) table.add(part.handlers);
  i.o.say(`started the service graph: ${Object.keys(svc.instances).sort().join(', ')}; bus ${svc.server.config.bus}`);
  const engineOrigin = originOf(svc.server.config.http);
  engineOrigins = engineOrigin ? [engineOrigin, engineOrigin.replace('//localhost:', '//127.0.0.1:')] : [];

  // About (settings page): versions, the PBX, the update channel and state
  let pbxNow: string | null = null;
  const about = createAbout({
    identity,
    versions: { chrome: browser.version() },
    os: `${os.type()} ${os.release()} (${process.arch})`,
    pbx: () => pbxNow,
    updatePolicy: () => String(settings.get('updatePolicy')),
    update: svc.instances.update,
  });
  table.add(about.handlers);

  let settingsPage: Page | undefined;
  const openSettingsPage = async (lang?: 'en' | 'de'): Promise<Page> => {
    if (!context) throw new Error('the client windows are not attached yet');
    if (!settingsPage || settingsPage.isClosed()) {
      settingsPage = await context.newPage();
      await settingsPage.setViewportSize({ width: 760, height: 900 });
    }
    await settingsPage.goto(demoUrlOf(launcherPageUrl('settings.html')) + (lang ? `?lang=${lang}` : ''));
    await settingsPage.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    await settingsPage.bringToFront();
    return settingsPage;
  };
  const collect = logCollector({ files, settings, traces, version: { app: VERSION, build: BUILD, ...process.versions, chromium: browser.version(), electron: 'stand-in (demo)', platform: process.platform, arch: process.arch } });
  const serverFromCli = new URL(i.sim().origin).host; // as `--server=<host:port>` would give it
  controller = createLauncherController({
    logger,
    identity,
    parseServer: parseServerString,
    server: () => serverFromCli,
    serverLocked: () => true,
    saveServer: async () => undefined,
    setPbxOrigin: (o) => {
      svc.setPbxOrigin(o);
      pbxNow = o ?? null;
      about.changed();
    },
    loadMain: (url) => {
      const p = mainPage;
      if (p) loading = p.goto(demoUrlOf(url)).catch((err: unknown) => logger.warn('demo: main window load failed', { error: String(err) }));
    },
    openSettingsWindow: () => void openSettingsPage().catch(() => undefined),
    appClientConfig: () => svc.server.config,
    settings: launcherSettingsOf(settings),
    collectLogs: collect,
    emitTo: (id, event, payload) => needBridge().emitTo(id, event, payload),
    openTraceFolder: async () => void openedExternally.push(files.logs),
    pinCertificate: pinCertificateIn(settings),
  });
  table.add(controller.handlers);

  // The pages' events (settingsChanged, hotkeysChanged) as main.ts wires them, and aboutChanged;
  // the demo detaches no app windows (no appAttached). The settings reactions reach the pages.
  const launcherPages = (): Page[] => bridge?.launcherPages().filter((p) => p !== mainPage) ?? [];
  const events = wirePreloadEvents({
    sink: {
      main: (event, payload) => void (mainPage && bridge?.emit([mainPage], event, payload)),
      settings: (event, payload) => void bridge?.emit(launcherPages(), event, payload),
    },
    table,
    settings,
    windows: { onAppAttached: () => () => undefined },
    hotkeys: svc.instances.hotkeys,
    logger,
  });
  svc.instances.reactions?.attach({ pages: events });
  const offAbout = about.onChange((a) => bridge?.emit(launcherPages(), 'aboutChanged', a));

  return {
    services: svc,
    dispatcher,
    controller,
    about,
    words,
    dialogs,
    linkHandoffPath,
    openedExternally,
    attention: attentionLog,
    bridge: needBridge,
    main() {
      if (!mainPage) throw new Error('no main window yet');
      return mainPage;
    },
    openSettings: openSettingsPage,
    async attach(ctx) {
      context = ctx;
      appFrames.watch(ctx);
      bridge = await attachLauncherBridge(ctx, { dispatcher, origins, logger, rendererDir: path.join(i.product.appDir, 'dist', 'renderer'), pbxOrigin: i.sim().origin, pageIds: i.ids });
      // lib1's launcher hooks of the web client and its apps (electron/security/page-hooks.ts)
      table.add(createPageHookHandlers({
        logger,
        origins,
        openExternal: (url) => void openedExternally.push(url),
        // links from page content are confirmed by the user first (electron/windows/link-confirm.ts)
        onInternalLink: (url, fromUrl) => linkConfirm.ask(url, fromUrl),
        openPopup: (url) => void ctx.newPage().then((p) => p.goto(url)).catch(() => undefined),
      }));
      mainPage = await ctx.newPage();
      i.ids.idOf(mainPage);
      // DEMO_DEBUG=1: the main window's console (web client and apps) on stderr
      if (process.env.DEMO_DEBUG) mainPage.on('console', (m) => process.stderr.write(`[main console ${m.type()}] ${m.text()}\n`));
    },
    async start() {
      controller!.start();
      await loading;
      if (!mainPage || !mainPage.url().startsWith(i.sim().origin)) throw new Error(`the main window shows ${mainPage?.url() ?? 'nothing'}, not the web client`);
    },
    async close() {
      events.close();
      offAbout();
      about.dispose();
      await svc.close();
      upstream.close();
    },
  };
}

export { DEMO_LAUNCHER_ORIGIN };
