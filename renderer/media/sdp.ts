/**
 * SDP facts of the media engine, built on sdp-transform: which coders a channel can use, codec
 * ordering and SDP munging (the coder names and their SDP encodings are common/codecs.ts), ICE
 * `candidate:` lines <-> Signal candidates, and which candidates may be signalled. Runs in the
 * engine (Chromium) and in Node unit tests. Whole descriptions (Signal `channels` <-> SDP) are
 * converted in ./channels.ts.
 */
import { parse, write, type MediaAttributes } from 'sdp-transform';
import type { ChannelKind, CoderName, SignalCandidate } from '../../common/media';
import { AUXILIARY_CODERS, CODERS, coderName, type CoderInfo } from '../../common/codecs';

/** Codecs the engine offers per kind, in default preference order. */
export const DEFAULT_CODECS: Record<ChannelKind, CoderName[]> = {
  audio: ['OPUS-WB', 'G722', 'G711A', 'G711u', 'DTMF'],
  video: ['VP8', 'VP9'],
  appsharing: ['VP8', 'VP9'],
};

/** Whether the engine can use `coder` on a channel of `kind` (appsharing carries video coders). */
export function usableCoder(coder: string, kind: ChannelKind): coder is CoderName {
  const info = (CODERS as Record<string, CoderInfo | undefined>)[coder];
  if (!info?.chromium) return false;
  return kind === 'audio' ? info.media === 'audio' : info.media === 'video';
}

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
export function orderCoders<T extends { coder: string; pt?: number; fmtp?: string }>(coders: T[], preference: readonly string[]): T[] {
  const rank = new Map<string, number>(preference.map((c, i) => [c, i] as const));
  const keepDtmf = !rank.has('DTMF');
  const kept = coders
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.coder !== 'RTX' && (rank.has(c.coder) || (c.coder === 'DTMF' && keepDtmf)))
    .sort((a, b) => (rank.get(a.c.coder) ?? 1000) - (rank.get(b.c.coder) ?? 1000) || a.i - b.i)
    .map(({ c }) => c);
  const keptPts = new Set(kept.map((c) => c.pt));
  // RTX goes right after the codec it repairs.
  const out: T[] = [];
  for (const c of kept) {
    out.push(c);
    for (const r of coders) if (r.coder === 'RTX' && c.pt !== undefined && aptOf(r.fmtp) === c.pt && keptPts.has(c.pt)) out.push(r);
  }
  return out;
}

type SdpCandidate = NonNullable<MediaAttributes['candidates']>[number];

/** An SDP candidate as the Signal candidate of its component (1 = RTP, 2 = RTCP), with its transport. */
export interface ParsedCandidate {
  candidate: SignalCandidate;
  component: number;
  transport: string;
}

/** sdp-transform's candidate -> Signal candidate; undefined for types Signal cannot carry. */
export function fromSdpCandidate(c: SdpCandidate): ParsedCandidate | undefined {
  const type = c.type as NonNullable<SignalCandidate['type']>;
  if (!c.ip || !Number.isInteger(c.port) || !['host', 'srflx', 'prflx', 'relay'].includes(type)) return undefined;
  const candidate: SignalCandidate = { addr: String(c.ip), rtp: c.port, rtp_prio: c.priority, type, foundation: String(c.foundation) };
  if (c.raddr) candidate.r_addr = String(c.raddr);
  if (c.rport !== undefined) candidate.r_rtp = c.rport;
  return { candidate, component: c.component, transport: c.transport.toLowerCase() };
}

/** Parse one `candidate:` line (with or without the `a=` prefix); undefined if malformed. */
export function parseCandidate(line: string): ParsedCandidate | undefined {
  const text = line.trim().replace(/^a=/, '');
  if (!text.startsWith('candidate:')) return undefined;
  const c = parse(`v=0\r\nm=audio 9 RTP/AVP 0\r\na=${text}\r\n`).media[0]?.candidates?.[0];
  return c ? fromSdpCandidate(c) : undefined;
}

const TYPE_PREFERENCE: Record<string, number> = { host: 126, prflx: 110, srflx: 100, relay: 0 };

