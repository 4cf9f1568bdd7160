/**
 * The media engine's connection to the relay and its dispatch (common/media.ts,
 * docs/media-protocol.md): the engine connects to the relay's /media-engine WebSocket (and again
 * when it closes), takes its configuration, keeps the channels of every app session and hands
 * each Media and Ringer request the relay forwards to the part that serves it:
 *
 *   channels (one RTCPeerConnection each)   ./channel.ts, descriptions ./description.ts,
 *                                           recording ./recording.ts
 *   devices (enumerate, capture, outputs)   ./devices.ts
 *   ringer (WebAudio tones, .mp3 files)     ./ringing.ts
 *   headsets (WebHID buttons and LEDs)      ./headsets.ts
 *   viewer pages (loopback video)           ../view-engine.ts
 *
 * ./main.ts starts it in the page.
 */
import type { AllocChannel, EngineConfig, RelayToEngine } from '../../../common/media';
import { MEDIA_PROTOCOL_VERSION, MediaErrorCode } from '../../../common/media';
import { LoopbackViews } from '../view-engine';
import { Channel, CHANNEL_REQUESTS, onChannelRequest } from './channel';
import { DESCRIPTION_REQUESTS, onDescriptionRequest } from './description';
import { Devices } from './devices';
import { Headsets } from './headsets';
import { Ringer } from './ringing';
import type { Msg, Reply, Service } from './types';

export class Engine {
  private ws: WebSocket | null = null;
  config: EngineConfig = { excludeAddresses: [], excludePrefixes: [], ringInHeadset: false, disableHeadsets: false, ringtones: {} };
  readonly channels = new Map<string, Channel>();
  /** Loopback connections that show channels' remote video in viewer pages (../view-engine.ts). */
  readonly views = new LoopbackViews((session, msg) => this.emit('media', session, msg), (owner, channel) => this.channels.get(channelKey(owner, channel)));
  private readonly devices = new Devices((service, session, msg) => this.emit(service, session, msg));
  private readonly headsets = new Headsets((service, session, msg) => this.emit(service, session, msg), () => this.config);
  private readonly ringer = new Ringer((service, session, msg) => this.emit(service, session, msg), this.devices, () => this.headsets.names(), () => this.config);
  private micMuted = false;

  constructor(private readonly url: string, private readonly secret: string) {}

