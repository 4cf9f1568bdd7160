/**
 * Description handling of one media-engine channel (docs/media-protocol.md): everything that
 * turns the channel's RTCPeerConnection offers/answers into the protocol's descriptions and back
 * — CreateOffer, RemoteDescription (channels_cmd PROPOSAL: the peer's offer, answered; SELECT:
 * the peer's answer; REQUEST: a new offer of ours; CLOSE) and RemoteCandidate requests,
 * LocalCandidate events. Descriptions are innovaphone's Signal `channels`, converted to/from SDP
 * (../channels.ts) and sent once ICE gathering is complete (../gather.ts; later candidates
 * trickle); codec preference (setCodecPreferences plus SDP munging, ../sdp.ts) and the candidate
 * exclusions (VPN interfaces, EXCLUDEINTERFACES: never signalled, never accepted). Split out of
 * ./engine.ts and kept in one file so a change of the description shape lands here only.
 */
import type { AllocChannel, ChannelKind, Channels, CoderName, EngineConfig, SignalCandidate } from '../../../common/media';
import { MEDIA_OF_KIND, MediaErrorCode } from '../../../common/media';
import { coderOfMime } from '../../../common/codecs';
import { candidateAllowed, candidateToString, firstCoder, mungeCodecs, orderCoders, parseCandidate } from '../sdp';
import { ABS_SEND_TIME_ID, ABS_SEND_TIME_URI, channelsToSdp, extensionId, restrictCandidates, sdpToChannels } from '../channels';
import { waitForGathering } from '../gather';
import type { Msg, Reply } from './types';

/** The Media protocol requests ./engine.ts hands to onDescriptionRequest (for an existing channel). */
export const DESCRIPTION_REQUESTS: ReadonlySet<string> = new Set(['CreateOffer', 'RemoteDescription', 'RemoteCandidate']);

/** Answers a description request of a channel (its Negotiation). */
export async function onDescriptionRequest(n: Negotiation, msg: Msg, reply: Reply): Promise<void> {
  switch (msg.mt) {
    case 'CreateOffer':
      try {
        reply({ mt: 'LocalDescription', channel: msg.channel, channels_cmd: 'PROPOSAL', channels: await n.createOffer(!!msg.iceRestart) });
        n.openTrickle();
      } catch (err) {
        reply({ mt: 'ChannelError', channel: msg.channel, code: MediaErrorCode.SDP_FAILED, errorText: String(err) });
      }
      return;
    case 'RemoteDescription': {
      const cmd = msg.channels_cmd as string;
      try {
        if (cmd === 'CLOSE') return n.close();
        const local = cmd === 'REQUEST' ? await n.createOffer(false) : cmd === 'PROPOSAL' || cmd === 'SELECT' ? await n.setRemote(cmd, msg.channels as Channels) : null;
        if (local) {
          reply({ mt: 'LocalDescription', channel: msg.channel, channels_cmd: cmd === 'REQUEST' ? 'PROPOSAL' : 'SELECT', channels: local });
          n.openTrickle();
        } else reply({ mt: 'RemoteDescriptionResult', channel: msg.channel });
      } catch (err) {
        reply({ mt: 'ChannelError', channel: msg.channel, code: MediaErrorCode.SDP_FAILED, errorText: String(err) });
      }
      return;
    }
    case 'RemoteCandidate':
      try {
        await n.addRemoteCandidate(msg.candidate as SignalCandidate | undefined, !!msg.end);
      } catch (err) {
        reply({ mt: 'ChannelError', channel: msg.channel, code: MediaErrorCode.BAD_REQUEST, errorText: `candidate refused: ${String(err)}` });
      }
      return;
  }
}

/** What a Negotiation needs of its channel. */
export interface NegotiationHost {
  readonly pc: RTCPeerConnection;
  readonly kind: ChannelKind;
  /** The direction the app allocated the channel with. */
  readonly direction: AllocChannel['direction'];
  /** The channel has no STUN/TURN servers: its host candidates are all it will describe. */
  readonly hostOnly: boolean;
  /** What we send (null: receive only), current after a device change. */
  localStream(): MediaStream | null;
  /** The engine's configuration (address exclusions). */
  config(): EngineConfig;
  /** Called before every offer/answer once the transceivers exist (the recorder pipes them). */
  beforeDescription(): void;
  /** A setup step happened (Stats.timeline). */
  step(name: 'described' | 'remote'): void;
  /** Our track is on its sender (appsharing: screen encoder settings, ./appsharing.ts). */
  senderReady(sender: RTCRtpSender): void;
  /** An event of this channel (LocalCandidate). */
  send(m: Record<string, unknown>): void;
  /** The peer closed the channel (channels_cmd CLOSE). */
  close(): void;
}

/** Offer/answer and candidates of one channel, in the protocol's description shape. */
export class Negotiation {
  private pending: RTCIceCandidateInit[] = [];
  /** Local candidates found before the description that carries them was sent (null: trickle open). */
  private held: (SignalCandidate | 'end')[] | null = [];
  /** The candidates of the last description sent (not trickled again). */
  private described: SignalCandidate[] = [];
  private version = 2;
  private readonly sessionId = String(Math.floor(Math.random() * 1e15));
  private cachedPt: { sdp: string; pt: number | undefined } | null = null;

