/**
 * innovaphone's Signal `channels` (Signal.htm, "Channel Objects") <-> SDP, for Chromium's
 * RTCPeerConnection. Pure functions on sdp-transform; they run in the engine and in Node tests.
 *
 * A Media protocol channel has one kind and one m-section; its `channels` block is the one of its
 * media (audio -> `audio_*`, video -> `video_*`, appsharing -> `collab_*`, sent as a video stream)
 * plus the `ch` entries of that media. Several kinds at once (one m-section each, in the order
 * given) are converted the same way, each with its own ICE block, as Signal keeps them apart.
 *
 * What Chromium cannot express is refused with a clear error when there is nothing else
 * (SRTP `key` without a DTLS fingerprint, setup role `holdconn`, no RTCP multiplexing, no ICE) or
 * dropped when something usable is left (G.729, G.723, XPARENT, JRFB, T.38, multicast). The list
 * is in docs/media-protocol.md, "What does not round-trip".
 */
import { parse, write, type MediaAttributes, type SessionDescription } from 'sdp-transform';
import { MEDIA_OF_KIND, type ChannelKind, type Channels, type SignalCandidate, type SignalChannel, type SignalIce, type SignalMedia } from '../../common/media';
import { AUXILIARY_CODERS, CODERS, coderName, type CoderInfo } from '../../common/codecs';
import { candidateToString, fromSdpCandidate, usableCoder } from './sdp';

type Cmd = 'PROPOSAL' | 'SELECT';
type Block = Exclude<SignalMedia, 't38'>;
type SdpMedia = SessionDescription['media'][number];
type Direction = NonNullable<Channels['audio_direction']>;

/** Packetisation Chromium sends and prefers to receive for audio, ms (not expressed in its SDP). */
export const CHROMIUM_PTIME_MS = 20;

/** Fingerprint algorithms by digest length in bytes (Signal carries only the hex digest). */
const FINGERPRINT_ALG: Record<number, string> = { 20: 'sha-1', 28: 'sha-224', 32: 'sha-256', 48: 'sha-384', 64: 'sha-512' };

/** SDP `a=fingerprint` (algorithm + colon-separated hex) -> Signal hex string (lower case, no colons). */
export function fingerprintToHex(alg: string, hash: string): string {
  const hex = hash.replace(/:/g, '').toLowerCase();
  if (FINGERPRINT_ALG[hex.length / 2] !== alg.toLowerCase()) throw new Error(`DTLS fingerprint ${alg} cannot be expressed in Signal channels (only sha-1/224/256/384/512)`);
  return hex;
}

/** Signal hex fingerprint -> SDP algorithm and colon-separated upper-case hex. */
export function fingerprintFromHex(hex: string): { type: string; hash: string } {
  const h = hex.replace(/:/g, '').toUpperCase();
  const type = FINGERPRINT_ALG[h.length / 2];
  if (!type || !/^[0-9A-F]+$/.test(h)) throw new Error(`DTLS fingerprint of ${h.length / 2} bytes: no known hash algorithm`);
  return { type, hash: h.match(/../g)!.join(':') };
}

/** Which media a `ch` entry belongs to: ours `media`, else its coder's (video coders go to collab when only collab_ice exists). */
export function mediaOfEntry(entry: SignalChannel, channels: Channels): SignalMedia | undefined {
  if (entry.media) return entry.media;
  const info = (CODERS as Record<string, CoderInfo | undefined>)[entry.coder];
  if (!info) return undefined;
  if (info.media === 'video' && !channels.video_ice && channels.collab_ice) return 'collab';
  return info.media;
}

/** The part of `channels` that belongs to one kind (its block and its `ch` entries). */
export function channelsOfKind(channels: Channels, kind: ChannelKind): Channels {
  const b = MEDIA_OF_KIND[kind];
  const out: Channels = { ch: (channels.ch ?? []).filter((e) => mediaOfEntry(e, channels) === b) };
  for (const k of [`${b}_ice`, `${b}_rtcp_mux`, `${b}_setup_role`, `${b}_direction`] as const) {
    if (channels[k] !== undefined) (out as Record<string, unknown>)[k] = channels[k];
  }
  return out;
}

/**
 * Keeps only the candidates of `kind`'s block that `allowed` accepts (excluded interfaces), and
 * never leaves a refused address as the `ch` entries' default address (addr/port): it becomes the
 * first remaining host candidate (or any remaining one), or is removed.
 */
