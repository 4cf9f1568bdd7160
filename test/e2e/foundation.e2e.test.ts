/**
 * First end-to-end test (issue 2): pbx-sim + the real service graph + the stand-in web client in
 * Debian Chromium. A bus ApiRequest for com.innovaphone.phone reaches the phone app's iframe; a
 * page of another origin cannot open the bus even with the token; the PBX page cannot without it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Api } from '../../common/bus';
import { memoryLogger } from '../fixtures/memory-logger';
import { startStack, webClientProvider, type Stack } from './harness/stack';

/** What a page gets when it tries to open a WebSocket: 'open' or 'failed (code)'. */
async function tryWebSocket(page: Page, url: string): Promise<string> {
  return page.evaluate(
    (u) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(u);
        ws.onopen = () => {
          ws.close();
          resolve('open');
        };
        ws.onclose = (ev) => resolve(`failed (${ev.code})`);
      }),
    url,
  );
}

describe('foundation: pbx-sim, local services bus and the hosted web client in Chromium', () => {
  const logger = memoryLogger();
  let stack: Stack;
  let page: Page;
  let other: http.Server;
  let otherOrigin: string;

  beforeAll(async () => {
    stack = await startStack({ logger });
    other = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><title>another origin</title><p>not the PBX</p>');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    page = await stack.openWebClient();
  });

  afterAll(async () => {
    await stack?.close();
    await new Promise((r) => (other ? other.close(r) : r(undefined)));
  });

  it('routes a bus PrepareCall to the stand-in phone app inside its cross-origin iframe', async () => {
    const phone = stack.services.router.consume(Api.phone);
    try {
      expect(await phone.waitForProvider(30_000, 'phone')).toBe('phone');
      expect(phone.providers().phone!.title).toBe('Phone');
      // The app's ApiModel follows its RegisterApi.
      await expect.poll(() => phone.providers().phone?.model, { timeout: 10_000 }).toEqual({ registered: true, calls: [] });
      // The web client also provides com.innovaphone.client, under its own @client-<id>, with the sim's model.
      const own = await webClientProvider(stack.services, 10_000);
      expect(own.name).toMatch(/^@client-[0-9a-f-]{36}$/);
      expect(own.model).toMatchObject({ launcher: true, user: { sip: 'atlantis' }, adminSettings: { notifications: { value: true, force: true } } });

      const src = 'e2e-prepare-1';
      phone.send({ mt: 'PrepareCall', text: '+49 7031 73009-0', adjust: true }, { provider: 'phone', src });

      // Seen by the app itself (inside the iframe, of the apps origin)...
      const frame = page.frames().find((f) => f.url().startsWith(`${stack.sim.appsOrigin}/PBX0/APPS/phone.htm`));
      expect(frame, 'phone iframe').toBeDefined();
      expect(new URL(frame!.url()).origin).not.toBe(stack.sim.origin);
      await frame!.waitForFunction(() => ((globalThis as unknown as { __received?: unknown[] }).__received ?? []).length > 0, undefined, { timeout: 10_000 });
      const received = await frame!.evaluate(() => (globalThis as unknown as { __received?: unknown[] }).__received);
      expect(received).toEqual([
        expect.objectContaining({ app: 'phone', api: Api.phone, src, msg: { mt: 'PrepareCall', text: '+49 7031 73009-0', adjust: true } }),
      ]);
      await expect.poll(() => frame!.inputValue('#dial')).toBe('+49 7031 73009-0');
      // ...and reported to the sim.
      const rec = await stack.sim.control.waitForReceived((r) => r.msg.mt === 'PrepareCall', 10_000);
      expect(rec).toMatchObject({ app: 'phone', api: Api.phone, src });
      // The app sees the launcher module that asked (@local-<id>) as its consumer.
      expect(rec.consumer).toBe(phone.consumer);
      expect(rec.consumer).toMatch(/^@local-/);

      // The result path back to the bus consumer works too (sim's SimEcho extension).
      const results = await phone.request({ mt: 'SimEcho', n: 1 }, { provider: 'phone', until: (m) => m.mt === 'SimEchoResult', timeoutMs: 10_000 });
      expect(results).toEqual([{ mt: 'SimEchoResult', echo: { mt: 'SimEcho', n: 1 } }]);
    } finally {
      phone.close();
    }
  });

  it('publishes the PBX client model as its own @client-<id> and follows changes made through the sim control API', async () => {
    const client = stack.services.router.consume(Api.client);
    try {
      const { name } = await webClientProvider(stack.services, 10_000);
      const model = () => client.providers()[name]?.model as { adminSettings?: Record<string, unknown>; launcherUpdateBuild?: string } | undefined;
      expect(model()?.adminSettings?.autostart).toEqual({ value: true, force: false });
      stack.sim.control.setModel({ adminSettings: { autostart: { value: false, force: true } }, launcherUpdateBuild: '1429999' });
      await expect.poll(() => model()?.adminSettings, { timeout: 10_000 }).toEqual({ autostart: { value: false, force: true } });
      expect(model()?.launcherUpdateBuild).toBe('1429999');
      stack.sim.control.reset();
      await expect.poll(() => model()?.launcherUpdateBuild, { timeout: 10_000 }).toBe('1420100');
    } finally {
      client.close();
    }
  });

  it('reads the user activity from the launcher model and sends SetUserActivity to the PBX, which answers with UpdateOwnPresence', async () => {
    const launcher = stack.services.instances.launcher!;
    const imStatus = () =>
      page.evaluate(() => {
        const s = (globalThis as unknown as { __appclient: { state: { presence: { contact: string; status: string }[] } } }).__appclient.state;
        return s.presence.find((p) => p.contact === 'im:')?.status;
      });
    const before = (await stack.sim.control.waitForSession((x) => x.loggedIn)).received.filter((m) => m === 'SetUserActivity').length;
    launcher.setModelFields({ userActivity: { inactive: true } });
    const session = await stack.sim.control.waitForSession((x) => x.loggedIn && x.inactive === true);
    expect(session.presence).toContainEqual({ contact: 'im:', status: 'closed', activity: '' });
    await expect.poll(imStatus, { timeout: 10_000 }).toBe('closed');
    launcher.setModelFields({ userActivity: { inactive: false } });
    await stack.sim.control.waitForSession((x) => x.loggedIn && x.inactive === false);
    await expect.poll(imStatus, { timeout: 10_000 }).toBe('open');
    const after = (await stack.sim.control.waitForSession((x) => x.loggedIn)).received.filter((m) => m === 'SetUserActivity').length;
    expect(after - before).toBe(2);
    // SetUserActivity is not a com.innovaphone.client request (innovaphone: client -> PBX only).
    const client = stack.services.router.consume(Api.client);
    try {
      const results: unknown[] = [];
      client.onResult((f) => results.push(f));
      client.send({ mt: 'SetUserActivity', inactive: true }, { src: 'a1' });
      await expect.poll(() => results, { timeout: 10_000 }).toEqual([expect.objectContaining({ src: 'a1', msg: { mt: 'SetUserActivityResult' }, errorText: expect.stringContaining('not simulated') })]);
    } finally {
      client.close();
    }
    expect((await stack.sim.control.waitForSession((x) => x.loggedIn)).inactive).toBe(false);
  });

  it('lets an app consume a launcher API provided in-process; the result goes back to the app', async () => {
    const seen: Record<string, unknown>[] = [];
    const provided = stack.services.router.provide(
      Api.launcher,
      '@e2e',
      (req, api) => {
        seen.push(req.msg);
        api.send(req, { mt: 'E2EResult', got: req.msg });
      },
      { title: 'e2e launcher', model: {} },
    );
    try {
      const frame = stack.appFrame(page, 'phone');
      const result = await frame.evaluate(
        () =>
          new Promise<unknown>((resolve, reject) => {
            const start = (globalThis as unknown as { __start: any }).__start;
            const api = start.consumeApi('com.innovaphone.launcher');
            const t = setTimeout(() => reject(new Error(`no result; providers seen: ${api.providers}`)), 10_000);
            const go = () => {
              if (!api.providers.includes('@e2e')) return;
              api.onupdate.detach(go);
              api.sendSrc({ mt: 'E2E', n: 7 }, '@e2e', (obj: unknown) => {
                clearTimeout(t);
                resolve(obj);
              });
            };
            api.onupdate.attach(go);
            go();
          }),
      );
      expect(result).toMatchObject({ provider: '@e2e', msg: { mt: 'E2EResult', got: { mt: 'E2E', n: 7 } } });
      expect((result as { src: string }).src).toMatch(/^apisrc-[0-9a-f]{8}-\d+$/);
      expect(seen).toEqual([{ mt: 'E2E', n: 7 }]);
    } finally {
      provided.close();
    }
  });

  it('tells the provider app when a bus consumer that talked to it goes away (ApiConsumerClosed)', async () => {
    const phone = stack.services.router.consume(Api.phone);
    await phone.waitForProvider(10_000, 'phone');
    await phone.request({ mt: 'SimEcho', n: 2 }, { provider: 'phone', until: (m) => m.mt === 'SimEchoResult', timeoutMs: 10_000 });
    const rec = await stack.sim.control.waitForReceived((r) => r.msg.mt === 'SimEcho' && r.msg.n === 2);
    phone.close();
    const frame = stack.appFrame(page, 'phone');
    await frame.waitForFunction((c) => ((globalThis as unknown as { __consumerClosed: string[] }).__consumerClosed ?? []).includes(c), rec.consumer, { timeout: 10_000 });
  });

  it('refuses the bus to a page of another origin even with the right token', async () => {
    const otherPage = await stack.context.newPage();
    try {
      await otherPage.goto(`${otherOrigin}/`);
      // The preload only writes the config for the PBX origin.
      expect(await otherPage.evaluate(() => (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem('appclient-config'))).toBeNull();
      const url = `${stack.config.bus}?token=${encodeURIComponent(stack.config.token)}&v=1`;
      expect(await tryWebSocket(otherPage, url)).toMatch(/^failed/);
      expect(logger.lines.some((l) => l.level === 'warn' && l.message.includes(`Origin ${otherOrigin} not allowed`))).toBe(true);
    } finally {
      await otherPage.close();
    }
  });

  it('refuses the bus to the PBX page itself without the token or with a wrong one', async () => {
    expect(await tryWebSocket(page, `${stack.config.bus}?v=1`)).toMatch(/^failed/);
    expect(logger.lines.some((l) => l.level === 'warn' && l.message.includes('missing token'))).toBe(true);
    expect(await tryWebSocket(page, `${stack.config.bus}?token=${'x'.repeat(stack.config.token.length)}&v=1`)).toMatch(/^failed/);
    expect(logger.lines.some((l) => l.level === 'warn' && l.message.includes('wrong token'))).toBe(true);
    // Control: with the token the same page gets in (so the refusals above are about the token).
    expect(await tryWebSocket(page, `${stack.config.bus}?token=${encodeURIComponent(stack.config.token)}&v=1`)).toBe('open');
  });
});

describe('the stand-in web client outside the launcher (plain browser, no appclient-config)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('says it is not running in the launcher and still hosts and connects its apps', async () => {
    const context = await stack.browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      await page.goto(stack.sim.url);
      await expect.poll(() => page.textContent('#banner')).toMatch(/Not running in the launcher/);
      type View = { state: { bus: string; loggedIn: boolean }; apis(): Record<string, Record<string, { model: Record<string, unknown> }>> };
      const view = () =>
        page.evaluate(() => {
          const c = (globalThis as unknown as { __appclient: View }).__appclient;
          return { bus: c.state.bus, loggedIn: c.state.loggedIn, apis: c.apis() };
        });
      await expect.poll(async () => Object.keys((await view()).apis['com.innovaphone.phone'] ?? {}), { timeout: 20_000 }).toEqual(['phone']);
      const v = await view();
      expect(v.bus).toBe('none');
      expect(v.loggedIn).toBe(true);
      const own = Object.keys(v.apis['com.innovaphone.client']!).find((n) => n.startsWith('@client-'))!;
      expect(v.apis['com.innovaphone.client']![own]!.model.launcher).toBe(false);
      // App to app within the page: the chat app asks the phone app.
      // (under load the chat app may still be starting when the phone app has registered)
      await expect.poll(() => page.frames().find((f) => f.url().includes('/PBX0/APPS/chat.htm'))?.evaluate(() => !!(globalThis as unknown as { __start?: unknown }).__start) ?? false, { timeout: 20_000 }).toBe(true);
      const chat = page.frames().find((f) => f.url().includes('/PBX0/APPS/chat.htm'))!;
      const result = await chat.evaluate(
        () =>
          new Promise<unknown>((resolve) => {
            const start = (globalThis as unknown as { __start: any }).__start;
            start.consumeApi('com.innovaphone.phone').sendSrc({ mt: 'SimEcho', n: 3 }, 'phone', resolve);
          }),
      );
      expect(result).toMatchObject({ provider: 'phone', msg: { mt: 'SimEchoResult', echo: { mt: 'SimEcho', n: 3 } } });
      const rec = await stack.sim.control.waitForReceived((r) => r.msg.mt === 'SimEcho' && r.msg.n === 3);
      expect(rec.consumer).toMatch(/^dev:chat_atlantis_[0-9a-f]{8}$/);
      // The launcher's services never saw this page.
      expect(stack.services.server.connections()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
