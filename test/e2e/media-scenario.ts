/**
 * The media end-to-end scenario, run by test/e2e/media.e2e.test.ts inside a network namespace
 * that has only `lo` (`unshare -n`), so no RTP packet can leave loopback. Prints one JSON line
 * (`MEDIA_RESULT {...}`) with what it observed; the vitest file asserts on it.
 *
 * It starts the real local services server, the media relay, the engine (bundled from
 * renderer/media/engine/main.ts with esbuild now) in Debian Chromium with fake devices, and plays
 * the softphone app: two Media protocol sessions over real WebSockets, AllocChannel ->
 * CreateOffer -> RemoteDescription with Signal `channels` (PROPOSAL, answered with SELECT;
 * REQUEST, CLOSE) -> connected -> RTP (getStats) -> DTMF -> close. Then the Ringer protocol with
 * a custom .mp3 and a built-in tone.
 *
 * Bench mode (MEDIA_BENCH_CALLS=n, test/bench/media.bench.ts): Chromium runs headed on a private
 * 1920×1080 Xvfb, and appsharing captures that X11 screen (getDisplayMedia → Chromium's
 * ScreenCapturerX11, what the product's screen picker hands the engine on Linux/X11) while a page in
 * front shows UI text that scrolls every frame; audio still comes from Chromium's fake devices.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as http from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startLocalServicesServer, OriginAllowList } from '../../electron/bus';
import { bundleEngine, readRtpPcap, startMediaService } from '../../electron/media';
import { memoryLogger } from '../fixtures/memory-logger';
import type { Channels } from '../../common/media';
import { channelsToSdp, sdpToChannels } from '../../renderer/media/channels';
import { launchChromium, MEDIA_FLAGS } from './harness/chromium';
import { startXvfb } from './harness/xvfb';
import type { BrowserContext, Page } from 'playwright-core';

const APP_ORIGIN = 'https://pbx.example.com';
/** Bench mode, appsharing only (no calls, no CPU figure): MEDIA_BENCH_SHARE_ONLY=1. */
const SHARE_ONLY = process.env.MEDIA_BENCH_SHARE_ONLY === '1';
/** Bench mode: MEDIA_BENCH_CALLS calls (or appsharing only), one MEDIA_BENCH line instead of the e2e result. */
const BENCH = Number(process.env.MEDIA_BENCH_CALLS ?? 0) || (SHARE_ONLY ? 1 : 0);
const LOOP_CALLS = Number(process.env.MEDIA_LOOP_CALLS ?? 50);
type Msg = Record<string, unknown> & { mt: string };

/** A Media/Ringer protocol client as the softphone app would run it. */
class AppClient {
  readonly inbox: Msg[] = [];
  private waiters: { pred: (m: Msg) => boolean; resolve: (m: Msg) => void }[] = [];
  onMessage: ((m: Msg) => void) | null = null;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as Msg;
      this.inbox.push(m);
      this.onMessage?.(m);
      for (const w of [...this.waiters]) if (w.pred(m)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(m);
      }
    });
  }
  static async connect(url: string): Promise<AppClient> {
    const ws = new WebSocket(url, { headers: { origin: APP_ORIGIN } });
    await new Promise<void>((res, rej) => { ws.once('open', () => res()); ws.once('error', rej); });
    return new AppClient(ws);
  }
  send(m: Msg): void { this.ws.send(JSON.stringify(m)); }
  wait(pred: (m: Msg) => boolean, what: string, timeoutMs = 15000): Promise<Msg> {
    const hit = this.inbox.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timeout waiting for ${what}; got ${this.inbox.map((m) => m.mt).join(',')}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (m) => { clearTimeout(t); resolve(m); } });
    });
  }
  async request(m: Msg, mt: string, extra: (r: Msg) => boolean = () => true): Promise<Msg> {
    const before = this.inbox.length;
    this.send(m);
    return this.wait((r) => this.inbox.indexOf(r) >= before && (r.mt === mt || r.mt === 'Error' || r.mt === 'ChannelError') && extra(r), mt);
  }
}

