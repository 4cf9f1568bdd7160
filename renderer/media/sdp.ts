/**
 * Pure conversions between the Media protocol's MediaConfig-like description
 * (common/media.ts MediaDescription) and SDP, plus codec ordering and candidate filtering.
 * Runs in the engine (Chromium) and in Node unit tests; built on sdp-transform.
 *
 * One channel = one RTCPeerConnection = one m-section (mid "0"), rtcp-mux, DTLS-SRTP, ICE.
 */
import { parse, write, type MediaAttributes, type SessionDescription } from 'sdp-transform';
import type { Candidate, ChannelKind, Coder, CoderName, MediaDescription } from '../../common/media';
import { coderName, sdpCodecName } from '../../common/codecs';

/** Codecs the engine offers per kind, in default preference order. */
export const DEFAULT_CODECS: Record<ChannelKind, CoderName[]> = {
  audio: ['OPUS-WB', 'G722', 'G711A', 'G711u', 'DTMF'],
  video: ['VP8', 'VP9'],
  appsharing: ['VP8', 'VP9'],
};
/** Codecs the engine can handle per kind (anything else is dropped from descriptions). */
const SUPPORTED: Record<ChannelKind, ReadonlySet<CoderName>> = {
  audio: new Set(['OPUS-WB', 'OPUS-NB', 'G722', 'G711A', 'G711u', 'DTMF', 'CN', 'RED']),
  video: new Set(['VP8', 'VP9', 'H264', 'RTX']),
  appsharing: new Set(['VP8', 'VP9', 'H264', 'RTX']),
};

function aptOf(fmtp: string | undefined): number | undefined {
  const m = fmtp ? /(?:^|;)\s*apt=(\d+)/.exec(fmtp) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * Order and filter coders by preference. Coders not in `preference` are dropped, except that
 * DTMF (telephone-event) follows the audio codecs whenever the peer or we offer it and is kept
 * unless the preference list is explicit about it, and RTX is kept only for a kept video codec.
 * Within one coder name the original order (e.g. two clock rates of DTMF) is kept.
 */
export function orderCoders(coders: Coder[], preference: CoderName[]): Coder[] {
  const rank = new Map(preference.map((c, i) => [c, i] as const));
  const keepDtmf = !rank.has('DTMF');
  const kept = coders
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.coder !== 'RTX' && (rank.has(c.coder) || (c.coder === 'DTMF' && keepDtmf)))
    .sort((a, b) => (rank.get(a.c.coder) ?? 1000) - (rank.get(b.c.coder) ?? 1000) || a.i - b.i)
    .map(({ c }) => c);
  const keptPts = new Set(kept.map((c) => c.pt));
  // RTX goes right after the codec it repairs.
  const out: Coder[] = [];
  for (const c of kept) {
    out.push(c);
    for (const r of coders) if (r.coder === 'RTX' && aptOf(r.fmtp) === c.pt && keptPts.has(c.pt)) out.push(r);
  }
  return out;
}

/** Parse one `candidate:` line (with or without the `a=` prefix) into a Candidate; undefined if malformed. */
export function parseCandidate(line: string): Candidate | undefined {
  const text = line.trim().replace(/^a=/, '');
  if (!text.startsWith('candidate:')) return undefined;
  const sdp = parse(`v=0\r\nm=audio 9 RTP/AVP 0\r\na=${text}\r\n`);
  const c = sdp.media[0]?.candidates?.[0];
  if (!c || !c.ip || !Number.isInteger(c.port)) return undefined;
  const transport = c.transport.toLowerCase();
  const type = c.type as Candidate['type'];
  if ((transport !== 'udp' && transport !== 'tcp') || !['host', 'srflx', 'prflx', 'relay'].includes(type)) return undefined;
  const out: Candidate = { foundation: String(c.foundation), component: c.component, transport, prio: c.priority, addr: c.ip, port: c.port, type };
  if (c.raddr) out.r_addr = c.raddr;
  if (c.rport !== undefined) out.r_port = c.rport;
  if (c.tcptype) out.tcptype = c.tcptype as Candidate['tcptype'];
  return out;
}

