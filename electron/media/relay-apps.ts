/**
 * The app endpoints of the media relay (docs/media-protocol.md): the /media and /ringer
 * WebSockets apps (softphones, viewer pages) connect to. Every app message is validated
 * (common/media.ts, size limit, JSON, schema) and handled in order per session: ring tone
 * lists are answered here, ring tones resolved to safe sources, recording targets kept back
 * (./relay-recording.ts), view messages authorised (./view.ts); the rest goes to the engine tagged
 * with the session. Engine events come back through deliver(). Split out of ./relay.ts.
 */
import type { WebSocket, RawData } from 'ws';
import { MEDIA_MAX_FRAME_BYTES, MEDIA_VIEW_PAGE_PATH, MediaAppMessageSchema, MediaErrorCode, RingerAppMessageSchema, type MediaProtocolError } from '../../common/media';
import type { Logger } from '../platform';
import type { EngineLink, Service } from './relay-engine';
import type { RecordingRouter } from './relay-recording';
import type { RingtoneStore } from './ringtones';
import type { ViewRegistry } from './view';
import type { ChannelActivity } from './activity';

type AppMessage = Record<string, unknown> & { mt: string };

interface Session {
  id: string;
  service: Service;
  ws: WebSocket;
  channels: Set<string>;
  /** Messages are handled one after the other (some wait for the engine or the file system). */
  chain: Promise<void>;
}

export interface AppEndpointsOptions {
  logger: Logger;
  engine: EngineLink;
  recording: RecordingRouter;
  ringtones: RingtoneStore;
  views: ViewRegistry;
  /** The bus token (ring tone URLs, viewer page URLs). */
  token: string;
  /** http://127.0.0.1:<port>, where the viewer page is served. */
  ownOrigin: string;
  /** How long an app message waits for the engine to connect before it is refused. */
  engineWaitMs: number;
  /** Which channels run (./activity.ts), fed from here. */
  activity: ChannelActivity;
}

export class AppEndpoints {
  private readonly sessions = new Map<string, Session>();
  private counter = 0;
  /** Channels the launcher itself ended (stopChannel): their ChannelClosed says `stopped`. */
  private readonly stopping = new Set<string>();

  constructor(private readonly opts: AppEndpointsOptions) {}

  /** The WebSocket route handler of /media or /ringer. */
  attach(service: Service): (ws: WebSocket) => void {
    return (ws) => {
      const { logger } = this.opts;
      const s: Session = { id: `${service === 'media' ? 'm' : 'r'}${++this.counter}`, service, ws, channels: new Set(), chain: Promise.resolve() };
      this.sessions.set(s.id, s);
      logger.trace('Media', `${service} session opened`, { session: s.id });
      ws.on('message', (data: RawData, isBinary) => {
        const msg = this.parse(s, data, isBinary);
        if (msg) s.chain = s.chain.then(() => this.handle(s, msg)).catch((err: unknown) => logger.error('media: app message failed', { error: String(err) }));
      });
      ws.on('close', () => {
        this.sessions.delete(s.id);
        // the engine closes the loopback connections (and tells the viewers of this session's channels)
        if (service === 'media') this.opts.views.sessionClosed(s.id);
        if (service === 'media') this.opts.activity.sessionClosed(s.id);
        for (const ch of s.channels) this.stopping.delete(stopKey(s.id, ch));
        this.opts.engine.send({ mt: 'SessionClosed', service, session: s.id });
        logger.trace('Media', `${service} session closed`, { session: s.id, channels: s.channels.size });
      });
    };
  }

  /** Sends to one session if it is open. */
  send(session: string, msg: Record<string, unknown>): void {
    const s = this.sessions.get(session);
    if (s) sendApp(s, msg);
  }

  /** An engine event for one session ('*': every session of the service); keeps the channel sets. */
  deliver(service: Service, session: string, msg: Record<string, unknown>): void {
    const mt = String(msg.mt ?? '');
    const targets = session === '*' ? [...this.sessions.values()].filter((s) => s.service === service) : [this.sessions.get(session)].filter((s): s is Session => !!s && s.service === service);
    for (const s of targets) {
      let out = msg;
      if (typeof msg.channel === 'string') {
        if (mt === 'ChannelClosed' || (mt === 'AllocChannelResult' && msg.error !== undefined)) s.channels.delete(msg.channel);
        if (mt === 'ChannelClosed' && this.stopping.delete(stopKey(s.id, msg.channel))) out = { ...msg, reason: 'stopped' };
        if (service === 'media') this.opts.activity.event(s.id, out);
      }
      sendApp(s, out);
    }
  }

  /**
   * The launcher ends a channel of an app session (the sharing window's Stop): the engine closes
   * it as for the app's own CloseChannel, and the app hears `ChannelClosed{reason:"stopped"}`, as
   * when the capture ends outside the app. False when the session has no such channel.
   */
  stopChannel(session: string, channel: string): boolean {
    const s = this.sessions.get(session);
    if (!s || s.service !== 'media' || !s.channels.has(channel)) return false;
    this.stopping.add(stopKey(session, channel));
    this.opts.logger.trace('Media', 'channel stopped by the launcher', { session, channel });
    if (!this.opts.engine.send({ mt: 'EngineRequest', service: 'media', session, msg: { mt: 'CloseChannel', channel } })) {
      this.deliver('media', session, { mt: 'ChannelClosed', channel, reason: 'closed' });
    }
    return true;
  }

