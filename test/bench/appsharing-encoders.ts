/**
 * Appsharing encoder experiment (issue 15, deliverable 3), run by media-appsharing.bench.ts inside
 * `unshare -n` (loopback only). One Debian Chromium page shares a known screen: a 1920×1080 (or
 * 1280×720) canvas with UI text at 11–16 px, 1 px rules and coloured controls, whose lower part
 * changes every frame (a scrolling list and a moving box: the encoder has work at 30 fps, as when a
 * user scrolls). The canvas's captureStream is sent over a loopback RTCPeerConnection pair with one
 * encoder configuration at a time; the receiver's decoded frames per second are counted (2 s
 * ramp-up, 4 s window), then a received frame is drawn to a canvas and compared with the source
 * in the static text area: PSNR (luma) and SSIM (8×8 windows, luma), so frame rate and legibility
 * are measured together. Prints `APPSHARING_ENCODERS [...]`.
 *
 * What it does not measure: getDisplayMedia's own capture cost (media.bench.ts measures the engine
 * path capturing a real X11 screen), and a network with loss (loopback).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchChromium, MEDIA_FLAGS } from '../e2e/harness/chromium';

export interface EncoderOption {
  name: string;
  codec: 'VP8' | 'VP9' | 'H264';
  hint: '' | 'detail' | 'text' | 'motion';
  degradation?: 'balanced' | 'maintain-framerate' | 'maintain-resolution';
  scaleDown?: number;
  maxBitrate?: number;
  width: number;
  height: number;
}

export interface EncoderResult extends EncoderOption {
  fps: number;
  sentFps: number;
  encodedWidth: number;
  encodedHeight: number;
  kbps: number;
  qualityLimitation: string;
  encoder: string;
  psnr: number;
  ssim: number;
  error?: string;
}

const FULL = { width: 1920, height: 1080 };
const HD = { width: 1280, height: 720 };
export const OPTIONS: EncoderOption[] = [
  { name: 'vp8', codec: 'VP8', hint: '', ...FULL },
  { name: 'vp8-detail', codec: 'VP8', hint: 'detail', ...FULL },
  { name: 'vp8-text', codec: 'VP8', hint: 'text', ...FULL },
  { name: 'vp9-detail', codec: 'VP9', hint: 'detail', ...FULL },
  { name: 'vp9-text', codec: 'VP9', hint: 'text', ...FULL },
  { name: 'h264-detail', codec: 'H264', hint: 'detail', ...FULL },
  { name: 'vp8-detail-maintain-resolution', codec: 'VP8', hint: 'detail', degradation: 'maintain-resolution', ...FULL },
  { name: 'vp8-detail-maintain-framerate', codec: 'VP8', hint: 'detail', degradation: 'maintain-framerate', ...FULL },
  { name: 'vp9-detail-maintain-resolution', codec: 'VP9', hint: 'detail', degradation: 'maintain-resolution', ...FULL },
  { name: 'h264-detail-maintain-resolution', codec: 'H264', hint: 'detail', degradation: 'maintain-resolution', ...FULL },
  { name: 'vp8-detail-scale1.5', codec: 'VP8', hint: 'detail', scaleDown: 1.5, ...FULL },
  { name: 'vp8-720p', codec: 'VP8', hint: '', ...HD },
  { name: 'vp8-detail-720p', codec: 'VP8', hint: 'detail', ...HD },
  { name: 'vp8-detail-maintain-resolution-720p', codec: 'VP8', hint: 'detail', degradation: 'maintain-resolution', ...HD },
  { name: 'vp9-detail-720p', codec: 'VP9', hint: 'detail', ...HD },
  { name: 'h264-detail-720p', codec: 'H264', hint: 'detail', ...HD },
];

/** Runs in the page: one option, sender and receiver in this page. */
async function runInPage(o: EncoderOption): Promise<Omit<EncoderResult, keyof EncoderOption>> {
  const W = o.width;
  const H = o.height;
  const split = Math.round(H * 0.55); // above: static UI text (compared); below: changes every frame
  const src = document.createElement('canvas');
  src.width = W;
  src.height = H;
  const g = src.getContext('2d')!;
  const drawStatic = (c: CanvasRenderingContext2D): void => {
    c.fillStyle = '#ffffff';
    c.fillRect(0, 0, W, split);
    c.fillStyle = '#e8eef7';
    c.fillRect(0, 0, W, 36);
    c.fillStyle = '#1f3b73';
    c.font = 'bold 16px sans-serif';
    c.fillText('File  Edit  View  Insert  Format  Tools  Window  Help', 12, 24);
    const words = 'innovaphone myApps appsharing legibility check 0123456789 Qu4rt3rly r3port: revenue EUR 1,234,567.89 (+3.4 %) Ägypten Größe ß'.split(' ');
    let y = 60;
    for (const size of [11, 12, 13, 14, 16]) {
      c.font = `${size}px sans-serif`;
      c.fillStyle = '#000000';
      for (let line = 0; line < 4 && y < split - 20; line++) {
        let x = 12;
        let i = line * 3 + size;
        while (x < W - 200) {
          const w = words[i++ % words.length]!;
          c.fillText(w, x, y);
          x += c.measureText(`${w} `).width;
        }
        y += size + 6;
      }
      c.strokeStyle = '#808080';
      c.lineWidth = 1;
      c.beginPath();
      c.moveTo(12, y - size + 0.5);
      c.lineTo(W - 12, y - size + 0.5);
      c.stroke();
    }
    // controls: buttons with 1 px borders and labels, a checkbox grid
    for (let i = 0; i < 12; i++) {
      const x = 12 + i * 150;
      if (x + 140 > W) break;
      c.fillStyle = i % 3 === 0 ? '#2b6cb0' : '#f7fafc';
      c.fillRect(x, split - 44, 140, 30);
      c.strokeStyle = '#4a5568';
      c.strokeRect(x + 0.5, split - 43.5, 139, 29);
      c.fillStyle = i % 3 === 0 ? '#ffffff' : '#1a202c';
      c.font = '13px sans-serif';
      c.fillText(`Button ${i + 1}`, x + 12, split - 24);
    }
  };
  drawStatic(g);
  let frame = 0;
  const drawDynamic = (): void => {
    frame++;
    g.fillStyle = '#fafafa';
    g.fillRect(0, split, W, H - split);
    g.font = '14px sans-serif';
    for (let row = 0; row < Math.ceil((H - split) / 20) + 1; row++) {
      const n = row + Math.floor(frame / 4);
      const y = split + row * 20 - ((frame * 5) % 20) + 16;
      g.fillStyle = n % 2 ? '#333333' : '#0b5394';
      g.fillText(`${n}  chat message ${n * 7919 % 10007} from user${n % 13}: scrolling text line with some content`, 12, y);
    }
    g.fillStyle = `hsl(${(frame * 7) % 360} 70% 50%)`;
    g.fillRect((frame * 13) % (W - 200), split + 20, 200, 120);
  };
  drawDynamic();
  const timer = setInterval(drawDynamic, 1000 / 30);
  const stream = src.captureStream(30);
  const track = stream.getVideoTracks()[0]!;
  if (o.hint) track.contentHint = o.hint;

  const a = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  const b = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  a.onicecandidate = (e) => void (e.candidate && b.addIceCandidate(e.candidate));
  b.onicecandidate = (e) => void (e.candidate && a.addIceCandidate(e.candidate));
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  document.body.appendChild(video);
  b.ontrack = (e) => {
    video.srcObject = new MediaStream([e.track]);
    void video.play().catch(() => undefined);
  };
  const tr = a.addTransceiver(track, { direction: 'sendonly', sendEncodings: [{ ...(o.scaleDown ? { scaleResolutionDownBy: o.scaleDown } : {}), ...(o.maxBitrate ? { maxBitrate: o.maxBitrate } : {}) }] });
  const caps = RTCRtpSender.getCapabilities('video')!.codecs;
  const wanted = caps.filter((c) => c.mimeType.toLowerCase() === `video/${o.codec.toLowerCase()}` && (o.codec !== 'H264' || /packetization-mode=1/.test(c.sdpFmtpLine ?? '')));
  if (!wanted.length) return { fps: 0, sentFps: 0, encodedWidth: 0, encodedHeight: 0, kbps: 0, qualityLimitation: '', encoder: '', psnr: 0, ssim: 0, error: `${o.codec} not available` };
  tr.setCodecPreferences([...wanted, ...caps.filter((c) => /rtx/i.test(c.mimeType))]);
  if (o.degradation) {
    const p = tr.sender.getParameters();
    p.degradationPreference = o.degradation;
    await tr.sender.setParameters(p);
  }
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);

  const stats = async (): Promise<{ decoded: number; sent: number; bytes: number; w: number; h: number; ql: string; enc: string; t: number }> => {
    const out = { decoded: 0, sent: 0, bytes: 0, w: 0, h: 0, ql: '', enc: '', t: performance.now() };
    (await b.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp') out.decoded = Number(s.framesDecoded ?? 0);
    });
    (await a.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type === 'outbound-rtp') {
        out.sent = Number(s.framesEncoded ?? 0);
        out.bytes = Number(s.bytesSent ?? 0);
        out.w = Number(s.frameWidth ?? 0);
        out.h = Number(s.frameHeight ?? 0);
        out.ql = String(s.qualityLimitationReason ?? '');
        out.enc = String(s.encoderImplementation ?? '');
      }
    });
    return out;
  };
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  await sleep(2000);
  const s0 = await stats();
  await sleep(4000);
  const s1 = await stats();
  const secs = (s1.t - s0.t) / 1000;

  // legibility: the received frame against the source, static area only (luma)
  const got = document.createElement('canvas');
  got.width = W;
  got.height = split;
  const gg = got.getContext('2d', { willReadFrequently: true })!;
  gg.drawImage(video, 0, 0, video.videoWidth, video.videoHeight * (split / H), 0, 0, W, split);
  const ref = document.createElement('canvas');
  ref.width = W;
  ref.height = split;
  const rg = ref.getContext('2d', { willReadFrequently: true })!;
  drawStatic(rg);
  const luma = (d: Uint8ClampedArray): Float32Array => {
    const y = new Float32Array(d.length / 4);
    for (let i = 0; i < y.length; i++) y[i] = 0.299 * d[i * 4]! + 0.587 * d[i * 4 + 1]! + 0.114 * d[i * 4 + 2]!;
    return y;
  };
  const x = luma(gg.getImageData(0, 0, W, split).data);
  const r = luma(rg.getImageData(0, 0, W, split).data);
  let se = 0;
  for (let i = 0; i < x.length; i++) se += (x[i]! - r[i]!) ** 2;
  const mse = se / x.length;
  const psnr = mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse);
  const C1 = (0.01 * 255) ** 2;
  const C2 = (0.03 * 255) ** 2;
  let ssimSum = 0;
  let windows = 0;
  for (let wy = 0; wy + 8 <= split; wy += 8) {
    for (let wx = 0; wx + 8 <= W; wx += 8) {
      let mx = 0;
      let mr = 0;
      for (let j = 0; j < 8; j++) for (let i = 0; i < 8; i++) {
        mx += x[(wy + j) * W + wx + i]!;
        mr += r[(wy + j) * W + wx + i]!;
      }
      mx /= 64;
      mr /= 64;
      let vx = 0;
      let vr = 0;
      let cov = 0;
      for (let j = 0; j < 8; j++) for (let i = 0; i < 8; i++) {
        const dx = x[(wy + j) * W + wx + i]! - mx;
        const dr = r[(wy + j) * W + wx + i]! - mr;
        vx += dx * dx;
        vr += dr * dr;
        cov += dx * dr;
      }
      vx /= 63;
      vr /= 63;
      cov /= 63;
      ssimSum += ((2 * mx * mr + C1) * (2 * cov + C2)) / ((mx * mx + mr * mr + C1) * (vx + vr + C2));
      windows++;
    }
  }
  clearInterval(timer);
  a.close();
  b.close();
  track.stop();
  video.remove();
  return {
    fps: (s1.decoded - s0.decoded) / secs,
    sentFps: (s1.sent - s0.sent) / secs,
    encodedWidth: s1.w,
    encodedHeight: s1.h,
    kbps: ((s1.bytes - s0.bytes) * 8) / secs / 1000,
    qualityLimitation: s1.ql,
    encoder: s1.enc,
    psnr,
    ssim: ssimSum / windows,
  };
}