/** A few seconds of silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz): a valid .mp3 without an encoder. */
function silentMp3(frames: number): Buffer {
  const frame = Buffer.alloc(417);
  frame.writeUInt32BE(0xfffb9064, 0);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

/** Wall-clock ms with sub-ms resolution, comparable with the engine's Stats.timeline.allocAt. */
const nowMs = (): number => performance.timeOrigin + performance.now();

/**
 * Where one call's AllocChannel → first audio packet time goes (ms, each step from the end of the
 * one before; they add up to `total`): both AllocChannel answered, A's offer (ICE gathering), B's
 * answer (offer applied, gathering), A applies the answer, ICE connectivity checks (negative when
 * ICE was up before A's app heard RemoteDescriptionResult), DTLS, first RTP packet received at
 * both ends. Engine steps come from Stats.timeline, taken at the later of the two ends. `seen`
 * (not in `total`): until the app's GetStats polling showed bytesReceived > 0 at both ends
 * (Chromium caches getStats results for up to 50 ms, so this measures the poll, not the call).
 */
export interface CallSteps { total: number; alloc: number; offer: number; answer: number; select: number; ice: number; dtls: number; firstPacket: number; seen: number }

/** One quick call between two sessions (alloc -> offer/answer -> trickle -> first audio both ways -> close). */
async function quickCall(a: AppClient, b: AppClient, n: number, holdMs = 0): Promise<{ firstAudioMs: number; steps?: CallSteps }> {
  const ca = `qa${n}`;
  const cb = `qb${n}`;
  a.onMessage = (m) => { if (m.mt === 'LocalCandidate' && m.channel === ca) b.send({ mt: 'RemoteCandidate', channel: cb, ...(m.candidate ? { candidate: m.candidate } : { end: true }) }); };
  b.onMessage = (m) => { if (m.mt === 'LocalCandidate' && m.channel === cb) a.send({ mt: 'RemoteCandidate', channel: ca, ...(m.candidate ? { candidate: m.candidate } : { end: true }) }); };
  const t0 = nowMs();
  await a.request({ mt: 'AllocChannel', channel: ca, kind: 'audio', iceServers: [] }, 'AllocChannelResult', (m) => m.channel === ca);
  await b.request({ mt: 'AllocChannel', channel: cb, kind: 'audio', iceServers: [] }, 'AllocChannelResult', (m) => m.channel === cb);
  const tAlloc = nowMs();
  const offer = await a.request({ mt: 'CreateOffer', channel: ca }, 'LocalDescription', (m) => m.channel === ca);
  const tOffer = nowMs();
  const answer = await b.request({ mt: 'RemoteDescription', channel: cb, channels_cmd: 'PROPOSAL', channels: offer.channels }, 'LocalDescription', (m) => m.channel === cb);
  const tAnswer = nowMs();
  await a.request({ mt: 'RemoteDescription', channel: ca, channels_cmd: 'SELECT', channels: answer.channels }, 'RemoteDescriptionResult', (m) => m.channel === ca);
  const tSelect = nowMs();
  let firstAudioMs = -1;
  let sa: Msg = { mt: '' };
  let sb: Msg = { mt: '' };
  for (let i = 0; i < 300 && firstAudioMs < 0; i++) {
    sa = await a.request({ mt: 'GetStats', channel: ca }, 'Stats', (m) => m.channel === ca);
    sb = await b.request({ mt: 'GetStats', channel: cb }, 'Stats', (m) => m.channel === cb);
    if (Number(sa.bytesReceived) > 0 && Number(sb.bytesReceived) > 0) firstAudioMs = nowMs() - t0;
    else await new Promise((r) => setTimeout(r, 10));
  }
  if (firstAudioMs < 0) throw new Error(`call ${n}: no audio`);
  const steps = callSteps(t0, tAlloc, tOffer, tAnswer, tSelect, t0 + firstAudioMs, sa.timeline as Timeline | undefined, sb.timeline as Timeline | undefined);
  if (holdMs) await new Promise((r) => setTimeout(r, holdMs));
  await a.request({ mt: 'CloseChannel', channel: ca }, 'ChannelClosed', (m) => m.channel === ca);
  await b.request({ mt: 'CloseChannel', channel: cb }, 'ChannelClosed', (m) => m.channel === cb);
  a.onMessage = null;
  b.onMessage = null;
  return { firstAudioMs: Math.round(firstAudioMs * 10) / 10, ...(steps ? { steps } : {}) };
}

type Timeline = { allocAt: number } & Record<string, number>;

/** The steps of one call (see CallSteps); undefined when an engine step is missing. */
function callSteps(t0: number, tAlloc: number, tOffer: number, tAnswer: number, tSelect: number, tSeen: number, ta?: Timeline, tb?: Timeline): CallSteps | undefined {
  const at = (name: string): number | undefined => {
    if (ta?.[name] === undefined || tb?.[name] === undefined) return undefined;
    return Math.max(ta.allocAt + ta[name]!, tb.allocAt + tb[name]!);
  };
  const ice = at('iceConnected');
  const dtls = at('connected');
  const first = at('firstPacket');
  if (ice === undefined || dtls === undefined || first === undefined) return undefined;
  const r = (x: number): number => Math.round(x * 10) / 10;
  return { total: r(first - t0), alloc: r(tAlloc - t0), offer: r(tOffer - tAlloc), answer: r(tAnswer - tOffer), select: r(tSelect - tAnswer), ice: r(ice - tSelect), dtls: r(dtls - ice), firstPacket: r(first - dtls), seen: r(tSeen - first) };
}

/** A video-like call (video or appsharing); returns the receiver's stats once frames are decoded. */
async function videoCall(a: AppClient, b: AppClient, kind: 'video' | 'appsharing', n: string, dirA: string, dirB: string): Promise<Record<string, unknown>> {
  const ca = `va${n}`;
  const cb = `vb${n}`;
  a.onMessage = (m) => { if (m.mt === 'LocalCandidate' && m.channel === ca) b.send({ mt: 'RemoteCandidate', channel: cb, ...(m.candidate ? { candidate: m.candidate } : { end: true }) }); };
  b.onMessage = (m) => { if (m.mt === 'LocalCandidate' && m.channel === cb) a.send({ mt: 'RemoteCandidate', channel: ca, ...(m.candidate ? { candidate: m.candidate } : { end: true }) }); };
  const out: Record<string, unknown> = {};
  out.allocA = await a.request({ mt: 'AllocChannel', channel: ca, kind, direction: dirA, iceServers: [] }, 'AllocChannelResult', (m) => m.channel === ca);
  out.allocB = await b.request({ mt: 'AllocChannel', channel: cb, kind, direction: dirB, iceServers: [] }, 'AllocChannelResult', (m) => m.channel === cb);
  if ((out.allocA as Msg).error || (out.allocB as Msg).error) return out;
  const offer = await a.request({ mt: 'CreateOffer', channel: ca }, 'LocalDescription', (m) => m.channel === ca);
  out.offerCoders = (offer.channels as Channels).ch!.map((c) => c.coder);
  const answer = await b.request({ mt: 'RemoteDescription', channel: cb, channels_cmd: 'PROPOSAL', channels: offer.channels }, 'LocalDescription', (m) => m.channel === cb);
  out.answerDirection = (answer.channels as Channels)[`${kind === 'video' ? 'video' : 'collab'}_direction`] ?? 'sendrecv';
  await a.request({ mt: 'RemoteDescription', channel: ca, channels_cmd: 'SELECT', channels: answer.channels }, 'RemoteDescriptionResult', (m) => m.channel === ca);
  let sb: Msg = { mt: '' };
  for (let i = 0; i < 100; i++) {
    sb = await b.request({ mt: 'GetStats', channel: cb }, 'Stats', (m) => m.channel === cb);
    if (Number(sb.framesDecoded ?? 0) > 20) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  out.receiverStats = sb;
  out.senderStats = await a.request({ mt: 'GetStats', channel: ca }, 'Stats', (m) => m.channel === ca);
  await a.request({ mt: 'CloseChannel', channel: ca }, 'ChannelClosed', (m) => m.channel === ca);
  await b.request({ mt: 'CloseChannel', channel: cb }, 'ChannelClosed', (m) => m.channel === cb);
  a.onMessage = null;
  b.onMessage = null;
  return out;
}

/** Appsharing presenter -> consumer: decoded fps measured over 4 s after 2 s of ramp-up. */
/** The bench's X11 screen: MEDIA_BENCH_SCREEN (`1280x720`), default 1920x1080. */
const SCREEN = (([w, h]) => ({ width: Number(w) || 1920, height: Number(h) || 1080 }))((process.env.MEDIA_BENCH_SCREEN ?? '1920x1080').split('x'));
/**
 * Bench flags: fake audio/video devices as in MEDIA_FLAGS, but the screen picker chooses the real
 * screen (`--use-fake-ui-for-media-stream` would hand getDisplayMedia a fake screen source);
 * microphone and camera are granted on the context instead. One window per page, screen-sized.
 */
const SCREEN_FLAGS = [
  ...MEDIA_FLAGS.filter((f) => f !== '--use-fake-ui-for-media-stream'),
  '--auto-select-desktop-capture-source=Entire screen',
  `--window-size=${SCREEN.width},${SCREEN.height}`,
  '--window-position=0,0',
];

/**
 * A window in front of everything on the bench's screen: UI text (11–16 px, rules) in the upper
 * half, a list in the lower half that scrolls by one pixel row every animation frame, so that
 * every captured frame differs as when a user scrolls a document being shared.
 */
async function showMovingScreen(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.setContent(`<!doctype html><html><body style="margin:0;font:13px 'Liberation Sans',sans-serif;color:#1b1b1b;overflow:hidden">
<div style="height:36px;background:#e8eef7;font:bold 16px 'Liberation Sans',sans-serif;color:#1f3b73;padding:8px 12px;box-sizing:border-box">File  Edit  View  Insert  Format  Tools  Window  Help</div>
<div id="doc" style="height:50vh;overflow:hidden;padding:8px 12px;border-bottom:1px solid #9aa7b8"></div>
<div id="list" style="height:calc(50vh - 36px);overflow:hidden;position:relative"><div id="rows" style="position:absolute;left:0;right:0;top:0"></div></div>
<script>
const doc = document.getElementById('doc'); let t = '';
for (let i = 0; i < 24; i++) t += '<div style="font-size:' + (11 + (i % 6)) + 'px;border-bottom:1px solid #dde">' + (i + 1) + '. Anna Müller, +49 7031 7300 123 — Quarterly figures: revenue 1.234.567 €, calls 98.7 %, queue 00:03:21</div>';
doc.innerHTML = t;
const rows = document.getElementById('rows'); let r = '';
for (let i = 0; i < 400; i++) r += '<div style="height:20px;border-bottom:1px solid #eee;padding-left:12px">Row ' + i + ' · Bernd Weber · 4711 · connected 00:0' + (i % 10) + ' · ' + 'x'.repeat(i % 40) + '</div>';
rows.innerHTML = r;
let y = 0;
(function step() { y = (y + 1) % 4000; rows.style.transform = 'translateY(' + (-y) + 'px)'; requestAnimationFrame(step); })();
</script></body></html>`);
  await page.bringToFront();
  return page;
}

async function appsharingFps(a: AppClient, b: AppClient): Promise<{ fps: number; width: number; height: number; captureFps: number; encodedFps: number; qualityLimitation: string }> {
  const ca = 'sa';
  const cb = 'sb';
  a.onMessage = (m) => { if (m.mt === 'LocalCandidate' && m.channel === ca) b.send({ mt: 'RemoteCandidate', channel: cb, ...(m.candidate ? { candidate: m.candidate } : { end: true }) }); };
  b.onMessage = (m) => { if (m.mt === 'LocalCandidate' && m.channel === cb) a.send({ mt: 'RemoteCandidate', channel: ca, ...(m.candidate ? { candidate: m.candidate } : { end: true }) }); };
  const alloc = await a.request({ mt: 'AllocChannel', channel: ca, kind: 'appsharing', direction: 'sendonly', iceServers: [] }, 'AllocChannelResult', (m) => m.channel === ca);
  await b.request({ mt: 'AllocChannel', channel: cb, kind: 'appsharing', direction: 'recvonly', iceServers: [] }, 'AllocChannelResult', (m) => m.channel === cb);
  const offer = await a.request({ mt: 'CreateOffer', channel: ca }, 'LocalDescription', (m) => m.channel === ca);
  const answer = await b.request({ mt: 'RemoteDescription', channel: cb, channels_cmd: 'PROPOSAL', channels: offer.channels }, 'LocalDescription', (m) => m.channel === cb);
  await a.request({ mt: 'RemoteDescription', channel: ca, channels_cmd: 'SELECT', channels: answer.channels }, 'RemoteDescriptionResult', (m) => m.channel === ca);
  await new Promise((r) => setTimeout(r, 2000));
  const s0 = await b.request({ mt: 'GetStats', channel: cb }, 'Stats', (m) => m.channel === cb);
  const e0 = await a.request({ mt: 'GetStats', channel: ca }, 'Stats', (m) => m.channel === ca);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, 4000));
  const s1 = await b.request({ mt: 'GetStats', channel: cb }, 'Stats', (m) => m.channel === cb);
  const e1 = await a.request({ mt: 'GetStats', channel: ca }, 'Stats', (m) => m.channel === ca);
  const encodedFps = (Number(e1.framesEncoded ?? 0) - Number(e0.framesEncoded ?? 0)) / ((Date.now() - t0) / 1000);
  const fps = (Number(s1.framesDecoded ?? 0) - Number(s0.framesDecoded ?? 0)) / ((Date.now() - t0) / 1000);
  await a.request({ mt: 'CloseChannel', channel: ca }, 'ChannelClosed', (m) => m.channel === ca);
  await b.request({ mt: 'CloseChannel', channel: cb }, 'ChannelClosed', (m) => m.channel === cb);
  a.onMessage = null;
  b.onMessage = null;
  return { fps, width: Number(s1.frameWidth ?? 0), height: Number(s1.frameHeight ?? 0), captureFps: Number((alloc.capture as { frameRate?: number } | undefined)?.frameRate ?? 0), encodedFps, qualityLimitation: String(e1.qualityLimitation ?? '') };
}