/** Candidate -> `candidate:` attribute value (no `a=`), as RTCIceCandidateInit.candidate expects. */
export function candidateToString(c: Candidate): string {
  let s = `candidate:${c.foundation} ${c.component ?? 1} ${c.transport} ${c.prio} ${c.addr} ${c.port} typ ${c.type}`;
  if (c.r_addr) s += ` raddr ${c.r_addr} rport ${c.r_port ?? 0}`;
  if (c.tcptype) s += ` tcptype ${c.tcptype}`;
  return s + ' generation 0';
}

/**
 * True when a candidate's address must not be signalled: an exact VPN interface address, or an
 * EXCLUDEINTERFACES prefix ("172", "192.168", "10.10") matched on whole address groups, so that
 * "10.10" excludes 10.10.1.2 but not 10.100.1.2. IPv6 prefixes match on ':' groups.
 */
export function isExcludedAddress(addr: string, excludeAddresses: readonly string[], excludePrefixes: readonly string[]): boolean {
  const a = addr.toLowerCase().replace(/^\[|\]$/g, '');
  if (excludeAddresses.some((x) => x.toLowerCase() === a)) return true;
  for (const raw of excludePrefixes) {
    const p = raw.trim().toLowerCase().replace(/[.:]+$/, '');
    if (!p) continue;
    if (a === p || a.startsWith(p + '.') || a.startsWith(p + ':')) return true;
  }
  return false;
}

/** Whether a candidate may be signalled: its own address and (for srflx/relay/prflx) its base. */
export function candidateAllowed(c: Candidate, excludeAddresses: readonly string[], excludePrefixes: readonly string[]): boolean {
  if (c.type === 'host' || c.type === 'prflx') return !isExcludedAddress(c.addr, excludeAddresses, excludePrefixes);
  // srflx/relay: the mapped address is public; the base (raddr) tells which interface it came from.
  return !(c.r_addr && isExcludedAddress(c.r_addr, excludeAddresses, excludePrefixes));
}

function pickMedia(sdp: SessionDescription): SessionDescription['media'][number] {
  const m = sdp.media.find((x) => x.type === 'audio' || x.type === 'video');
  if (!m) throw new Error('SDP has no audio or video m-section');
  return m;
}

/**
 * SDP (a local description produced by Chromium, or any offer/answer) -> MediaDescription.
 * Codecs the engine does not know are dropped; the ones kept keep the SDP's order.
 */
export function sdpToDescription(sdpText: string, kind: ChannelKind): MediaDescription {
  const sdp = parse(sdpText);
  const m = pickMedia(sdp);
  const expectType = kind === 'audio' ? 'audio' : 'video';
  if (m.type !== expectType) throw new Error(`SDP m-section is ${m.type}, channel is ${kind}`);
  // sdp-transform turns all-digit values into numbers (a=ice-ufrag:7560 -> 7560): keep strings
  const usr = String(m.iceUfrag ?? sdp.iceUfrag ?? '');
  const pwd = String(m.icePwd ?? sdp.icePwd ?? '');
  const fp = m.fingerprint ?? sdp.fingerprint;
  const setup = m.setup ?? sdp.setup ?? 'actpass';
  if (!usr || !pwd) throw new Error('SDP lacks ICE credentials');
  if (!fp) throw new Error('SDP lacks a DTLS fingerprint');
  if (setup !== 'actpass' && setup !== 'active' && setup !== 'passive') throw new Error(`unsupported DTLS setup ${setup}`);

  const order = String(m.payloads ?? '').split(/\s+/).filter(Boolean).map(Number);
  const fmtps = new Map((m.fmtp ?? []).map((f) => [f.payload, f.config] as const));
  const coders: Coder[] = [];
  for (const pt of order) {
    const r = m.rtp.find((x) => x.payload === pt);
    if (!r) continue;
    const fmtp = fmtps.get(pt);
    const name = coderName(r.codec, r.rate, fmtp);
    if (!name || !SUPPORTED[kind].has(name)) continue;
    const c: Coder = { coder: name, pt, rate: r.rate ?? (kind === 'audio' ? 8000 : 90000) };
    if (r.encoding && r.encoding > 1) c.channels = r.encoding;
    if (fmtp) c.fmtp = fmtp;
    if (m.ptime && kind === 'audio' && name !== 'DTMF') c.ptime = m.ptime;
    coders.push(c);
  }
  // RTX whose codec was dropped goes too.
  const pts = new Set(coders.map((c) => c.pt));
  const finalCoders = coders.filter((c) => c.coder !== 'RTX' || pts.has(aptOf(c.fmtp) ?? -1));
  if (!finalCoders.some((c) => c.coder !== 'DTMF' && c.coder !== 'RTX' && c.coder !== 'CN' && c.coder !== 'RED')) {
    throw new Error('no common codec in SDP');
  }

  const candidates: Candidate[] = [];
  for (const c of m.candidates ?? []) {
    if (c.component !== 1) continue;
    const parsed = parseCandidate(candidateLine(c));
    if (parsed) candidates.push(parsed);
  }
  const desc: MediaDescription = {
    kind,
    ice: { usr, pwd, fingerprint: { alg: fp.type, hash: fp.hash }, setup, candidates },
    coders: finalCoders,
    direction: m.direction ?? sdp.direction ?? 'sendrecv',
  };
  if (sdp.icelite) desc.ice.lite = true;
  const msid = m.msid?.[0];
  if (msid) desc.msid = msid.appdata ? `${msid.id} ${msid.appdata}` : msid.id;
  const ssrc = m.ssrcs?.find((s) => s.attribute === 'cname');
  if (ssrc) {
    desc.ssrc = Number(ssrc.id);
    if (ssrc.value !== undefined && ssrc.value !== '') desc.cname = String(ssrc.value);
  }
  return desc;
}

