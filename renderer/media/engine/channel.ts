/**
 * One media-engine channel (docs/media-protocol.md): one RTCPeerConnection with one m-section
 * (audio, video or appsharing-as-video) for one app session — what it captures and plays, its
 * state events, mute, DTMF, statistics and its end. Its descriptions and candidates are handled
 * by ./description.ts, its recording by ./recording.ts. Split out of ./engine.ts, which keeps
 * the channels of every session.
 */
import type { AllocChannel, ChannelKind, EngineConfig } from '../../../common/media';
import { MediaErrorCode } from '../../../common/media';
import { DEFAULT_CODECS } from '../sdp';
import { coderOfMime } from '../../../common/codecs';
import { Negotiation } from './description';
import { capture, setSink } from './devices';
import { ChannelRecorder } from './recording';
import { configureScreenSender, markScreenTrack } from './appsharing';
import type { Emit, Msg, Reply } from './types';

/** What a channel needs of the engine. */
export interface ChannelHost {
  readonly config: EngineConfig;
  readonly emit: Emit;
  /** The channel has closed: drop it from the engine's channels. */
  forget(ch: Channel): void;
}

export type CloseReason = 'closed' | 'session' | 'engine' | 'failed' | 'stopped';

/**
 * The steps of a channel's setup, each the first time it happened (Stats.timeline, ours): where
 * the time from AllocChannel to the first media packet goes.
 *  captured      capture device open (AllocChannelResult follows)
 *  described     our first offer/answer ready, ICE gathering done (LocalDescription follows)
 *  remote        the peer's first description applied
 *  iceChecking   first connectivity check sent
 *  iceConnected  a candidate pair works
 *  connected     DTLS handshake done (ICE and DTLS: RTCPeerConnection.connectionState)
 *  firstPacket   the remote track unmuted: first RTP packet received
 */
export type ChannelStep = 'captured' | 'described' | 'remote' | 'iceChecking' | 'iceConnected' | 'connected' | 'firstPacket';

/** Wall-clock milliseconds with sub-ms resolution (comparable across processes of one machine). */
const epochMs = (): number => performance.timeOrigin + performance.now();

/** The Media protocol requests ./engine.ts hands to onChannelRequest (for an existing channel). */
export const CHANNEL_REQUESTS: ReadonlySet<string> = new Set(['SendDtmf', 'SetChannelDevice', 'GetStats', 'SetRecording']);

/** Answers a channel request other than its descriptions (./description.ts) and its end. */
export async function onChannelRequest(ch: Channel, msg: Msg, reply: Reply): Promise<void> {
  switch (msg.mt) {
    case 'SendDtmf': {
      const r = ch.sendDtmf(String(msg.digits), typeof msg.duration === 'number' ? msg.duration : 100);
      return reply({ mt: 'SendDtmfResult', channel: msg.channel, ...(r ? { error: MediaErrorCode.BAD_REQUEST, errorText: r } : {}) });
    }
    case 'SetChannelDevice':
      try {
        await ch.setDevices(msg.device as string | undefined, msg.speaker as string | undefined);
        reply({ mt: 'SetChannelDeviceResult', channel: msg.channel });
      } catch (err) {
        reply({ mt: 'SetChannelDeviceResult', channel: msg.channel, error: MediaErrorCode.DEVICE_FAILED, errorText: String(err) });
      }
      return;
    case 'GetStats':
      return reply({ mt: 'Stats', channel: msg.channel, ...(await ch.stats()) });
    case 'SetRecording': {
      const err = ch.recorder.set(!!msg.on);
      return reply({ mt: 'SetRecordingResult', channel: msg.channel, on: !!msg.on, ...(err ? { error: MediaErrorCode.RECORDING_FAILED, errorText: err } : {}) });
    }
  }
}

export class Channel {
  readonly id: string;
  readonly kind: ChannelKind;
  readonly pc: RTCPeerConnection;
  readonly negotiation: Negotiation;
  readonly recorder: ChannelRecorder;
  private stream: MediaStream | null = null;
  private readonly remote = new MediaStream();
  private sink: HTMLMediaElement | null = null;
  private closed = false;
  private lastState = '';
  /** When AllocChannel reached the engine (epoch ms) and the steps since (ms after it). */
  private readonly allocAt = epochMs();
  private readonly steps: Partial<Record<ChannelStep, number>> = {};