/** CPU ticks (utime+stime) of a process and all its descendants. */
function treeTicks(pid: number): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(f[1]));
      ticks.set(Number(d), Number(f[11]) + Number(f[12]));
    } catch { /* gone */ }
  }
  let sum = 0;
  for (const [p, t] of ticks) {
    let x: number | undefined = p;
    for (let i = 0; i < 50 && x && x !== pid; i++) x = parent.get(x);
    if (x === pid) sum += t;
  }
  return sum;
}

/** The WebHID boundary in the test page: one Jabra-like headset (what Chromium's WebHID reports
 *  for renderer/media/hid/fixtures/jabra-like.hex), input reports injected by the test, output
 *  reports recorded. Named like a fake audio output so "Ring in headset" can find its speaker. */
const FAKE_HID = `(() => {
  const T = (id) => (0x0b << 16) | id, L = (id) => (0x08 << 16) | id;
  const item = (usages, count, extra) => Object.assign({ usages, reportSize: 1, reportCount: count, isAbsolute: true, isArray: false, isConstant: false, isRange: false, logicalMinimum: 0, logicalMaximum: 1 }, extra || {});
  const listeners = [];
  const sent = [];
  const dev = {
    vendorId: 0x0b0e, productId: 0x24a0, productName: 'Fake Audio Output 2', opened: false,
    collections: [{ usagePage: 0x0b, usage: 0x05, type: 1, children: [],
      inputReports: [{ reportId: 2, items: [item([T(0x20), T(0x97)], 2), item([T(0x2f), T(0x21), T(0x24)], 3, { isAbsolute: false }), item([], 3, { isConstant: true })] }],
      outputReports: [{ reportId: 2, items: [item([L(0x17), L(0x09), L(0x18), L(0x20)], 4), item([T(0x9e)], 1), item([], 3, { isConstant: true })] }],
      featureReports: [] }],
    async open() { this.opened = true; }, async close() { this.opened = false; },
    async sendReport(id, data) { sent.push([id, Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))]); },
    addEventListener(t, cb) { if (t === 'inputreport') listeners.push(cb); },
  };
  Object.defineProperty(navigator, 'hid', { configurable: true, value: { async getDevices() { return [dev]; }, addEventListener() {}, async requestDevice() { return []; } } });
  globalThis.__fakeHid = { sent, press(reportId, bytes) { const data = new DataView(Uint8Array.from(bytes).buffer); listeners.forEach((cb) => cb({ reportId, data, device: dev })); } };
})();`;

