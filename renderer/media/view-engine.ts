/**
 * Engine side of the viewer (docs/media-protocol.md, "Viewing remote video"): re-sends a
 * channel's decoded remote video track to the viewer page over a second, loopback-only
 * RTCPeerConnection. Non-trickle: the offer goes out once the UDP host candidates are in
 * (./gather.ts, hostOnly: the loopback one is all it keeps), with every candidate that is not
 * 127.0.0.1/::1 removed; the viewer's answer is filtered the same way. Nothing waits for the
 * sender parameters: they are applied once the connection is negotiated. The relay has already
 * checked that the viewer may see the channel (ticket of its owner).
 */
import { isLoopbackHostUdp, waitForGathering } from './gather';
import { APPSHARING_DEGRADATION, markScreenTrack } from './engine/appsharing';

/** Keeps only loopback host candidates (and drops end-of-candidates noise of other addresses). */
export function loopbackOnlySdp(sdp: string): string {
  const lines = sdp.split(/\r?\n/).filter((l) => l !== '');
  const out = lines.filter((l) => {
    if (!l.startsWith('a=candidate:')) return true;
    const f = l.split(' ');
    // a=candidate:<foundation> <component> <transport> <prio> <addr> <port> typ <type> ...
    const addr = f[4] ?? '';
    return (addr === '127.0.0.1' || addr === '::1') && (f[2] ?? '').toLowerCase() === 'udp';
  });
  return `${out.join('\r\n')}\r\n`;
}

/** Count of loopback candidates in an SDP. */
export function loopbackCandidates(sdp: string): number {
  return sdp.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:')).length;
}

/**
 * Longest wait for the loopback host candidate before a view's offer or answer goes out anyway
 * (gathering that completes ends the wait too). On a loaded machine the first candidate took over
 * 2 s; a description without one can only fail.
 */
export const VIEW_GATHER_MAX_MS = 10_000;

/**
 * A view whose loopback connection is not up this long after the answer is closed as failed. An
 * answer without a loopback candidate fails at once; this only ends views that never connect
 * (generous: a loaded machine takes seconds to set up a 1080p re-encode).
 */
export const VIEW_CONNECT_TIMEOUT_MS = 30_000;
/** Bits per second allowed on the loopback hop. */
export const VIEW_MAX_BITRATE = 20_000_000;

export interface ViewChannel {
  readonly kind: string;
  readonly pc: RTCPeerConnection;
}

interface View {
  id: string;
  viewer: string;
  owner: string;
  channel: string;
  kind: string;
  pc: RTCPeerConnection;
  closed: boolean;
  /** Where its setup is and since when (diagnostics: snapshot()). */
  phase: 'offer' | 'answer' | 'answered';
  since: number;
}

type Emit = (session: string, msg: Record<string, unknown>) => void;

const setPhase = (v: View, phase: View['phase']): void => {
  v.phase = phase;
  v.since = performance.now();
};

export class LoopbackViews {
  private readonly views = new Map<string, View>();

  constructor(
    private readonly emit: Emit,
    private readonly findChannel: (owner: string, channel: string) => ViewChannel | undefined,
    private readonly newConnection: (config: RTCConfiguration) => RTCPeerConnection = (config) => new RTCPeerConnection(config),
  ) {}

  /** OpenView (rewritten by the relay: view, owner, channel), ViewAnswer, CloseView from `session` (the viewer). */
  async handle(session: string, msg: Record<string, unknown>): Promise<void> {
    const viewId = String(msg.view ?? '');
    if (msg.mt === 'OpenView') return this.open(session, viewId, String(msg.owner ?? ''), String(msg.channel ?? ''));
    const v = this.views.get(viewId);
    if (!v || v.viewer !== session) return this.emit(session, { mt: 'ViewClosed', view: viewId, reason: 'refused', errorText: 'unknown view' });
    if (msg.mt === 'CloseView') return this.close(v, 'closed');
    if (msg.mt === 'ViewAnswer') {
      const sdp = loopbackOnlySdp(String(msg.sdp ?? ''));
      // A viewer that gathered no loopback candidate (Chromium hides host addresses behind mDNS
      // names from pages without media permission) would never send a check: say so now.
      if (!loopbackCandidates(sdp)) return this.close(v, 'failed', 'the viewer has no loopback candidate (viewer without media permission? see docs/media-protocol.md)');
      try {
        setPhase(v, 'answer');
        await v.pc.setRemoteDescription({ type: 'answer', sdp });
        setPhase(v, 'answered');
        this.applyParameters(v);
        setTimeout(() => {
          if (!v.closed && v.pc.connectionState !== 'connected') this.close(v, 'failed', 'loopback connection did not connect');
        }, VIEW_CONNECT_TIMEOUT_MS);
      } catch (err) {
        this.close(v, 'failed', `answer refused: ${String((err as Error)?.message ?? err)}`);
      }
    }
  }

