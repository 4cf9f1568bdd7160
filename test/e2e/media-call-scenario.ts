/**
 * Issue 6's headline scenario, run by test/e2e/media-call.e2e.test.ts inside a network namespace
 * that has only `lo` (`unshare -n`): two clients call each other through pbx-sim.
 *
 *  - pbx-sim (HTTP, users atlantis and bob, the stand-in softphone app and its `/sim/signal`
 *    call signalling);
 *  - two platform service graphs (createPlatformServices, as electron/main.ts builds it), each with
 *    its media engine in a Debian Chromium page (fake devices) and the launcher's provider of
 *    com.innovaphone.launcher (`@local-<id>`) that publishes the Media service URL + token
 *    (model.launcherServices);
 *  - two web client pages (one browser context each, appclient-config injected as the preload
 *    does), logged in as atlantis and bob through the login form; each runs the softphone app,
 *    which finds the Media service in the com.innovaphone.launcher model and provides
 *    com.innovaphone.phone as "softphone".
 *
 * A platform-service consumer on A's bus sends StartCall{sip:"bob", video, appsharing}; the
 * softphones signal in PbxSignal through the sim, the media as one Signal `channels` object per
 * call (setup PROPOSAL, conn SELECT); B's bus consumer sees the alerting call in the softphone's
 * model and sends ConnectCall; the softphones' getStats (Media protocol GetStats) must show audio
 * packets and energy received both ways, video frames decoded both ways and appsharing frames
 * decoded at B; a `channels` REQUEST renegotiates the running call; DisconnectCall from A frees
 * every channel in both engines. Then the same call the other way (B calls A, A hangs up... B hangs up).
 * Prints `MEDIA_CALL_RESULT {...}`.
 */
import { Api, isLocalModule } from '../../common/bus';
import { memoryLogger } from '../fixtures/memory-logger';
import { startPbxSim } from '../pbx-sim';
import { launchChromium, MEDIA_FLAGS } from './harness/chromium';
import { startClient, until, USERS, type Client } from './harness/two-clients';

type R = Record<string, any>;
const LOOP_CALLS = Number(process.env.MEDIA_CALL_LOOP ?? 50);

const model = (c: Client): R => (c.phone.providers() as R).softphone?.model ?? {};
const calls = (c: Client): R[] => model(c).calls ?? [];
const softphone = async (c: Client, expr: string): Promise<any> => (await c.frame()).evaluate(expr);

/** One call from `a` to `b` with the given extra channels; returns what the test asserts on. */
async function call(a: Client, b: Client, opts: { video: boolean; appsharing: boolean; hangupBy: Client; renegotiate?: boolean }): Promise<R> {
  const out: R = {};
  const t0 = Date.now();
  a.phone.send({ mt: 'StartCall', sip: b.user, video: opts.video, appsharing: opts.appsharing }, { provider: 'softphone' });
  out.alerting = await until(`${b.user} alerting`, () => calls(b).find((x) => x.state === 'Alerting'));
  out.ringback = await until(`${a.user} ringback`, () => calls(a).find((x) => x.state === 'Ringback'));
  b.phone.send({ mt: 'ConnectCall', id: out.alerting.id }, { provider: 'softphone' });
  out.connected = [
    await until(`${a.user} connected`, () => calls(a).find((x) => x.state === 'Connected')),
    await until(`${b.user} connected`, () => calls(b).find((x) => x.state === 'Connected')),
  ];
  const byKind = (stats: R): R => Object.fromEntries(Object.values(stats).map((s: any) => [s.kind, s]));
  let sa: R = {};
  let sb: R = {};
  let firstAudioMs = -1;
  await until('media both ways', async () => {
    sa = byKind(await softphone(a, 'window.__softphone.getStats()'));
    sb = byKind(await softphone(b, 'window.__softphone.getStats()'));
    const audio = sa.audio?.packetsReceived > 0 && sb.audio?.packetsReceived > 0;
    if (audio && firstAudioMs < 0) firstAudioMs = Date.now() - t0;
    // the fake microphone beeps: after a second of packets the energy received is well above 0
    const energy = sa.audio?.packetsReceived > 50 && sb.audio?.packetsReceived > 50 && sa.audio?.audioEnergy > 0.001 && sb.audio?.audioEnergy > 0.001;
    const video = !opts.video || (sa.video?.framesDecoded > 0 && sb.video?.framesDecoded > 0);
    const share = !opts.appsharing || sb.appsharing?.framesDecoded > 0;
    return audio && energy && video && share;
  }, 30_000, 250);
  out.stats = { a: sa, b: sb };
  out.startToFirstAudioMs = firstAudioMs;
  out.enginesDuring = [await a.engine.evaluate('globalThis.mediaEngine.snapshot().channels.length'), await b.engine.evaluate('globalThis.mediaEngine.snapshot().channels.length')];
  if (opts.renegotiate) {
    // A asks B for a new offer (Signal `channels` REQUEST → PROPOSAL → SELECT through the sim); media keeps flowing
    const before = byKind(await softphone(a, 'window.__softphone.getStats()')).audio?.packetsReceived ?? 0;
    await softphone(a, 'window.__softphone.renegotiate()');
    await until('audio after renegotiation', async () => (byKind(await softphone(a, 'window.__softphone.getStats()')).audio?.packetsReceived ?? 0) > before + 25, 10_000, 100);
    out.renegotiated = true;
  }
  opts.hangupBy.phone.send({ mt: 'DisconnectCall' }, { provider: 'softphone' });
  await until('both sides idle', () => calls(a).length === 0 && calls(b).length === 0);
  await until('every channel freed', async () => {
    const sa2 = (await a.engine.evaluate('globalThis.mediaEngine.snapshot()')) as R;
    const sb2 = (await b.engine.evaluate('globalThis.mediaEngine.snapshot()')) as R;
    const ra = a.services.instances.media!.relay.sessions();
    const rb = b.services.instances.media!.relay.sessions();
    out.after = { engines: [sa2.channels, sb2.channels], relays: [ra, rb] };
    return sa2.channels.length === 0 && sb2.channels.length === 0 && ra.channels === 0 && rb.channels === 0;
  }, 10_000, 200);
  return out;
}