async function main(): Promise<void> {
  const logger = memoryLogger();
  const dir = mkdtempSync(join(tmpdir(), 'media-e2e-'));
  const ringtones = join(dir, 'ringtones');
  mkdirSync(ringtones);
  writeFileSync(join(ringtones, 'My Tone.mp3'), silentMp3(200));
  writeFileSync(join(dir, 'secret.mp3'), silentMp3(10));

  const engineJs = await bundleEngine();

  const server = await startLocalServicesServer({ logger, origins: new OriginAllowList([APP_ORIGIN]), host: '127.0.0.1', port: 0, launcher: { name: 'myApps', version: 'test', build: '0', platform: 'linux' } });
  // A phone app provider (as the softphone registers com.innovaphone.phone): an alerting call.
  const phoneRequests: Record<string, unknown>[] = [];
  const phone = server.router.provide('com.innovaphone.phone', 'phone', (req) => { phoneRequests.push(req.msg); }, { title: 'Phone', model: { calls: [] } });
  const media = await startMediaService(server, server.router, logger, {
    files: { userData: dir, localData: dir, logs: dir },
    config: { engineScript: () => engineJs, excludeInterfaces: '10.99', ringInHeadset: true },
  });
  const relay = media.relay;
  const screen = BENCH ? await startXvfb({ screen: `${SCREEN.width}x${SCREEN.height}x24` }) : undefined;
  const browser = screen
    ? await launchChromium({ headed: true, env: { ...process.env, DISPLAY: screen.display }, args: [...SCREEN_FLAGS, '--autoplay-policy=no-user-gesture-required'] })
    : await launchChromium({ args: [...MEDIA_FLAGS, '--autoplay-policy=no-user-gesture-required'] });
  const result: Record<string, unknown> = { bundleBytes: engineJs.length };
  try {
    const context = await browser.newContext(screen ? { viewport: null } : {});
    if (screen) await context.grantPermissions(['microphone', 'camera']);
    const page = await context.newPage();
    await page.addInitScript(FAKE_HID);
    const consoleErrors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    const t0 = Date.now();
    await page.goto(relay.engineUrl());
    await relay.waitForEngine(10000);
    result.engineStartMs = Date.now() - t0;
    result.pageUrlAfterBoot = page.url();

    const mediaUrl = `ws://127.0.0.1:${server.port}/media?token=${server.token}`;
    const a = await AppClient.connect(mediaUrl);
    const b = await AppClient.connect(mediaUrl);

    if (BENCH) {
      const times: number[] = [];
      const steps: CallSteps[] = [];
      let idle = 0;
      let busy = 0;
      const hz = 100;
      if (!SHARE_ONLY) {
        for (let i = 0; i < BENCH; i++) {
          const c = await quickCall(a, b, i);
          times.push(c.firstAudioMs);
          if (c.steps) steps.push(c.steps);
        }
        const pid = process.pid; // this process and its Chromium children
        const idle0 = treeTicks(pid);
        await new Promise((r) => setTimeout(r, 4000));
        idle = treeTicks(pid) - idle0;
        const hold = quickCall(a, b, 9999, 5000);
        await new Promise((r) => setTimeout(r, 800));
        const busy0 = treeTicks(pid);
        await new Promise((r) => setTimeout(r, 4000));
        busy = treeTicks(pid) - busy0;
        await hold;
      }
      // appsharing of the X11 screen (SCREEN) while UI text scrolls on it: decoded frames per
      // second over 4 s after a 2 s ramp-up
      const front = await showMovingScreen(context);
      const share = { ...(await appsharingFps(a, b)), source: `X11 screen ${SCREEN.width}x${SCREEN.height} (Xvfb), headed Chromium, ScreenCapturerX11; front page: UI text scrolling every frame` };
      await front.close();
      process.stdout.write(`MEDIA_BENCH ${JSON.stringify({ times, steps, cpuPctPerCall: ((busy - idle) / (4 * hz)) * 100, idleTicks: idle, busyTicks: busy, share })}\n`);
      return;
    }

    // refused input: bad message, no crash
    const bad = await a.request({ mt: 'AllocChannel', channel: '', kind: 'audio' }, 'Error');
    result.invalidRefused = bad;

    // devices
    const devs = await a.request({ mt: 'QueryDevices' }, 'Devices');
    result.devices = devs.devices;

    // trickle: forward each side's candidates to the other
    const cands = { a: [] as unknown[], b: [] as unknown[] };
    a.onMessage = (m) => { if (m.mt === 'LocalCandidate') { cands.a.push(m.candidate ?? 'end'); b.send({ mt: 'RemoteCandidate', channel: 'ch-b', ...(m.candidate ? { candidate: m.candidate } : { end: true }) }); } };
    b.onMessage = (m) => { if (m.mt === 'LocalCandidate') { cands.b.push(m.candidate ?? 'end'); a.send({ mt: 'RemoteCandidate', channel: 'ch-a', ...(m.candidate ? { candidate: m.candidate } : { end: true }) }); } };

    const tAlloc = Date.now();
    const ra = await a.request({ mt: 'AllocChannel', channel: 'ch-a', kind: 'audio', type: 'RemoteRtp', dn: 'Alice', iceServers: [], codecs: ['G722', 'OPUS-WB', 'G711A'] }, 'AllocChannelResult');
    const rb = await b.request({ mt: 'AllocChannel', channel: 'ch-b', kind: 'audio', dn: 'Bob', iceServers: [] }, 'AllocChannelResult');
    result.alloc = [ra, rb];
    const offer = await a.request({ mt: 'CreateOffer', channel: 'ch-a' }, 'LocalDescription');
    result.offer = offer.channels;
    const answer = await b.request({ mt: 'RemoteDescription', channel: 'ch-b', channels_cmd: 'PROPOSAL', channels: offer.channels }, 'LocalDescription');
    result.answer = answer.channels;
    const sel = await a.request({ mt: 'RemoteDescription', channel: 'ch-a', channels_cmd: 'SELECT', channels: answer.channels }, 'RemoteDescriptionResult');
    result.selectResult = sel.mt;
    const ca = await a.wait((m) => m.mt === 'ChannelState' && m.state === 'connected', 'a connected');
    const cb = await b.wait((m) => m.mt === 'ChannelState' && m.state === 'connected', 'b connected');
    result.connected = [ca, cb];

    // RTP both ways
    let sa: Msg = { mt: '' };
    let sb: Msg = { mt: '' };
    let firstAudioMs = -1;
    for (let i = 0; i < 100; i++) {
      sa = await a.request({ mt: 'GetStats', channel: 'ch-a' }, 'Stats');
      sb = await b.request({ mt: 'GetStats', channel: 'ch-b' }, 'Stats');
      if (firstAudioMs < 0 && Number(sa.bytesReceived) > 0 && Number(sb.bytesReceived) > 0) firstAudioMs = Date.now() - tAlloc;
      if (Number(sa.bytesReceived) > 2000 && Number(sb.bytesReceived) > 2000 && Number(sa.audioEnergy ?? 0) > 0 && Number(sb.audioEnergy ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    result.allocToFirstAudioMs = firstAudioMs;
    result.stats = [sa, sb];
    result.candidates = cands;
    result.dtmf = await a.request({ mt: 'SendDtmf', channel: 'ch-a', digits: '12#' }, 'SendDtmfResult');
    result.mute = await a.request({ mt: 'SetMute', mic: true }, 'SetMuteResult');
    result.unknownChannel = await a.request({ mt: 'GetStats', channel: 'nope' }, 'ChannelError');
    // channels_cmd REQUEST: the peer asks for a new offer; it is answered and applied on the running call
    const reoffer = await a.request({ mt: 'RemoteDescription', channel: 'ch-a', channels_cmd: 'REQUEST' }, 'LocalDescription');
    const reanswer = await b.request({ mt: 'RemoteDescription', channel: 'ch-b', channels_cmd: 'PROPOSAL', channels: reoffer.channels }, 'LocalDescription');
    const reselect = await a.request({ mt: 'RemoteDescription', channel: 'ch-a', channels_cmd: 'SELECT', channels: reanswer.channels }, 'RemoteDescriptionResult');
    const before = Number((await b.request({ mt: 'GetStats', channel: 'ch-b' }, 'Stats')).packetsReceived);
    await new Promise((r) => setTimeout(r, 500));
    result.renegotiated = { offer: reoffer.channels_cmd, answer: reanswer.channels_cmd, select: reselect.mt, packetsAfter: Number((await b.request({ mt: 'GetStats', channel: 'ch-b' }, 'Stats')).packetsReceived) - before };

    // close: A by message, B by dropping its socket
    result.closed = await a.request({ mt: 'CloseChannel', channel: 'ch-a' }, 'ChannelClosed');
    b.ws.close();
    await new Promise((r) => setTimeout(r, 300));
    result.snapshotAfterClose = await page.evaluate('globalThis.mediaEngine.snapshot()');
    result.relaySessions = relay.sessions();

    // interface exclusion: with 127 excluded, the only interface here, no candidate is signalled
    relay.setOptions({ excludePrefixes: ['127'] });
    const x = await AppClient.connect(mediaUrl);
    await x.request({ mt: 'AllocChannel', channel: 'ch-x', kind: 'audio', iceServers: [] }, 'AllocChannelResult');
    const xo = await x.request({ mt: 'CreateOffer', channel: 'ch-x' }, 'LocalDescription');
    await x.wait((m) => m.mt === 'LocalCandidate' && m.end === true, 'end of candidates');
    result.excluded = { offerCandidates: (xo.channels as Channels).audio_ice!.candidate, offerAddrs: (xo.channels as Channels).ch!.map((e) => e.addr ?? null), trickled: x.inbox.filter((m) => m.mt === 'LocalCandidate') };
    // channels_cmd CLOSE from the peer closes the channel's media
    result.closeCmd = await x.request({ mt: 'RemoteDescription', channel: 'ch-x', channels_cmd: 'CLOSE' }, 'ChannelClosed');
    x.ws.close();
    relay.setOptions({ excludePrefixes: ['10.99'] });

    // video both ways (fake camera), and appsharing presenter -> consumer (fake screen)
    const v1 = await AppClient.connect(mediaUrl);
    const v2 = await AppClient.connect(mediaUrl);
    result.video = await videoCall(v1, v2, 'video', '1', 'sendrecv', 'sendrecv');
    result.appsharing = await videoCall(v1, v2, 'appsharing', '2', 'sendonly', 'recvonly');
    v1.ws.close();
    v2.ws.close();

    // interop: a launcher channel against a plain browser RTCPeerConnection (the web phone app's
    // side), which speaks SDP: the app converts with the same sdp.ts functions.
    {
      const web = await browser.newPage();
      await web.goto(`http://127.0.0.1:${server.port}/media-engine-page/engine.js`);
      const i = await AppClient.connect(mediaUrl);
      await i.request({ mt: 'AllocChannel', channel: 'ia', kind: 'audio', iceServers: [], codecs: ['G711A', 'G711u'] }, 'AllocChannelResult');
      const offer = await i.request({ mt: 'CreateOffer', channel: 'ia' }, 'LocalDescription');
      // the offer's channels carry every candidate (gathering complete), as a PBX expects them
      const offerSdp = channelsToSdp(offer.channels as Channels, 'audio', { cmd: 'PROPOSAL' });
      const answerSdp = (await web.evaluate(`(async () => {
        const pc = new RTCPeerConnection();
        window.pc = pc;
        const s = await navigator.mediaDevices.getUserMedia({ audio: true });
        pc.addTrack(s.getTracks()[0], s);
        await pc.setRemoteDescription({ type: 'offer', sdp: ${JSON.stringify(offerSdp)} });
        await pc.setLocalDescription(await pc.createAnswer());
        await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') r(); }; setTimeout(r, 5000); });
        return pc.localDescription.sdp;
      })()`)) as string;
      // the answer as a PBX would send it: published fields only (none of ours: media, clock, fmtp, direction)
      const full = sdpToChannels(answerSdp, 'audio');
      const answer: Channels = { audio_ice: full.audio_ice, audio_rtcp_mux: full.audio_rtcp_mux, ch: full.ch!.map(({ coder, pt, xmit, rate, addr, port }) => ({ coder, pt, xmit, rate, addr, port })) };
      result.interopAnswer = answer;
      await i.request({ mt: 'RemoteDescription', channel: 'ia', channels_cmd: 'SELECT', channels: answer }, 'RemoteDescriptionResult');
      await i.wait((m) => m.mt === 'ChannelState' && m.state === 'connected', 'interop connected');
      let ours: Msg = { mt: '' };
      let theirs = 0;
      for (let k = 0; k < 50; k++) {
        ours = await i.request({ mt: 'GetStats', channel: 'ia' }, 'Stats');
        theirs = Number(await web.evaluate(`(async () => { let b = 0; (await window.pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp') b += s.bytesReceived; }); return b; })()`));
        if (Number(ours.bytesReceived) > 0 && theirs > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      result.interop = { answerCoders: answer.ch!.map((c) => c.coder), ours, theirBytesReceived: theirs };
      await i.request({ mt: 'CloseChannel', channel: 'ia' }, 'ChannelClosed');
      i.ws.close();
      await web.close();
    }

    // recording: A records a G.711 A-law call; the pcap is uploaded to a WebDAV-like server that
    // refuses the first PUT (the file is kept and the upload retried)
    {
      const uploads: { url: string; auth: string; body: Buffer }[] = [];
      let refuse = 1;
      const dav = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (req.method === 'PUT' && refuse-- > 0) return void res.writeHead(503).end();
          uploads.push({ url: req.url ?? '', auth: req.headers.authorization ?? '', body: Buffer.concat(chunks) });
          res.writeHead(201).end();
        });
      });
      await new Promise<void>((res) => dav.listen(0, '127.0.0.1', () => res()));
      const ra = await AppClient.connect(mediaUrl);
      const rb = await AppClient.connect(mediaUrl);
      ra.onMessage = (m) => { if (m.mt === 'LocalCandidate') rb.send({ mt: 'RemoteCandidate', channel: 'rb', ...(m.candidate ? { candidate: m.candidate } : { end: true }) }); };
      rb.onMessage = (m) => { if (m.mt === 'LocalCandidate') ra.send({ mt: 'RemoteCandidate', channel: 'ra', ...(m.candidate ? { candidate: m.candidate } : { end: true }) }); };
      const davUrl = `http://127.0.0.1:${(dav.address() as { port: number }).port}/recordings/`;
      result.recBadUrl = await ra.request({ mt: 'AllocChannel', channel: 'bad', kind: 'audio', recording: { url: 'http://u:p@127.0.0.1/' } }, 'AllocChannelResult');
      await ra.request({ mt: 'AllocChannel', channel: 'ra', kind: 'audio', iceServers: [], codecs: ['G711A'], recording: { url: davUrl, username: 'rec', password: 'secret', name: 'call-42' } }, 'AllocChannelResult');
      await rb.request({ mt: 'AllocChannel', channel: 'rb', kind: 'audio', iceServers: [], codecs: ['G711A'] }, 'AllocChannelResult');
      const o = await ra.request({ mt: 'CreateOffer', channel: 'ra' }, 'LocalDescription');
      const an = await rb.request({ mt: 'RemoteDescription', channel: 'rb', channels_cmd: 'PROPOSAL', channels: o.channels }, 'LocalDescription');
      await ra.request({ mt: 'RemoteDescription', channel: 'ra', channels_cmd: 'SELECT', channels: an.channels }, 'RemoteDescriptionResult');
      await ra.wait((m) => m.mt === 'ChannelState' && m.state === 'connected', 'recorded call connected');
      await new Promise((res) => setTimeout(res, 1500));
      result.recPause = await ra.request({ mt: 'SetRecording', channel: 'ra', on: false }, 'SetRecordingResult');
      await new Promise((res) => setTimeout(res, 500));
      await ra.request({ mt: 'SetRecording', channel: 'ra', on: true }, 'SetRecordingResult');
      await new Promise((res) => setTimeout(res, 500));
      await ra.request({ mt: 'CloseChannel', channel: 'ra' }, 'ChannelClosed');
      await rb.request({ mt: 'CloseChannel', channel: 'rb' }, 'ChannelClosed');
      const stored = await ra.wait((m) => m.mt === 'RecordingState' && m.state === 'stored', 'recording stored');
      const uploaded = await ra.wait((m) => m.mt === 'RecordingState' && m.state === 'uploaded', 'recording uploaded', 20000);
      const pkts = uploads[0] ? readRtpPcap(uploads[0].body) : [];
      const summary = (d: 'tx' | 'rx') => {
        const p = pkts.filter((x) => x.dir === d);
        return { count: p.length, pts: [...new Set(p.map((x) => x.pt))], sizes: [...new Set(p.map((x) => x.payload.length))], ssrcs: new Set(p.map((x) => x.ssrc)).size };
      };
      result.recording = {
        states: ra.inbox.filter((m) => m.mt === 'RecordingState').map((m) => m.state),
        stored, uploaded,
        uploads: uploads.map((u) => ({ url: u.url, auth: u.auth, bytes: u.body.length })),
        tx: summary('tx'), rx: summary('rx'),
        leftOnDisk: readdirSync(join(dir, 'recordings')),
        pcapBase64: uploads[0]?.body.toString('base64') ?? '',
      };
      ra.ws.close();
      rb.ws.close();
      await new Promise((res) => dav.close(res));
    }

    // many calls: every channel is freed (no leaked RTCPeerConnection)
    const a2 = await AppClient.connect(mediaUrl);
    const b2 = await AppClient.connect(mediaUrl);
    const loopTimes: number[] = [];
    for (let i = 0; i < LOOP_CALLS; i++) loopTimes.push((await quickCall(a2, b2, i)).firstAudioMs);
    result.loop = { calls: LOOP_CALLS, snapshot: await page.evaluate('globalThis.mediaEngine.snapshot()'), relay: relay.sessions(), maxFirstAudioMs: Math.max(...loopTimes) };
    a2.ws.close();
    b2.ws.close();

    // Headset (WebHID boundary faked in the page): buttons -> HookKey + phone API, LEDs <- call state
    {
      const h = await AppClient.connect(mediaUrl);
      result.headsets = await h.request({ mt: 'QueryHeadsets' }, 'Headsets');
      phone.setModel({ calls: [{ id: 1, dir: 'i', state: 'Alerting' }] });
      await new Promise((res) => setTimeout(res, 300));
      result.ledsAlerting = await page.evaluate('globalThis.__fakeHid.sent.slice()');
      await page.evaluate('globalThis.__fakeHid.press(2, [0])');
      await page.evaluate('globalThis.__fakeHid.press(2, [1])'); // hook switch off hook
      result.hookKey = await h.wait((m) => m.mt === 'HookKey', 'HookKey');
      for (let k = 0; k < 30 && phoneRequests.length === 0; k++) await new Promise((res) => setTimeout(res, 50));
      result.phoneRequests = phoneRequests.slice();
      phone.setModel({ calls: [{ id: 1, dir: 'i', state: 'Connected' }] });
      await new Promise((res) => setTimeout(res, 300));
      await page.evaluate('globalThis.__fakeHid.press(2, [0b101])'); // mute button
      result.muteKey = await h.wait((m) => m.mt === 'HookKey' && m.key === 'mute', 'mute key');
      result.ledResult = await h.request({ mt: 'SetHeadsetState', mute: true }, 'SetHeadsetStateResult');
      result.ledsConnectedMuted = await page.evaluate('globalThis.__fakeHid.sent.slice(-1)');
      // a device comes: every session hears DevicesChanged
      await page.evaluate(`(() => {
        const orig = navigator.mediaDevices.enumerateDevices.bind(navigator.mediaDevices);
        navigator.mediaDevices.enumerateDevices = async () => [...(await orig()), { deviceId: 'usb-headset-1', kind: 'audiooutput', label: 'USB Headset', groupId: 'g1', toJSON() { return this; } }];
        navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      })()`);
      const changed = await h.wait((m) => m.mt === 'DevicesChanged', 'DevicesChanged');
      result.devicesChanged = { added: changed.added, removed: changed.removed };
      h.ws.close();
    }

    // Ringer
    const r = await AppClient.connect(`ws://127.0.0.1:${server.port}/ringer?token=${server.token}`);
    result.ringtones = (await r.request({ mt: 'QueryRingtones' }, 'Ringtones')).ringtones;
    result.ringers = (await r.request({ mt: 'QueryRingers' }, 'Ringers')).devices;
    result.ringCustom = await r.request({ mt: 'StartRinging', mode: 'RingerModeAudioOnly', device: '', ringtone: 'custom:My Tone.mp3' }, 'StartRingingResult');
    await new Promise((res) => setTimeout(res, 600));
    result.ringCustomSnapshot = await page.evaluate('globalThis.mediaEngine.snapshot()');
    await r.request({ mt: 'StopRinging' }, 'StopRingingResult');
    const outDev = (result.ringers as { id: string }[]).find((d) => d.id !== 'default')?.id ?? '';
    result.ringBuiltin = await r.request({ mt: 'StartRinging', mode: 'RingerModeAudioOnly', device: outDev, ringtone: 'builtin:europe' }, 'StartRingingResult');
    await new Promise((res) => setTimeout(res, 400));
    result.ringBuiltinSnapshot = await page.evaluate('globalThis.mediaEngine.snapshot()');
    result.ringTraversal = await r.request({ mt: 'StartRinging', ringtone: 'custom:../secret.mp3' }, 'StartRingingResult');
    await r.request({ mt: 'StopRinging' }, 'StopRingingResult');
    result.snapshotAfterStop = await page.evaluate('globalThis.mediaEngine.snapshot()');
    // the HTTP route itself: traversal attempts are 404, the listed file is served with the token only
    const base = `http://127.0.0.1:${server.port}/ringtones/`;
    const st = async (p: string): Promise<number> => (await fetch(base + p)).status;
    result.http = {
      ok: await st(`My%20Tone.mp3?token=${server.token}`),
      noToken: await st('My%20Tone.mp3'),
      traversal: await st(`..%2Fsecret.mp3?token=${server.token}`),
      dotdot: await st(`%2E%2E?token=${server.token}`),
    };
    r.ws.close();
    a.ws.close();
    result.consoleErrors = consoleErrors;
    result.warnings = logger.lines.filter((l) => l.level !== 'trace').map((l) => l.message);
  } finally {
    await browser.close();
    await screen?.stop();
    await media.close();
    phone.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`MEDIA_RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stdout.write(`MEDIA_ERROR ${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  },
);
