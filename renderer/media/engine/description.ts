/**
 * Description handling of one media-engine channel (docs/media-protocol.md): everything that
 * turns the channel's RTCPeerConnection offers/answers into the protocol's descriptions and back
 * — CreateOffer, RemoteDescription (PROPOSAL: the peer's offer, answered; SELECT: the peer's
 * answer) and RemoteCandidate requests, LocalCandidate events, the SDP conversion (../sdp.ts),
 * codec preference (setCodecPreferences plus SDP munging) and the candidate exclusions (VPN
 * interfaces, EXCLUDEINTERFACES: never signalled, never accepted). Split out of ./engine.ts and
 * kept in one file so a change of the description shape lands here only.
 */
import type { AllocChannel, Candidate, ChannelKind, CoderName, EngineConfig, MediaDescription } from '../../../common/media';
import { MediaErrorCode } from '../../../common/media';
import { coderOfMime } from '../../../common/codecs';
import { candidateAllowed, candidateToString, descriptionToSdp, firstCoder, mungeCodecs, orderCoders, parseCandidate, sdpToDescription } from '../sdp';
import type { Msg, Reply } from './types';

/** A capability's or stats codec's coder (common/codecs.ts); a clock rate of 0 means unknown. */
export function coderOfCap(c: { mimeType: string; clockRate: number; sdpFmtpLine?: string }): CoderName | undefined {
  return coderOfMime(c.mimeType, c.clockRate || undefined, c.sdpFmtpLine);
}

/** The Media protocol requests ./engine.ts hands to onDescriptionRequest (for an existing channel). */
export const DESCRIPTION_REQUESTS: ReadonlySet<string> = new Set(['CreateOffer', 'RemoteDescription', 'RemoteCandidate']);

/** Answers a description request of a channel (its Negotiation). */
export async function onDescriptionRequest(n: Negotiation, msg: Msg, reply: Reply): Promise<void> {
  switch (msg.mt) {
    case 'CreateOffer':
      try {
        reply({ mt: 'LocalDescription', channel: msg.channel, cmd: 'PROPOSAL', media: await n.createOffer(!!msg.iceRestart) });
      } catch (err) {
        reply({ mt: 'ChannelError', channel: msg.channel, code: MediaErrorCode.SDP_FAILED, errorText: String(err) });
      }
      return;
    case 'RemoteDescription':
      try {
        const answer = await n.setRemote(msg.cmd as 'PROPOSAL' | 'SELECT', msg.media as MediaDescription);
        if (answer) reply({ mt: 'LocalDescription', channel: msg.channel, cmd: 'SELECT', media: answer });
        else reply({ mt: 'RemoteDescriptionResult', channel: msg.channel });
      } catch (err) {
        reply({ mt: 'ChannelError', channel: msg.channel, code: MediaErrorCode.SDP_FAILED, errorText: String(err) });
      }
      return;
    case 'RemoteCandidate':
      try {
        await n.addRemoteCandidate(msg.candidate as Candidate | undefined, !!msg.end);
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
  /** What we send (null: receive only), current after a device change. */
  localStream(): MediaStream | null;
  /** The engine's configuration (address exclusions). */
  config(): EngineConfig;
  /** Called before every offer/answer once the transceivers exist (the recorder pipes them). */
  beforeDescription(): void;
  /** An event of this channel (LocalCandidate). */
  send(m: Record<string, unknown>): void;
}

/** Offer/answer and candidates of one channel, in the protocol's description shape. */
export class Negotiation {
  private pending: RTCIceCandidateInit[] = [];
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

  async createOffer(iceRestart: boolean): Promise<MediaDescription> {
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
    return this.describe(this.pc.localDescription?.sdp ?? sdp);
  }

  /** PROPOSAL: the peer's offer -> our answer (returned). SELECT: the peer's answer to our offer. */
  async setRemote(cmd: 'PROPOSAL' | 'SELECT', media: MediaDescription): Promise<MediaDescription | null> {
    if (media.kind !== this.kind && !(media.kind !== 'audio' && this.kind !== 'audio')) throw new Error(`remote is ${media.kind}, channel is ${this.kind}`);
    const remoteKind = { ...media, kind: this.kind };
    const mid = this.pc.getTransceivers()[0]?.mid ?? '0';
    const sdp = descriptionToSdp(remoteKind, { sessionId: this.sessionId, sessionVersion: this.version++, mid });
    if (cmd === 'SELECT') {
      await this.pc.setRemoteDescription({ type: 'answer', sdp });
      await this.flushCandidates();
      return null;
    }
    if (this.pc.signalingState === 'have-local-offer') await this.pc.setLocalDescription({ type: 'rollback' });
    const hadLocal = this.pc.getTransceivers().length > 0;
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
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
    return this.describe(this.pc.localDescription?.sdp ?? asdp);
  }

  async addRemoteCandidate(c: Candidate | undefined, end: boolean): Promise<void> {
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
      this.host.send({ mt: 'LocalCandidate', end: true });
      return;
    }
    const parsed = parseCandidate(c.candidate);
    if (!parsed || parsed.transport !== 'udp') return;
    const { excludeAddresses, excludePrefixes } = this.host.config();
    if (!candidateAllowed(parsed, excludeAddresses, excludePrefixes)) return;
    this.host.send({ mt: 'LocalCandidate', candidate: parsed });
  }

  /** The first codec the peer's current description lists (what the peer asked us to send). */
  remoteCoder(): CoderName | undefined {
    const remote = this.pc.currentRemoteDescription;
    return remote ? firstCoder(sdpToDescription(remote.sdp, this.kind)) : undefined;
  }

  /** Payload type of the first codec of the peer's description (when recorded frames carry none). */
  remotePayloadType(): number | undefined {
    const sdp = this.pc.currentRemoteDescription?.sdp;
    if (!sdp) return undefined;
    if (this.cachedPt?.sdp !== sdp) this.cachedPt = { sdp, pt: sdpToDescription(sdp, this.kind).coders[0]?.pt };
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
      caps.codecs.map((c, i) => ({ coder: coderOfCap(c) ?? 'CN', pt: i, rate: c.clockRate, ...(c.sdpFmtpLine ? { fmtp: c.sdpFmtpLine } : {}), known: !!coderOfCap(c) })).filter((c) => c.known),
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

  private describe(sdp: string): MediaDescription {
    const d = sdpToDescription(sdp, this.kind);
    d.coders = orderCoders(d.coders, this.preference);
    const { excludeAddresses, excludePrefixes } = this.host.config();
    d.ice.candidates = d.ice.candidates.filter((c) => c.transport === 'udp' && candidateAllowed(c, excludeAddresses, excludePrefixes));
    return d;
  }
}
