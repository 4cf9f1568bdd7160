/**
 * App proxy end to end (issue 4) against pbx-sim, through the product's wiring: the proxy is
 * `services.instances.appProxy` of `createPlatformServices` (files.localData + appProxyUpstream
 * ports, as electron/main.ts builds it) and Debian Chromium's requests reach it through
 * `context.route('**\/*')`, the stand-in for Electron's `protocol.handle('https', …)`.
 *
 *  1. Online: the sim's web client and 5 apps (phone, chat, notes, calendar, reports; sim option
 *     `extraApps`) load, bridge to the bus and answer requests; their files are stored.
 *  2. The sim stops; the client restarts: a new service graph over the same userData/localData
 *     folders and a new Chromium (persistent profile in userData, like the Electron session
 *     `persist:`): every file comes from the cache (`offline`), the web client starts the apps from
 *     its offline copy, they register on the bus and answer; an app never loaded gets the offline
 *     page with Retry.
 *  3. The sim restarts (same ports) with a changed app file: after revalidation the new version
 *     is served (`updated`), the unchanged files are `revalidated` (304 from the sim).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { BASE_FLAGS, CHROMIUM_PATH } from './harness/chromium';
import { injectAppClientConfig } from './harness/stack';
import { routeThroughAppProxy } from './harness/app-proxy-route';
import { Api } from '../../common/bus';
import { memoryLogger } from '../fixtures/memory-logger';
import { createPlatformServices, type PlatformServices } from '../../electron/wiring';
import type { AppProxy } from '../../electron/appproxy';
import { createNodeUpstream } from '../fixtures/appproxy/node-upstream';
import { startPbxSim, type PbxSim } from '../pbx-sim';

const EXTRA = ['notes', 'calendar', 'reports'];
const APP_PROVIDERS: [string, string][] = [[Api.phone, 'phone'], [Api.chat, 'chat'], ...EXTRA.map((a): [string, string] => [`com.example.${a}`, a])];
/** Files of the web client and the 5 apps (sim paths). */
const FILES = [
  '/PBX0/APPCLIENT/appclient.htm', '/PBX0/APPCLIENT/appclient.css', '/PBX0/APPCLIENT/appclient.js', '/PBX0/APPCLIENT/consumers.js',
  '/PBX0/APPS/phone.htm', '/PBX0/APPS/chat.htm', '/PBX0/APPS/notes.htm', '/PBX0/APPS/calendar.htm', '/PBX0/APPS/reports.htm',
  '/PBX0/APPS/lib1.js', '/PBX0/APPS/standin.js', '/PBX0/APPS/standin.css', '/PBX0/APPS/miniapp.js',
];

let tmp: string;
let files: { userData: string; localData: string; logs: string };
let overlay: string;
let sim: PbxSim | undefined;
let simPorts: { port: number; appsPort: number } | undefined;
let cert: string | undefined;

interface Client { services: PlatformServices; proxy: AppProxy; context: BrowserContext; page: Page; log: ReturnType<typeof memoryLogger>; close(): Promise<void> }
let client: Client | undefined;

async function startSim(wwwOverlay?: string): Promise<PbxSim> {
  sim = await startPbxSim({ https: true, extraApps: true, ...simPorts, ...(wwwOverlay ? { wwwOverlay } : {}) });
  simPorts = { port: sim.port, appsPort: sim.appsPort };
  cert = sim.cert?.cert;
  return sim;
}

/** The product's service graph + Chromium whose requests all go through the app proxy. */
async function startClient(origin: string, url: string): Promise<Client> {
  await client?.close();
  const log = memoryLogger();
  const upstream = createNodeUpstream({ ca: cert });
  const services = await createPlatformServices(
    { logger: log, files, appProxyUpstream: upstream },
    { launcher: { name: 'myApps', version: '0.1.0', build: 'e2e', platform: 'linux' }, pbxOrigin: origin, appProxy: { connectTimeoutMs: 2000 } },
  );
  const proxy = services.instances.appProxy;
  if (!proxy) throw new Error(`app proxy not wired: ${String(services.skipped.appProxy)}`);
  const context = await chromium.launchPersistentContext(path.join(files.userData, 'chromium'), {
    executablePath: CHROMIUM_PATH, headless: true, args: BASE_FLAGS.filter((f) => f !== '--headless'), ignoreHTTPSErrors: true,
  });
  await injectAppClientConfig(context, origin, services.server.config);
  // The stand-in for protocol.handle('https'): every http(s) request of the session goes through
  // the core (WebSockets, bus and myApps, go to the network directly, as in Electron).
  await routeThroughAppProxy(context, proxy);
  const page = context.pages()[0] ?? await context.newPage();
  await page.goto(url);
  const c: Client = {
    services, proxy, context, page, log,
    async close() {
      await context.close().catch(() => {});
      await proxy.idle();
      await services.close();
      upstream.close();
      if (client === c) client = undefined;
    },
  };
  client = c;
  return c;
}

