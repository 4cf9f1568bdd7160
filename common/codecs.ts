/**
 * The codecs of the Media protocol (CoderName, common/media.ts: Signal's published coder names and
 * ours) and what SDP and Chromium make of them, written once: the Signal `channels` <-> SDP
 * conversion (renderer/media/channels.ts), the SDP munging (renderer/media/sdp.ts: rtpmap names)
 * and the engine (renderer/media/engine/: WebRTC capability and stats MIME types `<kind>/<name>`)
 * read this table in both directions.
 */
import type { CoderName, SignalMedia } from './media';

/** What SDP and Chromium make of a coder. `media`: the Signal media a coder belongs to by itself. */
export interface CoderInfo {
  /** SDP encoding name (rtpmap), as SDP and WebRTC spell it. */
  sdp: string;
  /** RTP clock rate. */
  clock: number;
  /** Audio channels in the rtpmap (opus: 2). */
  channels?: number;
  /** Static payload type (RFC 3551), when there is one. */
  staticPt?: number;
  media: SignalMedia;
  /** Chromium's WebRTC stack can send and receive it. */
  chromium: boolean;
}
const audio = (sdp: string, clock: number, chromium: boolean, extra: Partial<CoderInfo> = {}): CoderInfo => ({ sdp, clock, media: 'audio', chromium, ...extra });
const video = (sdp: string): CoderInfo => ({ sdp, clock: 90000, media: 'video', chromium: true });
export const CODERS: Readonly<Record<CoderName, CoderInfo>> = {
  G711A: audio('PCMA', 8000, true, { staticPt: 8 }),
  G711u: audio('PCMU', 8000, true, { staticPt: 0 }),
  'G723-53': audio('G723', 8000, false, { staticPt: 4 }),
  'G723-63': audio('G723', 8000, false, { staticPt: 4 }),
  G729: audio('G729', 8000, false, { staticPt: 18 }),
  G729A: audio('G729', 8000, false, { staticPt: 18 }),
  G729B: audio('G729', 8000, false, { staticPt: 18 }),
  G729AB: audio('G729', 8000, false, { staticPt: 18 }),
  T38UDP: { sdp: 't38', clock: 0, media: 't38', chromium: false },
  G722: audio('G722', 8000, true, { staticPt: 9 }),
  XPARENT: audio('CLEARMODE', 8000, false),
  H264: video('H264'),
  JRFB: { sdp: 'JRFB', clock: 0, media: 'collab', chromium: false },
  'OPUS-NB': audio('opus', 48000, true, { channels: 2 }),
  'OPUS-WB': audio('opus', 48000, true, { channels: 2 }),
  VP8: video('VP8'),
  VP9: video('VP9'),
  DTMF: audio('telephone-event', 8000, true),
  CN: audio('CN', 8000, true, { staticPt: 13 }),
  RED: audio('red', 48000, true, { channels: 2 }),
  RTX: video('rtx'),
};
/** Coders that only accompany a real codec (events, comfort noise, redundancy, retransmission). */
export const AUXILIARY_CODERS: ReadonlySet<string> = new Set(['DTMF', 'CN', 'RED', 'RTX']);

/** Clock rates of telephone-event we take as DTMF. */
const DTMF_RATES = [8000, 16000, 48000];

/**
 * RTP encoding name (+ clock rate, fmtp, and the media kind where known) -> innovaphone coder
 * name of a coder Chromium can use; undefined if unknown (or one Chromium cannot use: G.729,
 * G.723, CLEARMODE, t38, JRFB). Opus with `maxplaybackrate=8000` is OPUS-NB; telephone-event is
 * DTMF only at 8, 16 or 48 kHz (when the rate is known).
 */
export function coderName(codec: string, rate: number | undefined, fmtp?: string, kind?: string): CoderName | undefined {
  const name = codec.toLowerCase();
  const coder = (Object.keys(CODERS) as CoderName[]).find((c) => CODERS[c].chromium && CODERS[c].sdp.toLowerCase() === name && (kind === undefined || CODERS[c].media === kind));
  if (coder === 'OPUS-WB' || coder === 'OPUS-NB') return fmtp && /(^|;)\s*maxplaybackrate=8000\b/.test(fmtp) ? 'OPUS-NB' : 'OPUS-WB';
  if (coder === 'DTMF' && rate !== undefined && !DTMF_RATES.includes(rate)) return undefined;
  return coder;
}

/** WebRTC MIME type (`audio/opus`, `video/VP8`, …) -> innovaphone coder name. */
export function coderOfMime(mimeType: string, rate?: number, fmtp?: string): CoderName | undefined {
  const slash = mimeType.indexOf('/');
  return slash < 0 ? undefined : coderName(mimeType.slice(slash + 1), rate, fmtp, mimeType.slice(0, slash).toLowerCase());
}
