/**
 * The media engine: runs in a Chromium renderer (a hidden window in the product, a headless page
 * in the tests), loaded from `http://127.0.0.1:<port>/media-engine-page/#token=…&secret=…`.
 * It connects to the relay's /media-engine WebSocket and executes the Media and Ringer protocol
 * requests the relay forwards (contract/media.ts, docs/media-protocol.md):
 *
 *   one channel = one RTCPeerConnection with one m-section (audio, video or appsharing-as-video);
 *   descriptions are innovaphone's Signal `channels` (+ channels_cmd), converted to/from SDP
 *   (./channels.ts), sent once ICE gathering is complete (later candidates trickle);
 *   codec preference: transceiver.setCodecPreferences where possible plus SDP munging;
 *   candidates of excluded addresses (VPN interfaces, EXCLUDEINTERFACES) are never signalled;
 *   devices: enumerate + devicechange; setSinkId / deviceId constraints;
 *   ringer: built-in tones synthesised with WebAudio, custom .mp3 through /ringtones;
 *   headset buttons and LEDs through WebHID (./hid).
 */
import type {
  AllocChannel,
  ChannelKind,
  Channels,
  CoderName,
  Device,
  EngineConfig,
  Headset,
  HookKeyName,
  RelayToEngine,
  RingtoneSource,
  SignalCandidate,
} from '../../contract/media';
import { HOOK_KEY_CODES, MEDIA_ENGINE_PATH, MEDIA_OF_KIND, MEDIA_PROTOCOL_VERSION, MediaErrorCode } from '../../contract/media';
import { candidateAllowed, candidateToString, coderOfMime, DEFAULT_CODECS, firstCoder, mungeCodecs, orderCoders, parseCandidate } from './sdp';
import { channelsToSdp, restrictCandidates, sdpToChannels } from './channels';
import { waitForGathering } from './gather';
import { LoopbackViews } from './view-engine';
import { fromWebHidCollections, type WebHidCollectionInfo } from './hid/descriptor';
import { availableLeds, buildLedReports, HeadsetDecoder, isHeadsetCandidate } from './hid/telephony';

type Service = 'media' | 'ringer';
type Msg = Record<string, unknown> & { mt: string };

/** Video capture: 1920x1080 if available, else 1280x720, 640x480, 352x288, 320x240; 30 fps else 15. */
export const VIDEO_FALLBACKS: { width: number; height: number }[] = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
  { width: 640, height: 480 },
  { width: 352, height: 288 },
  { width: 320, height: 240 },
];

/** The part of RTCEncodedAudioFrame the recorder reads. */
interface EncodedFrame {
  readonly timestamp: number;
  data: ArrayBuffer;
  getMetadata(): { payloadType?: number; synchronizationSource?: number; sequenceNumber?: number };
}

