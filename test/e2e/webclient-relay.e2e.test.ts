/**
 * The stand-in web client as a client of the launcher's ApiRelay (the local services bus): each app
 * is a consumer of its own (`dev:<app>_<user>_<hex>`), whose requests reach the relay with their
 * own `src` (or none, as lib1's `send(msg, "*")` sends them) and whose results come back to it; a
 * relay request reaches the provider app with its consumer and src, and the app's result goes back
 * to that consumer; an app that starts again is a new consumer, and providers hear that the old one
 * closed. pbx-sim + the real service graph + Debian Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Frame, Page } from 'playwright-core';
import { Api } from '../../common/bus';
import type { ProvidedApi } from '../../electron/bus';
import { startStack, webClientProvider, type Stack } from './harness/stack';

const TEST_API = 'com.example.pbxsim.relaytest';
type Win = { __start: any; __results?: unknown[]; __received: { consumer: string; src: string; msg: Record<string, unknown> }[] };
type AppClient = { __appclient: { consumers(): Record<string, string> } };

describe('stand-in web client: apps as consumers and providers on the relay', () => {
  let stack: Stack;
  let page: Page;
  let provided: ProvidedApi;
  let webClient: string;
  const seen: { consumer: string; client?: string; src?: string; msg: Record<string, unknown> }[] = [];
  const closed: { consumer: string; client?: string }[] = [];
  const frame = (app: 'phone' | 'chat'): Frame => page.frames().find((f) => f.url().startsWith(`${stack.sim.appsOrigin}/PBX0/APPS/${app}.htm`))!;
  const consumers = () => page.evaluate(() => (globalThis as unknown as AppClient).__appclient.consumers());

  beforeAll(async () => {
    stack = await startStack();
    // a launcher module that answers twice, echoing what it was given
    const mod = stack.services.router.localModule('relay test');
    provided = mod.provide(TEST_API, (req, api) => {
      seen.push({ consumer: req.consumer, client: req.client, src: req.src, msg: req.msg });
      api.send(req, { mt: 'Info', n: 1 });
      api.send(req, { mt: 'Done' });
    });
    provided.onConsumerClosed((c) => closed.push(c));
    page = await stack.openWebClient({ ready: true });
    webClient = (await webClientProvider(stack.services)).name;
  });

  afterAll(async () => {
    provided?.close();
    await stack?.close();
  });

  /** From the app: lib1's consumer.send(msg, "*", src) (src may be undefined); the results of that src until Done. */
  const sendFrom = (app: 'phone' | 'chat', src: string | undefined) =>
    frame(app).evaluate(
      ({ api, src, provider }) =>
        new Promise<unknown[]>((resolve) => {
          const w = globalThis as unknown as Win;
          const results: unknown[] = [];
          const c = w.__start.consumeApi(api);
          const onmsg = (_s: unknown, obj: { provider: string; src?: string; msg: { mt: string } }) => {
            if (obj.src !== (src ?? undefined)) return;
            results.push({ provider: obj.provider, src: obj.src ?? null, msg: obj.msg });
            if (obj.msg.mt === 'Done') {
              c.onmessage.detach(onmsg);
              resolve(results);
            }
          };
          c.onmessage.attach(onmsg);
          const send = () => c.send({ mt: 'Ask' }, '*', src ?? undefined);
          // wait until the web client has the provider in its registry
          if (c.providers.includes(provider)) send();
          else c.onupdate.attach(function once() { if (c.providers.includes(provider)) { c.onupdate.detach(once); send(); } });
        }),
      { api: TEST_API, src: src ?? null, provider: provided.provider },
    );

  it('each app is a consumer of its own; its src (or none) reaches the relay and its results come back to it', async () => {
    const ids = await consumers();
    expect(ids.phone).toMatch(/^dev:phone_atlantis_[0-9a-f]{8}$/);
    expect(ids.chat).toMatch(/^dev:chat_atlantis_[0-9a-f]{8}$/);
    const expected = (src: string | null) => [
      { provider: provided.provider, src, msg: { mt: 'Info', n: 1 } },
      { provider: provided.provider, src, msg: { mt: 'Done' } },
    ];
    expect(await sendFrom('phone', 'same-src')).toEqual(expected('same-src'));
    expect(await sendFrom('chat', 'same-src')).toEqual(expected('same-src'));
    // lib1's consumer.send(msg, "*") without src: answered, results and end message without src
    expect(await sendFrom('phone', undefined)).toEqual(expected(null));
    expect(seen).toEqual([
      { consumer: ids.phone, client: webClient, src: 'same-src', msg: { mt: 'Ask' } },
      { consumer: ids.chat, client: webClient, src: 'same-src', msg: { mt: 'Ask' } },
      { consumer: ids.phone, client: webClient, src: undefined, msg: { mt: 'Ask' } },
    ]);
  });

  it('a relay request reaches the provider app with its consumer and src; the result goes back to that consumer', async () => {
    const phone = stack.services.router.consume(Api.phone);
    try {
      const results = await phone.request({ mt: 'SimEcho', n: 7 }, { provider: 'phone', src: 'call-7', until: (m) => m.mt === 'SimEchoResult', timeoutMs: 10_000 });
      expect(results).toEqual([{ mt: 'SimEchoResult', echo: { mt: 'SimEcho', n: 7 } }]);
      const rec = await frame('phone').evaluate(() => (globalThis as unknown as Win).__received.find((r) => r.msg.n === 7));
      expect(rec).toMatchObject({ consumer: phone.consumer, src: 'call-7' });
    } finally {
      phone.close();
    }
    // From another relay client: the app sees `<client>|<consumer>`, and its result finds the way back.
    const ws = new WebSocket(`${stack.config.bus}?token=${encodeURIComponent(stack.config.token)}&v=1`, { origin: stack.sim.origin });
    try {
      const frames: Record<string, any>[] = [];
      ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
      await new Promise((r) => ws.once('open', r));
      await expect.poll(() => frames.find((f) => f.mt === 'Welcome')).toBeTruthy();
      const other = frames.find((f) => f.mt === 'Welcome')!.client as string;
      ws.send(JSON.stringify({ mt: 'ApiRequest', apiId: Api.phone, consumer: 'dev:SwPh_zkl_5e42e884', provider: 'phone', src: '4', msg: { mt: 'SimEcho', n: 8 } }));
      await expect.poll(() => frames.find((f) => f.mt === 'ApiResult'), { timeout: 10_000 }).toEqual({
        mt: 'ApiResult', api: Api.phone, provider: 'phone', consumer: 'dev:SwPh_zkl_5e42e884', client: other, src: '4', msg: { mt: 'SimEchoResult', echo: { mt: 'SimEcho', n: 8 } },
      });
      const rec = await frame('phone').evaluate(() => (globalThis as unknown as Win).__received.find((r) => r.msg.n === 8));
      expect(rec).toMatchObject({ consumer: `${other}|dev:SwPh_zkl_5e42e884`, src: '4' });
    } finally {
      ws.close();
    }
  });

  it('an app that starts again is a new consumer; the providers it talked to hear that the old one closed', async () => {
    const before = (await consumers()).chat!;
    await frame('chat').evaluate(() => location.reload());
    await expect.poll(async () => (await consumers()).chat, { timeout: 15_000 }).not.toBe(before);
    await expect.poll(() => closed, { timeout: 10_000 }).toContainEqual({ consumer: before, client: webClient });
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
