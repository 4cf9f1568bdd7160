/**
 * The codecs of the Media protocol (CoderName, common/media.ts) and their RTP names, written once:
 * the SDP conversion (renderer/media/sdp.ts: rtpmap names) and the engine (renderer/media/engine/:
 * WebRTC capability and stats MIME types `<kind>/<name>`) read this table in both directions.
 */
import type { CoderName } from './media';

/** Each coder's RTP encoding name (as SDP and WebRTC spell it) and media kind. */
export const CODER_RTP: Readonly<Record<CoderName, { kind: 'audio' | 'video'; name: string }>> = {
  'OPUS-WB': { kind: 'audio', name: 'opus' },
  'OPUS-NB': { kind: 'audio', name: 'opus' },
  G722: { kind: 'audio', name: 'G722' },
  G711A: { kind: 'audio', name: 'PCMA' },
  G711u: { kind: 'audio', name: 'PCMU' },
  DTMF: { kind: 'audio', name: 'telephone-event' },
  CN: { kind: 'audio', name: 'CN' },
  RED: { kind: 'audio', name: 'red' },
  VP8: { kind: 'video', name: 'VP8' },
  VP9: { kind: 'video', name: 'VP9' },
  H264: { kind: 'video', name: 'H264' },
  RTX: { kind: 'video', name: 'rtx' },
};

/** Clock rates of telephone-event we take as DTMF. */
const DTMF_RATES = [8000, 16000, 48000];

/** innovaphone coder name -> RTP encoding name (SDP rtpmap). */
export function sdpCodecName(coder: CoderName): string {
  return CODER_RTP[coder].name;
}

/**
 * RTP encoding name (+ clock rate, fmtp, and the media kind where known) -> innovaphone coder
 * name; undefined if unknown. Opus with `maxplaybackrate=8000` is OPUS-NB; telephone-event is
 * DTMF only at 8, 16 or 48 kHz (when the rate is known).
 */
export function coderName(codec: string, rate: number | undefined, fmtp?: string, kind?: string): CoderName | undefined {
  const name = codec.toLowerCase();
  const coder = (Object.keys(CODER_RTP) as CoderName[]).find((c) => CODER_RTP[c].name.toLowerCase() === name && (kind === undefined || CODER_RTP[c].kind === kind));
  if (coder === 'OPUS-WB' || coder === 'OPUS-NB') return fmtp && /(^|;)\s*maxplaybackrate=8000\b/.test(fmtp) ? 'OPUS-NB' : 'OPUS-WB';
  if (coder === 'DTMF' && rate !== undefined && !DTMF_RATES.includes(rate)) return undefined;
  return coder;
}

/** WebRTC MIME type (`audio/opus`, `video/VP8`, …) -> innovaphone coder name. */
export function coderOfMime(mimeType: string, rate?: number, fmtp?: string): CoderName | undefined {
  const slash = mimeType.indexOf('/');
  return slash < 0 ? undefined : coderName(mimeType.slice(slash + 1), rate, fmtp, mimeType.slice(0, slash).toLowerCase());
}
