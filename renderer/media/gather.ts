/**
 * Waiting for ICE gathering before a description goes out: innovaphone's Signal `channels` carry
 * complete candidate lists (the PBX has no trickle), so the engine describes its side once
 * gathering is done. A STUN/TURN server that does not answer must not hold a call up: after
 * GATHER_MAX_MS the description goes with what was found, and later candidates trickle
 * (LocalCandidate, ours).
 *
 * Without STUN/TURN servers only host UDP candidates can be signalled (TCP ones never are), and
 * Chromium finds all of them in its first gathering step; its later steps (relay, TCP, about
 * 120 ms on loopback) add nothing. So a channel without ICE servers waits only until no further
 * UDP host candidate came for HOST_SETTLE_MS.
 */

/** Longest wait for ICE gathering before a description is sent anyway, ms. */
export const GATHER_MAX_MS = 3000;
/** Without ICE servers: quiet time after the last UDP host candidate, ms. */
export const HOST_SETTLE_MS = 20;

/** The part of RTCPeerConnection this needs. */
export interface GatheringSource {
  readonly iceGatheringState: RTCIceGatheringState;
  readonly localDescription: { sdp: string } | null;
  addEventListener(type: 'icegatheringstatechange' | 'icecandidate', cb: (ev: { candidate?: { candidate: string } | null }) => void): void;
  removeEventListener(type: 'icegatheringstatechange' | 'icecandidate', cb: (ev: { candidate?: { candidate: string } | null }) => void): void;
}

const HOST_UDP = /candidate:\S+ \d+ udp \d+ \S+ \d+ typ host/i;
const LOOPBACK_HOST_UDP = /candidate:\S+ \d+ udp \d+ (127\.0\.0\.1|::1) \d+ typ host/i;

/** A UDP host candidate (`candidate:…` line). */
export const isHostUdp = (candidate: string): boolean => HOST_UDP.test(candidate);
/** A UDP host candidate on 127.0.0.1 or ::1 (the viewer's loopback hop). */
export const isLoopbackHostUdp = (candidate: string): boolean => LOOPBACK_HOST_UDP.test(candidate);

/**
 * Resolves when gathering is complete (or, with `hostOnly`, when the UDP host candidates are in:
 * HOST_SETTLE_MS after the last candidate `counts`, default any UDP host candidate), or after
 * `maxMs`; never rejects.
 */
export function waitForGathering(pc: GatheringSource, opts: { hostOnly?: boolean; maxMs?: number; counts?: (candidate: string) => boolean } = {}): Promise<void> {
  const counts = opts.counts ?? isHostUdp;
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    let settle: ReturnType<typeof setTimeout> | undefined;
    const done = (): void => {
      clearTimeout(timer);
      clearTimeout(settle);
      pc.removeEventListener('icegatheringstatechange', check);
      pc.removeEventListener('icecandidate', onCandidate);
      resolve();
    };
    const check = (): void => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const arm = (): void => {
      clearTimeout(settle);
      settle = setTimeout(done, HOST_SETTLE_MS);
    };
    const onCandidate = (ev: { candidate?: { candidate: string } | null }): void => {
      if (opts.hostOnly && ev.candidate && counts(ev.candidate.candidate)) arm();
    };
    const timer = setTimeout(done, opts.maxMs ?? GATHER_MAX_MS);
    pc.addEventListener('icegatheringstatechange', check);
    pc.addEventListener('icecandidate', onCandidate);
    // candidates that came before we listened are already in the local description
    if (opts.hostOnly && (pc.localDescription?.sdp ?? '').split(/\r?\n/).some((l) => l.startsWith('a=candidate:') && counts(l.slice(2)))) arm();
  });
}