  constructor(private readonly host: NegotiationHost, private readonly preference: CoderName[]) {}

  private get pc(): RTCPeerConnection {
    return this.host.pc;
  }

  private get kind(): ChannelKind {
    return this.host.kind;
  }

  /** channels_cmd CLOSE: the channel ends. */
  close(): void {
    this.host.close();
  }

  /** After a LocalDescription went out: later candidates (and the end) trickle as LocalCandidate. */
  openTrickle(): void {
    const late = (this.held ?? []).filter((c) => c === 'end' || !this.described.some((d) => d.addr === c.addr && d.rtp === c.rtp));
    this.held = null;
    for (const c of late) this.host.send(c === 'end' ? { mt: 'LocalCandidate', end: true } : { mt: 'LocalCandidate', candidate: c });
  }

  async createOffer(iceRestart: boolean): Promise<Channels> {
    this.held = [];
    this.addLocal();
    this.host.beforeDescription();
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
    // An answer names the header extension ids of our offer; an offer gets Chromium's own.
    const absSendTimeId = cmd === 'SELECT' ? (extensionId(this.pc.localDescription?.sdp, ABS_SEND_TIME_URI) ?? null) : ABS_SEND_TIME_ID;
    const sdp = channelsToSdp(channels, this.kind, { cmd, sessionId: this.sessionId, sessionVersion: this.version++, mids: [mid], absSendTimeId });
    if (cmd === 'SELECT') {
      await this.pc.setRemoteDescription({ type: 'answer', sdp });
      this.host.step('remote');
      await this.flushCandidates();
      return null;
    }
    if (this.pc.signalingState === 'have-local-offer') await this.pc.setLocalDescription({ type: 'rollback' });
    this.held = [];
    const hadLocal = this.pc.getTransceivers().length > 0;
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    this.host.step('remote');
    const t = this.pc.getTransceivers()[0];
    if (t && !hadLocal) await this.attachLocal(t);
    this.host.beforeDescription();
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

  /** A candidate (null/empty: end of candidates) the connection gathered: signalled unless excluded. */
  localCandidate(c: RTCIceCandidate | null): void {
    if (!c || !c.candidate) {
      if (this.held) this.held.push('end');
      else this.host.send({ mt: 'LocalCandidate', end: true });
      return;
    }
    const parsed = parseCandidate(c.candidate);
    if (!parsed || parsed.transport !== 'udp' || parsed.component !== 1) return;
    const { excludeAddresses, excludePrefixes } = this.host.config();
    if (!candidateAllowed(parsed.candidate, excludeAddresses, excludePrefixes)) return;
    if (this.held) this.held.push(parsed.candidate);
    else this.host.send({ mt: 'LocalCandidate', candidate: parsed.candidate });
  }

  /** The first codec the peer's current description lists (what the peer asked us to send). */
  remoteCoder(): CoderName | undefined {
    const remote = this.pc.currentRemoteDescription;
    return remote ? firstCoder(sdpToChannels(remote.sdp, this.kind).ch ?? []) : undefined;
  }

  /** Payload type of the first codec of the peer's description (when recorded frames carry none). */
  remotePayloadType(): number | undefined {
    const sdp = this.pc.currentRemoteDescription?.sdp;
    if (!sdp) return undefined;
    if (this.cachedPt?.sdp !== sdp) this.cachedPt = { sdp, pt: sdpToChannels(sdp, this.kind).ch?.[0]?.pt };
    return this.cachedPt.pt;
  }

  /** Adds our track (or a receive-only transceiver) before the first offer. */
  private addLocal(): void {
    if (this.pc.getTransceivers().length) return;
    const stream = this.host.localStream();
    const track = stream?.getTracks()[0];
    if (track) {
      this.pc.addTrack(track, stream!);
      const t = this.pc.getTransceivers()[0]!;
      t.direction = this.host.direction;
      this.host.senderReady(t.sender);
    } else {
      this.pc.addTransceiver(this.kind === 'audio' ? 'audio' : 'video', { direction: 'recvonly' });
    }
  }

  /** Puts our track on the transceiver the peer's first offer created. */
  private async attachLocal(t: RTCRtpTransceiver): Promise<void> {
    const stream = this.host.localStream();
    const track = stream?.getTracks()[0];
    if (track) {
      await t.sender.replaceTrack(track);
      t.sender.setStreams?.(stream!);
      this.host.senderReady(t.sender);
    }
    t.direction = track ? this.host.direction : 'recvonly';
  }

  private async flushCandidates(): Promise<void> {
    const p = this.pending;
    this.pending = [];
    for (const init of p) await this.pc.addIceCandidate(init).catch((err) => console.warn('candidate', err));
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
    await waitForGathering(this.pc, { hostOnly: this.host.hostOnly });
    const d = sdpToChannels(this.pc.localDescription?.sdp ?? '', this.kind);
    d.ch = orderCoders(d.ch ?? [], this.preference);
    const { excludeAddresses, excludePrefixes } = this.host.config();
    restrictCandidates(d, this.kind, (c) => candidateAllowed(c, excludeAddresses, excludePrefixes));
    this.described = d[`${MEDIA_OF_KIND[this.kind]}_ice`]?.candidate ?? [];
    this.host.step('described');
    return d;
  }
}