class Engine {
  private ws: WebSocket | null = null;
  config: EngineConfig = { excludeAddresses: [], excludePrefixes: [], ringInHeadset: false, disableHeadsets: false, ringtones: {} };
  readonly channels = new Map<string, Channel>();
  /** Loopback connections that show channels' remote video in viewer pages (./view-engine.ts). */
  readonly views = new LoopbackViews((session, msg) => this.emit('media', session, msg), (owner, channel) => this.channels.get(`${owner}\u0000${channel}`));
  private devices: Device[] = [];
  readonly ringers = new Map<string, Ringing>();
  private micMuted = false;
  readonly headsets = new Map<string, HeadsetHandle>();
  private hidStarted = false;
  /** Last LED state asked for (by apps or by the launcher from call state). */
  private readonly leds = { offHook: false, ring: false, mute: false, hold: false };

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
      for (const r of this.ringers.values()) r.stop();
      this.ringers.clear();
      // The relay may restart (or not be ready yet): reconnect.
      setTimeout(() => this.start(), 1000);
    };
    navigator.mediaDevices?.addEventListener('devicechange', () => void this.refreshDevices(true));
  }

  emit(service: Service, session: string, msg: Record<string, unknown>): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ mt: 'EngineEvent', service, session, msg }));
  }

  private async onFrame(frame: RelayToEngine): Promise<void> {
    switch (frame.mt) {
      case 'EngineWelcome':
      case 'EngineConfig':
        this.config = frame.config;
        if (!this.config.disableHeadsets) void this.startHid();
        else this.stopHid();
        if (frame.mt === 'EngineWelcome') void this.refreshDevices(false);
        return;
      case 'SessionClosed':
        this.views.sessionClosed(frame.session);
        for (const ch of [...this.channels.values()]) if (ch.session === frame.session) ch.close('session');
        this.ringers.get(frame.session)?.stop();
        this.ringers.delete(frame.session);
        return;
      case 'EngineRequest':
        if (frame.service === 'media') return this.onMedia(frame.session, frame.msg as Msg);
        return this.onRinger(frame.session, frame.msg as Msg);
    }
  }

  // ---- Media protocol ---------------------------------------------------------------------

  private async onMedia(session: string, msg: Msg): Promise<void> {
    const reply = (m: Record<string, unknown>): void => this.emit('media', session, m);
    const key = (ch: unknown): string => `${session}\u0000${String(ch)}`;
    const channel = (): Channel | undefined => {
      const ch = this.channels.get(key(msg.channel));
      if (!ch) reply({ mt: 'ChannelError', channel: msg.channel, code: MediaErrorCode.UNKNOWN_CHANNEL, errorText: `no channel ${String(msg.channel)}` });
      return ch;
    };
    switch (msg.mt) {
      case 'OpenView':
      case 'ViewAnswer':
      case 'CloseView':
        return this.views.handle(session, msg);
      case 'AllocChannel': {
        const a = msg as unknown as AllocChannel;
        if (this.channels.has(key(a.channel))) {
          return reply({ mt: 'AllocChannelResult', channel: a.channel, kind: a.kind, error: MediaErrorCode.BAD_REQUEST, errorText: 'channel id in use' });
        }
        const ch = new Channel(this, session, a);
        this.channels.set(key(a.channel), ch);
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
        return;
      }
      case 'CreateOffer': {
        const ch = channel();
        if (!ch) return;
        try {
          reply({ mt: 'LocalDescription', channel: msg.channel, channels_cmd: 'PROPOSAL', channels: await ch.createOffer(!!msg.iceRestart) });
          ch.openTrickle();
        } catch (err) {
          reply({ mt: 'ChannelError', channel: msg.channel, code: MediaErrorCode.SDP_FAILED, errorText: String(err) });
        }
        return;
      }
      case 'RemoteDescription': {
        const ch = channel();
        if (!ch) return;
        const cmd = msg.channels_cmd as string;
        try {
          if (cmd === 'CLOSE') return ch.close('closed');
          const local = cmd === 'REQUEST' ? await ch.createOffer(false) : cmd === 'PROPOSAL' || cmd === 'SELECT' ? await ch.setRemote(cmd, msg.channels as Channels) : null;
          if (local) {
            reply({ mt: 'LocalDescription', channel: msg.channel, channels_cmd: cmd === 'REQUEST' ? 'PROPOSAL' : 'SELECT', channels: local });
            ch.openTrickle();
          } else reply({ mt: 'RemoteDescriptionResult', channel: msg.channel });
        } catch (err) {
          reply({ mt: 'ChannelError', channel: msg.channel, code: MediaErrorCode.SDP_FAILED, errorText: String(err) });
        }
        return;
      }
      case 'RemoteCandidate': {
        const ch = channel();
        if (!ch) return;
        try {
          await ch.addRemoteCandidate(msg.candidate as SignalCandidate | undefined, !!msg.end);
        } catch (err) {
          reply({ mt: 'ChannelError', channel: msg.channel, code: MediaErrorCode.BAD_REQUEST, errorText: `candidate refused: ${String(err)}` });
        }
        return;
      }
      case 'SendDtmf': {
        const ch = channel();
        if (!ch) return;
        const r = ch.sendDtmf(String(msg.digits), typeof msg.duration === 'number' ? msg.duration : 100);
        return reply({ mt: 'SendDtmfResult', channel: msg.channel, ...(r ? { error: MediaErrorCode.BAD_REQUEST, errorText: r } : {}) });
      }
      case 'SetMute': {
        const mic = !!msg.mic;
        if (msg.channel !== undefined) channel()?.setMute(mic);
        else {
          this.micMuted = mic;
          for (const ch of this.channels.values()) ch.setMute(mic);
        }
        return reply({ mt: 'SetMuteResult', mic });
      }
      case 'SetChannelDevice': {
        const ch = channel();
        if (!ch) return;
        try {
          await ch.setDevices(msg.device as string | undefined, msg.speaker as string | undefined);
          reply({ mt: 'SetChannelDeviceResult', channel: msg.channel });
        } catch (err) {
          reply({ mt: 'SetChannelDeviceResult', channel: msg.channel, error: MediaErrorCode.DEVICE_FAILED, errorText: String(err) });
        }
        return;
      }
      case 'GetStats': {
        const ch = channel();
        if (ch) reply({ mt: 'Stats', channel: msg.channel, ...(await ch.stats()) });
        return;
      }
      case 'SetRecording': {
        const ch = channel();
        if (!ch) return;
        const err = ch.setRecording(!!msg.on);
        return reply({ mt: 'SetRecordingResult', channel: msg.channel, on: !!msg.on, ...(err ? { error: MediaErrorCode.RECORDING_FAILED, errorText: err } : {}) });
      }
      case 'CloseChannel': {
        const ch = this.channels.get(key(msg.channel));
        if (ch) ch.close('closed');
        else reply({ mt: 'ChannelClosed', channel: msg.channel, reason: 'closed' });
        return;
      }
      case 'QueryDevices':
        await this.refreshDevices(false);
        return reply({ mt: 'Devices', devices: this.devices });
      case 'QueryHeadsets':
        return reply({ mt: 'Headsets', headsets: [...this.headsets.values()].map((h) => h.info), enabled: !this.config.disableHeadsets && 'hid' in navigator });
      case 'SetHeadsetState': {
        for (const k of ['offHook', 'ring', 'mute', 'hold'] as const) if (typeof msg[k] === 'boolean') this.leds[k] = msg[k] as boolean;
        let applied = 0;
        for (const h of this.headsets.values()) {
          if (msg.device && msg.device !== h.info.id) continue;
          try {
            applied += await h.setLeds(this.leds);
          } catch (err) {
            console.warn('headset LEDs', err);
          }
        }
        return reply({ mt: 'SetHeadsetStateResult', applied });
      }
    }
  }

  forget(ch: Channel): void {
    this.channels.delete(`${ch.session}\u0000${ch.id}`);
    this.views.channelClosed(ch.session, ch.id);
  }

  // ---- devices ----------------------------------------------------------------------------

  async refreshDevices(notify: boolean): Promise<void> {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    let list = await navigator.mediaDevices.enumerateDevices();
    if (list.length && list.every((d) => !d.label)) {
      // Labels need a granted capture permission; prime it once (granted by the launcher's handler).
      try {
        const s = await navigator.mediaDevices.getUserMedia({ audio: true });
        s.getTracks().forEach((t) => t.stop());
        list = await navigator.mediaDevices.enumerateDevices();
      } catch {
        /* keep unlabeled list */
      }
    }
    const next: Device[] = [];
    for (const d of list) {
      const base = { id: d.deviceId, name: d.label || d.kind, ...(d.groupId ? { group: d.groupId } : {}), ...(d.deviceId === 'default' ? { default: true } : {}) };
      if (d.kind === 'audioinput') next.push({ ...base, kind: 'mic' });
      else if (d.kind === 'videoinput') next.push({ ...base, kind: 'camera' });
      else if (d.kind === 'audiooutput') next.push({ ...base, kind: 'speaker' }, { ...base, kind: 'ringer' });
    }
    const k = (d: Device): string => `${d.kind}:${d.id}`;
    const before = new Map(this.devices.map((d) => [k(d), d]));
    const after = new Map(next.map((d) => [k(d), d]));
    const added = next.filter((d) => !before.has(k(d)));
    const removed = this.devices.filter((d) => !after.has(k(d)));
    this.devices = next;
    if (notify && (added.length || removed.length)) this.emit('media', '*', { mt: 'DevicesChanged', devices: next, added, removed });
  }

  outputs(): Device[] {
    return this.devices.filter((d) => d.kind === 'speaker');
  }

  // ---- ringer -----------------------------------------------------------------------------

  private async onRinger(session: string, msg: Msg): Promise<void> {
    const reply = (m: Record<string, unknown>): void => this.emit('ringer', session, m);
    switch (msg.mt) {
      case 'QueryRingers':
        await this.refreshDevices(false);
        return reply({ mt: 'Ringers', devices: this.devices.filter((d) => d.kind === 'ringer') });
      case 'StopRinging':
        this.ringers.get(session)?.stop();
        this.ringers.delete(session);
        return reply({ mt: 'StopRingingResult' });
      case 'StartRinging':
      case 'PlayNotificationTone': {
        const once = msg.mt === 'PlayNotificationTone';
        if (!once) {
          this.ringers.get(session)?.stop();
          this.ringers.delete(session);
        }
        const device = await this.ringerDevice(String(msg.device ?? ''));
        const r = new Ringing(msg.source as RingtoneSource, device, once);
        const ok = once ? 'PlayNotificationToneResult' : 'StartRingingResult';
        try {
          await r.start();
          if (!once) this.ringers.set(session, r);
          reply({ mt: ok, ...(once ? {} : { ringtone: msg.resolved, device }), ...(msg.fallback ? { fallback: true } : {}) });
        } catch (err) {
          r.stop();
          reply({ mt: ok, ...(once ? {} : { ringtone: msg.resolved, device }), error: MediaErrorCode.DEVICE_FAILED, errorText: String(err) });
        }
        return;
      }
    }
  }

  /** The device to ring on: the app's choice, else the headset (Ring in headset), else the default. */
  private async ringerDevice(requested: string): Promise<string> {
    if (requested) return requested;
    if (!this.config.ringInHeadset) return '';
    if (this.devices.length === 0) await this.refreshDevices(false);
    const names = [...this.headsets.values()].map((h) => h.info.name.toLowerCase());
    const out = this.outputs().filter((d) => d.id !== 'default' && d.id !== 'communications');
    const hit =
      out.find((d) => names.some((n) => n && (d.name.toLowerCase().includes(n) || n.includes(d.name.toLowerCase())))) ??
      out.find((d) => /headset|headphone|jabra|epos|sennheiser|poly|plantronics|yealink|snom/i.test(d.name));
    return hit?.id ?? '';
  }

  // ---- headsets (WebHID) ------------------------------------------------------------------

  private async startHid(): Promise<void> {
    if (this.hidStarted || !('hid' in navigator)) return;
    this.hidStarted = true;
    const hid = (navigator as unknown as { hid: HidApi }).hid;
    hid.addEventListener('connect', (e) => void this.addHeadset(e.device));
    hid.addEventListener('disconnect', (e) => this.removeHeadset(e.device));
    for (const d of await hid.getDevices()) await this.addHeadset(d);
  }

  private stopHid(): void {
    for (const h of this.headsets.values()) void h.close();
    for (const id of [...this.headsets.keys()]) {
      this.headsets.delete(id);
      this.emit('media', '*', { mt: 'HeadsetRemoved', id });
    }
  }

  private async addHeadset(device: HidDeviceLike): Promise<void> {
    if (this.config.disableHeadsets) return;
    const desc = fromWebHidCollections(device.collections as WebHidCollectionInfo[]);
    if (!isHeadsetCandidate(device.vendorId, desc) || !desc.fields.some((f) => f.type === 'input')) return;
    const id = `hid:${device.vendorId.toString(16)}:${device.productId.toString(16)}:${device.productName}`;
    if (this.headsets.has(id)) return;
    const h = new HeadsetHandle(id, device, desc, (key) => this.emit('media', '*', { mt: 'HookKey', device: id, key, code: HOOK_KEY_CODES[key] }));
    try {
      await h.open();
    } catch (err) {
      console.warn('headset open failed', err);
      return;
    }
    this.headsets.set(id, h);
    this.emit('media', '*', { mt: 'HeadsetAdded', headset: h.info });
  }

  private removeHeadset(device: HidDeviceLike): void {
    for (const [id, h] of this.headsets) {
      if (h.device === device) {
        this.headsets.delete(id);
        this.emit('media', '*', { mt: 'HeadsetRemoved', id });
      }
    }
  }

  /** Debug view for the launcher's diagnostics and the tests. */
  snapshot(): Record<string, unknown> {
    return {
      connected: this.ws?.readyState === WebSocket.OPEN,
      channels: [...this.channels.values()].map((c) => ({ session: c.session, channel: c.id, kind: c.kind, state: c.pc.connectionState })),
      views: this.views.snapshot(),
      ringing: [...this.ringers.entries()].map(([session, r]) => ({ session, ...r.snapshot() })),
      headsets: [...this.headsets.values()].map((h) => h.info),
      devices: this.devices.length,
    };
  }
}

