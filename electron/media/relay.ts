/**
 * The media relay (main process): the Media and Ringer protocol endpoints of the local services
 * server, relayed to the media engine that runs in a Chromium renderer (renderer/media/engine/main.ts).
 *
 *   app (softphone) --ws /media, /ringer--> relay --ws /media-engine--> engine (RTCPeerConnection)
 *
 * The relay validates every app message (common/media.ts), tags it with the app's session,
 * answers what it knows itself (ring tone lists), resolves ring tones to safe sources, and routes
 * engine events back to the session (or to every session: device and headset events). When an
 * app's socket closes, the engine closes that session's channels; when the engine goes away, the
 * apps are told their channels are closed.
 *
 * This file wires the parts and serves the routes: the app endpoints (./relay-apps.ts), the
 * engine link and its page (./relay-engine.ts, per-start secret), recording routing
 * (./relay-recording.ts), ring tones (./ringtones.ts) and viewer pages (./view.ts).
 */
import * as os from 'node:os';
import { MEDIA_ENGINE_PAGE_PATH, MEDIA_ENGINE_PATH, MEDIA_PATH, MEDIA_VIEW_PAGE_PATH, RINGER_PATH, RINGTONES_HTTP_PATH, type EngineConfig, type HookKeyName } from '../../common/media';
import type { Logger } from '../platform';
import type { HttpRouteHandler, WebSocketRouteHandler } from '../bus';
import { OriginAllowList } from '../bus';
import { vpnAddresses } from './interfaces';
import { RingtoneStore } from './ringtones';
import type { RecordingStore } from './recording';
import { defaultViewerScript, viewerPageHandler, ViewRegistry } from './view';
import { AppEndpoints } from './relay-apps';
import { EngineLink, enginePageHandler, type Service } from './relay-engine';
import { RecordingRouter } from './relay-recording';
import { ChannelActivity, type MediaActivity } from './activity';

/** The part of the local services server the relay uses. */
export interface MediaServerHost {
  readonly port: number;
  readonly token: string;
  readonly origins: OriginAllowList;
  addHttpRoute(prefix: string, handler: HttpRouteHandler, opts?: { auth?: 'token' | 'none' }): void;
  addWebSocketRoute(path: string, handler: WebSocketRouteHandler): void;
}

export interface MediaRelayOptions {
  logger: Logger;
  /** The engine bundle (renderer/media/engine/main.ts built by esbuild). */
  engineScript: () => string | Promise<string>;
  /** `<userData>/ringtones`. */
  ringtonesDir?: string;
  /** "Audio/Video/AppSharing outside VPN": never signal candidates of VPN interfaces. Default true. */
  excludeVpn?: boolean;
  /** EXCLUDEINTERFACES prefixes. */
  excludePrefixes?: string[];
  ringInHeadset?: boolean;
  /** DISABLEHEADSETS. */
  disableHeadsets?: boolean;
  /** os.networkInterfaces (replaceable in tests). */
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  /** Called for every headset key (the service maps it to the phone API). */
  onHookKey?: (key: HookKeyName, device: string) => void;
  /** Where recordings go (`<localData>/recordings`); without it, AllocChannel.recording is refused. */
  recordings?: RecordingStore;
  /** Called each time an engine has authenticated (e.g. to push the current LED state). */
  onEngineConnected?: () => void;
  /** How long an app message waits for the engine to connect before it is refused. */
  engineWaitMs?: number;
  /** The viewer page bundle (renderer/media/view.ts); default: dist/media-view.js, else esbuild (./view.ts). */
  viewerScript?: () => string | Promise<string>;
}

export interface MediaRelay {
  /** URL the engine host loads (secret and token in the fragment, never sent to a server). */
  engineUrl(): string;
  engineConnected(): boolean;
  waitForEngine(timeoutMs: number): Promise<void>;
  /** Sessions currently open, per service. */
  sessions(): { media: number; ringer: number; channels: number };
  /** Open views (loopback viewer connections) and unused view tickets. */
  views(): { views: number; tickets: number };
  /** Updates engine settings (VPN, prefixes, ring in headset, headsets) and pushes them. */
  setOptions(o: Partial<Pick<MediaRelayOptions, 'excludeVpn' | 'excludePrefixes' | 'ringInHeadset' | 'disableHeadsets'>>): void;
  /** Sends a launcher-originated request to the engine (e.g. SetHeadsetState from call state). */
  toEngine(service: Service, msg: Record<string, unknown>): boolean;
  /** The channels that run now: calls, video, the user's screen shared (./activity.ts). */
  activity(): MediaActivity;
  /** Called whenever what runs changes. */
  onActivity(cb: (a: MediaActivity) => void): () => void;
  /** Ends an app's channel for the launcher (sharing window: Stop); the app hears ChannelClosed{reason:"stopped"}. */
  stopChannel(session: string, channel: string): boolean;
  close(): void;
}

/** Session id used for requests the launcher itself sends to the engine. */
export const LAUNCHER_SESSION = '@launcher';

