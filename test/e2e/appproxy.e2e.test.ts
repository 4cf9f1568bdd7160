/**
 * App proxy end to end (issue 4): the web client and 5 apps (3 from the PBX, 2 from an App
 * Platform) load in Debian Chromium through the caching core, fed by `context.route('**\/*')`
 * exactly as Electron's `protocol.handle('https', …)` feeds it in the product. Then the origins
 * stop and the client restarts (new browser, new core over the same folder): everything starts
 * from the cache. An app never loaded shows the offline page with Retry, not a white frame. The
 * origins come back with a changed app file: the new version is served after revalidation.
 *
 * The pbx-sim serves its files with `Cache-Control: no-store` (nothing may be cached), so this
 * test uses its own two origins (electron/appproxy/testing/site.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './harness/chromium';
import { memoryLogger } from '../../electron/platform';
import { createAppProxy, type AppProxy } from '../../electron/appproxy';
import { TestOrigin } from '../../electron/appproxy/testing/origin';
import { AP_APPS, PBX_APPS, PBX_HOST, appJs, populateSite, siteUpstream } from '../../electron/appproxy/testing/site';

const APPS = [...PBX_APPS, ...AP_APPS];
let tmp: string;
let pbx: TestOrigin;
let ap: TestOrigin;
let browser: Browser | undefined;

/** Feed every request of the context into the core (the stand-in for Electron's protocol handler). */
async function routeThrough(context: BrowserContext, core: AppProxy): Promise<void> {
  await context.route('**/*', async (route) => {
    const r = route.request();
    const headers = new Headers();
    for (const [k, v] of Object.entries(await r.allHeaders())) if (!k.startsWith(':') && !['host', 'connection', 'upgrade'].includes(k)) headers.set(k, v);
    const body = r.postDataBuffer();
    try {
      const res = await core.handle(new Request(r.url(), { method: r.method(), headers, body: body && r.method() !== 'GET' ? new Uint8Array(body) : undefined }));
      const h: Record<string, string> = {};
      res.headers.forEach((v, k) => { h[k] = v; });
      await route.fulfill({ status: res.status, headers: h, body: Buffer.from(await res.arrayBuffer()) });
    } catch {
      await route.abort('connectionrefused');
    }
  });
}

async function startClient(core: AppProxy): Promise<{ context: BrowserContext; page: Page }> {
  browser = await launchChromium({ args: ['--host-resolver-rules=MAP * ~NOTFOUND'] });
  const context = await browser.newContext();
  await routeThrough(context, core);
  const page = await context.newPage();
  return { context, page };
}

async function stopClient(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

async function loadWebClient(page: Page): Promise<Record<string, string>> {
  await page.goto(`${PBX_HOST}/PBX0/APPCLIENT/appclient.htm`);
  await page.waitForFunction((n) => Object.keys((globalThis as unknown as { __apps: object }).__apps ?? {}).length === n, APPS.length, { timeout: 20_000 });
  // Each app's own page shows that its script ran.
  for (const [i, app] of APPS.entries()) {
    await expect.poll(() => page.frames()[i + 1]?.locator('#status').textContent()).toMatch(new RegExp(`^app ${app} v\\d running$`));
  }
  return page.evaluate(() => (globalThis as unknown as { __apps: Record<string, string> }).__apps);
}

function outcomesByPath(log: ReturnType<typeof memoryLogger>): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of log.lines) if (l.category === 'AppProxy' && l.data?.url) m.set(new URL(String(l.data.url)).pathname, String(l.data.outcome));
  return m;
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'appproxy-e2e-'));
  pbx = new TestOrigin();
  ap = new TestOrigin();
  populateSite(pbx, ap, 'v1');
  await pbx.start();
  await ap.start();
});

afterAll(async () => {
  await stopClient();
  await pbx?.stop();
  await ap?.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('app proxy in Chromium', () => {
  const dir = () => path.join(tmp, 'appproxy');

  it('loads the web client and 5 apps online, storing them', async () => {
    const log = memoryLogger();
    const core = createAppProxy({ dir: dir(), upstream: siteUpstream(pbx, ap), logger: log });
    const { page } = await startClient(core);
    expect(await loadWebClient(page)).toEqual(Object.fromEntries(APPS.map((a) => [a, 'v1'])));
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __session: string }).__session)).toBe('status 200');
    await stopClient();
    await core.idle();
    const outcomes = outcomesByPath(log);
    expect(outcomes.get('/PBX0/APPCLIENT/appclient.htm')).toBe('miss');
    expect(outcomes.get('/PBX0/session')).toBe('pass');
    expect(outcomes.get('/example.com/calendar/calendar.js')).toBe('miss');
    // 3 web client files + 5 apps x 4 files
    expect(core.store.entryCount).toBe(23);
  });

  it('after the origins stop, a restarted client starts everything from the cache', async () => {
    await pbx.stop();
    await ap.stop();
    const log = memoryLogger();
    const core = createAppProxy({ dir: dir(), upstream: siteUpstream(pbx, ap), logger: log });
    const { page } = await startClient(core);
    expect(await loadWebClient(page)).toEqual(Object.fromEntries(APPS.map((a) => [a, 'v1'])));
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __session: string }).__session)).toBe('failed');
    const outcomes = outcomesByPath(log);
    const fileOutcomes = [...outcomes.entries()].filter(([p]) => p !== '/PBX0/session' && p !== '/favicon.ico');
    expect(fileOutcomes.length).toBe(23);
    expect(fileOutcomes.filter(([, o]) => o !== 'offline')).toEqual([]);

    // An app that was never loaded: a clear offline page with a Retry button, not a white frame.
    const other = await page.context().newPage();
    const res = await other.goto(`${PBX_HOST}/PBX0/APPS/never/never.htm`);
    expect(res?.status()).toBe(503);
    await expect.poll(() => other.locator('h1').textContent()).toBe('This app cannot be reached');
    expect(await other.locator('#retry').isVisible()).toBe(true);
    await stopClient();
  });

  it('with the origins back and an app changed, the new version is served after revalidation', async () => {
    pbx.set('/PBX0/APPS/phone/phone.js', appJs('phone', 'v2'));
    ap.set('/example.com/reports/reports.js', appJs('reports', 'v2'));
    await pbx.start(pbx.port);
    await ap.start(ap.port);
    const log = memoryLogger();
    const core = createAppProxy({ dir: dir(), upstream: siteUpstream(pbx, ap), logger: log });
    const { page } = await startClient(core);
    expect(await loadWebClient(page)).toEqual({ phone: 'v2', chat: 'v1', users: 'v1', calendar: 'v1', reports: 'v2' });
    const outcomes = outcomesByPath(log);
    expect(outcomes.get('/PBX0/APPS/phone/phone.js')).toBe('updated');
    expect(outcomes.get('/example.com/reports/reports.js')).toBe('updated');
    expect(outcomes.get('/PBX0/APPS/chat/chat.js')).toBe('revalidated');
    expect(outcomes.get('/PBX0/APPCLIENT/appclient.htm')).toBe('revalidated');
    expect(pbx.log.filter((l) => l.status === 304).length).toBeGreaterThan(5);
    await stopClient();
    await core.idle();
  });
});