// ---- a channel --------------------------------------------------------------------------------

class Channel {
  readonly id: string;
  readonly kind: ChannelKind;
  readonly pc: RTCPeerConnection;
  private stream: MediaStream | null = null;
  private readonly remote = new MediaStream();
  private sink: HTMLMediaElement | null = null;
  private pending: RTCIceCandidateInit[] = [];
  /** Local candidates found before the description that carries them was sent (null: trickle open). */
  private held: (SignalCandidate | 'end')[] | null = [];
  /** The candidates of the last description sent (not trickled again). */
  private described: SignalCandidate[] = [];
  private version = 2;
  private readonly sessionId = String(Math.floor(Math.random() * 1e15));
  private preference: CoderName[];
  private closed = false;
  private lastState = '';
  private readonly recordingWanted: boolean;
  private recordingOn: boolean;
  private readonly piped = new WeakSet<object>();
  private recBuf: Record<string, unknown>[] = [];
  private recTimer: ReturnType<typeof setInterval> | null = null;
  private readonly recSeq = { tx: 0, rx: 0 };

  constructor(private readonly engine: Engine, readonly session: string, private readonly a: AllocChannel) {
    this.id = a.channel;
    this.kind = a.kind;
    this.preference = a.codecs?.length ? a.codecs : DEFAULT_CODECS[a.kind];
    const iceServers: RTCIceServer[] = a.iceServers.map((s) => ({ urls: s.urls, ...(s.username ? { username: s.username } : {}), ...(s.credential ? { credential: s.credential } : {}) }));
    this.recordingWanted = this.kind === 'audio' && !!a.recording;
    this.recordingOn = this.recordingWanted && a.recording?.on !== false;
    // Recording needs the encoded frames of every sender and receiver (Encoded Transform).
    // iceCandidatePoolSize: gathering starts at AllocChannel, so the description (sent once
    // gathering is done, ./gather.ts) is ready sooner.
    this.pc = new RTCPeerConnection({ iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require', iceCandidatePoolSize: 1, ...(this.recordingWanted ? { encodedInsertableStreams: true } : {}) } as RTCConfiguration);
    this.pc.onicecandidate = (ev) => this.onLocalCandidate(ev.candidate);
    this.pc.onconnectionstatechange = () => this.onState();
    this.pc.ontrack = (ev) => {
      this.pipe(ev.receiver, 'rx');
      this.remote.addTrack(ev.track);
      this.attachSink();
    };
  }

  private reply(m: Record<string, unknown>): void {
    this.engine.emit('media', this.session, { ...m, channel: this.id });
  }

  async alloc(): Promise<void> {
    const sends = this.a.direction !== 'recvonly';
    if (sends) this.stream = await this.capture(this.a.device);
  }

  /** What the capture device delivers (video/appsharing): size and frame rate. */
  captureSettings(): { width: number; height: number; frameRate: number } | undefined {
    const t = this.stream?.getVideoTracks()[0];
    if (!t) return undefined;
    const st = t.getSettings();
    return { width: st.width ?? 0, height: st.height ?? 0, frameRate: Math.round(st.frameRate ?? 0) };
  }

  private async capture(device: string | undefined): Promise<MediaStream> {
    const md = navigator.mediaDevices;
    if (this.kind === 'audio') {
      return md.getUserMedia({ audio: { ...(device ? { deviceId: { exact: device } } : {}), echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
    }
    if (this.kind === 'appsharing') {
      // The launcher's display-media handler answers with the source the user picked.
      return md.getDisplayMedia({ video: { width: { max: 1920 }, height: { max: 1080 }, frameRate: { ideal: 30, max: 30 } }, audio: false });
    }
    let lastErr: unknown;
    for (const size of VIDEO_FALLBACKS) {
      for (const fps of [30, 15]) {
        try {
          return await md.getUserMedia({
            video: { ...(device ? { deviceId: { exact: device } } : {}), width: { exact: size.width }, height: { exact: size.height }, frameRate: { min: fps, ideal: fps } },
          });
        } catch (err) {
          lastErr = err;
          if ((err as DOMException).name !== 'OverconstrainedError') throw err;
        }
      }
    }
    throw lastErr ?? new Error('no camera mode');
  }

  /** Adds our track (or a receive-only transceiver) before the first offer/answer. */
  private addLocal(): void {
    if (this.pc.getTransceivers().length) return;
    const track = this.stream?.getTracks()[0];
    if (track) {
      this.pc.addTrack(track, this.stream!);
      const t = this.pc.getTransceivers()[0]!;
      t.direction = this.a.direction;
    } else {
      this.pc.addTransceiver(this.kind === 'audio' ? 'audio' : 'video', { direction: 'recvonly' });
    }
  }

  /** Routes a sender's or receiver's encoded frames through the recorder (recording channels only). */
  private pipe(x: RTCRtpSender | RTCRtpReceiver, dir: 'tx' | 'rx'): void {
    if (!this.recordingWanted || this.piped.has(x)) return;
    const create = (x as unknown as { createEncodedStreams?: () => { readable: ReadableStream; writable: WritableStream } }).createEncodedStreams;
    if (typeof create !== 'function') return;
    this.piped.add(x);
    const { readable, writable } = create.call(x);
    const capture = (frame: EncodedFrame): void => this.record(frame, dir);
    void readable
      .pipeThrough(new TransformStream({ transform: (frame: EncodedFrame, ctl) => { capture(frame); ctl.enqueue(frame); } }))
      .pipeTo(writable)
      .catch(() => undefined);
  }

  private pipeAll(): void {
    for (const t of this.pc.getTransceivers()) {
      this.pipe(t.sender, 'tx');
      this.pipe(t.receiver, 'rx');
    }
  }

  private record(frame: EncodedFrame, dir: 'tx' | 'rx'): void {
    if (!this.recordingOn || this.closed) return;
    const meta = frame.getMetadata();
    const bytes = new Uint8Array(frame.data.slice(0));
    let bin = '';
    for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
    this.recSeq[dir] = (this.recSeq[dir] + 1) & 0xffff;
    this.recBuf.push({
      d: dir,
      t: Date.now(),
      pt: meta.payloadType ?? this.sendPt ?? 0,
      seq: meta.sequenceNumber ?? this.recSeq[dir],
      ts: frame.timestamp >>> 0,
      ssrc: meta.synchronizationSource ?? 0,
      p: btoa(bin),
    });
    if (!this.recTimer) this.recTimer = setInterval(() => this.flushRecording(), 250);
    if (this.recBuf.length >= 100) this.flushRecording();
  }

  private cachedPt: { sdp: string; pt: number | undefined } | null = null;
  /** Payload type of the first codec of the peer's description (when frames carry none). */
  private get sendPt(): number | undefined {
    const sdp = this.pc.currentRemoteDescription?.sdp;
    if (!sdp) return undefined;
    if (this.cachedPt?.sdp !== sdp) this.cachedPt = { sdp, pt: sdpToChannels(sdp, this.kind).ch?.[0]?.pt };
    return this.cachedPt.pt;
  }

  private flushRecording(): void {
    if (this.recBuf.length === 0) return;
    const packets = this.recBuf;
    this.recBuf = [];
    this.reply({ mt: 'RecordingData', packets });
  }

  setRecording(on: boolean): string | null {
    if (!this.recordingWanted) return 'this channel was not allocated with recording';
    this.recordingOn = on;
    if (!on) this.flushRecording();
    this.reply({ mt: 'RecordingState', state: on ? 'recording' : 'paused' });
    return null;
  }

  private applyCodecPreferences(): void {
    const t = this.pc.getTransceivers()[0];
    const caps = RTCRtpReceiver.getCapabilities(this.kind === 'audio' ? 'audio' : 'video');
    if (!t || !caps || typeof t.setCodecPreferences !== 'function') return;
    const wanted = orderCoders(
      caps.codecs.map((c, i) => ({ coder: coderOfMime(c.mimeType, c.clockRate, c.sdpFmtpLine) ?? '', pt: i, ...(c.sdpFmtpLine ? { fmtp: c.sdpFmtpLine } : {}) })).filter((c) => c.coder),
      this.preference,
    );
    const codecs = wanted.map((w) => caps.codecs[w.pt]!).filter((c) => !/rtx/i.test(c.mimeType));
    const rtx = caps.codecs.filter((c) => /rtx/i.test(c.mimeType));
    if (codecs.length) {
      try {
        t.setCodecPreferences([...codecs, ...(this.kind === 'audio' ? [] : rtx)]);
      } catch (err) {
        console.warn('setCodecPreferences failed', err);
      }
    }
  }

  /** Our description once ICE gathering is complete (or its time is up): this channel's `channels` block. */
  private async describe(): Promise<Channels> {
    await waitForGathering(this.pc, { hostOnly: this.a.iceServers.length === 0 });
    const d = sdpToChannels(this.pc.localDescription?.sdp ?? '', this.kind);
    d.ch = orderCoders(d.ch ?? [], this.preference);
    const { excludeAddresses, excludePrefixes } = this.engine.config;
    restrictCandidates(d, this.kind, (c) => candidateAllowed(c, excludeAddresses, excludePrefixes));
    this.described = d[`${MEDIA_OF_KIND[this.kind]}_ice`]?.candidate ?? [];
    return d;
  }

  /** After a LocalDescription went out: later candidates (and the end) trickle as LocalCandidate. */
  openTrickle(): void {
    const late = (this.held ?? []).filter((c) => c === 'end' || !this.described.some((d) => d.addr === c.addr && d.rtp === c.rtp));
    this.held = null;
    for (const c of late) this.reply(c === 'end' ? { mt: 'LocalCandidate', end: true } : { mt: 'LocalCandidate', candidate: c });
  }

  async createOffer(iceRestart: boolean): Promise<Channels> {
    this.held = [];
    this.addLocal();
    this.pipeAll();
    this.applyCodecPreferences();
    const offer = await this.pc.createOffer({ iceRestart });
    let sdp = offer.sdp ?? '';
    try {
      const munged = mungeCodecs(sdp, this.kind, this.preference);
      await this.pc.setLocalDescription({ type: 'offer', sdp: munged });
      sdp = munged;
    } catch {
      // Chromium refused the munged SDP: use its own (the preferences above already apply).
      await this.pc.setLocalDescription(offer);
    }
    return this.describe();
  }

  /** PROPOSAL: the peer's offer -> our answer (returned). SELECT: the peer's answer to our offer. */
  async setRemote(cmd: 'PROPOSAL' | 'SELECT', channels: Channels): Promise<Channels | null> {
    const mid = this.pc.getTransceivers()[0]?.mid ?? '0';
    const sdp = channelsToSdp(channels, this.kind, { cmd, sessionId: this.sessionId, sessionVersion: this.version++, mids: [mid] });
    if (cmd === 'SELECT') {
      await this.pc.setRemoteDescription({ type: 'answer', sdp });
      await this.flushCandidates();
      return null;
    }
    if (this.pc.signalingState === 'have-local-offer') await this.pc.setLocalDescription({ type: 'rollback' });
    this.held = [];
    const hadLocal = this.pc.getTransceivers().length > 0;
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    const t = this.pc.getTransceivers()[0];
    if (t && !hadLocal) {
      const track = this.stream?.getTracks()[0];
      if (track) {
        await t.sender.replaceTrack(track);
        t.sender.setStreams?.(this.stream!);
      }
      t.direction = track ? this.a.direction : 'recvonly';
    }
    this.pipeAll();
    this.applyCodecPreferences();
    await this.flushCandidates();
    const answer = await this.pc.createAnswer();
    let asdp = answer.sdp ?? '';
    try {
      asdp = mungeCodecs(asdp, this.kind, this.preference);
      await this.pc.setLocalDescription({ type: 'answer', sdp: asdp });
    } catch {
      await this.pc.setLocalDescription(answer);
    }
    return this.describe();
  }

  async addRemoteCandidate(c: SignalCandidate | undefined, end: boolean): Promise<void> {
    const mid = this.pc.getTransceivers()[0]?.mid ?? '0';
    const init: RTCIceCandidateInit = c ? { candidate: candidateToString(c), sdpMid: mid, sdpMLineIndex: 0 } : { candidate: '', sdpMid: mid, sdpMLineIndex: 0 };
    if (!c && !end) return;
    if (!this.pc.remoteDescription) {
      this.pending.push(init);
      return;
    }
    await this.pc.addIceCandidate(init);
  }

  private async flushCandidates(): Promise<void> {
    const p = this.pending;
    this.pending = [];
    for (const init of p) await this.pc.addIceCandidate(init).catch((err) => console.warn('candidate', err));
  }

  private onLocalCandidate(c: RTCIceCandidate | null): void {
    if (this.closed) return;
    if (!c || !c.candidate) {
      if (this.held) this.held.push('end');
      else this.reply({ mt: 'LocalCandidate', end: true });
      return;
    }
    const parsed = parseCandidate(c.candidate);
    if (!parsed || parsed.transport !== 'udp' || parsed.component !== 1) return;
    const { excludeAddresses, excludePrefixes } = this.engine.config;
    if (!candidateAllowed(parsed.candidate, excludeAddresses, excludePrefixes)) return;
    if (this.held) this.held.push(parsed.candidate);
    else this.reply({ mt: 'LocalCandidate', candidate: parsed.candidate });
  }

  private onState(): void {
    const s = this.pc.connectionState;
    if (s === this.lastState || this.closed) return;
    this.lastState = s;
    const state = s === 'connecting' ? 'checking' : s;
    const coder = s === 'connected' && this.pc.currentRemoteDescription ? firstCoder(sdpToChannels(this.pc.currentRemoteDescription.sdp, this.kind).ch ?? []) : undefined;
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
      const s = await this.capture(device || undefined);
      const track = s.getTracks()[0]!;
      const sender = this.pc.getSenders()[0];
      if (sender) await sender.replaceTrack(track);
      this.stream?.getTracks().forEach((t) => t.stop());
      this.stream = s;
      this.a.device = device;
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
    return out;
  }

  close(reason: 'closed' | 'session' | 'engine' | 'failed', notify = true): void {
    if (this.closed) return;
    if (this.recordingWanted) {
      this.flushRecording();
      if (this.recTimer) clearInterval(this.recTimer);
      this.reply({ mt: 'RecordingEnd' });
    }
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

async function setSink(el: HTMLMediaElement | AudioContext, id: string): Promise<void> {
  const f = (el as unknown as { setSinkId?: (id: string) => Promise<void> }).setSinkId;
  if (!f) throw new Error('setSinkId not supported');
  await f.call(el, id === 'default' ? '' : id);
}

// ---- ringing ------------------------------------------------------------------------------------

class Ringing {
  private ctx: AudioContext | null = null;
  private audio: HTMLAudioElement | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private cycles = 0;

  constructor(private readonly source: RingtoneSource, readonly device: string, private readonly once: boolean) {}

  async start(): Promise<void> {
    if (this.source.kind === 'url') {
      const a = new Audio(this.source.url);
      a.loop = !this.once;
      this.audio = a;
      if (this.device) await setSink(a, this.device);
      await a.play();
      return;
    }
    const ctx = new AudioContext();
    this.ctx = ctx;
    if (this.device) await setSink(ctx, this.device);
    await ctx.resume();
    this.cycle();
  }

  /** Plays one cadence of the built-in pattern (on/off pairs), then schedules the next. */
  private cycle(): void {
    if (this.stopped || !this.ctx || this.source.kind !== 'builtin') return;
    const p = this.source.pattern;
    const ctx = this.ctx;
    let t = ctx.currentTime + 0.02;
    for (let i = 0; i < p.cadence.length; i += 2) {
      const on = p.cadence[i]! / 1000;
      const gain = ctx.createGain();
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(p.gain / p.freqs.length, t + 0.01);
      gain.gain.setValueAtTime(p.gain / p.freqs.length, t + on - 0.01);
      gain.gain.linearRampToValueAtTime(0, t + on);
      gain.connect(ctx.destination);
      for (const f of p.freqs) {
        const o = ctx.createOscillator();
        o.frequency.value = f;
        o.connect(gain);
        o.start(t);
        o.stop(t + on);
      }
      t += on + (p.cadence[i + 1] ?? 0) / 1000;
    }
    this.cycles++;
    const total = p.cadence.reduce((a, b) => a + b, 0);
    if (!this.once && !p.once) this.timer = setTimeout(() => this.cycle(), total);
    else this.timer = setTimeout(() => this.stop(), total + 50);
  }

  snapshot(): Record<string, unknown> {
    return {
      kind: this.source.kind,
      device: this.device,
      playing: !this.stopped && (this.audio ? !this.audio.paused : this.ctx?.state === 'running'),
      cycles: this.cycles,
      position: this.audio ? this.audio.currentTime : this.ctx?.currentTime ?? 0,
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.audio) {
      this.audio.pause();
      this.audio.removeAttribute('src');
      this.audio.load();
    }
    void this.ctx?.close().catch(() => undefined);
  }
}

// ---- WebHID glue ---------------------------------------------------------------------------------

interface HidDeviceLike {
  vendorId: number;
  productId: number;
  productName: string;
  opened: boolean;
  collections: unknown[];
  open(): Promise<void>;
  close(): Promise<void>;
  sendReport(reportId: number, data: BufferSource): Promise<void>;
  addEventListener(type: 'inputreport', cb: (e: { reportId: number; data: DataView }) => void): void;
}
interface HidApi {
  getDevices(): Promise<HidDeviceLike[]>;
  addEventListener(type: 'connect' | 'disconnect', cb: (e: { device: HidDeviceLike }) => void): void;
}

class HeadsetHandle {
  readonly info: Headset;
  private readonly decoder: HeadsetDecoder;

  constructor(id: string, readonly device: HidDeviceLike, private readonly desc: ReturnType<typeof fromWebHidCollections>, private readonly onKey: (k: HookKeyName) => void) {
    this.decoder = new HeadsetDecoder(desc);
    this.info = { id, name: device.productName, vendorId: device.vendorId, productId: device.productId, leds: availableLeds(desc) };
  }

  async open(): Promise<void> {
    if (!this.device.opened) await this.device.open();
    this.device.addEventListener('inputreport', (e) => {
      const data = new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength);
      for (const k of this.decoder.decode(e.reportId, data)) this.onKey(k);
    });
  }

  async setLeds(state: { offHook: boolean; ring: boolean; mute: boolean; hold: boolean }): Promise<number> {
    let n = 0;
    for (const r of buildLedReports(this.desc, state)) {
      await this.device.sendReport(r.reportId, r.data as Uint8Array<ArrayBuffer>);
      n++;
    }
    return n;
  }

  async close(): Promise<void> {
    if (this.device.opened) await this.device.close();
  }
}

// ---- boot ---------------------------------------------------------------------------------------

function boot(): void {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token') ?? '';
  const secret = params.get('secret') ?? '';
  // Keep the secrets out of the history/referrer once read.
  history.replaceState(null, '', location.pathname);
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${MEDIA_ENGINE_PATH}?token=${encodeURIComponent(token)}&v=1`;
  const engine = new Engine(url, secret);
  (globalThis as unknown as { mediaEngine: { snapshot(): Record<string, unknown> } }).mediaEngine = { snapshot: () => engine.snapshot() };
  engine.start();
}

if (typeof window !== 'undefined' && typeof document !== 'undefined') boot();