function candidateLine(c: NonNullable<MediaAttributes['candidates']>[number]): string {
  let s = `candidate:${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.ip} ${c.port} typ ${c.type}`;
  if (c.raddr) s += ` raddr ${c.raddr} rport ${c.rport ?? 0}`;
  if (c.tcptype) s += ` tcptype ${c.tcptype}`;
  return s;
}

export interface SdpWriteOptions {
  /** Numeric session id for the o= line (stable per channel). */
  sessionId?: string;
  /** Incremented on every new description of the same session. */
  sessionVersion?: number;
  /** mid of the single m-section; must match the other side's. Default "0". */
  mid?: string;
}

/** MediaDescription -> SDP that RTCPeerConnection.setRemoteDescription accepts. */
export function descriptionToSdp(desc: MediaDescription, opts: SdpWriteOptions = {}): string {
  if (desc.coders.length === 0) throw new Error('description has no coders');
  const mtype = desc.kind === 'audio' ? 'audio' : 'video';
  const video = mtype === 'video';
  const rtp: MediaAttributes['rtp'] = [];
  const fmtp: MediaAttributes['fmtp'] = [];
  const rtcpFb: NonNullable<MediaAttributes['rtcpFb']> = [];
  const seen = new Set<number>();
  for (const c of desc.coders) {
    if (seen.has(c.pt)) throw new Error(`payload type ${c.pt} used twice`);
    seen.add(c.pt);
    const entry: MediaAttributes['rtp'][number] = { payload: c.pt, codec: sdpCodecName(c.coder), rate: c.rate };
    if (c.coder === 'OPUS-WB' || c.coder === 'OPUS-NB') entry.encoding = c.channels ?? 2;
    else if (c.channels && c.channels > 1) entry.encoding = c.channels;
    rtp.push(entry);
    let config = c.fmtp;
    if (!config && c.coder === 'OPUS-NB') config = 'maxplaybackrate=8000;sprop-maxcapturerate=8000';
    if (config) fmtp.push({ payload: c.pt, config });
    if (video && c.coder !== 'RTX') {
      rtcpFb.push({ payload: c.pt, type: 'goog-remb' }, { payload: c.pt, type: 'ccm', subtype: 'fir' }, { payload: c.pt, type: 'nack' }, { payload: c.pt, type: 'nack', subtype: 'pli' });
    }
  }
  const ptime = desc.coders.find((c) => c.ptime)?.ptime;
  const mid = opts.mid ?? '0';
  const media: SessionDescription['media'][number] = {
    type: mtype,
    port: 9,
    protocol: 'UDP/TLS/RTP/SAVPF',
    payloads: desc.coders.map((c) => c.pt).join(' '),
    connection: { version: 4, ip: '0.0.0.0' },
    rtcp: { port: 9, netType: 'IN', ipVer: 4, address: '0.0.0.0' },
    iceUfrag: desc.ice.usr,
    icePwd: desc.ice.pwd,
    iceOptions: 'trickle',
    fingerprint: { type: desc.ice.fingerprint.alg, hash: desc.ice.fingerprint.hash },
    setup: desc.ice.setup,
    mid,
    direction: desc.direction,
    rtcpMux: 'rtcp-mux',
    rtp,
    fmtp,
    candidates: desc.ice.candidates.map((c) => ({
      foundation: c.foundation,
      component: c.component ?? 1,
      transport: c.transport,
      priority: c.prio,
      ip: c.addr,
      port: c.port,
      type: c.type,
      ...(c.r_addr ? { raddr: c.r_addr, rport: c.r_port ?? 0 } : {}),
      ...(c.tcptype ? { tcptype: c.tcptype } : {}),
      generation: 0,
    })),
  };
  if (rtcpFb.length) media.rtcpFb = rtcpFb;
  if (ptime) media.ptime = ptime;
  if (desc.msid) {
    const [id, appdata] = desc.msid.split(' ');
    media.msid = [{ id: id!, ...(appdata ? { appdata } : {}) }];
  }
  if (desc.ssrc !== undefined) media.ssrcs = [{ id: desc.ssrc, attribute: 'cname', value: desc.cname ?? 'innovaphone' }];
  const session: SessionDescription = {
    version: 0,
    origin: { username: '-', sessionId: opts.sessionId ?? '1', sessionVersion: opts.sessionVersion ?? 2, netType: 'IN', ipVer: 4, address: '127.0.0.1' },
    name: '-',
    timing: { start: 0, stop: 0 },
    groups: [{ type: 'BUNDLE', mids: mid }],
    msidSemantic: { semantic: 'WMS', token: '*' },
    media: [media],
  };
  if (desc.ice.lite) session.icelite = 'ice-lite';
  return write(session);
}

