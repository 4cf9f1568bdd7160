/**
 * The composition root of the Electron product. It only glues: Electron adapters
 * (native/electron/*) are built here and handed to the Electron-free services
 * (createPlatformServices, electron/windows, electron/security). See docs/security.md for the
 * policy applied here and docs/packaging.md for how this file is bundled (dist/main.cjs).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { app, BrowserWindow, screen, session } from 'electron';
import { createTraceFiles, collectLogs, type CollectLogsProgress } from './log';
import { createPlatformServices, type PlatformServices } from './services';
import { SettingsStore, SettingsError } from './settings';
import type { SettingKey } from '../common/settings/schema';
import type { ManagedSettingsReader } from './settings/ports';
import type { CertificatePin } from '../common/settings/schema';
import { parseServerString } from '../common/server-string';
import { certificateDecision } from './connect';
import { failureFromChromiumError, makeFailure } from '../common/connect-failure';
import {
  classifyOrigin, createPageHookHandlers, createPreloadDispatcher, decideCertificateError, launcherPageUrl, parseLauncherArgv, secureWebPreferences, userArgs,
  type OriginPolicy,
} from './security';
import { myAppsUserAgent } from '../common/preload-names';
import { createLauncherController, createWindowsService, WindowStateStore, type LauncherController, type WindowSettings, type WindowsService } from './windows';
import { applySessionPolicy, applyWebContentsPolicy, openExternalWith, openPopupWindow, type PolicyDeps } from '../native/electron/security';
import { electronUrlOpener } from '../native/electron/url-opener';
import { registerPreloadIpc } from '../native/electron/ipc';
import { handleLauncherScheme, registerLauncherScheme } from '../native/electron/launcher-protocol';
import { createFileLocations, useInnovaphoneUserData } from '../native/electron/file-locations';
import { createEdgeReservation, electronShell, ElectronTray, ElectronWindowHost } from '../native/electron/windows';
import { createAutostart } from '../native/electron/autostart';
import { createAttention, createWindowFocus } from '../native/electron/window-focus';
import { electronMediaEngineHost } from '../native/electron/media-engine';
import { electronUpstream, installAppProxy } from '../native/electron/appproxy-protocol';
import { createProxyResolver } from '../native/electron/proxy-resolver';
import { NodeSpawner } from '../native/spawner';
import { createDialogHost } from '../native/electron/dialogs';
import { DisplayPickerModel, installDisplayMediaHandler } from '../native/electron/display-media';
import { createDisplayPickerUi, createProxyAuth, createUpdateUi } from './windows/dialogs';
import { createAbout, trayStatusLine, type AboutUpdateSource } from './windows/about';
import { pickLanguage, translator } from '../common/i18n';
import { createLanguageSource } from '../native/electron/locale';
import { installSpellcheck } from '../native/electron/spellcheck';
import { productUpdatePorts, readRecordedInstallKind } from './update-setup';
import { createOsAdapters } from './os-adapters';
import { claimOrHandOff, linkHandoffEndpoint } from './links';
import type { HotkeyService } from './hotkeys/service';
import { engineScriptFromFile } from './media/engine-bundle';
import type { PreloadHandlers } from './security/ipc-guard';
import { LinuxManagedSettingsReader } from '../native/linux/managed';
import { MacManagedSettingsReader } from '../native/mac/managed';
import { WindowsManagedSettingsReader } from '../native/win/managed';
import { chromiumSwitches } from './security/switches';
import { settingsSnapshot } from './settings/snapshot';
import { originOf } from '../common/origin';
import { normaliseFingerprint } from '../common/fingerprint';

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

export async function bootstrap(opts: BootstrapOptions = {}): Promise<RunningApp | undefined> {
  const env = opts.env ?? process.env;
  const argv = opts.argv ?? process.argv;
  registerLauncherScheme();
  useInnovaphoneUserData();
  // Before app.ready: loopback peer connections for the media viewer, Wayland shortcut portal
  // (electron/security/switches.ts, docs/security.md).
  for (const sw of chromiumSwitches({ platform: process.platform, env })) {
    if (sw.value === undefined) app.commandLine.appendSwitch(sw.name);
    else app.commandLine.appendSwitch(sw.name, sw.value);
  }
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

  const first = parseLauncherArgv(userArgs(argv, app.isPackaged));

  let quitting = false;
  let running: RunningApp | undefined;
  const pendingLinks: string[] = first.link ? [first.link] : [];
  const handleLink = (link: string, origin: string): void => {
    const links = running?.services.instances.links as { handleLink(l: string, o?: string): unknown } | undefined;
    if (links) links.handleLink(link, origin);
    else if (running) running.windows.showMain();
    else pendingLinks.push(link);
  };
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const p = parseLauncherArgv([url]);
    if (p.link) handleLink(p.link, 'open-url');
  });

  let engineOrigins: string[] = [];
  let services: PlatformServices | undefined;
  const origins: OriginPolicy = {
    pbxOrigin: () => running?.controller.pbxOrigin() ?? null,
    engineOrigins: () => engineOrigins,
    // App Platforms on the bus allow-list (the PBX is classified separately).
    appOrigins: () => services?.origins.list() ?? [],
  };
  let logger: PolicyDeps['logger'] = { trace() {}, warn: (m, d) => console.warn(m, d ?? ''), error: (m, d) => console.error(m, d ?? '') };
  let disableHeadsets = false;
  const policy: PolicyDeps = {
    origins,
    get logger() {
      return logger;
    },
    disableHeadsets: () => disableHeadsets,
    onInternalLink: (url) => handleLink(url, 'page'),
  };
  app.on('web-contents-created', (_e, contents) => applyWebContentsPolicy(contents, policy));
  app.on('certificate-error', (event, contents, url, error, certificate, callback, isMainFrame) => {
    // Pins: --trust-certificate (demo/tests) and certificates the user accepted for this origin (settings).
    const origin = originOf(url) ?? '';
    const fingerprint256 = normaliseFingerprint(certificate.fingerprint) ?? certificate.fingerprint;
    const cliPins = (first.options.trustCertificates ?? []).map((p) => normaliseFingerprint(p) ?? p);
    const decision = decideCertificateError(url, fingerprint256, cliPins);
    const pinned = running ? certificateDecision({ origin, certificate: { fingerprint256 } }, running.settingsPins()) === 'allow' : false;
    if (decision.allow || pinned) {
      event.preventDefault();
      callback(true);
      return;
    }
    callback(false);
    logger.warn('certificate refused', { url: url.slice(0, 200), error, reason: decision.reason });
    if (isMainFrame && running && contents === running.mainWindow.webContents) {
      running.controller.loadFailed(makeFailure('certificate', url, { code: error, certificate: { fingerprint256, subject: certificate.subjectName, issuer: certificate.issuerName, validFrom: certificate.validStart, validTo: certificate.validExpiry } as never }));
    }
  });

  // Single instance (docs/links.md): a running client takes this start's link over its own local
  // socket (electron/links/handoff.ts) and this process exits with the outcome; Electron's lock
  // only decides who is first.
  const linkHandoffPath = linkHandoffEndpoint({ platform: process.platform, env, userData: app.getPath('userData'), tmpdir: app.getPath('temp') });
  const claim = await claimOrHandOff({ path: linkHandoffPath, argv: first.link ? [first.link] : [], requestLock: () => app.requestSingleInstanceLock() });
  if (!claim.first) {
    if (claim.error) console.error(`${PRODUCT_NAME}: ${claim.error}`);
    app.exit(claim.ok ? 0 : 1);
    return undefined;
  }

  await app.whenReady();
  // lib1 apps know they run in the launcher by "myApps" in navigator.userAgent (docs/security.md).
  app.userAgentFallback = myAppsUserAgent(app.userAgentFallback, app.getVersion());

  const files = createFileLocations(process.platform, env);
  const traces = createTraceFiles({ dir: files.logs, argv });
  logger = traces.main;
  const settings = await SettingsStore.open({ userData: files.userData, logger, managed: managedReaders() });
  disableHeadsets = settings.get('disableHeadsets') === true;
  // The client's own words and the spell-check dictionaries follow the OS languages (docs/i18n.md).
  const languages = createLanguageSource(env).preferredLanguages();
  const words = translator(pickLanguage(languages));
  const identity = { name: PRODUCT_NAME, version: app.getVersion(), build: BUILD, platform: process.platform, language: words.language };

  const ses = session.defaultSession;
  applySessionPolicy(ses, policy);
  handleLauncherScheme(ses, path.join(distDir(), 'renderer'), logger);
  const spellcheck = installSpellcheck({ session: ses, languages, dictionaryUrl: settings.get('spellcheckDictionaryUrl'), words, logger });
  app.on('web-contents-created', (_e, contents) => spellcheck.attach(contents));

  const preload = path.join(distDir(), 'preload.cjs');
  const icon = path.join(distDir(), 'icons', 'icon.png');

  // The preload contract is served from here on: the handler table is filled as the pieces come
  // up (the dispatcher looks handlers up per call). Dialogs (update progress at start, proxy
  // credentials) may be needed while the services start.
  const handlers: PreloadHandlers = {};
  const dispatcher = createPreloadDispatcher({ handlers, origins, logger });
  const ipc = registerPreloadIpc({ dispatcher, origins, logger, appClientConfig: () => services?.server.config });
  let mainWindowRef: BrowserWindow | undefined;
  const dialogs = createDialogHost({ preload, icon, parent: () => mainWindowRef, emit: (t, e, p) => ipc.emit(t, e, p) });
  // The port implementations of this OS (electron/os-adapters.ts, docs/decisions.md).
  const osAdapters = await createOsAdapters({
    platform: process.platform,
    env,
    files,
    logger,
    session: ses,
    nativeDir: nativeDir(),
    productName: PRODUCT_NAME,
    icon,
    isPackaged: app.isPackaged,
    execPath: process.execPath,
    appPath: argv[1],
    warmUpCopyHelper: !!String(settings.get('hotkeyDial') ?? '').trim(),
  });
  logger.trace('App', 'OS adapters', osAdapters.kinds);
  const { notifier, credentialStore } = osAdapters;

  const mainWindow = new BrowserWindow({
    width: 1024,
    height: 720,
    show: false,
    title: PRODUCT_NAME,
    icon,
    autoHideMenuBar: true,
    // subFrames: the web client's app frames get lib1's launcher hooks (renderer/page-hooks.ts)
    webPreferences: secureWebPreferences(preload, { subFrames: true }),
  });
  mainWindowRef = mainWindow;

  // Proxy authentication: one launcher dialog for the web client's traffic (Chromium's 'login'
  // event) and for Node-side traffic (electron/connect CredentialPrompt); docs/security.md.
  // lib1's launcher hooks of the web client and its apps: console lines into the trace, window.open
  // through the window policy (electron/security/page-hooks.ts).
  Object.assign(handlers, createPageHookHandlers({
    logger,
    origins,
    openExternal: openExternalWith(logger),
    onInternalLink: (url) => handleLink(url, 'page'),
    openPopup: (url) => openPopupWindow(url, icon),
  }));
  const proxyAuth = createProxyAuth({ dialogs, store: credentialStore, logger, productName: PRODUCT_NAME, words });
  Object.assign(handlers, proxyAuth.handlers);
  app.on('login', (event, _contents, _details, authInfo, callback) => {
    if (!authInfo.isProxy) return; // a server's own HTTP auth: Chromium's default (cancel)
    event.preventDefault();
    void proxyAuth.login({ host: authInfo.host, port: authInfo.port, realm: authInfo.realm, isProxy: true }).then(
      (c) => (c ? callback(c.username, c.password) : callback()),
      () => callback(),
    );
  });

  // Auto update (docs/update.md): install kind, installer, policies; launcher-owned UI.
  const updateUi = createUpdateUi({ dialogs, notifier, logger, productName: PRODUCT_NAME, words });
  Object.assign(handlers, updateUi.handlers);
  const updatePorts = productUpdatePorts(
    {
      platform: process.platform,
      arch: process.arch,
      env,
      execPath: process.execPath,
      isPackaged: app.isPackaged,
      windowsStore: process.windowsStore === true,
      mas: process.mas === true,
      recorded: await readRecordedInstallKind(process.platform),
      build: BUILD,
      tempDir: files.temp,
      fasterDownloads: settings.get('fasterDownloads') === true,
      policy: settings.get('updatePolicy'),
    },
    updateUi,
    (outcome) => {
      logger.warn('update installed; the client quits', { next: outcome.next, detail: outcome.detail });
      if (outcome.next === 'relaunch' && outcome.relaunch) app.relaunch({ execPath: outcome.relaunch, args: [] });
      app.quit();
    },
  );
  logger.trace('App', 'auto update', { installKind: updatePorts.installKind, terminalServer: updatePorts.terminalServer === true, installer: updatePorts.installer?.kind ?? 'none' });

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
      notifier,
      attention: createAttention(() => mainWindow),
      windowFocus: createWindowFocus(() => mainWindow),
      spawner: new NodeSpawner(),
      urlOpener: electronUrlOpener,
      mediaEngineHost: electronMediaEngineHost({ logger, session: ses }),
      appProxyUpstream: electronUpstream(ses),
      proxyResolver: createProxyResolver(ses),
      credentialStore,
      credentialPrompt: proxyAuth.prompt,
      caCertificates: osAdapters.caCertificates,
      update: { ...updatePorts, ...(osAdapters.updateFetch ? { fetch: osAdapters.updateFetch } : {}), logger: traces.helper('myAppsUpdate') },
    },
    {
      disableLocalhost: settings.get('disableLocalhost') === true,
      linkHandoffPath,
      launcher: identity,
      // com.innovaphone.launcher model `touch` (docs/local-services.md)
      touch: screen.getAllDisplays().some((d) => d.touchSupport === 'available'),
      phonebook: { nativeDir: nativeDir() },
      media: {
        engineScript: engineScriptFromFile(path.join(distDir(), 'media-engine.js')),
        excludeVpn: settings.get('excludeVpn') === true,
        excludeInterfaces: (settings.get('excludeInterfaces') ?? []).join(','),
        ringInHeadset: settings.get('ringInHeadset') === true,
        disableHeadsets,
      },
      // applies at start (the app proxy has no live resize); docs/appproxy.md
      appProxy: { maxBytes: Number(settings.get('appProxyCacheMb') ?? 500) * 1024 * 1024 },
    },
  );
  const svc = services;
  for (const [name, why] of Object.entries(services.skipped)) logger.trace('App', 'service not started', { name, why });
  // The media engine page lives on the local services server (both host spellings).
  const engineOrigin = originOf(services.server.config.http);
  engineOrigins = engineOrigin ? [engineOrigin, engineOrigin.replace('//localhost:', '//127.0.0.1:')] : [];
  const appProxy = services.instances.appProxy as Parameters<typeof installAppProxy>[1] | undefined;
  if (appProxy) installAppProxy(ses, appProxy, logger);

  // App sharing: the engine's getDisplayMedia() goes through the launcher's picker window.
  const picker = new DisplayPickerModel();
  const pickerUi = createDisplayPickerUi({ dialogs, model: picker, productName: PRODUCT_NAME, words });
  Object.assign(handlers, pickerUi.handlers);
  const removeDisplayMedia = installDisplayMediaHandler(ses, { picker, logger, allowOrigin: (o) => engineOrigins.includes(o) });

  const host = new ElectronWindowHost({ main: mainWindow, isQuitting: () => quitting, icon, preload });
  const windowSettings: WindowSettings = {
    get: (k) => settings.get(k),
    isForced: (k) => settings.resolve(k).source === 'pbx-forced',
    set: async (k, v) => {
      await settings.set(k, v);
    },
    onChange: (cb) => settings.onChange(() => cb()),
  };
  let tray: ElectronTray | undefined;
  try {
    tray = new ElectronTray(path.join(distDir(), 'icons', 'tray.png'));
  } catch (err) {
    logger.warn('no tray icon on this desktop', { error: String(err) });
  }
  let settingsWindow: BrowserWindow | undefined;
  const openSettingsWindow = (): void => {
    if (settingsWindow && !settingsWindow.isDestroyed()) {
      settingsWindow.show();
      settingsWindow.focus();
      return;
    }
    settingsWindow = new BrowserWindow({ width: 720, height: 760, title: words.t('window.settings', { product: PRODUCT_NAME }), icon, autoHideMenuBar: true, webPreferences: secureWebPreferences(preload) });
    void settingsWindow.loadURL(launcherPageUrl('settings.html'));
  };
  const collect = async (onProgress?: (p: CollectLogsProgress) => void): Promise<string> => {
    const r = await collectLogs({
      onProgress,
      logsDir: files.logs,
      outDir: path.join(files.localData, 'collected-logs'),
      settings: settings.view(),
      version: { app: app.getVersion(), build: BUILD, ...process.versions, platform: process.platform, arch: process.arch },
      flush: () => traces.flush(),
    });
    return r.zipPath;
  };
  const windows = createWindowsService({
    host,
    tray,
    autostart: createAutostart({ appId: APP_ID, name: PRODUCT_NAME, icon, env }),
    shell: electronShell,
    // Docking reserves its strip: Windows AppBar, X11 strut (not Wayland, not macOS).
    edgeReservation: createEdgeReservation({ platform: process.platform, nativeDir: nativeDir(), env }),
    settings: windowSettings,
    store: new WindowStateStore(files.userData, logger),
    logger,
    platform: process.platform,
    traceFolder: files.logs,
    isPbxUrl: (u) => classifyOrigin(u, origins) === 'pbx',
    actions: { quit: () => app.quit(), openSettings: openSettingsWindow, collectLogs: (f) => collect(f && ((p) => f(p.total ? p.done / p.total : 1))) },
    words,
    productName: PRODUCT_NAME,
    notify: (title, body) => void notifier.show({ title, body, kind: 'default', persistent: false, urgent: false, buttons: [], silent: false }, { onAction() {}, onClosed() {} }).catch(() => undefined),
  });
  // About (settings page) and the tray's status line: versions, PBX, update channel and progress.
  let pbxNow: string | null = null;
  const about = createAbout({
    identity,
    versions: process.versions,
    os: `${os.type()} ${os.release()} (${process.arch})`,
    pbx: () => pbxNow,
    updatePolicy: () => String(settings.get('updatePolicy')),
    update: services.instances.update as AboutUpdateSource | undefined,
  });
  Object.assign(handlers, about.handlers);
  about.onChange((a) => {
    windows.setTrayStatus(trayStatusLine(a, words));
    if (settingsWindow && !settingsWindow.isDestroyed()) ipc.emit([settingsWindow.webContents], 'aboutChanged', a);
  });

  // The settings as the launcher pages see them (settings.get and the settingsChanged event);
  // electron/settings/snapshot.ts keeps the certificate pins out of the pages.
  const settingsRows = () => settingsSnapshot(settings).settings.map((r) => ({ ...r, value: r.value as never }));
  const serverFromCli = first.options.server ?? (env.MYAPPS_SERVER || undefined);
  const controller = createLauncherController({
    logger,
    identity,
    parseServer: parseServerString,
    server: () => serverFromCli ?? String(settings.get('server') ?? ''),
    serverLocked: () => serverFromCli !== undefined || settings.resolve('server').source === 'managed',
    saveServer: async (canonical) => {
      if (serverFromCli === undefined) await settings.set('server', canonical);
    },
    setPbxOrigin: (o) => {
      svc.setPbxOrigin(o);
      pbxNow = o ?? null;
      about.changed();
    },
    loadMain: (url) => void mainWindow.loadURL(url).catch(() => undefined),
    openSettingsWindow,
    appClientConfig: () => svc.server.config,
    settings: {
      snapshot: settingsRows,
      warnings: () => [...settings.warnings],
      set: async (key, value) => {
        try {
          await settings.set(key as SettingKey, value);
          return { ok: true };
        } catch (err) {
          return { ok: false, error: err instanceof SettingsError ? err.message : String(err) };
        }
      },
      reset: async (key) => {
        try {
          await settings.reset(key as SettingKey);
          return { ok: true };
        } catch (err) {
          return { ok: false, error: String((err as Error).message ?? err) };
        }
      },
    },
    windows,
    collectLogs: collect,
    emitTo: (id, event, payload) => ipc.emitTo(id, event, payload),
    openTraceFolder: () => electronShell.openPath(files.logs),
    pinCertificate: async (origin, fingerprint256) => {
      const pins = (settings.get('trustedCertificates') ?? []).filter((p) => p.origin !== origin);
      await settings.set('trustedCertificates', [...pins, { origin, fingerprint256, addedAt: new Date().toISOString() }]);
    },
  });

  Object.assign(handlers, controller.handlers);
  // Settings page: hot-key registration per chord (and the Wayland note), live.
  const hotkeys = services.instances.hotkeys as Pick<HotkeyService, 'status' | 'onStatus'> | undefined;
  let offHotkeys: (() => void) | undefined;
  if (hotkeys) {
    handlers['hotkeys.status'] = () => hotkeys.status();
    offHotkeys = hotkeys.onStatus((st) => {
      if (settingsWindow && !settingsWindow.isDestroyed()) ipc.emit([settingsWindow.webContents], 'hotkeysChanged', st);
    });
  }
  windows.onAppAttached((appId) => ipc.emit([mainWindow.webContents], 'appAttached', { app: appId }));
  settings.onChange(() => {
    disableHeadsets = settings.get('disableHeadsets') === true;
    const snapshot = { settings: settingsRows() };
    const targets = [mainWindow.webContents, ...(settingsWindow && !settingsWindow.isDestroyed() ? [settingsWindow.webContents] : [])];
    ipc.emit(targets, 'settingsChanged', snapshot);
  });

  mainWindow.on('close', (event) => {
    if (windows.closeAction(quitting) === 'hide') {
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
    if (!first.options.hidden) mainWindow.show();
  });
  // Detached app windows of the last session come back once the web client (PBX origin) is up.
  let restored = false;
  mainWindow.webContents.on('did-finish-load', () => {
    if (restored || classifyOrigin(mainWindow.webContents.getURL(), origins) !== 'pbx') return;
    restored = true;
    windows.restoreDetached();
  });

  app.on('window-all-closed', () => {
    if (!tray) app.quit();
  });
  app.on('activate', () => windows.showMain());
  app.on('will-quit', (event) => {
    if (!running) return;
    running = undefined;
    event.preventDefault();
    clearTimeout(boundsTimer);
    void (async () => {
      offHotkeys?.();
      about.dispose();
      removeDisplayMedia();
      pickerUi.dispose();
      ipc.dispose();
      await windows.close();
      await services.close().catch(() => undefined);
      osAdapters.close();
      await settings.flush().catch(() => undefined);
      await traces.close().catch(() => undefined);
      app.exit(0);
    })();
  });

  running = { services, picker, windows, controller, mainWindow, settingsPins: () => settings.get('trustedCertificates') ?? [] };
  await windows.start();
  controller.start();
  for (const l of first.ignored) logger.trace('App', 'command-line argument ignored', { arg: l.arg, reason: l.reason });
  for (const link of pendingLinks.splice(0)) handleLink(link, 'argv');
  return running;
}

// Started by Electron (dist/main.cjs); a unit test imports bootstrap() with a mocked 'electron'.
if (process.versions.electron) void bootstrap();