export function restrictCandidates(channels: Channels, kind: ChannelKind, allowed: (c: SignalCandidate) => boolean): void {
  const b = MEDIA_OF_KIND[kind];
  const ice = channels[`${b}_ice`];
  if (!ice) return;
  ice.candidate = (ice.candidate ?? []).filter(allowed);
  const fallback = ice.candidate.find((c) => !c.type || c.type === 'host') ?? ice.candidate[0];
  for (const e of channels.ch ?? []) {
    if (mediaOfEntry(e, channels) !== b || !e.addr || allowed({ addr: e.addr, rtp: e.port ?? 0, type: 'host' })) continue;
    if (fallback) Object.assign(e, { addr: fallback.addr, port: fallback.rtp });
    else {
      delete e.addr;
      delete e.port;
    }
  }
}

/** One `channels` object from the parts of several channels (a call's offer or answer). */
export function mergeChannels(parts: readonly Channels[], common: Pick<Channels, 'source' | 'id' | 'guid'> = {}): Channels {
  const out: Channels = { ...common, ch: [] };
  for (const p of parts) {
    const { ch, ...rest } = p;
    Object.assign(out, rest);
    out.ch!.push(...(ch ?? []));
  }
  return out;
}

// ---- SDP -> channels --------------------------------------------------------------------------

/** The Signal block of one m-section of a (Chromium) SDP. */
function blockFromSdp(sdp: SessionDescription, m: SdpMedia, kind: ChannelKind): Channels {
  const b = MEDIA_OF_KIND[kind];
  // sdp-transform turns all-digit values into numbers (a=ice-ufrag:7560 -> 7560): keep strings
  const usr = String(m.iceUfrag ?? sdp.iceUfrag ?? '');
  const pwd = String(m.icePwd ?? sdp.icePwd ?? '');
  const fp = m.fingerprint ?? sdp.fingerprint;
  if (!usr || !pwd) throw new Error('SDP lacks ICE credentials');
  if (!fp) throw new Error('SDP lacks a DTLS fingerprint');
  // (an all-digit hash is a number too)
  const ice: SignalIce = { fingerprint: fingerprintToHex(String(fp.type), String(fp.hash)), usr, pwd, candidate: [] };
  if (sdp.icelite) ice.lite = true;
  // Signal candidates carry RTP and RTCP of one address; UDP only (there is no transport field).
  for (const c of m.candidates ?? []) {
    const p = fromSdpCandidate(c);
    if (!p || p.transport !== 'udp') continue;
    if (p.component === 1) ice.candidate!.push(p.candidate);
    else if (p.component === 2) {
      const rtp = ice.candidate!.find((x) => x.foundation === p.candidate.foundation && x.addr === p.candidate.addr);
      if (rtp) Object.assign(rtp, { rtcp: p.candidate.rtp, rtcp_prio: p.candidate.rtp_prio, ...(p.candidate.r_rtp !== undefined ? { r_rtcp: p.candidate.r_rtp } : {}) });
    }
  }
  const out: Channels = { [`${b}_ice`]: ice, [`${b}_rtcp_mux`]: m.rtcpMux === 'rtcp-mux' };
  const setup = m.setup ?? sdp.setup;
  if (setup) (out as Record<string, unknown>)[`${b}_setup_role`] = setup;
  const direction = m.direction ?? sdp.direction ?? 'sendrecv';
  if (direction !== 'sendrecv') (out as Record<string, unknown>)[`${b}_direction`] = direction;
  out.ch = entriesFromSdp(m, kind, b);
  return out;
}

function entriesFromSdp(m: SdpMedia, kind: ChannelKind, b: Block): SignalChannel[] {
  const addr = m.connection?.ip && m.connection.ip !== '0.0.0.0' && m.connection.ip !== '::' ? String(m.connection.ip) : undefined;
  const port = addr && m.port && m.port !== 9 ? m.port : undefined;
  const fmtps = new Map((m.fmtp ?? []).map((f) => [f.payload, String(f.config)] as const));
  const entries: SignalChannel[] = [];
  for (const pt of String(m.payloads ?? '').split(/\s+/).filter(Boolean).map(Number)) {
    const r = m.rtp.find((x) => x.payload === pt);
    if (!r) continue;
    const fmtp = fmtps.get(pt);
    const coder = coderName(String(r.codec), r.rate, fmtp);
    if (!coder || !usableCoder(coder, kind)) continue;
    const e: SignalChannel = { coder, pt, media: b };
    if (r.rate !== undefined && r.rate !== CODERS[coder].clock) e.clock = r.rate;
    if (fmtp) e.fmtp = fmtp;
    if (kind === 'audio' && !AUXILIARY_CODERS.has(coder)) {
      e.xmit = CHROMIUM_PTIME_MS;
      e.rate = m.ptime ?? CHROMIUM_PTIME_MS;
    }
    if (addr && port) Object.assign(e, { addr, port });
    entries.push(e);
  }
  // RTX whose codec was dropped goes too.
  const pts = new Set(entries.map((e) => e.pt));
  const kept = entries.filter((e) => e.coder !== 'RTX' || pts.has(Number(/apt=(\d+)/.exec(e.fmtp ?? '')?.[1] ?? -1)));
  if (!kept.some((e) => !AUXILIARY_CODERS.has(e.coder))) throw new Error('no common codec in SDP');
  return kept;
}

