/**
 * The media relay (main process): the Media and Ringer protocol endpoints of the local services
 * server, relayed to the media engine that runs in a Chromium renderer (renderer/media/engine/main.ts).
 *
 *   app (softphone) --ws /media, /ringer--> relay --ws /media-engine--> engine (RTCPeerConnection)
 *
 * The relay validates every app message (contract/media.ts), tags it with the app's session,
 * answers what it knows itself (ring tone lists), resolves ring tones to safe sources, and routes
 * engine events back to the session (or to every session: device and headset events). When an
 * app's socket closes, the engine closes that session's channels; when the engine goes away, the
 * apps are told their channels are closed.
 *
 * The engine authenticates with a per-start secret handed to its page in the URL fragment (the bus
 * token alone is known to every app, so it cannot identify the engine).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as os from 'node:os';
import type { WebSocket, RawData } from 'ws';
import {
  EngineFrameSchema,
  MEDIA_ENGINE_PAGE_PATH,
  MEDIA_ENGINE_PATH,
  MEDIA_MAX_FRAME_BYTES,
  MEDIA_PATH,
  MEDIA_PROTOCOL_VERSION,
  MEDIA_VIEW_PAGE_PATH,
  MediaAppMessageSchema,
  MediaErrorCode,
  RINGER_PATH,
  RINGTONES_HTTP_PATH,
  RingerAppMessageSchema,
  type EngineConfig,
  type HookKeyName,
  type MediaProtocolError,
  type RelayToEngine,
} from '../../contract/media';
import type { Logger } from '../platform';
import type { HttpRouteHandler, WebSocketRouteHandler } from '../bus';
import { OriginAllowList } from '../bus';
import { vpnAddresses } from './interfaces';
import { RingtoneStore } from './ringtones';
import { parseRecordingUrl, type RecordingStore, type RecordingTarget } from './recording';
import type { RtpRecord } from './pcap';
import { defaultViewerScript, viewerPageHandler, ViewRegistry } from './view';

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

type Service = 'media' | 'ringer';
interface Session {
  id: string;
  service: Service;
  ws: WebSocket;
  channels: Set<string>;
  /** Messages are handled one after the other (some wait for the engine or the file system). */
  chain: Promise<void>;
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
  close(): void;
}

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Session id used for requests the launcher itself sends to the engine. */
export const LAUNCHER_SESSION = '@launcher';