/** The candidate priority of RFC 8445 §5.1.2.1 (local preference 65535), for candidates that carry none. */
export function defaultPriority(type: string, component: number): number {
  return (TYPE_PREFERENCE[type] ?? 0) * 2 ** 24 + 65535 * 2 ** 8 + (256 - component);
}

/** A foundation for candidates that carry none: the same for the same type and base address. */
function defaultFoundation(c: SignalCandidate): string {
  let h = 5381;
  for (const ch of `${c.type ?? 'host'} ${c.r_addr ?? c.addr}`) h = ((h * 33) ^ ch.charCodeAt(0)) >>> 0;
  return String(h);
}

/** The SDP form of a Signal candidate's RTP (component 1) or RTCP (component 2) address, without `a=`. */
export function candidateToString(c: SignalCandidate, component: 1 | 2 = 1): string {
  const type = c.type ?? 'host';
  const port = component === 1 ? c.rtp : c.rtcp ?? c.rtp + 1;
  const prio = (component === 1 ? c.rtp_prio : c.rtcp_prio) ?? defaultPriority(type, component);
  let s = `candidate:${c.foundation ?? defaultFoundation(c)} ${component} udp ${prio} ${c.addr} ${port} typ ${type}`;
  if (c.r_addr) s += ` raddr ${c.r_addr} rport ${(component === 1 ? c.r_rtp : c.r_rtcp) ?? 0}`;
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
export function candidateAllowed(c: SignalCandidate, excludeAddresses: readonly string[], excludePrefixes: readonly string[]): boolean {
  if (!c.type || c.type === 'host' || c.type === 'prflx') return !isExcludedAddress(c.addr, excludeAddresses, excludePrefixes);
  // srflx/relay: the mapped address is public; the base (raddr) tells which interface it came from.
  return !(c.r_addr && isExcludedAddress(c.r_addr, excludeAddresses, excludePrefixes));
}

/**
 * Reorder and filter the codecs of every audio/video m-section of an SDP by preference (SDP
 * munging). Payload types, rtpmap/fmtp/rtcp-fb lines of dropped codecs are removed.
 */
export function mungeCodecs(sdpText: string, kind: ChannelKind, preference: CoderName[]): string {
  const sdp = parse(sdpText);
  for (const m of sdp.media) {
    if (m.type !== (kind === 'audio' ? 'audio' : 'video')) continue;
    const fmtps = new Map((m.fmtp ?? []).map((f) => [f.payload, String(f.config)] as const));
    const order = String(m.payloads ?? '').split(/\s+/).filter(Boolean).map(Number);
    const coders: { coder: CoderName; pt: number; fmtp?: string }[] = [];
    for (const pt of order) {
      const r = m.rtp.find((x) => x.payload === pt);
      const name = r && coderName(String(r.codec), r.rate, fmtps.get(pt));
      if (r && name) coders.push({ coder: name, pt, ...(fmtps.get(pt) ? { fmtp: fmtps.get(pt) } : {}) });
    }
    const ordered = orderCoders(coders, preference);
    const kept = ordered.map((c) => c.pt);
    if (!ordered.some((c) => !AUXILIARY_CODERS.has(c.coder))) throw new Error(`no ${kind} codec left after applying preference ${preference.join(',')}`);
    const keep = new Set(kept);
    m.payloads = kept.join(' ');
    m.rtp = m.rtp.filter((r) => keep.has(r.payload));
    m.fmtp = (m.fmtp ?? []).filter((f) => keep.has(f.payload));
    if (m.rtcpFb) m.rtcpFb = m.rtcpFb.filter((f) => f.payload === '*' || keep.has(Number(f.payload)));
  }
  return write(sdp);
}

/** The first real codec (not DTMF/CN/RED/RTX) of a list: what the peer asks us to send. */
export function firstCoder(ch: readonly { coder: string }[]): CoderName | undefined {
  return ch.find((c) => !AUXILIARY_CODERS.has(c.coder) && c.coder in CODERS)?.coder as CoderName | undefined;
}