  constructor(private readonly engine: ChannelHost, readonly session: string, private readonly a: AllocChannel) {
    this.id = a.channel;
    this.kind = a.kind;
    const iceServers: RTCIceServer[] = a.iceServers.map((s) => ({ urls: s.urls, ...(s.username ? { username: s.username } : {}), ...(s.credential ? { credential: s.credential } : {}) }));
    const recordingWanted = this.kind === 'audio' && !!a.recording;
    this.recorder = new ChannelRecorder(recordingWanted, recordingWanted && a.recording?.on !== false, (m) => this.reply(m), () => this.negotiation.remotePayloadType());
    // Recording needs the encoded frames of every sender and receiver (Encoded Transform).
    // iceCandidatePoolSize: gathering starts at AllocChannel, so the description (sent once
    // gathering is done, ../gather.ts) is ready sooner.
    this.pc = new RTCPeerConnection({ iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require', iceCandidatePoolSize: 1, ...(recordingWanted ? { encodedInsertableStreams: true } : {}) } as RTCConfiguration);
    this.negotiation = new Negotiation(
      {
        pc: this.pc,
        kind: this.kind,
        direction: a.direction,
        hostOnly: a.iceServers.length === 0,
        localStream: () => this.stream,
        config: () => this.engine.config,
        beforeDescription: () => this.recorder.pipeAll(this.pc),
        step: (name) => this.step(name),
        senderReady: (sender) => {
          if (this.kind === 'appsharing') configureScreenSender(sender);
        },
        send: (m) => this.reply(m),
        close: () => this.close('closed'),
      },
      a.codecs?.length ? a.codecs : DEFAULT_CODECS[a.kind],
    );
    this.pc.onicecandidate = (ev) => {
      if (!this.closed) this.negotiation.localCandidate(ev.candidate);
    };
    this.pc.onconnectionstatechange = () => this.onState();
    this.pc.oniceconnectionstatechange = () => {
      const s = this.pc.iceConnectionState;
      if (s === 'checking') this.step('iceChecking');
      else if (s === 'connected' || s === 'completed') this.step('iceConnected');
    };
    this.pc.ontrack = (ev) => {
      // a remote track starts muted and unmutes with its first RTP packet
      if (ev.track.muted) ev.track.addEventListener('unmute', () => this.step('firstPacket'), { once: true });
      else this.step('firstPacket');
      this.recorder.pipe(ev.receiver, 'rx');
      this.remote.addTrack(ev.track);
      this.attachSink();
    };
  }

  /** Records the first time `name` happened. */
  step(name: ChannelStep): void {
    this.steps[name] ??= Math.round((epochMs() - this.allocAt) * 10) / 10;
  }

  /** The setup steps so far (Stats.timeline). */
  timeline(): { allocAt: number } & Partial<Record<ChannelStep, number>> {
    return { allocAt: Math.round(this.allocAt * 10) / 10, ...this.steps };
  }

  private reply(m: Record<string, unknown>): void {
    this.engine.emit('media', this.session, { ...m, channel: this.id });
  }

  async alloc(): Promise<void> {
    const sends = this.a.direction !== 'recvonly';
    if (sends) this.stream = await capture(this.kind, this.a.device);
    if (this.kind === 'appsharing') markScreenTrack(this.stream?.getVideoTracks()[0]);
    this.step('captured');
    this.closeWhenCaptureEnds();
  }

  /** The shared screen/window or the camera went away (track ended): the app hears ChannelClosed{reason:"stopped"}. */
  private closeWhenCaptureEnds(): void {
    for (const t of this.stream?.getVideoTracks() ?? []) t.addEventListener('ended', () => this.close('stopped'), { once: true });
  }

  /** What the capture device delivers (video/appsharing): size and frame rate. */
  captureSettings(): { width: number; height: number; frameRate: number } | undefined {
    const t = this.stream?.getVideoTracks()[0];
    if (!t) return undefined;
    const st = t.getSettings();
    return { width: st.width ?? 0, height: st.height ?? 0, frameRate: Math.round(st.frameRate ?? 0) };
  }

  private onState(): void {
    const s = this.pc.connectionState;
    if (s === this.lastState || this.closed) return;
    this.lastState = s;
    if (s === 'connected') this.step('connected');
    const state = s === 'connecting' ? 'checking' : s;
    const coder = s === 'connected' ? this.negotiation.remoteCoder() : undefined;
    // coder: the first codec the peer's description lists (what the peer asked us to send).
    this.reply({ mt: 'ChannelState', state, ...(coder ? { coder } : {}) });
    if (s === 'failed') {
      const dtlsFailed = this.pc.getSenders()[0]?.transport?.state === 'failed';
      this.reply({ mt: 'ChannelError', code: dtlsFailed ? MediaErrorCode.DTLS_SRTP_FAILED : MediaErrorCode.ICE_FAILED, errorText: dtlsFailed ? 'DTLS-SRTP failed' : 'ICE failed' });
    }
  }

  private attachSink(): void {
    if (this.sink) return;
    const el = document.createElement(this.kind === 'audio' ? 'audio' : 'video');
    el.autoplay = true;
    (el as HTMLVideoElement).muted = this.kind !== 'audio';
    el.srcObject = this.remote;
    document.body.appendChild(el);
    this.sink = el;
    if (this.a.speaker && this.kind === 'audio') void setSink(el, this.a.speaker).catch((err) => console.warn('setSinkId', err));
    void el.play().catch(() => undefined);
  }

  async setDevices(device: string | undefined, speaker: string | undefined): Promise<void> {
    if (device !== undefined && this.a.direction !== 'recvonly') {
      const s = await capture(this.kind, device || undefined);
      const track = s.getTracks()[0]!;
      if (this.kind === 'appsharing') markScreenTrack(track);
      const sender = this.pc.getSenders()[0];
      if (sender) await sender.replaceTrack(track);
      this.stream?.getTracks().forEach((t) => t.stop());
      this.stream = s;
      this.a.device = device;
      this.closeWhenCaptureEnds();
    }
    if (speaker !== undefined && this.kind === 'audio') {
      this.a.speaker = speaker;
      if (this.sink) await setSink(this.sink, speaker);
    }
  }

  setMute(mic: boolean): void {
    if (this.kind !== 'audio') return;
    for (const t of this.stream?.getAudioTracks() ?? []) t.enabled = !mic;
  }

  sendDtmf(digits: string, duration: number): string | null {
    const sender = this.pc.getSenders().find((s) => s.dtmf);
    if (!sender?.dtmf) return 'no DTMF sender on this channel';
    if (!sender.dtmf.canInsertDTMF) return 'DTMF not negotiated';
    sender.dtmf.insertDTMF(digits, duration);
    return null;
  }

  async stats(): Promise<Record<string, unknown>> {
    const r = await this.pc.getStats();
    const out = { packetsSent: 0, packetsReceived: 0, bytesSent: 0, bytesReceived: 0, packetsLost: 0, jitter: 0, roundTrip: 0 } as Record<string, number | string>;
    let codecId: string | undefined;
    let inCodecId: string | undefined;
    r.forEach((s: Record<string, unknown>) => {
      if (s.type === 'outbound-rtp') {
        out.packetsSent = (out.packetsSent as number) + Number(s.packetsSent ?? 0);
        out.bytesSent = (out.bytesSent as number) + Number(s.bytesSent ?? 0);
        codecId ??= s.codecId as string | undefined;
        if (s.framesEncoded !== undefined) out.framesEncoded = Number(s.framesEncoded);
        if (s.qualityLimitationReason !== undefined) out.qualityLimitation = String(s.qualityLimitationReason);
      } else if (s.type === 'inbound-rtp') {
        out.packetsReceived = (out.packetsReceived as number) + Number(s.packetsReceived ?? 0);
        out.bytesReceived = (out.bytesReceived as number) + Number(s.bytesReceived ?? 0);
        out.packetsLost = (out.packetsLost as number) + Number(s.packetsLost ?? 0);
        out.jitter = Number(s.jitter ?? 0);
        if (s.audioLevel !== undefined) out.audioLevel = Number(s.audioLevel);
        if (s.totalAudioEnergy !== undefined) out.audioEnergy = Number(s.totalAudioEnergy);
        if (s.framesDecoded !== undefined) out.framesDecoded = Number(s.framesDecoded);
        if (s.frameWidth !== undefined) out.frameWidth = Number(s.frameWidth);
        if (s.frameHeight !== undefined) out.frameHeight = Number(s.frameHeight);
        if (s.framesPerSecond !== undefined) out.framesPerSecond = Number(s.framesPerSecond);
        inCodecId ??= s.codecId as string | undefined;
      } else if (s.type === 'remote-inbound-rtp' && s.roundTripTime !== undefined) {
        out.roundTrip = Number(s.roundTripTime);
      }
    });
    codecId ??= inCodecId;
    const codec = codecId ? (r.get(codecId) as { mimeType?: string; sdpFmtpLine?: string } | undefined) : undefined;
    if (codec?.mimeType) {
      const name = coderOfMime(codec.mimeType, undefined, codec.sdpFmtpLine);
      if (name) out.coder = name;
    }
    return { ...out, timeline: this.timeline() };
  }

  close(reason: CloseReason, notify = true): void {
    if (this.closed) return;
    this.recorder.close();
    this.closed = true;
    this.pc.close();
    this.stream?.getTracks().forEach((t) => t.stop());
    this.remote.getTracks().forEach((t) => t.stop());
    if (this.sink) {
      this.sink.srcObject = null;
      this.sink.remove();
    }
    this.engine.forget(this);
    if (notify && reason !== 'session' && reason !== 'engine') this.reply({ mt: 'ChannelClosed', reason });
  }
}