export function startMediaRelay(server: MediaServerHost, opts: MediaRelayOptions): MediaRelay {
  const { logger } = opts;
  const secret = randomBytes(24).toString('base64url');
  const settings = {
    excludeVpn: opts.excludeVpn ?? true,
    excludePrefixes: opts.excludePrefixes ?? [],
    ringInHeadset: opts.ringInHeadset ?? false,
    disableHeadsets: opts.disableHeadsets ?? false,
  };
  const ringtones = new RingtoneStore(opts.ringtonesDir, logger);
  const sessions = new Map<string, Session>();
  const views = new ViewRegistry();
  let sessionCounter = 0;
  let engine: WebSocket | null = null;
  let engineWaiters: (() => void)[] = [];
  let closed = false;
  /** Recording targets of channels (key session\0channel) and their write chains. */
  const recTargets = new Map<string, { target: RecordingTarget; name: string; session: string; channel: string }>();
  const recChains = new Map<string, Promise<unknown>>();
  const recFiles = new Map<string, { session: string; channel: string }>();
  const recKey = (session: string, channel: string): string => `${session}\u0000${channel}`;
  const onRecording = (session: string, msg: Record<string, unknown>): void => {
    const store = opts.recordings;
    const channel = String(msg.channel ?? '');
    const key = recKey(session, channel);
    const info = recTargets.get(key);
    if (!store || !info) return;
    const prev = recChains.get(key) ?? Promise.resolve();
    const tell = (m: Record<string, unknown>): void => {
      const s = sessions.get(session);
      if (s) sendApp(s, { mt: 'RecordingState', channel, ...m });
    };
    const next = prev.then(async () => {
      if (msg.mt === 'RecordingData' && Array.isArray(msg.packets)) {
        if (!store.isRecording(key)) await store.begin(key, info.target, info.name);
        const records: RtpRecord[] = [];
        for (const p of msg.packets as Record<string, unknown>[]) {
          if (typeof p.p !== 'string') continue;
          records.push({ dir: p.d === 'tx' ? 'tx' : 'rx', time: Number(p.t) || Date.now(), pt: Number(p.pt) & 0x7f, seq: Number(p.seq) & 0xffff, ts: Number(p.ts) >>> 0, ssrc: Number(p.ssrc) >>> 0, marker: !!p.m, payload: Buffer.from(p.p, 'base64') });
        }
        store.append(key, records);
      } else if (msg.mt === 'RecordingEnd') {
        recTargets.delete(key);
        const done = await store.finish(key);
        if (done) {
          recFiles.set(done.file, { session, channel });
          tell({ state: 'stored', file: done.file, packets: done.packets });
        }
      }
    }).catch((err: unknown) => {
      logger.error('recording failed', { error: String(err) });
      tell({ state: 'failed', errorText: String(err) });
    });
    recChains.set(key, next);
    void next.then(() => { if (recChains.get(key) === next) recChains.delete(key); });
  };
  if (opts.recordings) {
    opts.recordings.onUploaded = (file) => {
      const where = recFiles.get(file);
      recFiles.delete(file);
      const s = where && sessions.get(where.session);
      if (s && where) sendApp(s, { mt: 'RecordingState', channel: where.channel, state: 'uploaded', file });
    };
  }

  // The engine page is served from this server, so its origin must pass the Origin check of
  // /media-engine. Keep it in the allow-list even when the list is replaced (change server).
  const ownOrigin = `http://127.0.0.1:${server.port}`;
  server.origins.add(ownOrigin);
  const offOrigins = server.origins.onChange(() => {
    if (!closed && !server.origins.has(ownOrigin)) server.origins.add(ownOrigin);
  });

  const engineConfig = (): EngineConfig => ({
    excludeAddresses: settings.excludeVpn ? vpnAddresses((opts.networkInterfaces ?? os.networkInterfaces)()) : [],
    excludePrefixes: settings.excludePrefixes,
    ringInHeadset: settings.ringInHeadset,
    disableHeadsets: settings.disableHeadsets,
    ringtones: {},
  });

  const sendEngine = (frame: RelayToEngine): boolean => {
    if (!engine || engine.readyState !== engine.OPEN) return false;
    engine.send(JSON.stringify(frame));
    return true;
  };
  const sendApp = (s: Session, msg: Record<string, unknown>): void => {
    if (s.ws.readyState === s.ws.OPEN) s.ws.send(JSON.stringify(msg));
  };
  const waitForEngine = (timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (engine) return resolve();
      const t = setTimeout(() => {
        engineWaiters = engineWaiters.filter((w) => w !== done);
        reject(new Error('media engine not connected'));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(t);
        resolve();
      };
      engineWaiters.push(done);
    });

  // ---- engine page + bundle ---------------------------------------------------------------
  server.addHttpRoute(
    MEDIA_ENGINE_PAGE_PATH,
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
      if (url.pathname === `${MEDIA_ENGINE_PAGE_PATH}/engine.js`) {
        const js = await opts.engineScript();
        res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(js);
      } else if (url.pathname === `${MEDIA_ENGINE_PAGE_PATH}/` || url.pathname === MEDIA_ENGINE_PAGE_PATH) {
        res
          .writeHead(200, {
            ...headers,
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': "default-src 'none'; script-src 'self'; connect-src 'self' ws://127.0.0.1:*; media-src 'self' blob:; frame-ancestors 'none'",
          })
          .end(`<!doctype html><meta charset="utf-8"><title>myApps media engine</title><script src="${MEDIA_ENGINE_PAGE_PATH}/engine.js"></script>`);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
    },
    { auth: 'none' },
  );
  server.addHttpRoute(RINGTONES_HTTP_PATH, ringtones.handler(), { auth: 'token' });
  server.addHttpRoute(
    MEDIA_VIEW_PAGE_PATH,
    viewerPageHandler({ port: server.port, script: opts.viewerScript ?? defaultViewerScript(), frameAncestors: () => server.origins.list().filter((o) => o !== ownOrigin) }),
    { auth: 'none' },
  );

  // ---- engine link ------------------------------------------------------------------------
  server.addWebSocketRoute(MEDIA_ENGINE_PATH, (ws) => {
    let authed = false;
    const helloTimer = setTimeout(() => {
      if (!authed) ws.close(4001, 'EngineHello expected');
    }, 5000);
    ws.on('message', (data: RawData, isBinary) => {
      if (isBinary) return void ws.close(1003, 'text frames only');
      let frame;
      try {
        frame = EngineFrameSchema.parse(JSON.parse(data.toString()));
      } catch (err) {
        logger.warn('media: malformed engine frame', { error: String(err).slice(0, 300) });
        return;
      }
      if (frame.mt === 'EngineHello') {
        if (!sameSecret(frame.secret, secret) || frame.version !== MEDIA_PROTOCOL_VERSION) {
          logger.warn('media: engine refused (wrong secret or version)');
          return void ws.close(4003, 'refused');
        }
        clearTimeout(helloTimer);
        authed = true;
        if (engine && engine !== ws) engine.close(4000, 'replaced');
        engine = ws;
        ws.send(JSON.stringify({ mt: 'EngineWelcome', config: engineConfig() } satisfies RelayToEngine));
        logger.trace('Media', 'media engine connected');
        try {
          opts.onEngineConnected?.();
        } catch (err) {
          logger.warn('media: engine-connected handler failed', { error: String(err) });
        }
        const w = engineWaiters;
        engineWaiters = [];
        w.forEach((f) => f());
        return;
      }
      if (!authed) return void ws.close(4001, 'EngineHello expected');
      onEngineEvent(frame.service, frame.session, frame.msg);
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      if (engine !== ws) return;
      engine = null;
      logger.warn('media engine disconnected');
      for (const info of [...recTargets.values()]) onRecording(info.session, { mt: 'RecordingEnd', channel: info.channel });
      for (const v of views.clear()) {
        const viewer = sessions.get(v.viewer);
        if (viewer) sendApp(viewer, { mt: 'ViewClosed', view: v.view, reason: 'engine' });
      }
      for (const s of sessions.values()) {
        for (const ch of s.channels) sendApp(s, { mt: 'ChannelClosed', channel: ch, reason: 'engine' });
        s.channels.clear();
      }
    });
  });

  const onEngineEvent = (service: Service, session: string, msg: Record<string, unknown>): void => {
    const mt = String(msg.mt ?? '');
    if (service === 'media' && (mt === 'RecordingData' || mt === 'RecordingEnd')) return onRecording(session, msg);
    if (service === 'media' && mt === 'AllocChannelResult' && msg.error !== undefined) recTargets.delete(recKey(session, String(msg.channel)));
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
    const targets = session === '*' ? [...sessions.values()].filter((s) => s.service === service) : [sessions.get(session)].filter((s): s is Session => !!s && s.service === service);
    for (const s of targets) {
      if (typeof msg.channel === 'string') {
        if (mt === 'ChannelClosed' || (mt === 'AllocChannelResult' && msg.error !== undefined)) s.channels.delete(msg.channel);
      }
      sendApp(s, msg);
    }
  };

  // ---- app endpoints ----------------------------------------------------------------------
  const attachApp = (service: Service) => (ws: WebSocket) => {
    const s: Session = { id: `${service === 'media' ? 'm' : 'r'}${++sessionCounter}`, service, ws, channels: new Set(), chain: Promise.resolve() };
    sessions.set(s.id, s);
    logger.trace('Media', `${service} session opened`, { session: s.id });
    const refuse = (error: MediaProtocolError['error'], reason: string, ref?: string): void => {
      logger.warn(`media: ${service} message refused: ${reason}`, { session: s.id });
      sendApp(s, { mt: 'Error', error, reason, ...(ref ? { ref } : {}) });
    };
    ws.on('message', (data: RawData, isBinary) => {
      if (isBinary) return refuse('malformed', 'binary frames are not accepted');
      const text = data.toString();
      if (text.length > MEDIA_MAX_FRAME_BYTES) return refuse('too-large', `frame larger than ${MEDIA_MAX_FRAME_BYTES} bytes`);
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        return refuse('malformed', 'not JSON');
      }
      const ref = raw && typeof raw === 'object' && typeof (raw as { mt?: unknown }).mt === 'string' ? (raw as { mt: string }).mt : undefined;
      const parsed = service === 'media' ? MediaAppMessageSchema.safeParse(raw) : RingerAppMessageSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return refuse('invalid', `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}`, ref);
      }
      const msg = parsed.data as Record<string, unknown> & { mt: string };
      s.chain = s.chain.then(() => handleApp(s, msg)).catch((err: unknown) => logger.error('media: app message failed', { error: String(err) }));
    });
    ws.on('close', () => {
      sessions.delete(s.id);
      // the engine closes the loopback connections (and tells the viewers of this session's channels)
      if (service === 'media') views.sessionClosed(s.id);
      sendEngine({ mt: 'SessionClosed', service, session: s.id });
      logger.trace('Media', `${service} session closed`, { session: s.id, channels: s.channels.size });
    });
  };

  const handleApp = async (s: Session, msg: Record<string, unknown> & { mt: string }): Promise<void> => {
    if (s.service === 'ringer') {
      if (msg.mt === 'QueryRingtones') return sendApp(s, { mt: 'Ringtones', ringtones: await ringtones.list() });
      if (msg.mt === 'QueryNotificationTones') return sendApp(s, { mt: 'NotificationTones', tones: ringtones.notificationTones() });
      if (msg.mt === 'StartRinging' || msg.mt === 'PlayNotificationTone') {
        const ident = String(msg.mt === 'StartRinging' ? msg.ringtone : msg.ident);
        const r = await ringtones.source(ident, server.token, msg.mt === 'PlayNotificationTone');
        if (r.fallback) logger.warn('ringer: unknown ring tone, playing the default', { ringtone: ident.slice(0, 100) });
        msg = { ...msg, resolved: r.ident, source: r.source, ...(r.fallback ? { fallback: true } : {}) };
      }
    }
    if (s.service === 'media' && msg.mt === 'AllocChannel' && msg.recording) {
      const r = msg.recording as RecordingTarget & { name?: string; on: boolean };
      let refusal = '';
      if (!opts.recordings) refusal = 'recording is not available';
      else if (msg.kind !== 'audio') refusal = 'only audio channels are recorded';
      else {
        try {
          parseRecordingUrl(r.url);
        } catch (err) {
          refusal = (err as Error).message;
        }
      }
      if (refusal) return sendApp(s, { mt: 'AllocChannelResult', channel: msg.channel, kind: msg.kind, error: MediaErrorCode.RECORDING_FAILED, errorText: refusal });
      recTargets.set(recKey(s.id, String(msg.channel)), {
        target: { url: r.url, ...(r.username ? { username: r.username } : {}), ...(r.password ? { password: r.password } : {}) },
        name: r.name ?? String(msg.channel),
        session: s.id,
        channel: String(msg.channel),
      });
      // the engine only needs to know whether to record, never where or with which credentials
      msg = { ...msg, recording: { on: r.on } };
    }
    if (s.service === 'media' && (msg.mt === 'CreateView' || msg.mt === 'OpenView' || msg.mt === 'ViewAnswer' || msg.mt === 'CloseView')) {
      const m = onViewMessage(s, msg);
      if (!m) return;
      msg = m;
    }
    if (s.service === 'media' && msg.mt === 'AllocChannel') s.channels.add(String(msg.channel));
    if (s.service === 'media' && msg.mt === 'CloseChannel') s.channels.delete(String(msg.channel));
    if (!engine) {
      try {
        await waitForEngine(opts.engineWaitMs ?? 5000);
      } catch {
        if (msg.mt === 'AllocChannel') {
          s.channels.delete(String(msg.channel));
          return sendApp(s, { mt: 'AllocChannelResult', channel: msg.channel, kind: msg.kind, error: MediaErrorCode.NO_ENGINE, errorText: 'media engine not running' });
        }
        return sendApp(s, { mt: 'Error', error: 'no-engine', reason: 'media engine not running', ref: msg.mt });
      }
    }
    if (!sessions.has(s.id)) return; // closed while waiting
    sendEngine({ mt: 'EngineRequest', service: s.service, session: s.id, msg });
  };

  /**
   * View messages (see ./view.ts): answered here, or authorised and rewritten for the engine.
   * Returns the message to forward, or null when answered/refused here.
   */
  const onViewMessage = (s: Session, msg: Record<string, unknown> & { mt: string }): (Record<string, unknown> & { mt: string }) | null => {
    const refuse = (reason: string, view?: string): null => {
      logger.warn(`media: view refused: ${reason}`, { session: s.id });
      sendApp(s, { mt: 'ViewClosed', ...(view ? { view } : {}), reason: 'refused', errorText: reason });
      return null;
    };
    if (msg.mt === 'CreateView') {
      const channel = String(msg.channel);
      const answer = (m: Record<string, unknown>): null => (sendApp(s, { mt: 'ViewCreated', channel, ...m }), null);
      if (!s.channels.has(channel)) {
        logger.warn('media: CreateView for a channel the session does not own', { session: s.id });
        return answer({ error: MediaErrorCode.UNKNOWN_CHANNEL, errorText: `no channel ${channel.slice(0, 200)} in this session` });
      }
      const t = views.createTicket(s.id, channel);
      if ('error' in t) return answer({ error: MediaErrorCode.BAD_REQUEST, errorText: t.error });
      const url = `${ownOrigin}${MEDIA_VIEW_PAGE_PATH}#token=${encodeURIComponent(server.token)}&ticket=${encodeURIComponent(t.ticket)}`;
      logger.trace('Media', 'view ticket created', { session: s.id });
      return answer({ url, ticket: t.ticket });
    }
    if (msg.mt === 'OpenView') {
      const v = views.open(String(msg.ticket), s.id);
      if (!v) return refuse('unknown, used or expired view ticket');
      if (!sessions.get(v.owner)?.channels.has(v.channel)) {
        views.remove(v.view);
        return refuse('the channel is closed', v.view);
      }
      logger.trace('Media', 'view opened', { view: v.view, viewer: s.id, owner: v.owner });
      return { mt: 'OpenView', view: v.view, owner: v.owner, channel: v.channel };
    }
    const v = views.get(String(msg.view));
    if (!v || v.viewer !== s.id) return refuse('not a view of this session', String(msg.view).slice(0, 100));
    if (msg.mt === 'CloseView') views.remove(v.view);
    return msg;
  };

  server.addWebSocketRoute(MEDIA_PATH, attachApp('media'));
  server.addWebSocketRoute(RINGER_PATH, attachApp('ringer'));

  return {
    engineUrl: () => `${ownOrigin}${MEDIA_ENGINE_PAGE_PATH}/#token=${encodeURIComponent(server.token)}&secret=${encodeURIComponent(secret)}`,
    engineConnected: () => engine !== null,
    waitForEngine,
    sessions: () => {
      let media = 0;
      let ringer = 0;
      let channels = 0;
      for (const s of sessions.values()) {
        if (s.service === 'media') media++;
        else ringer++;
        channels += s.channels.size;
      }
      return { media, ringer, channels };
    },
    views: () => views.counts(),
    setOptions(o) {
      Object.assign(settings, Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
      sendEngine({ mt: 'EngineConfig', config: engineConfig() });
    },
    toEngine: (service, msg) => sendEngine({ mt: 'EngineRequest', service, session: LAUNCHER_SESSION, msg }),
    close() {
      closed = true;
      offOrigins();
      engine?.close(1001, 'closing');
      for (const s of sessions.values()) s.ws.close(1001, 'closing');
      sessions.clear();
    },
  };
}