/**
 * SDP -> Signal `channels`. `kinds`: the kind of the first audio/video m-section (one channel), or
 * one kind per audio/video m-section in order (e.g. ['audio', 'video', 'appsharing']).
 */
export function sdpToChannels(sdpText: string, kinds: ChannelKind | readonly ChannelKind[]): Channels {
  const sdp = parse(sdpText);
  const sections = sdp.media.filter((x) => x.type === 'audio' || x.type === 'video');
  if (!sections.length) throw new Error('SDP has no audio or video m-section');
  const list = typeof kinds === 'string' ? [kinds] : kinds;
  const parts = list.map((kind, i) => {
    const m = sections[i];
    if (!m) throw new Error(`SDP has no m-section for ${kind}`);
    const want = kind === 'audio' ? 'audio' : 'video';
    if (m.type !== want) throw new Error(`SDP m-section is ${m.type}, channel is ${kind}`);
    return blockFromSdp(sdp, m, kind);
  });
  return mergeChannels(parts);
}

// ---- channels -> SDP --------------------------------------------------------------------------

export interface ChannelsSdpOptions {
  /** PROPOSAL: `channels` is an offer; SELECT: an answer (decides the default DTLS role). */
  cmd: Cmd;
  /** Numeric session id for the o= line (stable per channel). */
  sessionId?: string;
  /** Incremented on every new description of the same session. */
  sessionVersion?: number;
  /** mid of each m-section; must match the other side's. Default "0", "1", … */
  mids?: readonly string[];
  /**
   * Id of the abs-send-time RTP header extension in video sections: the one of our own offer when
   * `channels` answers it (SELECT; null: our offer has none, so the answer has none), else
   * ABS_SEND_TIME_ID.
   */
  absSendTimeId?: number | null;
}

/**
 * The RTP header extension Chromium's receive-side bandwidth estimator needs for REMB (ours: Signal
 * `channels` carry no header extensions). Without it, a video or screen sender's estimate never
 * leaves its start value (≈ 300 kbit/s): a 1920×1080 screen of text then goes at 6–10 frames per
 * second instead of 30 (docs/decisions.md, "Appsharing encoder"). A peer that does not know the
 * extension ignores it (RFC 8285) and sends no REMB, which is where it was without it.
 */
export const ABS_SEND_TIME_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
/** The id Chromium gives abs-send-time in its offers (156: 2 in every audio and video section). */
export const ABS_SEND_TIME_ID = 2;

/** The id of an RTP header extension in an SDP we generated (our local description), if it is there. */
export function extensionId(sdpText: string | undefined, uri: string): number | undefined {
  for (const m of parse(sdpText ?? '').media) for (const e of m.ext ?? []) if (e.uri === uri) return e.value;
  return undefined;
}

/** Default H.264 parameters for a peer that names the coder only (constrained baseline, mode 1). */
const H264_DEFAULT_FMTP = 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f';

