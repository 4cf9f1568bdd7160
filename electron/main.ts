/**
 * The composition root of the Electron product: lifecycle only. It builds the Electron adapters
 * (native/electron/*) and hands them to the one wiring (electron/wiring: the service graph, the
 * settings reactions, certificate decisions, link routing, the preload handler table); here are
 * the app's events, the windows and the order things start and stop. See docs/security.md for
 * the policy applied here and docs/packaging.md for how this file is bundled (dist/main.cjs).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { app, BrowserWindow, screen, session } from 'electron';
import { createTraceFiles } from './log';
import { SettingsStore } from './settings';
import type { ManagedSettingsReader } from './settings/ports';
import type { CertificatePin } from '../common/settings/schema';
import type { Logger } from './platform';
import { parseServerString } from '../common/server-string';
import { failureFromChromiumError } from '../common/connect-failure';
import { classifyOrigin, createPageHookHandlers, parseLauncherArgv, secureWebPreferences, userArgs, type OriginPolicy, type ParsedArgv } from './security';
import { myAppsUserAgent } from '../common/preload-names';
import { createLauncherController, createWindowsService, WindowStateStore, type LauncherController, type WindowsService } from './windows';
import { createPlatformServices, type PlatformServices } from './wiring';
import { createCertificatePolicy } from './wiring/certificates';
import { createLinkRouter, type LinkRouter } from './wiring/link-routing';
import { createHandlerTable, wirePreloadEvents } from './wiring/preload';
import { launcherSettingsOf, logCollector, pinCertificateIn, windowSettingsOf } from './wiring/windows';
import { productUpdatePorts, readRecordedInstallKind, updateFactsOf } from './wiring/update-product';
import { applySessionPolicy, applyWebContentsPolicy, openExternalWith, openPopupWindow, type PolicyDeps } from '../native/electron/security';
import { electronUrlOpener } from '../native/electron/url-opener';
import { registerPreloadIpc } from '../native/electron/ipc';
import { handleLauncherScheme, registerLauncherScheme } from '../native/electron/launcher-protocol';
import { createFileLocations, useInnovaphoneUserData } from '../native/electron/file-locations';
import { createEdgeReservation, electronShell, ElectronTray, ElectronWindowHost, settingsWindowOpener } from '../native/electron/windows';
import { createAutostart } from '../native/electron/autostart';
import { createAttention, createWindowFocus } from '../native/electron/window-focus';
import { electronMediaEngineHost } from '../native/electron/media-engine';
import { electronUpstream, installAppProxy } from '../native/electron/appproxy-protocol';
import { createProxyResolver } from '../native/electron/proxy-resolver';
import { createAppFrameSource, type ElectronAppFrames } from '../native/electron/app-frames';
import { createOsAdapters } from './os-adapters';
import { claimOrHandOff, linkHandoffEndpoint } from './links';
import { NodeSpawner } from '../native/spawner';
import { createDialogHost } from '../native/electron/dialogs';
import { createOverlayHost } from '../native/electron/overlay';
import type { Notifier } from './notifications';
import { DisplayPickerModel, installDisplayMediaHandler } from '../native/electron/display-media';
import { createDisplayPickerUi, createProxyAuth, createUpdateUi } from './windows/dialogs';
import { createAbout, trayStatusLine } from './windows/about';
import { pickLanguage, translator } from '../common/i18n';
import { createLanguageSource } from '../native/electron/locale';
import { installSpellcheck } from '../native/electron/spellcheck';
import { createLinkConfirm } from './windows/link-confirm';
import { engineScriptFromFile } from './media/engine-bundle';
import { LinuxManagedSettingsReader } from '../native/linux/managed';
import { MacManagedSettingsReader } from '../native/mac/managed';
import { WindowsManagedSettingsReader } from '../native/win/managed';
import { chromiumSwitches } from './security/switches';
import { originOf } from '../common/origin';

export const APP_ID = 'com.innovaphone.myapps';
export const PRODUCT_NAME = 'myApps';
/** Build number stamped by scripts/build.mjs (esbuild `define`); "dev" when run from source. */
declare const __MYAPPS_BUILD__: string | undefined;
const BUILD = typeof __MYAPPS_BUILD__ === 'string' ? __MYAPPS_BUILD__ : 'dev';