async function main(): Promise<void> {
  const only = process.env.APPSHARING_OPTIONS?.split(',').filter(Boolean);
  const repeat = Number(process.env.APPSHARING_REPEAT ?? 1);
  // without media permission Chromium hides host addresses behind mDNS names: no loopback candidate
  const browser = await launchChromium({ args: [...MEDIA_FLAGS, '--autoplay-policy=no-user-gesture-required', '--disable-features=WebRtcHideLocalIpsWithMdns'] });
  const results: EncoderResult[] = [];
  // a page on http://127.0.0.1 (a secure context: capture and WebRTC as in the engine page)
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>appsharing encoders</title><body></body>'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    const page = await browser.newPage({ viewport: { width: 640, height: 400 } });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    // tsx keeps function names with a __name() helper the page does not have
    await page.evaluate('window.__name = (f) => f');
    // a capture permission, as the engine page has: every local address is gathered
    await page.evaluate('navigator.mediaDevices.getUserMedia({ audio: true }).then((s) => s.getTracks().forEach((t) => t.stop())).catch(() => undefined)');
    for (let round = 0; round < repeat; round++) {
      for (const o of OPTIONS.filter((x) => !only || only.includes(x.name))) {
        try {
          results.push({ ...o, ...(await page.evaluate(runInPage, o)) });
        } catch (err) {
          results.push({ ...o, fps: 0, sentFps: 0, encodedWidth: 0, encodedHeight: 0, kbps: 0, qualityLimitation: '', encoder: '', psnr: 0, ssim: 0, error: String(err).slice(0, 300) });
        }
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  process.stdout.write(`APPSHARING_ENCODERS ${JSON.stringify(results)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stdout.write(`APPSHARING_ENCODERS_ERROR ${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  },
);