/** Waits until the 5 apps (and the web client's own @client-<id>) are providers on the bus. */
async function waitForApps(c: Client): Promise<void> {
  try {
    await Promise.all([...APP_PROVIDERS, [Api.client, undefined] as [string, undefined]].map(async ([api, provider]) => {
      const consumer = c.services.router.consume(api);
      try { await consumer.waitForProvider(30_000, provider); } finally { consumer.close(); }
    }));
  } catch (err) {
    // Say what the web client saw, and what the proxy answered.
    const state = await c.page.evaluate(() => JSON.stringify((globalThis as unknown as { __appclient?: { state: unknown } }).__appclient?.state)).catch(String);
    const traces = c.log.lines.map((l) => `${l.category ?? l.level} ${l.message} ${l.category === "AppProxy" ? "" : JSON.stringify(l.data)}`);
    throw new Error(`${String(err)}\nweb client state: ${state}\napp proxy: ${traces.join('\n  ')}`);
  }
}

/** The apps work: phone answers SimEcho, each extra app answers Ping with its version. */
async function askApps(services: PlatformServices): Promise<Record<string, string>> {
  const phone = services.router.consume(Api.phone);
  try {
    const r = await phone.request({ mt: 'SimEcho', n: 1 }, { provider: 'phone', until: (m) => m.mt === 'SimEchoResult', timeoutMs: 10_000 });
    expect(r.at(-1)?.mt).toBe('SimEchoResult');
  } finally { phone.close(); }
  const versions: Record<string, string> = {};
  for (const app of EXTRA) {
    const c = services.router.consume(`com.example.${app}`);
    try {
      const r = await c.request({ mt: 'Ping' }, { provider: app, until: (m) => m.mt === 'PingResult', timeoutMs: 10_000 });
      versions[app] = String(r.at(-1)?.version);
    } finally { c.close(); }
  }
  return versions;
}

/** First trace outcome per sim path of the app proxy (files shared by apps are asked for again). */
function outcomes(log: ReturnType<typeof memoryLogger>): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of log.lines) {
    if (l.category !== 'AppProxy' || !l.data?.url || !l.data.outcome) continue;
    const p = new URL(String(l.data.url)).pathname;
    if (!m.has(p)) m.set(p, String(l.data.outcome));
  }
  return m;
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'appproxy-e2e-'));
  files = { userData: path.join(tmp, 'userData'), localData: path.join(tmp, 'localData'), logs: path.join(tmp, 'logs') };
  for (const d of Object.values(files)) await fs.mkdir(d, { recursive: true });
  overlay = path.join(tmp, 'www-overlay');
});

afterAll(async () => {
  await client?.close();
  await sim?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('app proxy in Chromium against pbx-sim, through createPlatformServices', () => {
  it('online: the web client and 5 apps load, connect to the bus and work; their files are stored', async () => {
    const s = await startSim();
    const c = await startClient(s.origin, s.url);
    await waitForApps(c);
    expect(await askApps(c.services)).toEqual({ notes: '1', calendar: '1', reports: '1' });
    await c.close();
    const o = outcomes(c.log);
    for (const f of FILES) expect(o.get(f), f).toBe('miss');
    expect(o.get('/sim/login-hint')).toBe('pass');
    expect(c.proxy.store.entryCount).toBe(FILES.length);
  }, 120_000);

  it('sim stopped, client restarted: everything starts from the cache and the apps register on the bus', async () => {
    const { origin, url, appsOrigin } = sim!;
    await sim!.close();
    const c = await startClient(origin, url);
    await waitForApps(c);
    expect(await askApps(c.services)).toEqual({ notes: '1', calendar: '1', reports: '1' });
    const o = outcomes(c.log);
    for (const f of FILES) expect(o.get(f), f).toBe('offline');
    expect([...o.values()].filter((x) => x === 'miss' || x === 'offline-page')).toEqual([]);

    // An app never loaded: a clear offline page with a Retry button, not a white frame.
    const other = await c.context.newPage();
    const res = await other.goto(`${appsOrigin}/PBX0/APPS/never.htm`);
    expect(res?.status()).toBe(503);
    await expect.poll(() => other.locator('h1').textContent()).toBe('This app cannot be reached');
    expect(await other.locator('#retry').isVisible()).toBe(true);
    await c.close();
  }, 120_000);

  it('sim back with a changed app file: the new version is served after revalidation', async () => {
    const notes = await fs.readFile(fileURLToPath(new URL('../pbx-sim/www/APPS/notes.htm', import.meta.url)), 'utf8');
    await fs.mkdir(path.join(overlay, 'APPS'), { recursive: true });
    await fs.writeFile(path.join(overlay, 'APPS', 'notes.htm'), notes.replace('data-version="1"', 'data-version="2"'));
    const s = await startSim(overlay);
    const c = await startClient(s.origin, s.url);
    await waitForApps(c);
    expect(await askApps(c.services)).toEqual({ notes: '2', calendar: '1', reports: '1' });
    await c.close();
    const o = outcomes(c.log);
    expect(o.get('/PBX0/APPS/notes.htm')).toBe('updated');
    for (const f of FILES.filter((x) => x !== '/PBX0/APPS/notes.htm')) expect(o.get(f), f).toBe('revalidated');
  }, 120_000);
});
