/**
 * The one wiring function: builds the platform service graph from port implementations.
 * `electron/main.ts` calls it with the Electron adapters and the running OS's implementations;
 * the end-to-end harness (test/e2e/harness) with the Linux implementations and Chromium. Each
 * area is wired in its own file here (settings, connect, links, hotkeys, launcher, external
 * apps, phone book, media, calls, update, app proxy, app origins); a service whose ports are absent is
 * not started and `services.skipped` says why. Settings changes reach the services through the
 * one reaction table (./reactions.ts). docs/architecture.md "The one wiring".
 */
import { silentLogger } from '../platform';
import { OriginAllowList, startLocalServicesServer } from '../bus';
import { wireSettingsReactions, applyReactions } from './reactions';
import { settingOf, type Closer, type Wiring } from './context';
import { feedAdminSettings, openSettings } from './settings';
import { wireConnect } from './connect';
import { wireLinks } from './links';
import { wireHotkeys } from './hotkeys';
import { publishLauncherServices, wireLauncher } from './launcher';
import { wireExternalApps } from './externalapps';
import { wirePhonebook } from './phonebook';
import { wireMedia } from './media';
import { wireCalls } from './calls';
import { wireUpdate } from './update';
import { wireAppProxy } from './appproxy';
import { wireAppOrigins } from './app-origins';
import type { PlatformConfig, PlatformInstances, PlatformPorts, PlatformServices, ServiceName } from './types';

export type * from './types';
export { SETTING_REACTIONS, applyReactions, wireSettingsReactions, type Reaction, type ReactionTargets, type SettingsReactions } from './reactions';

export async function createPlatformServices(ports: PlatformPorts, config: PlatformConfig = {}): Promise<PlatformServices> {
  const logger = ports.logger ?? silentLogger;
  const skipped: Partial<Record<ServiceName, string>> = {};
  const closers: Closer[] = [];
  const instances: PlatformInstances = {};

  // settings first: the bus address and every service's starting values come from them
  const opened = await openSettings(ports, logger);
  const store = typeof opened === 'string' ? undefined : opened;
  if (typeof opened === 'string') skipped.settings = opened;
  else instances.settings = opened;

  const origins = new OriginAllowList();
  let pbxOrigin = config.pbxOrigin;
  if (pbxOrigin) origins.set([pbxOrigin]);
  const server = await startLocalServicesServer({
    logger,
    origins,
    host: settingOf(store)('disableLocalhost', config.disableLocalhost) === false ? 'localhost' : '127.0.0.1',
    port: config.port ?? 0,
    launcher: config.launcher,
    pbxOrigin: () => pbxOrigin,
  });

  const w: Wiring = {
    ports,
    config,
    logger,
    server,
    router: server.router,
    store,
    setting: settingOf(store),
    skip: (name, why) => void (skipped[name] = why),
    onClose: (c) => void closers.push(c),
  };

  if (store) {
    const stop = feedAdminSettings(server.router, store, logger);
    w.onClose(async () => {
      stop();
      await store.flush();
    });
  }
  const connect = wireConnect(w);
  instances.connector = connect?.connector;
  instances.proxyFetch = connect?.proxyFetch;
  instances.links = await wireLinks(w);
  instances.hotkeys = await wireHotkeys(w);
  const launcher = wireLauncher(w);
  Object.assign(instances, launcher);
  instances.externalApps = wireExternalApps(w);
  instances.phonebook = await wirePhonebook(w);
  instances.media = await wireMedia(w);
  publishLauncherServices(w, launcher.launcher, instances.media);
  Object.assign(instances, wireCalls(w, instances.media));
  const update = await wireUpdate(w, instances.proxyFetch);
  instances.update = update?.service;
  instances.appProxy = wireAppProxy(w);
  instances.appOrigins = wireAppOrigins(w, () => pbxOrigin);

  // The one reaction table (./reactions.ts): settings changes -> services. The trace files exist
  // before the store, so their settings (log flags, file size) are applied now as well.
  if (!store) {
    skipped.reactions = 'no settings store';
    skipped.logFlags = 'no settings store';
  } else {
    const targets = {
      hotkeys: instances.hotkeys,
      activity: instances.activity,
      notifications: instances.notifications,
      incomingCall: instances.incomingCallWindow,
      launcher: launcher.launcher,
      externalApps: instances.externalApps,
      phonebook: instances.phonebook,
      media: instances.media?.relay,
      traces: ports.traces,
      update,
    };
    if (ports.traces) applyReactions(['logFlags', 'logSizeBytes'], targets, store, logger);
    else skipped.logFlags = 'no traces port';
    const reactions = wireSettingsReactions(store, targets, logger);
    instances.reactions = reactions;
    w.onClose(() => reactions.close());
  }

  return {
    server,
    router: server.router,
    origins,
    logger,
    skipped,
    instances,
    setPbxOrigin(origin) {
      pbxOrigin = origin;
      origins.set(origin ? [origin] : []);
      instances.appOrigins?.resync();
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