  start(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ mt: 'EngineHello', secret: this.secret, version: MEDIA_PROTOCOL_VERSION }));
    ws.onmessage = (ev) => {
      let frame: RelayToEngine;
      try {
        frame = JSON.parse(String(ev.data)) as RelayToEngine;
      } catch {
        return;
      }
      void this.onFrame(frame).catch((err) => console.error('engine frame failed', err));
    };
    ws.onclose = () => {
      this.ws = null;
      this.views.closeAll();
      for (const ch of [...this.channels.values()]) ch.close('engine');
      this.ringer.stopAll();
      // The relay may restart (or not be ready yet): reconnect.
      setTimeout(() => this.start(), 1000);
    };
    navigator.mediaDevices?.addEventListener('devicechange', () => void this.devices.refresh(true));
  }

  emit(service: Service, session: string, msg: Record<string, unknown>): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ mt: 'EngineEvent', service, session, msg }));
  }

  private async onFrame(frame: RelayToEngine): Promise<void> {
    switch (frame.mt) {
      case 'EngineWelcome':
      case 'EngineConfig':
        this.config = frame.config;
        if (!this.config.disableHeadsets) void this.headsets.start();
        else this.headsets.stop();
        if (frame.mt === 'EngineWelcome') void this.devices.refresh(false);
        return;
      case 'SessionClosed':
        this.views.sessionClosed(frame.session);
        for (const ch of [...this.channels.values()]) if (ch.session === frame.session) ch.close('session');
        this.ringer.stop(frame.session);
        return;
      case 'EngineRequest':
        if (frame.service === 'media') return this.onMedia(frame.session, frame.msg as Msg);
        return this.ringer.onRequest(frame.session, frame.msg as Msg);
    }
  }

  // ---- Media protocol ---------------------------------------------------------------------

  private async onMedia(session: string, msg: Msg): Promise<void> {
    const reply: Reply = (m) => this.emit('media', session, m);
    if (DESCRIPTION_REQUESTS.has(msg.mt)) {
      const ch = this.channelOf(session, msg, reply);
      if (ch) await onDescriptionRequest(ch.negotiation, msg, reply);
      return;
    }
    if (CHANNEL_REQUESTS.has(msg.mt)) {
      const ch = this.channelOf(session, msg, reply);
      if (ch) await onChannelRequest(ch, msg, reply);
      return;
    }
    switch (msg.mt) {
      case 'OpenView':
      case 'ViewAnswer':
      case 'CloseView':
        return this.views.handle(session, msg);
      case 'AllocChannel':
        return this.allocChannel(session, msg as unknown as AllocChannel, reply);
      case 'SetMute': {
        const mic = !!msg.mic;
        if (msg.channel !== undefined) this.channelOf(session, msg, reply)?.setMute(mic);
        else {
          this.micMuted = mic;
          for (const ch of this.channels.values()) ch.setMute(mic);
        }
        return reply({ mt: 'SetMuteResult', mic });
      }
      case 'CloseChannel': {
        const ch = this.channels.get(channelKey(session, msg.channel));
        if (ch) ch.close('closed');
        else reply({ mt: 'ChannelClosed', channel: msg.channel, reason: 'closed' });
        return;
      }
      case 'QueryDevices':
        await this.devices.refresh(false);
        return reply({ mt: 'Devices', devices: this.devices.all });
      case 'QueryHeadsets':
      case 'SetHeadsetState':
        return this.headsets.onRequest(msg, reply);
    }
  }

  private async allocChannel(session: string, a: AllocChannel, reply: Reply): Promise<void> {
    if (this.channels.has(channelKey(session, a.channel))) {
      return reply({ mt: 'AllocChannelResult', channel: a.channel, kind: a.kind, error: MediaErrorCode.BAD_REQUEST, errorText: 'channel id in use' });
    }
    const ch = new Channel(this, session, a);
    this.channels.set(channelKey(session, a.channel), ch);
    try {
      await ch.alloc();
      if (this.micMuted) ch.setMute(true);
      if (a.recording && a.kind === 'audio') reply({ mt: 'RecordingState', channel: a.channel, state: a.recording.on === false ? 'paused' : 'recording' });
      const capture = ch.captureSettings();
      reply({ mt: 'AllocChannelResult', channel: a.channel, kind: a.kind, ...(a.type ? { type: a.type } : {}), ...(capture ? { capture } : {}) });
    } catch (err) {
      ch.close('failed', false);
      reply({ mt: 'AllocChannelResult', channel: a.channel, kind: a.kind, error: MediaErrorCode.DEVICE_FAILED, errorText: String(err) });
    }
  }

  /** The channel msg.channel of the session; else ChannelError UNKNOWN_CHANNEL to the app. */
  private channelOf(session: string, msg: Msg, reply: Reply): Channel | undefined {
    const ch = this.channels.get(channelKey(session, msg.channel));
    if (!ch) reply({ mt: 'ChannelError', channel: msg.channel, code: MediaErrorCode.UNKNOWN_CHANNEL, errorText: `no channel ${String(msg.channel)}` });
    return ch;
  }

  forget(ch: Channel): void {
    this.channels.delete(channelKey(ch.session, ch.id));
    this.views.channelClosed(ch.session, ch.id);
  }

  /** Debug view for the launcher's diagnostics and the tests. */
  snapshot(): Record<string, unknown> {
    return {
      connected: this.ws?.readyState === WebSocket.OPEN,
      channels: [...this.channels.values()].map((c) => ({ session: c.session, channel: c.id, kind: c.kind, state: c.pc.connectionState })),
      views: this.views.snapshot(),
      ringing: this.ringer.snapshot(),
      headsets: this.headsets.list(),
      devices: this.devices.all.length,
    };
  }
}

/** Channels are keyed by session and the app's channel id (ids are per session). */
function channelKey(session: string, channel: unknown): string {
  return `${session}\u0000${String(channel)}`;
}
