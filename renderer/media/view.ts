/**
 * The viewer page (`http://127.0.0.1:<port>/media/view#token=…&ticket=…`): an app embeds it as
 * an iframe to show a channel's remote video or appsharing (docs/media-protocol.md, "Viewing
 * remote video"). It opens its own Media session, redeems the one-time ticket (`OpenView`),
 * answers the engine's loopback-only offer (`ViewOffer` → `ViewAnswer`) and plays the track in a
 * full-size <video>. Test hook: `window.__view` (state, frames, width, height, reason).
 */
import { MEDIA_PATH } from '../../common/media';
import { isLoopbackHostUdp, waitForGathering } from './gather';
import { loopbackOnlySdp, VIEW_GATHER_MAX_MS } from './view-engine';

type State = 'connecting' | 'waiting' | 'playing' | 'closed' | 'refused';
interface ViewStatus {
  state: State;
  kind: string;
  frames: number;
  width: number;
  height: number;
  reason: string;
  /** getVideoPlaybackQuality().totalVideoFrames */
  quality: () => number;
  /** What the viewer gathered before it answered (`<address> <transport> <type>`; diagnostics). */
  candidates: string[];
  /** Addresses of the selected ICE candidate pair of the loopback connection. */
  pair: () => Promise<{ local: string; remote: string } | null>;
}

function boot(): void {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token') ?? '';
  const ticket = params.get('ticket') ?? '';
  // keep the token and the ticket out of the history and the referrer
  history.replaceState(null, '', location.pathname);

  const video = document.createElement('video');
  video.autoplay = true;
  video.muted = true;
  video.playsInline = true;
  Object.assign(video.style, { position: 'fixed', inset: '0', width: '100%', height: '100%', objectFit: 'contain', background: '#000' });
  Object.assign(document.body.style, { margin: '0', background: '#000' });
  document.body.appendChild(video);

  const status: ViewStatus = {
    state: 'connecting',
    kind: '',
    frames: 0,
    width: 0,
    height: 0,
    reason: '',
    candidates: [],
    quality: () => video.getVideoPlaybackQuality?.().totalVideoFrames ?? 0,
    pair: async () => {
      if (!pc) return null;
      const byId = new Map<string, Record<string, unknown>>();
      (await pc.getStats()).forEach((r: Record<string, unknown>) => byId.set(String(r.id), r));
      const sel = [...byId.values()].find((r) => r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded');
      if (!sel) return null;
      const addr = (id: unknown): string => String(byId.get(String(id))?.address ?? byId.get(String(id))?.ip ?? '');
      return { local: addr(sel.localCandidateId), remote: addr(sel.remoteCandidateId) };
    },
  };
  Object.defineProperty(window, '__view', { value: status });

  let pc: RTCPeerConnection | null = null;
  let view = '';
  const end = (state: 'closed' | 'refused', reason: string): void => {
    if (status.state === 'closed' || status.state === 'refused') return;
    status.state = state;
    status.reason = reason;
    pc?.close();
    pc = null;
    video.srcObject = null;
    ws.close();
  };

  // requestVideoFrameCallback only fires for frames that are composited (not while the iframe is
  // scrolled out of view or hidden); the decoder's count and the element's size tell the rest.
  const poll = setInterval(() => {
    if (status.state === 'closed' || status.state === 'refused') return void clearInterval(poll);
    if (!pc) return; // the offer has not come yet
    if (video.videoWidth > 0 && status.quality() > 0) {
      status.width = video.videoWidth;
      status.height = video.videoHeight;
      if (status.state === 'waiting') status.state = 'playing';
    }
  }, 250);
  const countFrames = (): void => {
    const cb = (_now: number, meta: { width: number; height: number }): void => {
      status.frames++;
      status.width = meta.width;
      status.height = meta.height;
      if (status.state === 'waiting') status.state = 'playing';
      if (pc) video.requestVideoFrameCallback(cb);
    };
    video.requestVideoFrameCallback(cb);
  };

  const ws = new WebSocket(`ws://${location.host}${MEDIA_PATH}?token=${encodeURIComponent(token)}&v=1`);
  ws.onopen = () => {
    status.state = 'waiting';
    ws.send(JSON.stringify({ mt: 'OpenView', ticket }));
  };
  ws.onclose = () => end(status.state === 'connecting' ? 'refused' : 'closed', status.state === 'connecting' ? 'media service refused the connection' : 'media service closed');
  ws.onmessage = (ev) => {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(String(ev.data)) as Record<string, unknown>;
    } catch {
      return;
    }
    if (m.mt === 'ViewOffer' && !pc) void onOffer(m);
    else if (m.mt === 'ViewClosed' && (!view || m.view === view || m.view === undefined)) end(m.reason === 'refused' ? 'refused' : 'closed', String(m.reason ?? '') + (m.errorText ? `: ${String(m.errorText)}` : ''));
    else if (m.mt === 'Error') end('refused', String(m.reason ?? 'error'));
  };

  const onOffer = async (m: Record<string, unknown>): Promise<void> => {
    view = String(m.view ?? '');
    status.kind = String(m.kind ?? '');
    const p = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    pc = p;
    p.ontrack = (ev) => {
      video.srcObject = ev.streams[0] ?? new MediaStream([ev.track]);
      void video.play().catch(() => undefined);
      countFrames();
    };
    p.onconnectionstatechange = () => {
      if (p.connectionState === 'failed') end('closed', 'failed: loopback connection failed');
    };
    try {
      await p.setRemoteDescription({ type: 'offer', sdp: loopbackOnlySdp(String(m.sdp ?? '')) });
      await p.setLocalDescription(await p.createAnswer());
      // the loopback host candidate is all the answer keeps: no wait for TCP or relay gathering
      await waitForGathering(p, { hostOnly: true, maxMs: VIEW_GATHER_MAX_MS, counts: isLoopbackHostUdp });
      status.candidates = (p.localDescription?.sdp ?? '').split(/\r?\n/).filter((l) => l.startsWith('a=candidate:')).map((l) => {
        const f = l.split(' ');
        return `${f[4] ?? ''} ${f[2] ?? ''} ${f[7] ?? ''}`;
      });
      ws.send(JSON.stringify({ mt: 'ViewAnswer', view, sdp: loopbackOnlySdp(p.localDescription?.sdp ?? '') }));
    } catch (err) {
      ws.send(JSON.stringify({ mt: 'CloseView', view }));
      end('closed', `failed: ${String((err as Error)?.message ?? err)}`);
    }
  };
  window.addEventListener('pagehide', () => {
    if (view && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ mt: 'CloseView', view }));
  });
}

if (typeof window !== 'undefined' && typeof document !== 'undefined') boot();