  private async open(viewer: string, id: string, owner: string, channel: string): Promise<void> {
    const ch = this.findChannel(owner, channel);
    const track = ch?.pc.getReceivers().map((r) => r.track).find((t) => t && t.kind === 'video' && t.readyState === 'live');
    if (!ch || !track) {
      return this.emit(viewer, { mt: 'ViewClosed', view: id, reason: ch ? 'no-media' : 'channel-closed', errorText: ch ? 'the channel receives no video' : 'no such channel' });
    }
    const pc = this.newConnection({ iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    const v: View = { id, viewer, owner, channel, kind: ch.kind, pc, closed: false, phase: 'offer', since: performance.now() };
    this.views.set(id, v);
    // Screen content: tell the encoder (docs/decisions.md, "Appsharing encoder"). The bitrate
    // limit goes in with the track (no round trip of its own); see applyParameters.
    if (ch.kind === 'appsharing') markScreenTrack(track);
    pc.addTransceiver(track, { direction: 'sendonly', streams: [new MediaStream([track])], sendEncodings: [{ maxBitrate: VIEW_MAX_BITRATE }] });
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed') this.close(v, 'failed', 'loopback connection failed');
    };
    try {
      await pc.setLocalDescription(await pc.createOffer());
      // the loopback host candidate is all the offer keeps: no wait for TCP or relay gathering
      await waitForGathering(pc, { hostOnly: true, maxMs: VIEW_GATHER_MAX_MS, counts: isLoopbackHostUdp });
      if (v.closed) return;
      const sdp = loopbackOnlySdp(pc.localDescription?.sdp ?? '');
      if (!loopbackCandidates(sdp)) return this.close(v, 'failed', 'no loopback candidate (is --allow-loopback-in-peer-connection set?)');
      this.emit(viewer, { mt: 'ViewOffer', view: id, kind: ch.kind, sdp });
    } catch (err) {
      this.close(v, 'failed', String((err as Error)?.message ?? err));
    }
  }

  /**
   * The decoded frames are encoded once more for the loopback hop: for screen content keep the
   * resolution rather than the frame rate. Applied once negotiated and not awaited, so a busy
   * encoder thread cannot hold the view's setup.
   */
  private applyParameters(v: View): void {
    const sender = v.pc.getSenders()[0];
    if (!sender || v.closed) return;
    const params = sender.getParameters();
    params.degradationPreference = v.kind === 'appsharing' ? APPSHARING_DEGRADATION : 'balanced';
    void sender.setParameters(params).catch(() => undefined);
  }

  close(v: View, reason: 'closed' | 'channel-closed' | 'failed' | 'engine', errorText?: string, notify = true): void {
    if (v.closed) return;
    v.closed = true;
    this.views.delete(v.id);
    v.pc.close();
    if (notify) this.emit(v.viewer, { mt: 'ViewClosed', view: v.id, reason, ...(errorText ? { errorText } : {}) });
  }

  channelClosed(owner: string, channel: string): void {
    for (const v of [...this.views.values()]) if (v.owner === owner && v.channel === channel) this.close(v, 'channel-closed');
  }

  /** A session went away: its own views go silently, views of its channels are closed by channelClosed. */
  sessionClosed(session: string): void {
    for (const v of [...this.views.values()]) if (v.viewer === session) this.close(v, 'closed', undefined, false);
  }

  closeAll(): void {
    for (const v of [...this.views.values()]) this.close(v, 'engine', undefined, false);
  }

  snapshot(): { view: string; viewer: string; owner: string; channel: string; state: string; phase: string; phaseMs: number }[] {
    return [...this.views.values()].map((v) => ({ view: v.id, viewer: v.viewer, owner: v.owner, channel: v.channel, state: v.pc.connectionState, phase: v.phase, phaseMs: Math.round(performance.now() - v.since) }));
  }
}
