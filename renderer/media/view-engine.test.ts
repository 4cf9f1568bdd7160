/**
 * The engine side of a view on a starved engine (issue 15, "media view bench did not run"): on a
 * loaded 2-core machine (reproduced with the scenario pinned to one busy core) the view bench
 * failed at "first appsharing frame", "view-video frames" or "reuse1 plays" (the last after the
 * expected refusals it logs, which is what its error showed). The views sat in their setup: the
 * sender's setParameters took over a second, ICE gathering ran its full course (TCP, relay steps)
 * before the offer, and, the race: a description went out 20 ms after the first UDP host candidate
 * when the loopback one came later, so the other side had nothing to check and the view failed
 * 10 s after the answer. A connection whose setParameters never settles, whose gathering never
 * completes and whose loopback candidate comes after another host candidate reproduces it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HOST_SETTLE_MS } from './gather';
import { LoopbackViews, VIEW_CONNECT_TIMEOUT_MS } from './view-engine';

const HOST = 'a=candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host generation 0';
const LAN = 'a=candidate:2 1 udp 2122194687 192.168.1.5 5001 typ host generation 0';
const sdp = (...candidates: string[]): string => ['v=0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', ...candidates].join('\r\n') + '\r\n';

type Listener = (ev: { candidate?: { candidate: string } | null }) => void;

/** An RTCPeerConnection whose sender parameters never settle and whose gathering never completes. */
class StarvedConnection {
  iceGatheringState: RTCIceGatheringState = 'new';
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  onconnectionstatechange: (() => void) | null = null;
  closed = false;
  readonly parameters: { degradationPreference?: string; encodings: { maxBitrate?: number }[] }[] = [];
  readonly init: unknown[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly sender = {
    getParameters: () => ({ encodings: [{}] as { maxBitrate?: number }[] }),
    setParameters: (p: { degradationPreference?: string; encodings: { maxBitrate?: number }[] }) => {
      this.parameters.push(p);
      return new Promise<void>(() => undefined); // a busy worker thread: never settles here
    },
  };

  addTransceiver(_track: unknown, init: unknown): unknown {
    this.init.push(init);
    return { sender: this.sender };
  }
  getSenders(): unknown[] {
    return [this.sender];
  }
  async createOffer(): Promise<{ type: 'offer'; sdp: string }> {
    return { type: 'offer', sdp: sdp() };
  }
  async setLocalDescription(d: { type: string; sdp: string }): Promise<void> {
    this.localDescription = d;
    this.iceGatheringState = 'gathering';
    // another host candidate first, the loopback one more than HOST_SETTLE_MS later (a busy
    // renderer); TCP and relay steps never finish
    setTimeout(() => {
      this.localDescription = { ...d, sdp: sdp(LAN) };
      this.fire('icecandidate', { candidate: { candidate: LAN.slice(2) } });
    }, 1);
    setTimeout(() => {
      this.localDescription = { ...d, sdp: sdp(LAN, HOST) };
      this.fire('icecandidate', { candidate: { candidate: HOST.slice(2) } });
    }, 1 + 5 * HOST_SETTLE_MS);
  }
  async setRemoteDescription(d: { type: string; sdp: string }): Promise<void> {
    this.remoteDescription = d;
  }
  addEventListener(t: string, cb: Listener): void {
    if (!this.listeners.has(t)) this.listeners.set(t, new Set());
    this.listeners.get(t)!.add(cb);
  }
  removeEventListener(t: string, cb: Listener): void {
    this.listeners.get(t)?.delete(cb);
  }
  close(): void {
    this.closed = true;
  }
  private fire(t: string, ev: { candidate?: { candidate: string } | null }): void {
    for (const cb of this.listeners.get(t) ?? []) cb(ev);
  }
}

const track = { kind: 'video', readyState: 'live', contentHint: '' };
const channel = { kind: 'appsharing', pc: { getReceivers: () => [{ track }] } as unknown as RTCPeerConnection };

function views(): { lv: LoopbackViews; sent: [string, Record<string, unknown>][]; pcs: StarvedConnection[] } {
  const sent: [string, Record<string, unknown>][] = [];
  const pcs: StarvedConnection[] = [];
  const lv = new LoopbackViews(
    (session, msg) => sent.push([session, msg]),
    (owner, ch) => (owner === 'm1' && ch === 'share' ? channel : undefined),
    () => {
      const pc = new StarvedConnection();
      pcs.push(pc);
      return pc as unknown as RTCPeerConnection;
    },
  );
  return { lv, sent, pcs };
}

beforeEach(() => {
  vi.stubGlobal('MediaStream', class { constructor(readonly tracks: unknown[]) {} });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('LoopbackViews on a starved engine', () => {
  it('offers as soon as the loopback host candidate is in: no wait for sender parameters or complete gathering', async () => {
    const { lv, sent, pcs } = views();
    const t0 = Date.now();
    await lv.handle('m2', { mt: 'OpenView', view: 'v1', owner: 'm1', channel: 'share' });
    const offer = sent.find(([, m]) => m.mt === 'ViewOffer');
    expect(offer?.[0]).toBe('m2');
    expect(Date.now() - t0).toBeLessThan(1000); // was: never (setParameters), 3 s (gathering)
    expect(offer?.[1]).toMatchObject({ view: 'v1', kind: 'appsharing' });
    expect(String(offer?.[1].sdp)).toContain('127.0.0.1 5000');
    expect(String(offer?.[1].sdp)).not.toContain('192.168.1.5');
    // the bitrate limit went in with the track; the preference waits for the answer
    expect(pcs[0]!.init[0]).toMatchObject({ direction: 'sendonly', sendEncodings: [{ maxBitrate: 20_000_000 }] });
    expect(pcs[0]!.parameters).toEqual([]);
    expect(track.contentHint).toBe('detail');
    expect(HOST_SETTLE_MS).toBeLessThan(100);
  });

  it('applies the answer without waiting for the parameters, and keeps an unconnected view for VIEW_CONNECT_TIMEOUT_MS', async () => {
    const { lv, sent, pcs } = views();
    await lv.handle('m2', { mt: 'OpenView', view: 'v1', owner: 'm1', channel: 'share' });
    vi.useFakeTimers();
    await lv.handle('m2', { mt: 'ViewAnswer', view: 'v1', sdp: sdp(HOST) });
    expect(pcs[0]!.remoteDescription?.type).toBe('answer');
    expect(pcs[0]!.parameters[0]?.degradationPreference).toBe('maintain-resolution');
    expect(lv.snapshot()).toMatchObject([{ view: 'v1', phase: 'answered' }]);
    vi.advanceTimersByTime(VIEW_CONNECT_TIMEOUT_MS - 1);
    expect(sent.filter(([, m]) => m.mt === 'ViewClosed')).toEqual([]);
    expect(VIEW_CONNECT_TIMEOUT_MS).toBeGreaterThanOrEqual(30_000);
    vi.advanceTimersByTime(2);
    expect(sent.find(([, m]) => m.mt === 'ViewClosed')?.[1]).toMatchObject({ view: 'v1', reason: 'failed' });
    expect(pcs[0]!.closed).toBe(true);
  });

  it('fails at once when the viewer answers without a loopback candidate', async () => {
    const { lv, sent, pcs } = views();
    await lv.handle('m2', { mt: 'OpenView', view: 'v1', owner: 'm1', channel: 'share' });
    await lv.handle('m2', { mt: 'ViewAnswer', view: 'v1', sdp: sdp(LAN) });
    expect(sent.find(([, m]) => m.mt === 'ViewClosed')?.[1]).toMatchObject({ view: 'v1', reason: 'failed', errorText: expect.stringMatching(/no loopback candidate/) });
    expect(pcs[0]!.remoteDescription).toBeNull();
    expect(lv.snapshot()).toEqual([]);
  });

  it('answers only the viewer that opened the view', async () => {
    const { lv, sent } = views();
    await lv.handle('m2', { mt: 'OpenView', view: 'v1', owner: 'm1', channel: 'share' });
    await lv.handle('m3', { mt: 'ViewAnswer', view: 'v1', sdp: sdp(HOST) });
    expect(sent.at(-1)).toEqual(['m3', { mt: 'ViewClosed', view: 'v1', reason: 'refused', errorText: 'unknown view' }]);
  });
});