async function main(): Promise<void> {
  const logger = memoryLogger();
  const result: R = {};
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const clients: Client[] = [];
  try {
    const signalLog: string[] = [];
    const sim = await startPbxSim({
      https: false, softphone: true, autoLogin: false, users: [{ ...USERS[1]!, dn: 'Bob Test', num: '202' }],
      log: (l) => { if (l.startsWith('signal: ') && !l.endsWith('registered') && signalLog.length < 50) signalLog.push(l.slice(8)); },
    });
    cleanups.push(() => sim.close());
    const browser = await launchChromium({ args: [...MEDIA_FLAGS, '--autoplay-policy=no-user-gesture-required'] });
    cleanups.push(() => browser.close());
    const a = await startClient(sim, browser, USERS[0]!, logger);
    clients.push(a);
    cleanups.push(() => a.services.close());
    const b = await startClient(sim, browser, USERS[1]!, logger);
    clients.push(b);
    cleanups.push(() => b.services.close());
    const launcherModel = (c: Client): R => {
      const l = c.services.router.consume(Api.launcher);
      try {
        return (Object.entries(l.providers()).find(([name]) => isLocalModule(name))?.[1].model as R | undefined) ?? {};
      } finally {
        l.close();
      }
    };
    result.launcherModel = launcherModel(a);
    result.busPort = a.services.server.port;
    result.token = a.services.server.token;
    result.ready = [
      await until('A ready', () => softphone(a, 'window.__softphone.state === "ready" && ({ user: window.__softphone.user, media: window.__softphone.media })'), 30_000),
      await until('B ready', () => softphone(b, 'window.__softphone.state === "ready" && ({ user: window.__softphone.user, media: window.__softphone.media })'), 30_000),
    ];
    result.sessions = sim.control.sessions().map((s) => s.user);
    result.first = await call(a, b, { video: true, appsharing: true, hangupBy: a, renegotiate: true });
    result.second = await call(b, a, { video: false, appsharing: false, hangupBy: a });
    // many calls (alternating direction, audio only): connect, first packets both ways, hang up;
    // afterwards no channel (RTCPeerConnection) is left in either engine or relay
    const loop: R = { calls: 0, maxSetupToAudioMs: 0, times: [] as number[] };
    for (let i = 0; i < LOOP_CALLS; i++) {
      const [x, y] = i % 2 ? [b, a] : [a, b];
      const t = Date.now();
      x.phone.send({ mt: 'StartCall', sip: y.user }, { provider: 'softphone' });
      const alerting = await until(`loop ${i}: alerting`, () => calls(y).find((c) => c.state === 'Alerting'), 20_000, 5);
      y.phone.send({ mt: 'ConnectCall', id: alerting.id }, { provider: 'softphone' });
      await until(`loop ${i}: audio both ways`, async () => {
        const sx = Object.values((await softphone(x, 'window.__softphone.getStats()')) as R);
        const sy = Object.values((await softphone(y, 'window.__softphone.getStats()')) as R);
        return sx[0]?.packetsReceived > 0 && sy[0]?.packetsReceived > 0;
      }, 20_000, 50);
      loop.maxSetupToAudioMs = Math.max(loop.maxSetupToAudioMs, Date.now() - t);
      loop.times.push(Date.now() - t);
      (i % 3 ? x : y).phone.send({ mt: 'DisconnectCall' }, { provider: 'softphone' });
      await until(`loop ${i}: idle`, () => calls(x).length === 0 && calls(y).length === 0, 10_000, 5);
      loop.calls++;
    }
    await new Promise((r) => setTimeout(r, 500));
    loop.engines = [await a.engine.evaluate('globalThis.mediaEngine.snapshot().channels'), await b.engine.evaluate('globalThis.mediaEngine.snapshot().channels')];
    loop.relays = [a.services.instances.media!.relay.sessions(), b.services.instances.media!.relay.sessions()];
    result.loop = loop;
    result.signal = sim.signal?.relayed() ?? -1;
    result.simCalls = sim.signal?.calls() ?? -1;
    result.signalLog = signalLog;
    result.errors = { a: await softphone(a, 'window.__softphone.errors'), b: await softphone(b, 'window.__softphone.errors') };
    result.warnings = logger.lines.filter((l) => l.level !== 'trace').map((l) => l.message);
  } catch (err) {
    // say what each softphone and engine saw before cleaning up
    for (const c of clients) {
      const sp = await softphone(c, '({ log: window.__softphone.log.slice(-40), errors: window.__softphone.errors, calls: window.__softphone.calls(), events: window.__softphone.events.slice(-30) })').catch((e: unknown) => String(e));
      const eng = await c.engine.evaluate('globalThis.mediaEngine.snapshot()').catch((e: unknown) => String(e));
      process.stdout.write(`MEDIA_CALL_DEBUG ${c.user} ${JSON.stringify({ sp, eng, model: model(c) })}\n`);
    }
    throw err;
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // keep cleaning up
      }
    }
  }
  process.stdout.write(`MEDIA_CALL_RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stdout.write(`MEDIA_CALL_ERROR ${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  },
);
