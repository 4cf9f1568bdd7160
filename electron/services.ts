/**
 * The one wiring function: builds the platform service graph from port implementations.
 * `electron/main.ts` calls it with Electron adapters; the end-to-end harness calls it with real
 * Linux adapters. Each service is optional on the ports it needs: when they are absent the service
 * is not started and `services.skipped` says why (so a test harness can run a subset honestly).
 */
import * as path from 'node:path';
import type { FileLocations, Logger } from './platform';
import { silentLogger } from './platform';
import { startLocalServicesServer, OriginAllowList, type LocalServicesServer, type LauncherIdentity } from './bus';
import type { ApiRouter } from './bus';
import { UpdateService, type UpdateServiceOptions } from './update';
import { feedClientModel } from './update/wiring';

export interface PlatformPorts {
  logger?: Logger;
  files?: FileLocations;
  // Service ports are added here by each service (all optional).
  [port: string]: unknown;
}

export interface PlatformConfig {
  /** Origin of the user's PBX (https://host[:port]); the bus accepts it. Optional before first connect. */
  pbxOrigin?: string;
  /** Further allowed origins (App Platforms whose apps the web client loads). */
  appOrigins?: string[];
  /** DISABLELOCALHOST: hand out 127.0.0.1 (true) or localhost (false) URLs. Default 127.0.0.1. */
  disableLocalhost?: boolean;
  /** Fixed port for the local services server (0 = random, the default). */
  port?: number;
  launcher?: LauncherIdentity;
  [setting: string]: unknown;
}

export interface PlatformServices {
  readonly server: LocalServicesServer;
  readonly router: ApiRouter;
  readonly origins: OriginAllowList;
  readonly logger: Logger;
  /** Services that were not started, with the reason (missing port, disabled by setting). */
  readonly skipped: Record<string, string>;
  /** Named service instances (for the composition root and tests). */
  readonly instances: Record<string, unknown>;
  /** Points the client at another PBX (after "change server"). */
  setPbxOrigin(origin: string | undefined): void;
  close(): Promise<void>;
}

type Closer = () => void | Promise<void>;

/**
 * The contact sources of this OS (their implementations are in native/<os>), configured by the
 * phone book settings: Outlook on Windows, Contacts on macOS, a vCard folder and Evolution on
 * Linux. `nativeDir` holds the helper scripts (the app's resources in the product).
 */
async function osContactSources(
  platform: NodeJS.Platform,
  cfg: Partial<import('./phonebook').PhonebookSettings> & { nativeDir?: string },
  outlookLogger: Logger,
): Promise<import('./phonebook').ContactSource[]> {
  const { DEFAULT_PHONEBOOK_SETTINGS, VCardFolderSource, DEFAULT_VCARD_FOLDER } = await import('./phonebook');
  const s = { ...DEFAULT_PHONEBOOK_SETTINGS, ...cfg };
  const nativeDir = cfg.nativeDir ?? path.resolve('native');
  if (platform === 'win32') {
    const { OutlookSource } = await import('../native/win/outlook-source');
    return [new OutlookSource({ script: path.join(nativeDir, 'win', 'outlook-search.ps1'), logger: outlookLogger, disabled: s.disableOutlookSearch })];
  }
  if (platform === 'darwin') {
    const { MacContactsSource } = await import('../native/mac/contacts-source');
    return [new MacContactsSource({ script: path.join(nativeDir, 'mac', 'contacts.js') })];
  }
  const sources: import('./phonebook').ContactSource[] = [new VCardFolderSource(s.vcardFolder ?? DEFAULT_VCARD_FOLDER)];
  if (s.evolution) sources.push(new (await import('../native/linux/eds-source')).EdsSource());
  return sources;
}