  /** The engine is gone: every app hears its channels closed. */
  engineGone(): void {
    this.stopping.clear();
    this.opts.activity.engineGone();
    for (const s of this.sessions.values()) {
      for (const ch of s.channels) sendApp(s, { mt: 'ChannelClosed', channel: ch, reason: 'engine' });
      s.channels.clear();
    }
  }

  counts(): { media: number; ringer: number; channels: number } {
    let media = 0;
    let ringer = 0;
    let channels = 0;
    for (const s of this.sessions.values()) {
      if (s.service === 'media') media++;
      else ringer++;
      channels += s.channels.size;
    }
    return { media, ringer, channels };
  }

  close(): void {
    for (const s of this.sessions.values()) s.ws.close(1001, 'closing');
    this.sessions.clear();
  }

  /** A frame of the app as a valid message of its service, or null (refused with an Error). */
  private parse(s: Session, data: RawData, isBinary: boolean): AppMessage | null {
    const refuse = (error: MediaProtocolError['error'], reason: string, ref?: string): null => {
      this.opts.logger.warn(`media: ${s.service} message refused: ${reason}`, { session: s.id });
      sendApp(s, { mt: 'Error', error, reason, ...(ref ? { ref } : {}) });
      return null;
    };
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
    const parsed = s.service === 'media' ? MediaAppMessageSchema.safeParse(raw) : RingerAppMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return refuse('invalid', `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}`, ref);
    }
    return parsed.data as AppMessage;
  }

  /** One valid app message: answered here, or (rewritten and) forwarded to the engine. */
  private async handle(s: Session, msg: AppMessage): Promise<void> {
    if (s.service === 'ringer') {
      const m = await this.onRingerMessage(s, msg);
      if (!m) return;
      msg = m;
    }
    if (s.service === 'media' && msg.mt === 'AllocChannel' && msg.recording) {
      const r = this.opts.recording.admit(s.id, msg);
      if ('refuse' in r) return sendApp(s, r.refuse);
      msg = r.forward;
    }
    if (s.service === 'media' && (msg.mt === 'CreateView' || msg.mt === 'OpenView' || msg.mt === 'ViewAnswer' || msg.mt === 'CloseView')) {
      const m = this.onViewMessage(s, msg);
      if (!m) return;
      msg = m;
    }
    if (s.service === 'media' && msg.mt === 'AllocChannel') {
      s.channels.add(String(msg.channel));
      this.opts.activity.requested(s.id, msg);
    }
    if (s.service === 'media' && msg.mt === 'CloseChannel') {
      s.channels.delete(String(msg.channel));
      this.opts.activity.closed(s.id, String(msg.channel));
    }
    const { engine } = this.opts;
    if (!engine.connected) {
      try {
        await engine.waitFor(this.opts.engineWaitMs);
      } catch {
        if (msg.mt === 'AllocChannel') {
          s.channels.delete(String(msg.channel));
          this.opts.activity.closed(s.id, String(msg.channel));
          return sendApp(s, { mt: 'AllocChannelResult', channel: msg.channel, kind: msg.kind, error: MediaErrorCode.NO_ENGINE, errorText: 'media engine not running' });
        }
        return sendApp(s, { mt: 'Error', error: 'no-engine', reason: 'media engine not running', ref: msg.mt });
      }
    }
    if (!this.sessions.has(s.id)) return; // closed while waiting
    engine.send({ mt: 'EngineRequest', service: s.service, session: s.id, msg });
  }

  /** Ringer messages: tone lists answered here (null), ring tones resolved to a safe source for the engine. */
  private async onRingerMessage(s: Session, msg: AppMessage): Promise<AppMessage | null> {
    const { ringtones, logger } = this.opts;
    if (msg.mt === 'QueryRingtones') {
      sendApp(s, { mt: 'Ringtones', ringtones: await ringtones.list() });
      return null;
    }
    if (msg.mt === 'QueryNotificationTones') {
      sendApp(s, { mt: 'NotificationTones', tones: ringtones.notificationTones() });
      return null;
    }
    if (msg.mt === 'StartRinging' || msg.mt === 'PlayNotificationTone') {
      const ident = String(msg.mt === 'StartRinging' ? msg.ringtone : msg.ident);
      const r = await ringtones.source(ident, this.opts.token, msg.mt === 'PlayNotificationTone');
      if (r.fallback) logger.warn('ringer: unknown ring tone, playing the default', { ringtone: ident.slice(0, 100) });
      return { ...msg, resolved: r.ident, source: r.source, ...(r.fallback ? { fallback: true } : {}) };
    }
    return msg;
  }

  /**
   * View messages (see ./view.ts): answered here, or authorised and rewritten for the engine.
   * Returns the message to forward, or null when answered/refused here.
   */
  private onViewMessage(s: Session, msg: AppMessage): AppMessage | null {
    const { logger, views } = this.opts;
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
      const url = `${this.opts.ownOrigin}${MEDIA_VIEW_PAGE_PATH}#token=${encodeURIComponent(this.opts.token)}&ticket=${encodeURIComponent(t.ticket)}`;
      logger.trace('Media', 'view ticket created', { session: s.id });
      return answer({ url, ticket: t.ticket });
    }
    if (msg.mt === 'OpenView') {
      const v = views.open(String(msg.ticket), s.id);
      if (!v) return refuse('unknown, used or expired view ticket');
      if (!this.sessions.get(v.owner)?.channels.has(v.channel)) {
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
  }
}

const stopKey = (session: string, channel: string): string => `${session}\u0000${channel}`;

function sendApp(s: Session, msg: Record<string, unknown>): void {
  if (s.ws.readyState === s.ws.OPEN) s.ws.send(JSON.stringify(msg));
}