/**
 * Reorder and filter the codecs of every audio/video m-section of an SDP by preference (SDP
 * munging). Payload types, rtpmap/fmtp/rtcp-fb lines of dropped codecs are removed.
 */
export function mungeCodecs(sdpText: string, kind: ChannelKind, preference: CoderName[]): string {
  const sdp = parse(sdpText);
  for (const m of sdp.media) {
    if (m.type !== (kind === 'audio' ? 'audio' : 'video')) continue;
    const fmtps = new Map((m.fmtp ?? []).map((f) => [f.payload, f.config] as const));
    const order = String(m.payloads ?? '').split(/\s+/).filter(Boolean).map(Number);
    const coders: Coder[] = [];
    for (const pt of order) {
      const r = m.rtp.find((x) => x.payload === pt);
      const name = r && coderName(r.codec, r.rate, fmtps.get(pt));
      if (r && name) coders.push({ coder: name, pt, rate: r.rate ?? 90000, ...(fmtps.get(pt) ? { fmtp: fmtps.get(pt) } : {}) });
    }
    const ordered = orderCoders(coders, preference);
    const kept = ordered.map((c) => c.pt);
    if (!ordered.some((c) => !['DTMF', 'CN', 'RED', 'RTX'].includes(c.coder))) throw new Error(`no ${kind} codec left after applying preference ${preference.join(',')}`);
    const keep = new Set(kept);
    m.payloads = kept.join(' ');
    m.rtp = m.rtp.filter((r) => keep.has(r.payload));
    m.fmtp = (m.fmtp ?? []).filter((f) => keep.has(f.payload));
    if (m.rtcpFb) m.rtcpFb = m.rtcpFb.filter((f) => f.payload === '*' || keep.has(Number(f.payload)));
  }
  return write(sdp);
}

/** The coder actually used for sending, from an answer/offer pair: the first common one of the answer. */
export function firstCoder(desc: MediaDescription): CoderName | undefined {
  return desc.coders.find((c) => !['DTMF', 'CN', 'RED', 'RTX'].includes(c.coder))?.coder;
}
