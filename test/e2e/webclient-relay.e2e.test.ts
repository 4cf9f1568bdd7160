/**
 * The stand-in web client's bus bridge keeps the apps' own `src` (test/pbx-sim/www/APPCLIENT/srcmap.js):
 * an app's request reaches the bus as "<app index>:<src>" (phone is app 0, chat app 1) and its
 * results come back with the app's src; a bus request whose src the client minted for the very app
 * it goes to reaches that app as the app's src, and the app's result goes back with the bus src.
 * pbx-sim + the real service graph + Debian Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { Api } from '../../contract/bus';
import type { ProvidedApi } from '../../electron/bus';
import { startStack, type Stack } from './harness/stack';

const TEST_API = 'com.example.pbxsim.srctest';
type Win = { __start: any; __results?: unknown[]; __received: { src: string; msg: Record<string, unknown> }[] }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('stand-in web client: app srcs survive the bus round trip', () => {
  let stack: Stack;
  let page: Page;
  let provided: ProvidedApi;
  const seen: { consumer: string; src: string; msg: Record<string, unknown> }[] = [];
  const frame = (app: 'phone' | 'chat'): Frame => page.frames().find((f) => f.url().startsWith(`${stack.sim.appsOrigin}/PBX0/APPS/${app}.htm`))!;

  beforeAll(async () => {
    stack = await startStack();
    // an in-process bus provider that answers twice with the src it was given
    provided = stack.services.router.provide(TEST_API, '@srctest', (req, api) => {
      seen.push({ consumer: req.consumer, src: req.src, msg: req.msg });
      api.send(req.consumer, req.src, { mt: 'Info', n: 1 });
      api.send(req.consumer, req.src, { mt: 'Done' });
    }, { title: 'src test', model: {} });
    page = await stack.openWebClient({ ready: true });
  });

  afterAll(async () => {
    provided?.close();
    await stack?.close();
  });

  const sendFrom = (app: 'phone' | 'chat', src: string) =>
    frame(app).evaluate(
      ({ api, src }) =>
        new Promise<unknown[]>((resolve) => {
          const w = globalThis as unknown as Win;
          const results: unknown[] = [];
          const c = w.__start.consumeApi(api);
          const onmsg = (_s: unknown, obj: { provider: string; src: string; msg: { mt: string } }) => {
            if (obj.src !== src) return;
            results.push({ provider: obj.provider, src: obj.src, msg: obj.msg });
            if (obj.msg.mt === 'Done') {
              c.onmessage.detach(onmsg);
              resolve(results);
            }
          };
          c.onmessage.attach(onmsg);
          const send = () => c.send({ mt: 'Ask' }, '*', src);
          // wait until the web client has the provider in its registry
          if (c.providers.includes('@srctest')) send();
          else c.onupdate.attach(function once() { if (c.providers.includes('@srctest')) { c.onupdate.detach(once); send(); } });
        }),
      { api: TEST_API, src },
    );

  it('an app request reaches the bus as "<app index>:<src>"; its results come back with the app src', async () => {
    const phoneResults = await sendFrom('phone', 'same-src');
    const chatResults = await sendFrom('chat', 'same-src');
    const expected = [
      { provider: '@srctest', src: 'same-src', msg: { mt: 'Info', n: 1 } },
      { provider: '@srctest', src: 'same-src', msg: { mt: 'Done' } },
    ];
    expect(phoneResults).toEqual(expected);
    expect(chatResults).toEqual(expected);
    // stable per app (the same src twice gives the same bus src), distinct between apps
    await sendFrom('phone', 'same-src');
    expect(seen.map((s) => s.src)).toEqual(['0:same-src', '1:same-src', '0:same-src']);
    expect(new Set(seen.map((s) => s.consumer)).size).toBe(1); // one bus client: the web client
  });

  it('a bus request the client minted for that app reaches it with the app src; the result goes back with the bus src', async () => {
    const phone = stack.services.router.consume(Api.phone);
    try {
      for (const [busSrc, appSrc] of [['0:call-7', 'call-7'], ['1:call-7', '1:call-7'], ['plain-1', 'plain-1']]) {
        const results = await phone.request({ mt: 'SimEcho', busSrc }, { provider: 'phone', src: busSrc, until: (m) => m.mt === 'SimEchoResult', timeoutMs: 10_000 });
        expect(results).toEqual([{ mt: 'SimEchoResult', echo: { mt: 'SimEcho', busSrc } }]);
        const rec = await frame('phone').evaluate((b) => (globalThis as unknown as Win).__received.find((r) => r.msg.busSrc === b), busSrc);
        expect(rec?.src).toBe(appSrc);
      }
    } finally {
      phone.close();
    }
  });

  it('batched reporting loses nothing: a burst reaches window.__received, the sim and (the newest 25) the table', async () => {
    stack.sim.control.clearReceived();
    const phone = stack.services.router.consume(Api.phone);
    try {
      const N = 230; // more than two POST batches of 100
      await Promise.all(
        Array.from({ length: N }, (_, i) =>
          phone.request({ mt: 'SimEcho', burst: i }, { provider: 'phone', until: (m) => m.mt === 'SimEchoResult', timeoutMs: 20_000 }),
        ),
      );
      await stack.sim.control.waitForReceived((r) => r.msg.burst === N - 1, 10_000);
      await expect.poll(() => stack.sim.control.received().filter((r) => typeof r.msg.burst === 'number').length, { timeout: 10_000 }).toBe(N);
      // (records of the tests before may arrive late: the apps report in batches)
      expect(stack.sim.control.received().filter((r) => typeof r.msg.burst === 'number').map((r) => r.msg.burst)).toEqual(Array.from({ length: N }, (_, i) => i));
      const f = frame('phone');
      expect(await f.evaluate(() => (globalThis as unknown as Win).__received.filter((r) => typeof r.msg.burst === 'number').length)).toBe(N);
      await expect.poll(() => f.locator('#received tbody tr').count(), { timeout: 10_000 }).toBe(25);
      await expect.poll(() => f.locator('#received tbody tr').last().textContent(), { timeout: 10_000 }).toContain(`"burst":${N - 1}`);
      await expect.poll(() => f.locator('#status').textContent(), { timeout: 10_000 }).toMatch(/\| \d+ request\(s\) \|/);
    } finally {
      phone.close();
    }
  });
});
