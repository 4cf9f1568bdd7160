/**
 * "The consumer renders the peer's stream" (issue 6), run by test/e2e/media-view.e2e.test.ts in
 * a network namespace with only `lo` (`unshare -n`). Same stack as media-call-scenario.ts (two
 * service graphs with their engine pages, pbx-sim, two web client pages running the stand-in
 * softphone); A calls B with video and appsharing, then B's softphone asks for views of the
 * incoming video and appsharing channels (CreateView → ViewCreated{url}) and embeds the viewer
 * page (`http://127.0.0.1:<port>/media/view#token…&ticket…`) as iframes. The viewers must report
 * decoded frames over the engine's loopback-only connection. Refusals: a CreateView for A's
 * channel from B, a viewer with a wrong token, a viewer with a forged ticket, a reused ticket.
 * Hang-up closes the views. A last check embeds a viewer in an https page (loopback is
 * potentially trustworthy, so no mixed-content block). Prints `MEDIA_VIEW_RESULT {...}`.
 */
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { simCertificate } from '../pbx-sim/cert';
import { memoryLogger } from '../fixtures/memory-logger';
import { startPbxSim } from '../pbx-sim';
import { launchChromium, MEDIA_FLAGS } from './harness/chromium';
import { startClient, until, USERS, type Client } from './harness/two-clients';

type R = Record<string, any>;
/**
 * A page without camera/microphone permission gets no loopback ICE candidate from Chromium (host
 * addresses hidden behind mDNS names, enumeration limited to the default route, which a `lo`-only
 * namespace lacks), so the viewer could never send a check. The product must give the viewer
 * candidates the same way (docs/media-protocol.md, "Viewing remote video"); here the flag does it.
 */
const VIEW_FLAGS = ['--disable-features=WebRtcHideLocalIpsWithMdns'];
/**
 * How long a view may take to show frames. Generous on purpose: on a loaded 2-core machine a
 * view's setup (viewer page, offer/answer, a 1080p re-encode next to the call's own decoders)
 * took 10-20 s, and the run must not fail on time (the bench reports the time).
 */
const SETUP_WAIT_MS = 60_000;

const calls = (c: Client): R[] => ((c.phone.providers() as R).softphone?.model ?? {}).calls ?? [];
const softphone = async (c: Client, expr: string): Promise<any> => (await c.frame()).evaluate(expr);
const relayOf = (c: Client) => c.services.instances.media!.relay;
const VIEW_STATUS = 'window.__view ? (async () => ({ state: window.__view.state, kind: window.__view.kind, frames: window.__view.frames, width: window.__view.width, height: window.__view.height, reason: window.__view.reason, candidates: window.__view.candidates, quality: window.__view.quality(), pair: await window.__view.pair(), href: location.href })) () : null';
/** The status of the viewer iframe `name` inside `page` (searched through every frame). */
const viewStatus = async (page: Page, name: string): Promise<R | null> => {
  const f = page.frame({ name });
  return f ? ((await f.evaluate(VIEW_STATUS)) as R | null) : null;
};