export function startMediaRelay(server: MediaServerHost, opts: MediaRelayOptions): MediaRelay {
  const { logger } = opts;
  const settings = {
    excludeVpn: opts.excludeVpn ?? true,
    excludePrefixes: opts.excludePrefixes ?? [],
    ringInHeadset: opts.ringInHeadset ?? false,
    disableHeadsets: opts.disableHeadsets ?? false,
  };
  const engineConfig = (): EngineConfig => ({
    excludeAddresses: settings.excludeVpn ? vpnAddresses((opts.networkInterfaces ?? os.networkInterfaces)()) : [],
    excludePrefixes: settings.excludePrefixes,
    ringInHeadset: settings.ringInHeadset,
    disableHeadsets: settings.disableHeadsets,
    ringtones: {},
  });
  const ringtones = new RingtoneStore(opts.ringtonesDir, logger);
  const views = new ViewRegistry();
  // The engine page is served from this server, so its origin must pass the Origin check of
  // /media-engine. Keep it in the allow-list even when the list is replaced (change server).
  const ownOrigin = `http://127.0.0.1:${server.port}`;
  const offOrigins = keepOrigin(server.origins, ownOrigin);

  const engine: EngineLink = new EngineLink({
    logger,
    config: engineConfig,
    onEvent: (service, session, msg) => onEngineEvent(service, session, msg),
    onConnected: () => opts.onEngineConnected?.(),
    onGone: () => {
      recording.endAll();
      for (const v of views.clear()) apps.send(v.viewer, { mt: 'ViewClosed', view: v.view, reason: 'engine' });
      apps.engineGone();
    },
  });
  const recording = new RecordingRouter(opts.recordings, logger, (session, msg) => apps.send(session, msg));
  const activity = new ChannelActivity((err) => logger.warn('media: activity listener failed', { error: String(err) }));
  const apps = new AppEndpoints({ logger, engine, recording, ringtones, views, activity, token: server.token, ownOrigin, engineWaitMs: opts.engineWaitMs ?? 5000 });

  /** An engine event: bookkeeping of recording, hook keys and views, then to the app session(s). */
  const onEngineEvent = (service: Service, session: string, msg: Record<string, unknown>): void => {
    const mt = String(msg.mt ?? '');
    if (service === 'media' && (mt === 'RecordingData' || mt === 'RecordingEnd')) return recording.onEngineEvent(session, msg);
    if (service === 'media' && mt === 'AllocChannelResult' && msg.error !== undefined) recording.allocFailed(session, String(msg.channel));
    if (service === 'media' && mt === 'HookKey' && typeof msg.key === 'string') {
      logger.trace('Audio', 'headset key', { key: msg.key, device: String(msg.device ?? '') });
      try {
        opts.onHookKey?.(msg.key as HookKeyName, String(msg.device ?? ''));
      } catch (err) {
        logger.warn('media: hook key handler failed', { error: String(err) });
      }
    }
    if (service === 'media' && mt === 'ChannelClosed' && typeof msg.channel === 'string') views.channelClosed(session, msg.channel);
    if (service === 'media' && mt === 'ViewClosed' && typeof msg.view === 'string') views.remove(msg.view);
    apps.deliver(service, session, msg);
  };

  server.addHttpRoute(MEDIA_ENGINE_PAGE_PATH, enginePageHandler(opts.engineScript), { auth: 'none' });
  server.addHttpRoute(RINGTONES_HTTP_PATH, ringtones.handler(), { auth: 'token' });
  server.addHttpRoute(
    MEDIA_VIEW_PAGE_PATH,
    viewerPageHandler({ port: server.port, script: opts.viewerScript ?? defaultViewerScript(), frameAncestors: () => server.origins.list().filter((o) => o !== ownOrigin) }),
    { auth: 'none' },
  );
  server.addWebSocketRoute(MEDIA_ENGINE_PATH, (ws) => engine.accept(ws));
  server.addWebSocketRoute(MEDIA_PATH, apps.attach('media'));
  server.addWebSocketRoute(RINGER_PATH, apps.attach('ringer'));

  return {
    engineUrl: () => `${ownOrigin}${MEDIA_ENGINE_PAGE_PATH}/#token=${encodeURIComponent(server.token)}&secret=${encodeURIComponent(engine.secret)}`,
    engineConnected: () => engine.connected,
    waitForEngine: (timeoutMs) => engine.waitFor(timeoutMs),
    sessions: () => apps.counts(),
    views: () => views.counts(),
    setOptions(o) {
      Object.assign(settings, Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
      engine.send({ mt: 'EngineConfig', config: engineConfig() });
    },
    toEngine: (service, msg) => engine.send({ mt: 'EngineRequest', service, session: LAUNCHER_SESSION, msg }),
    activity: () => activity.snapshot(),
    onActivity: (cb) => activity.onChange(cb),
    stopChannel: (session, channel) => apps.stopChannel(session, channel),
    close() {
      offOrigins();
      engine.close();
      apps.close();
    },
  };
}

/** Adds `origin` to the allow-list and puts it back whenever the list is replaced, until the returned function is called. */
function keepOrigin(origins: OriginAllowList, origin: string): () => void {
  let closed = false;
  origins.add(origin);
  const off = origins.onChange(() => {
    if (!closed && !origins.has(origin)) origins.add(origin);
  });
  return () => {
    closed = true;
    off();
  };
}
