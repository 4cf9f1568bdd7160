import { describe, expect, it } from 'vitest';
import { HOST_SETTLE_MS, isHostUdp, isLoopbackHostUdp, waitForGathering, type GatheringSource } from './gather';

type Ev = { candidate?: { candidate: string } | null };
/** The gathering side of an RTCPeerConnection, driven by the test. */
function source(sdp = ''): GatheringSource & { fire(type: 'icegatheringstatechange' | 'icecandidate', ev?: Ev): void; iceGatheringState: RTCIceGatheringState; listeners: number } {
  const ls = new Map<string, Set<(ev: Ev) => void>>();
  return {
    iceGatheringState: 'gathering',
    localDescription: { sdp },
    addEventListener(t, cb) { if (!ls.has(t)) ls.set(t, new Set()); ls.get(t)!.add(cb); },
    removeEventListener(t, cb) { ls.get(t)?.delete(cb); },
    fire(t, ev = {}) { for (const cb of ls.get(t) ?? []) cb(ev); },
    get listeners() { return [...ls.values()].reduce((n, s) => n + s.size, 0); },
  };
}
const host = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host generation 0' };
const lan = { candidate: 'candidate:3 1 udp 2122194687 192.168.1.5 5001 typ host generation 0' };
const tcp = { candidate: 'candidate:2 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active generation 0' };

describe('waitForGathering', () => {
  it('waits for complete, then lets go of its listeners', async () => {
    const pc = source();
    let done = false;
    const p = waitForGathering(pc).then(() => { done = true; });
    pc.fire('icecandidate', { candidate: host });
    await new Promise((r) => setTimeout(r, HOST_SETTLE_MS * 3));
    expect(done).toBe(false); // with ICE servers, a host candidate is not enough
    pc.iceGatheringState = 'complete';
    pc.fire('icegatheringstatechange');
    await p;
    expect(pc.listeners).toBe(0);
  });

  it('without ICE servers, settles once UDP host candidates stop coming (TCP ones do not count)', async () => {
    const pc = source();
    const t0 = Date.now();
    const p = waitForGathering(pc, { hostOnly: true, maxMs: 2000 });
    pc.fire('icecandidate', { candidate: tcp });
    pc.fire('icecandidate', { candidate: host });
    await p;
    expect(Date.now() - t0).toBeLessThan(1000);
    const pre = source(`a=${host.candidate}\r\n`);
    await waitForGathering(pre, { hostOnly: true, maxMs: 2000 }); // candidates already in the description
  });

  it('settles on the candidates that count (a view waits for its loopback one)', async () => {
    const pc = source();
    let done = false;
    const p = waitForGathering(pc, { hostOnly: true, maxMs: 2000, counts: isLoopbackHostUdp }).then(() => { done = true; });
    pc.fire('icecandidate', { candidate: lan });
    await new Promise((r) => setTimeout(r, HOST_SETTLE_MS * 3));
    expect(done).toBe(false);
    pc.fire('icecandidate', { candidate: host });
    await p;
    expect(isLoopbackHostUdp(host.candidate)).toBe(true);
    expect(isLoopbackHostUdp(lan.candidate)).toBe(false);
    expect(isHostUdp(lan.candidate)).toBe(true);
  });

  it('gives up after maxMs, and resolves at once when gathering is already complete', async () => {
    const pc = source();
    const t0 = Date.now();
    await waitForGathering(pc, { hostOnly: true, maxMs: 50 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    pc.iceGatheringState = 'complete';
    await waitForGathering(pc);
  });
});