export async function createPlatformServices(ports: PlatformPorts, config: PlatformConfig = {}): Promise<PlatformServices> {
  const logger = ports.logger ?? silentLogger;
  const origins = new OriginAllowList();
  let pbxOrigin = config.pbxOrigin;
  const resetOrigins = (): void => origins.set([...(pbxOrigin ? [pbxOrigin] : []), ...(config.appOrigins ?? [])]);
  resetOrigins();

  const server = await startLocalServicesServer({
    logger,
    origins,
    host: config.disableLocalhost === false ? 'localhost' : '127.0.0.1',
    port: config.port ?? 0,
    launcher: config.launcher,
    pbxOrigin: () => pbxOrigin,
  });
  const closers: Closer[] = [];
  const skipped: Record<string, string> = {};
  const instances: Record<string, unknown> = {};

  // ---- services are wired below, one block each (keep blocks self-contained) ----

  // hot keys, tel:/sip:/im: links, user activity, notifications, external apps (electron/links/wire.ts)
  {
    const { wireDesktopServices } = await import('./links/wire');
    for (const w of await wireDesktopServices(server.router, logger, ports as import('./links/wire').DesktopServicePorts, config as import('./links/wire').DesktopServiceConfig)) {
      if (w.skipped) skipped[w.name] = w.skipped;
      else {
        if (w.instance !== undefined) instances[w.name] = w.instance;
        if (w.close) closers.push(w.close);
      }
    }
  }

  // local phone book (electron/phonebook, docs/phonebook.md): config.phonebook = PhonebookSettings
  // (+ nativeDir); ports.phonebookSources replaces the OS sources; the Outlook search trace is
  // ports.outlookLogger, else ports.traces.helper('myAppsOutlookSearch'). Skipped when neither
  // config.phonebook nor ports.phonebookSources is given. "Disable Outlook search" follows the
  // settings store (user or PBX-forced value): see the link block near the end.
  {
    const pbConfig = config.phonebook as (Partial<import('./phonebook').PhonebookSettings> & { nativeDir?: string }) | undefined;
    const pbSources = ports.phonebookSources as import('./phonebook').ContactSource[] | undefined;
    if (!pbConfig && !pbSources) {
      skipped.phonebook = 'no phonebook settings (config.phonebook) and no phonebookSources port';
    } else {
      const { startPhonebookService } = await import('./phonebook');
      const outlookLogger = (ports.outlookLogger as Logger | undefined) ?? (ports.traces as import('./log').TraceFiles | undefined)?.helper('myAppsOutlookSearch') ?? logger;
      const pb = startPhonebookService({
        router: server.router,
        logger,
        settings: pbConfig,
        sources: pbSources ?? (await osContactSources(process.platform, pbConfig ?? {}, outlookLogger)),
      });
      instances.phonebook = pb;
      closers.push(() => pb.close());
    }
  }

  // media (electron/media, docs/media-protocol.md): Media + Ringer protocols relayed to the engine
  // in Chromium. config.media = MediaServiceConfig; ports.mediaEngineHost opens the engine page
  // (hidden BrowserWindow in the product). Skipped when neither is given.
  {
    const mConfig = config.media as import('./media').MediaServiceConfig | undefined;
    const mHost = ports.mediaEngineHost as import('./media').MediaEngineHost | undefined;
    if (!mConfig && !mHost) {
      skipped.media = 'no media settings (config.media) and no mediaEngineHost port';
    } else {
      const { startMediaService } = await import('./media');
      const media = await startMediaService(server, server.router, logger, { host: mHost, files: ports.files, config: mConfig ?? {} });
      instances.media = media;
      closers.push(() => media.close());
    }
  }

  // launcher services in the com.innovaphone.launcher model (docs/media-protocol.md
  // "How apps find the services"): the launcher's provider publishes the Media/Ringer WebSocket
  // URLs + token as model.launcherServices when the media service runs.
  {
    const launcher = instances.launcher as import('./notifications').LauncherApi | undefined;
    if (!launcher || !instances.media) {
      skipped.launcherServices = 'no media service';
    } else {
      const { launcherServicesModel } = await import('./notifications');
      launcher.setModelFields({ ...launcherServicesModel(server.config, ['media', 'ringer']) });
    }
  }

  // settings (electron/settings, docs/settings.md): needs ports.files.userData; ports.managedSettings
  // = ManagedSettingsReader[] (lowest priority first, e.g. [new LinuxManagedSettingsReader()]).
  // PBX adminSettings come from the com.innovaphone.client model on the bus. instances.settings = SettingsStore.
  // ports.proxyResolver (+ credentialStore, credentialPrompt) adds instances.connector (ProxyConnector)
  // and instances.proxyFetch (the proxy-aware fetch for update downloads); ports.caCertificates
  // (PEM) are trusted beside Node's roots (Linux: the OS bundle, native/linux/ca-bundle.ts).
  {
    const files = ports.files;
    if (!files?.userData) {
      skipped.settings = 'no files.userData port';
    } else {
      const { SettingsStore } = await import('./settings');
      const { feedAdminSettings } = await import('./settings/wiring');
      const managed = (ports.managedSettings as import('./settings').ManagedSettingsReader[] | undefined) ?? [];
      // The composition root may have opened the store already (it needs settings before the bus starts).
      const store = ports.settings instanceof SettingsStore ? ports.settings : await SettingsStore.open({ userData: files.userData, logger, managed });
      const stopFeed = feedAdminSettings(server.router, store, logger);
      instances.settings = store;
      closers.push(async () => { stopFeed(); await store.flush(); });
    }
    const resolver = ports.proxyResolver as import('./connect').ProxyResolver | undefined;
    if (!resolver) {
      skipped.connector = 'no proxyResolver port';
    } else {
      const { ProxyConnector, createProxyFetch } = await import('./connect');
      const connector = new ProxyConnector({
        resolver,
        credentials: ports.credentialStore as import('./connect').CredentialStore | undefined,
        prompt: ports.credentialPrompt as import('./connect').CredentialPrompt | undefined,
        logger,
      });
      instances.connector = connector;
      const ca = ports.caCertificates as string[] | undefined;
      instances.proxyFetch = createProxyFetch({ connector, ...(ca?.length ? { ca } : {}) });
    }
  }

  // log flags (electron/log, docs/log-flags.md): ports.traces = TraceFiles from createTraceFiles()
  // (its .main is ports.logger); the resolved logFlags setting (instances.settings, or ports.settings)
  // applies live to every trace file. Kept after the settings block (it needs the store).
  {
    const traces = ports.traces as import('./log').TraceFiles | undefined;
    const store = (instances.settings ?? ports.settings) as import('./log').LogFlagsSettings | undefined;
    if (!traces || !store) {
      skipped.logFlags = 'no traces port or no settings store';
    } else {
      const { linkLogFlagsToSettings } = await import('./log');
      closers.push(linkLogFlagsToSettings(traces, store, logger));
    }
  }

  // auto update (electron/update, docs/update.md): ports.update = UpdateServiceOptions without
  // logger/fetch (logger: its own trace file, traces.helper('myAppsUpdate'); fetch: defaults to
  // instances.proxyFetch, the proxy-aware one; never the bare global fetch). instances.update.
  {
    const u = ports.update as (Omit<UpdateServiceOptions, 'logger' | 'fetch'> & { logger?: Logger; fetch?: UpdateServiceOptions['fetch'] }) | undefined;
    const fetchFn = u?.fetch ?? (instances.proxyFetch as UpdateServiceOptions['fetch'] | undefined);
    if (!u || !u.ui || typeof fetchFn !== 'function') {
      skipped.update = 'no update ports (ui, installer) or no fetch (proxyFetch)';
    } else {
      const update = new UpdateService({ ...u, fetch: fetchFn, logger: u.logger ?? logger });
      await update.start(); // a package verified in an earlier run is installed now (docs/update.md)
      const stopFeed = feedClientModel(server.router, update);
      instances.update = update;
      closers.push(() => { stopFeed(); update.dispose(); });
    }
  }

  // phonebook <- settings: the resolved "Disable Outlook search" (user setting or PBX force) applies live.
  {
    const pb = instances.phonebook as import('./phonebook').PhonebookService | undefined;
    const store = instances.settings as import('./settings').SettingsStore | undefined;
    if (pb && store) {
      pb.updateSettings({ disableOutlookSearch: store.get('disableOutlookSearch') });
      closers.push(store.onChange((changes) => {
        if (changes.some((c) => c.key === 'disableOutlookSearch')) pb.updateSettings({ disableOutlookSearch: store.get('disableOutlookSearch') });
      }));
    }
  }

  // app proxy (electron/appproxy, docs/appproxy.md): needs ports.files.localData and
  // ports.appProxyUpstream (UpstreamFetch; product: electronUpstream(session) from
  // native/electron/appproxy-protocol.ts). config.appProxy = AppProxySettings.
  // instances.appProxy = AppProxy; main.ts then calls installAppProxy(session, instances.appProxy).
  {
    const upstream = ports.appProxyUpstream as import('./appproxy').UpstreamFetch | undefined;
    if (!ports.files?.localData || typeof upstream !== 'function') {
      skipped.appProxy = 'no files.localData or no appProxyUpstream port';
    } else {
      const { createAppProxyService } = await import('./appproxy');
      const proxy = createAppProxyService({ files: ports.files, upstream, logger, settings: config.appProxy as import('./appproxy').AppProxySettings | undefined });
      instances.appProxy = proxy;
      closers.push(() => proxy.idle());
    }
  }

  // ---- end of services ----

  return {
    server,
    router: server.router,
    origins,
    logger,
    skipped,
    instances,
    setPbxOrigin(origin) {
      pbxOrigin = origin;
      resetOrigins();
    },
    async close() {
      for (const c of closers.reverse()) {
        try {
          await c();
        } catch (err) {
          logger.warn('service close failed', { error: String(err) });
        }
      }
      await server.close();
    },
  };
}