function mediaSection(channels: Channels, kind: ChannelKind, cmd: Cmd, mid: string, absSendTimeId: number | null): SdpMedia {
  const b = MEDIA_OF_KIND[kind];
  const ice = channels[`${b}_ice`];
  if (!ice) throw new Error(`channels have no ${b}_ice: no ${kind} media`);
  if (!ice.fingerprint) {
    throw new Error(channels.key ? `${b}: SRTP key without DTLS fingerprint; Chromium supports DTLS-SRTP only` : `${b}_ice has no DTLS fingerprint`);
  }
  if (!ice.usr || !ice.pwd) throw new Error(`${b}_ice has no ICE credentials (usr/pwd); Chromium needs ICE`);
  const role = channels[`${b}_setup_role`] ?? (cmd === 'PROPOSAL' ? 'actpass' : 'active');
  if (role === 'holdconn') throw new Error(`${b}_setup_role holdconn: Chromium cannot hold a DTLS connection`);
  if (channels[`${b}_rtcp_mux`] !== true) throw new Error(`${b}_rtcp_mux is not set; Chromium sends RTCP multiplexed only`);

  const all = (channels.ch ?? []).filter((e) => mediaOfEntry(e, channels) === b && !e.mc_addr);
  const entries = all.filter((e) => usableCoder(e.coder, kind));
  if (!entries.some((e) => !AUXILIARY_CODERS.has(e.coder))) {
    throw new Error(`no ${kind} coder Chromium can use in channels (${all.map((e) => e.coder).join(', ') || 'none'})`);
  }
  const video = kind !== 'audio';
  const rtp: MediaAttributes['rtp'] = [];
  const fmtp: MediaAttributes['fmtp'] = [];
  const rtcpFb: NonNullable<MediaAttributes['rtcpFb']> = [];
  const used = new Set(entries.flatMap((e) => (e.pt !== undefined ? [e.pt] : [])));
  let dynamic = 96;
  const payloads: number[] = [];
  for (const e of entries) {
    const info = CODERS[e.coder as keyof typeof CODERS];
    let pt = e.pt ?? info.staticPt;
    if (pt === undefined) {
      while (used.has(dynamic)) dynamic++;
      pt = dynamic;
      used.add(pt);
    }
    if (payloads.includes(pt)) throw new Error(`payload type ${pt} used twice`);
    payloads.push(pt);
    rtp.push({ payload: pt, codec: info.sdp, rate: e.clock ?? info.clock, ...(info.channels ? { encoding: info.channels } : {}) });
    const config = e.fmtp ?? (e.coder === 'OPUS-NB' ? 'maxplaybackrate=8000;sprop-maxcapturerate=8000' : e.coder === 'H264' ? H264_DEFAULT_FMTP : undefined);
    if (config) fmtp.push({ payload: pt, config });
    if (video && e.coder !== 'RTX') {
      rtcpFb.push({ payload: pt, type: 'goog-remb' }, { payload: pt, type: 'ccm', subtype: 'fir' }, { payload: pt, type: 'nack' }, { payload: pt, type: 'nack', subtype: 'pli' });
    }
  }
  const first = entries.find((e) => e.addr && e.port);
  const ipv6 = !!first?.addr?.includes(':');
  const candidates = [...(ice.candidate ?? [])];
  // A peer that names only its default address (ch addr/port) gets it as a host candidate.
  if (!candidates.length && first?.addr && first.port) candidates.push({ addr: first.addr, rtp: first.port, type: 'host' });
  const media: SdpMedia = {
    type: video ? 'video' : 'audio',
    port: first?.port ?? 9,
    protocol: 'UDP/TLS/RTP/SAVPF',
    payloads: payloads.join(' '),
    connection: { version: ipv6 ? 6 : 4, ip: first?.addr ?? '0.0.0.0' },
    rtcp: { port: 9, netType: 'IN', ipVer: 4, address: '0.0.0.0' },
    iceUfrag: ice.usr,
    icePwd: ice.pwd,
    iceOptions: 'trickle',
    fingerprint: fingerprintFromHex(ice.fingerprint),
    setup: role,
    mid,
    direction: (channels[`${b}_direction`] ?? 'sendrecv') as Direction,
    rtcpMux: 'rtcp-mux',
    rtp,
    fmtp,
    candidates: candidates.map((c) => sdpCandidate(candidateToString(c))),
  };
  if (rtcpFb.length) media.rtcpFb = rtcpFb;
  if (video && absSendTimeId !== null) media.ext = [{ value: absSendTimeId, uri: ABS_SEND_TIME_URI }];
  const rate = entries.find((e) => e.rate && !AUXILIARY_CODERS.has(e.coder))?.rate;
  if (!video && rate) media.ptime = rate;
  return media;
}

function sdpCandidate(line: string): NonNullable<SdpMedia['candidates']>[number] {
  return parse(`v=0\r\nm=audio 9 RTP/AVP 0\r\na=${line}\r\n`).media[0]!.candidates![0]!;
}

/**
 * Signal `channels` -> SDP that RTCPeerConnection.setRemoteDescription accepts: one m-section per
 * kind (a single kind: the engine's channel, BUNDLE group with its mid).
 */
export function channelsToSdp(channels: Channels, kinds: ChannelKind | readonly ChannelKind[], opts: ChannelsSdpOptions): string {
  const list = typeof kinds === 'string' ? [kinds] : kinds;
  const media = list.map((kind, i) => mediaSection(channels, kind, opts.cmd, opts.mids?.[i] ?? String(i), opts.absSendTimeId === undefined ? ABS_SEND_TIME_ID : opts.absSendTimeId));
  const session: SessionDescription = {
    version: 0,
    origin: { username: '-', sessionId: opts.sessionId ?? '1', sessionVersion: opts.sessionVersion ?? 2, netType: 'IN', ipVer: 4, address: '127.0.0.1' },
    name: '-',
    timing: { start: 0, stop: 0 },
    msidSemantic: { semantic: 'WMS', token: '*' },
    media,
  };
  if (list.length === 1) session.groups = [{ type: 'BUNDLE', mids: String(media[0]!.mid) }];
  if (list.some((k) => channels[`${MEDIA_OF_KIND[k]}_ice`]?.lite)) session.icelite = 'ice-lite';
  return write(session);
}
