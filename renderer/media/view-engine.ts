/**
 * Engine side of the viewer (docs/media-protocol.md, "Viewing remote video"): re-sends a
 * channel's decoded remote video track to the viewer page over a second, loopback-only
 * RTCPeerConnection. Non-trickle: the offer goes out once ICE gathering is complete, with every
 * candidate that is not 127.0.0.1/::1 removed; the viewer's answer is filtered the same way.
 * The relay has already checked that the viewer may see the channel (ticket of its owner).
 */

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

/** Resolves when ICE gathering is complete (or after `ms`). */
export function gathered(pc: RTCPeerConnection, ms = 3000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    }
    function check(): void {
      if (pc.iceGatheringState === 'complete') done();
    }
    pc.addEventListener('icegatheringstatechange', check);
  });
}

/** A view whose loopback connection is not up this long after the answer is closed as failed. */
export const VIEW_CONNECT_TIMEOUT_MS = 10_000;
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
  pc: RTCPeerConnection;
  closed: boolean;
}

type Emit = (session: string, msg: Record<string, unknown>) => void;

export class LoopbackViews {
  private readonly views = new Map<string, View>();

  constructor(private readonly emit: Emit, private readonly findChannel: (owner: string, channel: string) => ViewChannel | undefined) {}

  /** OpenView (rewritten by the relay: view, owner, channel), ViewAnswer, CloseView from `session` (the viewer). */
  async handle(session: string, msg: Record<string, unknown>): Promise<void> {
    const viewId = String(msg.view ?? '');
    if (msg.mt === 'OpenView') return this.open(session, viewId, String(msg.owner ?? ''), String(msg.channel ?? ''));
    const v = this.views.get(viewId);
    if (!v || v.viewer !== session) return this.emit(session, { mt: 'ViewClosed', view: viewId, reason: 'refused', errorText: 'unknown view' });
    if (msg.mt === 'CloseView') return this.close(v, 'closed');
    if (msg.mt === 'ViewAnswer') {
      try {
        await v.pc.setRemoteDescription({ type: 'answer', sdp: loopbackOnlySdp(String(msg.sdp ?? '')) });
        // A viewer that gathered no loopback candidate (Chromium hides host addresses behind mDNS
        // names from pages without media permission) never sends a check: say so instead of hanging.
        setTimeout(() => {
          if (!v.closed && v.pc.connectionState !== 'connected') this.close(v, 'failed', 'loopback connection did not connect (viewer without media permission? see docs/media-protocol.md)');
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
    const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    const v: View = { id, viewer, owner, channel, pc, closed: false };
    this.views.set(id, v);
    const tr = pc.addTransceiver(track, { direction: 'sendonly', streams: [new MediaStream([track])] });
    // The decoded frames are encoded once more for the loopback hop: plenty of bitrate (it never
    // leaves the machine) and, for screen content, keep the resolution rather than the frame rate.
    if (ch.kind === 'appsharing') track.contentHint = 'detail';
    const params = tr.sender.getParameters();
    params.degradationPreference = ch.kind === 'appsharing' ? 'maintain-resolution' : 'balanced';
    if (params.encodings[0]) params.encodings[0].maxBitrate = VIEW_MAX_BITRATE;
    await tr.sender.setParameters(params).catch(() => undefined);
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed') this.close(v, 'failed', 'loopback connection failed');
    };
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      if (v.closed) return;
      const sdp = loopbackOnlySdp(pc.localDescription?.sdp ?? '');
      if (!loopbackCandidates(sdp)) return this.close(v, 'failed', 'no loopback candidate (is --allow-loopback-in-peer-connection set?)');
      this.emit(viewer, { mt: 'ViewOffer', view: id, kind: ch.kind, sdp });
    } catch (err) {
      this.close(v, 'failed', String((err as Error)?.message ?? err));
    }
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

  snapshot(): { view: string; viewer: string; owner: string; channel: string; state: string }[] {
    return [...this.views.values()].map((v) => ({ view: v.id, viewer: v.viewer, owner: v.owner, channel: v.channel, state: v.pc.connectionState }));
  }
}
