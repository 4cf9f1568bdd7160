/**
 * Waiting for ICE gathering before a description goes out: innovaphone's Signal `channels` carry
 * complete candidate lists (the PBX has no trickle), so the engine describes its side once
 * gathering is complete. A STUN/TURN server that does not answer must not hold a call up: after
 * GATHER_MAX_MS the description goes with what was found, and later candidates trickle
 * (LocalCandidate, ours).
 */

/** Longest wait for ICE gathering before a description is sent anyway, ms. */
export const GATHER_MAX_MS = 3000;

/** The part of RTCPeerConnection this needs. */
export interface GatheringSource {
  readonly iceGatheringState: RTCIceGatheringState;
  addEventListener(type: 'icegatheringstatechange', cb: () => void): void;
  removeEventListener(type: 'icegatheringstatechange', cb: () => void): void;
}

/** Resolves when gathering is complete, or after `maxMs`; never rejects. */
export function waitForGathering(pc: GatheringSource, maxMs = GATHER_MAX_MS): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = (): void => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, maxMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}