async function main(): Promise<void> {
  const logger = memoryLogger();
  const result: R = {};
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const clients: Client[] = [];
  try {
    const sim = await startPbxSim({ https: false, softphone: true, autoLogin: false, users: [{ ...USERS[1]!, dn: 'Bob Test', num: '202' }] });
    cleanups.push(() => sim.close());
    const browser = await launchChromium({ args: [...MEDIA_FLAGS, '--autoplay-policy=no-user-gesture-required', ...VIEW_FLAGS] });
    cleanups.push(() => browser.close());
    const a = await startClient(sim, browser, USERS[0]!, logger);
    clients.push(a);
    cleanups.push(() => a.services.close());
    const b = await startClient(sim, browser, USERS[1]!, logger);
    clients.push(b);
    cleanups.push(() => b.services.close());
    const port = b.services.server.port;
    result.port = port;
    // The product grants the engine's origin (which the viewer page shares) media permission
    // (electron/security/permissions.ts), so Chromium gathers the viewer's loopback candidate.
    // Without it the viewer gets one only if Chromium's permission check happens to finish
    // before gathering: under load it gathered none (issue 15, the view bench that "did not run").
    for (const origin of [new URL(sim.url).origin, sim.appsOrigin, `http://127.0.0.1:${port}`]) await b.web.context().grantPermissions(['camera', 'microphone'], { origin });
    for (const c of [a, b]) await until(`${c.user} ready`, () => softphone(c, 'window.__softphone.state === "ready"'), 30_000);

    // A calls B with video and appsharing (A presents); B answers
    a.phone.send({ mt: 'StartCall', sip: b.user, video: true, appsharing: true }, { provider: 'softphone' });
    const alerting = await until('B alerting', () => calls(b).find((x) => x.state === 'Alerting'));
    b.phone.send({ mt: 'ConnectCall', id: alerting.id }, { provider: 'softphone' });
    await until('connected', () => calls(a).some((x) => x.state === 'Connected') && calls(b).some((x) => x.state === 'Connected'));
    await until('B decodes video and appsharing', async () => {
      const s = Object.values((await softphone(b, 'window.__softphone.getStats()')) as R);
      return s.some((x) => x.kind === 'video' && x.framesDecoded > 0) && s.some((x) => x.kind === 'appsharing' && x.framesDecoded > 0);
    }, 30_000, 250);

    // B's softphone embeds viewers for the incoming appsharing and video channels
    const t0 = Date.now();
    const first = await softphone(b, 'window.__softphone.openView("appsharing")');
    await until('first appsharing frame', async () => ((await viewStatus(b.web, 'view-appsharing'))?.quality ?? 0) > 0, SETUP_WAIT_MS, 20);
    result.firstFrameMs = Date.now() - t0;
    result.frameNames = [first, await softphone(b, 'window.__softphone.openView("video")')];
    const playing = async (name: string): Promise<R> => until(`${name} frames`, async () => {
      const s = await viewStatus(b.web, name);
      return s && s.quality >= 10 && s.width > 0 && s.pair ? s : undefined;
    }, SETUP_WAIT_MS, 100);
    result.appsharing = await playing('view-appsharing');
    result.firstFramesMs = Date.now() - t0;
    result.video = await playing('view-video');
    // frame rate the appsharing viewer decodes (2 s window) and the size it shows
    const q0 = (await viewStatus(b.web, 'view-appsharing'))!;
    const tq = Date.now();
    await new Promise((res) => setTimeout(res, 2000));
    const q1 = (await viewStatus(b.web, 'view-appsharing'))!;
    result.appsharingFps = ((q1.quality - q0.quality) * 1000) / (Date.now() - tq);
    result.appsharingSize = { width: q1.width, height: q1.height };
    result.viewsDuring = relayOf(b).views();
    result.engineViews = await b.engine.evaluate('globalThis.mediaEngine.snapshot().views');

    // refusals
    const aChannels = ((await softphone(a, 'window.__softphone.calls()')) as R[])[0]!.channels as R;
    result.foreignCreate = await softphone(b, `window.__softphone.createView(${JSON.stringify(aChannels.appsharing)}).then((r) => ({ ok: r }), (e) => ({ error: String(e.message) }))`);
    const viewUrl = `http://127.0.0.1:${port}/media/view`;
    const fakeTicket = 'x'.repeat(32);
    await softphone(b, `window.__softphone.embedView(${JSON.stringify(`${viewUrl}#token=${'y'.repeat(43)}&ticket=${fakeTicket}`)}, 'badtoken')`);
    await softphone(b, `window.__softphone.embedView(${JSON.stringify(`${viewUrl}#token=${b.services.server.token}&ticket=${fakeTicket}`)}, 'badticket')`);
    // A's token with a ticket of B's: A's server does not know the ticket either
    const bChannels = ((await softphone(b, 'window.__softphone.calls()')) as R[])[0]!.channels as R;
    const bTicket = await softphone(b, `window.__softphone.createView(${JSON.stringify(bChannels.video)}).then((r) => r.ticket)`);
    await softphone(b, `window.__softphone.embedView(${JSON.stringify(`http://127.0.0.1:${a.services.server.port}/media/view#token=${a.services.server.token}&ticket=${bTicket}`)}, 'otherserver')`);
    // B's own ticket, used twice: the first viewer plays, the second is refused
    const reuse = await softphone(b, `window.__softphone.createView(${JSON.stringify(bChannels.video)}).then((r) => r.url)`);
    await softphone(b, `window.__softphone.embedView(${JSON.stringify(reuse)}, 'reuse1')`);
    await until('reuse1 plays', async () => (await viewStatus(b.web, 'view-reuse1'))?.state === 'playing', SETUP_WAIT_MS);
    await softphone(b, `window.__softphone.embedView(${JSON.stringify(reuse)}, 'reuse2')`);
    const settled = async (name: string): Promise<R> => until(`${name} settled`, async () => {
      const s = await viewStatus(b.web, name);
      return s && s.state !== 'connecting' && s.state !== 'waiting' ? s : undefined;
    }, SETUP_WAIT_MS, 100);
    result.refused = {
      badToken: await settled('view-badtoken'),
      badTicket: await settled('view-badticket'),
      otherServer: await settled('view-otherserver'),
      reused: await settled('view-reuse2'),
    };

    // hang-up closes every view
    a.phone.send({ mt: 'DisconnectCall' }, { provider: 'softphone' });
    await until('idle', () => calls(a).length === 0 && calls(b).length === 0);
    result.afterHangup = {
      appsharing: await settled('view-appsharing').then(async () => until('appsharing closed', async () => ((await viewStatus(b.web, 'view-appsharing'))?.state === 'closed' ? viewStatus(b.web, 'view-appsharing') : undefined))),
      video: await until('video closed', async () => ((await viewStatus(b.web, 'view-video'))?.state === 'closed' ? viewStatus(b.web, 'view-video') : undefined)),
    };
    await until('views freed', async () => {
      const ev = (await b.engine.evaluate('globalThis.mediaEngine.snapshot().views')) as R[];
      result.after = { relay: relayOf(b).views(), engine: ev, channels: relayOf(b).sessions().channels };
      return ev.length === 0 && result.after.relay.views === 0 && result.after.relay.tickets === 0;
    }, 30_000, 200);

    // an https page embeds the viewer (loopback is potentially trustworthy: no mixed content)
    result.https = await httpsEmbed(browser, a, b, port);
    result.warnings = logger.lines.filter((l) => l.level !== 'trace').map((l) => l.message);
    result.errors = { a: await softphone(a, 'window.__softphone.errors'), b: await softphone(b, 'window.__softphone.errors') };
  } catch (err) {
    for (const c of clients) {
      const sp = await softphone(c, '({ log: window.__softphone.log.slice(-40), errors: window.__softphone.errors, events: window.__softphone.events.slice(-30) })').catch((e: unknown) => String(e));
      const eng = await c.engine.evaluate('globalThis.mediaEngine.snapshot()').catch((e: unknown) => String(e));
      const frames = await Promise.all(c.web.frames().filter((f) => f.name().startsWith('view-')).map(async (f) => [f.name(), await f.evaluate(VIEW_STATUS).catch((e: unknown) => String(e))]));
      process.stdout.write(`MEDIA_VIEW_DEBUG ${c.user} ${JSON.stringify({ sp, eng, frames })}\n`);
    }
    process.stdout.write(`MEDIA_VIEW_DEBUG logs ${JSON.stringify(logger.lines.filter((l) => l.level !== 'trace').map((l) => l.message))}\n`);
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
  process.stdout.write(`MEDIA_VIEW_RESULT ${JSON.stringify(result)}\n`);
}

/**
 * A second call A→B (video only); an https page (self-signed, on B's allow-list) embeds a viewer
 * of B's incoming video. The ticket is created by B's softphone; the https page only embeds.
 */
async function httpsEmbed(browser: Browser, a: Client, b: Client, port: number): Promise<R> {
  const pems = await simCertificate();
  let iframeUrl = '';
  const server = createHttpsServer({ key: pems.key, cert: pems.cert }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>https app</title><iframe name="view-https" width="320" height="180" src="${iframeUrl.replace(/"/g, '&quot;')}"></iframe>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  b.services.server.origins.add(origin);
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
  for (const o of [origin, `http://127.0.0.1:${port}`]) await ctx.grantPermissions(['camera', 'microphone'], { origin: o });
  try {
    a.phone.send({ mt: 'StartCall', sip: b.user, video: true }, { provider: 'softphone' });
    const alerting = await until('B alerting (https)', () => calls(b).find((x) => x.state === 'Alerting'));
    b.phone.send({ mt: 'ConnectCall', id: alerting.id }, { provider: 'softphone' });
    await until('connected (https)', () => calls(b).some((x) => x.state === 'Connected'));
    const ch = ((await softphone(b, 'window.__softphone.calls()')) as R[])[0]!.channels.video as string;
    iframeUrl = (await softphone(b, `window.__softphone.createView(${JSON.stringify(ch)}).then((r) => r.url)`)) as string;
    const page = await ctx.newPage();
    await page.goto(`${origin}/`);
    const s = await until('https viewer frames', async () => {
      const v = await viewStatus(page, 'view-https');
      return v && v.quality > 0 && v.width > 0 ? v : undefined;
    }, SETUP_WAIT_MS, 100);
    a.phone.send({ mt: 'DisconnectCall' }, { provider: 'softphone' });
    await until('idle (https)', () => calls(a).length === 0 && calls(b).length === 0);
    return { origin, port, status: s };
  } finally {
    await ctx.close();
    server.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stdout.write(`MEDIA_VIEW_ERROR ${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  },
);