export interface RunningApp {
  services: PlatformServices;
  /** Display-media picker model (app sharing): the picker window renders it. */
  picker: DisplayPickerModel;
  windows: WindowsService;
  controller: LauncherController;
  mainWindow: BrowserWindow;
  settingsPins(): CertificatePin[];
}

/** Where dist/ lives (main.cjs, preload.cjs, renderer/, icons/). */
function distDir(): string {
  return __dirname;
}

/**
 * native/ helper scripts (phone book: mac/contacts.js, win/outlook-search.ps1): shipped as
 * extraResources (build/electron-builder.yml) in <resources>/native; from source: <repo>/native.
 */
function nativeDir(): string {
  return app.isPackaged && process.resourcesPath ? path.join(process.resourcesPath, 'native') : path.join(distDir(), '..', 'native');
}

/** Managed settings (installer/MDM), per OS: registry, defaults, /etc/innovaphone/myApps/*.json. */
function managedReaders(): ManagedSettingsReader[] {
  if (process.platform === 'win32') return [new WindowsManagedSettingsReader()];
  if (process.platform === 'darwin') return [new MacManagedSettingsReader()];
  return [new LinuxManagedSettingsReader()];
}

export interface BootstrapOptions {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** What the steps of bootstrap share; filled as they run. */
interface Life {
  env: NodeJS.ProcessEnv;
  argv: readonly string[];
  first: ParsedArgv;
  links: LinkRouter;
  quitting: boolean;
  running?: RunningApp;
  logger: Logger;
  origins: OriginPolicy;
  engineOrigins: string[];
  services?: PlatformServices;
  disableHeadsets: boolean;
  policy: PolicyDeps;
  appFrames: ElectronAppFrames;
  /** The local socket (pipe) a second start hands its link over (electron/links/handoff.ts). */
  linkHandoffPath: string;
  /** Asks the user before a link from page content dials (set once the dialogs exist). */
  confirmPageLink?: (url: string, fromUrl: string | undefined) => void;
}

type Base = Awaited<ReturnType<typeof openBase>>;
type Ui = Awaited<ReturnType<typeof createMainWindowAndDialogs>>;
type Started = Awaited<ReturnType<typeof startServices>>;
type Shell = ReturnType<typeof createWindows> & ReturnType<typeof createController>;

export async function bootstrap(opts: BootstrapOptions = {}): Promise<RunningApp | undefined> {
  const env = opts.env ?? process.env;
  const argv = opts.argv ?? process.argv;
  prepareApp(env);
  const first = parseLauncherArgv(userArgs(argv, app.isPackaged));
  const life = listenBeforeReady(env, argv, first);
  if (!(await claimFirstInstance(life))) return undefined;
  await app.whenReady();
  const base = await openBase(life);
  const ui = await createMainWindowAndDialogs(life, base);
  const started = await startServices(life, base, ui);
  const windowsPart = createWindows(life, base, ui);
  const shell = { ...windowsPart, ...createController(life, base, ui, started.services, windowsPart) };
  const unbindMain = bindMainWindow(life, ui.mainWindow, shell.windows, shell.controller);
  bindQuit(life, base, ui, started, { ...shell, unbindMain });
  const running: RunningApp = { services: started.services, picker: started.picker, windows: shell.windows, controller: shell.controller, mainWindow: ui.mainWindow, settingsPins: () => base.settings.get('trustedCertificates') };
  life.running = running;
  await shell.windows.start();
  shell.controller.start();
  for (const l of first.ignored) {
    if (l.ours) life.logger.warn(`Command line: ${l.reason}; ignored`);
    else life.logger.trace('App', 'command-line argument ignored', { arg: l.arg, reason: l.reason });
  }
  life.links.start({ links: started.services.instances.links, showMain: () => shell.windows.showMain() });
  return running;
}

/** Before app.ready: the launcher scheme, the user data folder, Chromium switches, the Windows app id. */
function prepareApp(env: NodeJS.ProcessEnv): void {
  registerLauncherScheme();
  useInnovaphoneUserData();
  // loopback peer connections for the media viewer, Wayland shortcut portal (electron/security/switches.ts, docs/security.md)
  for (const sw of chromiumSwitches({ platform: process.platform, env })) {
    if (sw.value === undefined) app.commandLine.appendSwitch(sw.name);
    else app.commandLine.appendSwitch(sw.name, sw.value);
  }
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
}

/** The app's events that may come before the window exists: links, quit, new webContents, certificates, frames. */
function listenBeforeReady(env: NodeJS.ProcessEnv, argv: readonly string[], first: ParsedArgv): Life {
  const links = createLinkRouter({ first: first.link });
  // (the closures below read `life` once the app runs)
  const origins: OriginPolicy = {
    pbxOrigin: () => life.running?.controller.pbxOrigin() ?? null,
    engineOrigins: () => life.engineOrigins,
    // App Platforms on the bus allow-list (the PBX is classified separately).
    appOrigins: () => life.services?.origins.list() ?? [],
  };
  const policy: PolicyDeps = {
    origins,
    get logger() {
      return life.logger;
    },
    disableHeadsets: () => life.disableHeadsets,
    // Links from page content are confirmed by the user (electron/windows/link-confirm.ts, set up
    // with the dialogs); links from the OS (argv, a second start, open-url) dial directly.
    onInternalLink: (url, fromUrl) => (life.confirmPageLink ? life.confirmPageLink(url, fromUrl) : life.logger.warn('links: a page link before the client was ready; dropped')),
  };
  const life: Life = {
    env,
    argv,
    first,
    links,
    quitting: false,
    logger: { trace() {}, warn: (m, d) => console.warn(m, d ?? ''), error: (m, d) => console.error(m, d ?? '') },
    origins,
    engineOrigins: [],
    disableHeadsets: false,
    policy,
    // the frames of every window, for the apps' origins on the bus allow-list (electron/bus/app-origins.ts)
    appFrames: createAppFrameSource(app),
    linkHandoffPath: linkHandoffEndpoint({ platform: process.platform, env, userData: app.getPath('userData'), tmpdir: app.getPath('temp') }),
  };
  app.on('before-quit', () => {
    life.quitting = true;
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    links.openUrl(url);
  });
  app.on('web-contents-created', (_e, contents) => applyWebContentsPolicy(contents, life.policy));
  const certificates = createCertificatePolicy({
    cliPins: first.options.trustCertificates ?? [],
    pins: () => life.running?.settingsPins() ?? [],
    logger: () => life.logger,
    onRefused: (failure) => life.running?.controller.loadFailed(failure),
  });
  app.on('certificate-error', (event, contents, url, error, certificate, callback, isMainFrame) => {
    const mainWindowPage = isMainFrame && !!life.running && contents === life.running.mainWindow.webContents;
    if (certificates.decide({ url, error, certificate, mainWindowPage })) {
      event.preventDefault();
      callback(true);
    } else callback(false);
  });
  return life;
}

/**
 * Single instance (docs/links.md): a running client takes this start's link over its own local
 * socket (electron/links/handoff.ts) and this process exits with the outcome; Electron's lock
 * only decides who is first.
 */
async function claimFirstInstance(life: Life): Promise<boolean> {
  const claim = await claimOrHandOff({ path: life.linkHandoffPath, argv: life.first.link ? [life.first.link] : [], requestLock: () => app.requestSingleInstanceLock() });
  if (claim.first) return true;
  if (claim.error) console.error(`${PRODUCT_NAME}: ${claim.error}`);
  life.appFrames.close();
  app.exit(claim.ok ? 0 : 1);
  return false;
}

/** After app.ready: user agent, files, traces, settings, the session's policy and the launcher pages. */
async function openBase(life: Life) {
  // lib1 apps know they run in the launcher by "myApps" in navigator.userAgent (docs/security.md).
  app.userAgentFallback = myAppsUserAgent(app.userAgentFallback, app.getVersion());
  const files = createFileLocations(process.platform, life.env);
  // the one command-line parser (electron/security/argv.ts) also decides --log-flags/--log-size
  const traces = createTraceFiles({ dir: files.logs, commandLine: life.first.options });
  life.logger = traces.main;
  const settings = await SettingsStore.open({ userData: files.userData, logger: life.logger, managed: managedReaders() });
  life.disableHeadsets = settings.get('disableHeadsets') === true;
  // The client's own words and the spell-check dictionaries follow the OS languages (docs/i18n.md).
  const languages = createLanguageSource(life.env).preferredLanguages();
  const words = translator(pickLanguage(languages));
  const ses = session.defaultSession;
  applySessionPolicy(ses, life.policy);
  handleLauncherScheme(ses, path.join(distDir(), 'renderer'), life.logger);
  const spellcheck = installSpellcheck({ session: ses, languages, dictionaryUrl: settings.get('spellcheckDictionaryUrl'), words, logger: life.logger });
  app.on('web-contents-created', (_e, contents) => spellcheck.attach(contents));
  return {
    files,
    traces,
    settings,
    words,
    identity: { name: PRODUCT_NAME, version: app.getVersion(), build: BUILD, platform: process.platform, language: words.language },
    ses,
    preload: path.join(distDir(), 'preload.cjs'),
    icon: path.join(distDir(), 'icons', 'icon.png'),
  };
}

/**
 * The preload contract is served from here on (the handler table is filled as the pieces come
 * up); the dialogs (update progress at start, proxy credentials) may be needed while the
 * services start; then the main window, the credential store and proxy sign-in.
 */
async function createMainWindowAndDialogs(life: Life, base: Base) {
  const { logger } = life;
  const table = createHandlerTable({ origins: life.origins, logger });
  const ipc = registerPreloadIpc({ dispatcher: table.dispatcher, origins: life.origins, logger, appClientConfig: () => life.services?.server.config });
  let mainWindowRef: BrowserWindow | undefined;
  const dialogs = createDialogHost({ preload: base.preload, icon: base.icon, parent: () => mainWindowRef, emit: (t, e, p) => ipc.emit(t, e, p) });
  // The port implementations of this OS (electron/os-adapters.ts, docs/decisions.md).
  const osAdapters = await createOsAdapters({
    platform: process.platform,
    env: life.env,
    files: base.files,
    logger,
    session: base.ses,
    nativeDir: nativeDir(),
    productName: PRODUCT_NAME,
    icon: base.icon,
    isPackaged: app.isPackaged,
    execPath: process.execPath,
    appPath: life.argv[1],
    warmUpCopyHelper: !!base.settings.get('hotkeyDial').trim(),
  });
  logger.trace('App', 'OS adapters', osAdapters.kinds);
  const { notifier, credentialStore } = osAdapters;
  const mainWindow = new BrowserWindow({
    width: 1024,
    height: 720,
    show: false,
    title: PRODUCT_NAME,
    icon: base.icon,
    autoHideMenuBar: true,
    // subFrames: the web client's app frames get lib1's launcher hooks (renderer/page-hooks.ts)
    webPreferences: secureWebPreferences(base.preload, { subFrames: true }),
  });
  mainWindowRef = mainWindow;

  // lib1's launcher hooks of the web client and its apps: console lines into the trace, window.open
  // through the window policy (electron/security/page-hooks.ts).
  const linkConfirm = createLinkConfirm({ dialogs, logger, productName: PRODUCT_NAME, words: base.words, dial: (link, origin) => life.links.handle(link, origin) });
  table.add(linkConfirm.handlers);
  life.confirmPageLink = (url, fromUrl) => linkConfirm.ask(url, fromUrl);
  table.add(createPageHookHandlers({ logger, origins: life.origins, openExternal: openExternalWith(logger), onInternalLink: (url, fromUrl) => linkConfirm.ask(url, fromUrl), openPopup: (url) => openPopupWindow(url, base.icon) }));
  // Proxy authentication: one launcher dialog for the web client's traffic (Chromium's 'login'
  // event) and for Node-side traffic (electron/connect CredentialPrompt); docs/security.md.
  const proxyAuth = createProxyAuth({ dialogs, store: credentialStore, logger, productName: PRODUCT_NAME, words: base.words });
  table.add(proxyAuth.handlers);
  app.on('login', (event, _contents, _details, authInfo, callback) => {
    if (!authInfo.isProxy) return; // a server's own HTTP auth: Chromium's default (cancel)
    event.preventDefault();
    void proxyAuth.login({ host: authInfo.host, port: authInfo.port, realm: authInfo.realm, isProxy: true }).then(
      (c) => (c ? callback(c.username, c.password) : callback()),
      () => callback(),
    );
  });
  // the in-app notification banner over the main window (electron/notifications/banner.ts)
  const overlays = createOverlayHost({ main: () => mainWindowRef, preload: base.preload, emit: (t, e, p) => ipc.emit(t, e, p) });
  // the notifier every part uses once the services run: the OS notifier with the banner behind it
  const anyNotifier: Notifier = { show: (n, ev) => (life.services?.instances.notifier ?? notifier).show(n, ev) };
  return { table, ipc, dialogs, overlays, notifier, anyNotifier, mainWindow, proxyAuth, credentialStore, osAdapters };
}

/** The update ports, the selection reader, the service graph, the app proxy and the screen picker. */
async function startServices(life: Life, base: Base, ui: Ui) {
  const { logger } = life;
  const { settings, files, traces } = base;
  // Auto update (docs/update.md): install kind, installer, policies; launcher-owned UI.
  const updateUi = createUpdateUi({ dialogs: ui.dialogs, notifier: ui.anyNotifier, logger, productName: PRODUCT_NAME, words: base.words });
  ui.table.add(updateUi.handlers);
  const updatePorts = productUpdatePorts(
    {
      platform: process.platform,
      arch: process.arch,
      env: life.env,
      execPath: process.execPath,
      isPackaged: app.isPackaged,
      windowsStore: process.windowsStore === true,
      mas: process.mas === true,
      recorded: await readRecordedInstallKind(process.platform),
      build: BUILD,
      ...updateFactsOf(settings, files),
    },
    updateUi,
    (outcome) => {
      logger.warn('update installed; the client quits', { next: outcome.next, detail: outcome.detail });
      if (outcome.next === 'relaunch' && outcome.relaunch) app.relaunch({ execPath: outcome.relaunch, args: [] });
      app.quit();
    },
  );
  logger.trace('App', 'auto update', { installKind: updatePorts.installKind, terminalServer: updatePorts.terminalServer === true, installer: updatePorts.installer?.kind ?? 'none' });

  const mainWindow = ui.mainWindow;
  const services = await createPlatformServices(
    {
      logger,
      traces,
      files,
      settings,
      idleClock: ui.osAdapters.idleClock,
      protocolRegistrar: ui.osAdapters.protocolRegistrar,
      keyListener: ui.osAdapters.keyListener,
      selectionReader: ui.osAdapters.selectionReader,
      displaySession: ui.osAdapters.displaySession,
      notifier: ui.notifier,
      overlays: ui.overlays,
      // around calls (electron/calls): keep awake, the sharing bar, the incoming-call window
      powerSaveBlocker: ui.osAdapters.powerSaveBlocker,
      dialogs: ui.dialogs,
      words: base.words,
      attention: createAttention(() => mainWindow),
      windowFocus: createWindowFocus(() => mainWindow),
      spawner: new NodeSpawner(),
      urlOpener: electronUrlOpener,
      mediaEngineHost: electronMediaEngineHost({ logger, session: base.ses }),
      appProxyUpstream: electronUpstream(base.ses),
      proxyResolver: createProxyResolver(base.ses),
      credentialStore: ui.credentialStore,
      credentialPrompt: ui.proxyAuth.prompt,
      caCertificates: ui.osAdapters.caCertificates,
      update: { ...updatePorts, ...(ui.osAdapters.updateFetch ? { fetch: ui.osAdapters.updateFetch } : {}), logger: traces.helper('myAppsUpdate') },
      appFrames: life.appFrames,
    },
    {
      linkHandoffPath: life.linkHandoffPath,
      launcher: base.identity,
      // com.innovaphone.launcher model `touch` (docs/local-services.md)
      touch: screen.getAllDisplays().some((d) => d.touchSupport === 'available'),
      // Windows Server shows one incoming call at a time (docs/notifications.md)
      oneIncomingCall: ui.osAdapters.oneIncomingCall,
      phonebook: { nativeDir: nativeDir() },
      media: { engineScript: engineScriptFromFile(path.join(distDir(), 'media-engine.js')) },
    },
  );
  life.services = services;
  for (const [name, why] of Object.entries(services.skipped)) logger.trace('App', 'service not started', { name, why });
  // the pages of the sharing bar, the incoming-call window and the in-app banner
  const { sharingWindow, incomingCallWindow, banner } = services.instances;
  for (const part of [sharingWindow, incomingCallWindow, banner]) if (part) ui.table.add(part.handlers);
  // The media engine page lives on the local services server (both host spellings).
  const engineOrigin = originOf(services.server.config.http);
  life.engineOrigins = engineOrigin ? [engineOrigin, engineOrigin.replace('//localhost:', '//127.0.0.1:')] : [];
  if (services.instances.appProxy) installAppProxy(base.ses, services.instances.appProxy, logger);

  // App sharing: the engine's getDisplayMedia() goes through the launcher's picker window.
  const picker = new DisplayPickerModel();
  const pickerUi = createDisplayPickerUi({ dialogs: ui.dialogs, model: picker, productName: PRODUCT_NAME, words: base.words });
  ui.table.add(pickerUi.handlers);
  const removeDisplayMedia = installDisplayMediaHandler(base.ses, { picker, logger, allowOrigin: (o) => life.engineOrigins.includes(o) });
  return { services, picker, pickerUi, removeDisplayMedia };
}

/** The windows service (tray, docking, detached apps), the settings window and the launcher controller. */
/** The windows service (tray, docking, detached apps) and the settings window. */
function createWindows(life: Life, base: Base, ui: Ui) {
  const { logger } = life;
  const { settings, files, traces, words } = base;
  let tray: ElectronTray | undefined;
  try {
    tray = new ElectronTray(path.join(distDir(), 'icons', 'tray.png'));
  } catch (err) {
    logger.warn('no tray icon on this desktop', { error: String(err) });
  }
  const settingsWindow = settingsWindowOpener({ title: words.t('window.settings', { product: PRODUCT_NAME }), icon: base.icon, preload: base.preload });
  const openSettingsWindow = settingsWindow.open;
  const collect = logCollector({ files, settings, traces, version: { app: app.getVersion(), build: BUILD, ...process.versions, platform: process.platform, arch: process.arch } });
  const windows = createWindowsService({
    host: new ElectronWindowHost({ main: ui.mainWindow, isQuitting: () => life.quitting, icon: base.icon, preload: base.preload }),
    tray,
    autostart: createAutostart({ appId: APP_ID, name: PRODUCT_NAME, icon: base.icon, env: life.env }),
    shell: electronShell,
    // Docking reserves its strip: Windows AppBar, X11 strut (not Wayland, not macOS).
    edgeReservation: createEdgeReservation({ platform: process.platform, nativeDir: nativeDir(), env: life.env }),
    settings: windowSettingsOf(settings),
    store: new WindowStateStore(files.userData, logger),
    logger,
    platform: process.platform,
    traceFolder: files.logs,
    isPbxUrl: (u) => classifyOrigin(u, life.origins) === 'pbx',
    actions: { quit: () => app.quit(), openSettings: openSettingsWindow, collectLogs: (f) => collect(f && ((p) => f(p.total ? p.done / p.total : 1))) },
    words,
    productName: PRODUCT_NAME,
    notify: (title, body) => void ui.anyNotifier.show({ title, body, kind: 'default', persistent: false, urgent: false, buttons: [], silent: false }, { onAction() {}, onClosed() {} }).catch(() => undefined),
  });
  return { windows, tray, settingsWindow, collect };
}

/**
 * The launcher controller (connect form, web client, error page), About, the pages' events, and
 * the settings reactions that need the windows.
 */
function createController(life: Life, base: Base, ui: Ui, services: PlatformServices, w: ReturnType<typeof createWindows>) {
  const { logger } = life;
  const { settings, files, words } = base;
  const { windows, settingsWindow, collect } = w;
  const mainWindow = ui.mainWindow;
  // About (settings page) and the tray's status line: versions, PBX, update channel and progress.
  let pbxNow: string | null = null;
  const about = createAbout({
    identity: base.identity,
    versions: process.versions,
    os: `${os.type()} ${os.release()} (${process.arch})`,
    pbx: () => pbxNow,
    updatePolicy: () => String(settings.get('updatePolicy')),
    update: services.instances.update,
  });
  ui.table.add(about.handlers);
  about.onChange((a) => {
    windows.setTrayStatus(trayStatusLine(a, words));
    ui.ipc.emit(settingsWindow.webContents(), 'aboutChanged', a);
  });

  const serverFromCli = life.first.options.server ?? (life.env.MYAPPS_SERVER || undefined);
  const controller = createLauncherController({
    logger,
    identity: base.identity,
    parseServer: parseServerString,
    server: () => serverFromCli ?? settings.get('server'),
    serverLocked: () => serverFromCli !== undefined || settings.resolve('server').source === 'managed',
    saveServer: async (canonical) => {
      if (serverFromCli === undefined) await settings.set('server', canonical);
    },
    setPbxOrigin: (o) => {
      services.setPbxOrigin(o);
      pbxNow = o ?? null;
      about.changed();
    },
    loadMain: (url) => void mainWindow.loadURL(url).catch(() => undefined),
    openSettingsWindow: settingsWindow.open,
    appClientConfig: () => services.server.config,
    settings: launcherSettingsOf(settings),
    windows,
    collectLogs: collect,
    emitTo: (id, event, payload) => ui.ipc.emitTo(id, event, payload),
    openTraceFolder: () => electronShell.openPath(files.logs),
    pinCertificate: pinCertificateIn(settings),
  });
  ui.table.add(controller.handlers);

  // The pages' events (settingsChanged, appAttached, hotkeysChanged) and the settings reactions
  // that need the windows: docking, taskbar, autostart, the headset permission, the pages.
  const events = wirePreloadEvents({
    sink: {
      main: (event, payload) => ui.ipc.emit([mainWindow.webContents], event, payload),
      settings: (event, payload) => ui.ipc.emit(settingsWindow.webContents(), event, payload),
    },
    table: ui.table,
    settings,
    windows,
    hotkeys: services.instances.hotkeys,
    logger,
  });
  services.instances.reactions?.attach({
    windows,
    headsets: { setDisabled: (off) => void (life.disableHeadsets = off) },
    pages: events,
  });
  return { controller, events, about };
}

/** The main window: close into the tray, remembered bounds, load failures, first show, detached apps back. */
function bindMainWindow(life: Life, mainWindow: BrowserWindow, windows: WindowsService, controller: LauncherController): () => void {
  mainWindow.on('close', (event) => {
    if (windows.closeAction(life.quitting) === 'hide') {
      event.preventDefault();
      mainWindow.hide();
      return;
    }
    windows.rememberMainBounds();
  });
  let boundsTimer: NodeJS.Timeout | undefined;
  const rememberBounds = (): void => {
    clearTimeout(boundsTimer);
    boundsTimer = setTimeout(() => !mainWindow.isDestroyed() && windows.rememberMainBounds(), 1000);
  };
  mainWindow.on('moved', rememberBounds);
  mainWindow.on('resized', rememberBounds);
  mainWindow.webContents.on('did-fail-load', (_e, code, description, url, isMainFrame) => {
    // -3 = ERR_ABORTED (a newer navigation replaced this one); certificate errors come through 'certificate-error'.
    if (isMainFrame && code !== -3 && !url.startsWith('myapps-launcher:')) controller.loadFailed(failureFromChromiumError(code, description, url));
  });
  mainWindow.once('ready-to-show', () => {
    if (!life.first.options.hidden) mainWindow.show();
  });
  // Detached app windows of the last session come back once the web client (PBX origin) is up.
  let restored = false;
  mainWindow.webContents.on('did-finish-load', () => {
    if (restored || classifyOrigin(mainWindow.webContents.getURL(), life.origins) !== 'pbx') return;
    restored = true;
    windows.restoreDetached();
  });
  return () => clearTimeout(boundsTimer);
}

/** Quit: without a tray the last window quits; on will-quit everything closes in order, then exit. */
function bindQuit(life: Life, base: Base, ui: Ui, started: Started, shell: Shell & { unbindMain(): void }): void {
  app.on('window-all-closed', () => {
    if (!shell.tray) app.quit();
  });
  app.on('activate', () => shell.windows.showMain());
  app.on('will-quit', (event) => {
    if (!life.running) return;
    life.running = undefined;
    event.preventDefault();
    shell.unbindMain();
    void (async () => {
      shell.events.close();
      shell.about.dispose();
      started.removeDisplayMedia();
      started.pickerUi.dispose();
      ui.ipc.dispose();
      await shell.windows.close();
      await started.services.close().catch(() => undefined);
      life.appFrames.close();
      ui.osAdapters.close();
      await base.settings.flush().catch(() => undefined);
      await base.traces.close().catch(() => undefined);
      app.exit(0);
    })();
  });
}

// Started by Electron (dist/main.cjs); a unit test imports bootstrap() with a mocked 'electron'.
if (process.versions.electron) void bootstrap();
