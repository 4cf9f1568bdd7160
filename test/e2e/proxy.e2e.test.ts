/**
 * Reaching the PBX through a real HTTP proxy (Debian tinyproxy, BasicAuth) with the direct route
 * refused. Setup:
 *   pbx-sim (HTTPS, 127.0.0.1:P)  <-  front 127.0.0.1:F (accepts only connections whose source is
 *   127.0.0.3, tinyproxy's outgoing Bind address; every other connection is closed at once)
 *   tinyproxy 127.0.0.1:T, BasicAuth, ConnectPort F, Bind 127.0.0.3.
 * The test proves that a direct connection to F is refused, then loads the web client URL
 * through tinyproxy with the Node-side connector (407 -> credentials prompt -> stored) and with
 * Chromium (launchChromium({proxy})), and checks tinyproxy's log for the CONNECTs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../electron/platform';
import { memoryLogger } from '../fixtures/memory-logger';
import { EncryptedFileCredentialStore, LocalKeyCipher, ProxyConnector, StaticProxyResolver, EnvProxyResolver, preflight } from '../../electron/connect';
import { createLinuxCredentialStore, SecretToolCredentialStore } from '../../native/linux/secret-tool';
import { startDesktopSession, stopProcess, type DesktopSession } from './harness/desktop';
import type { CredentialPrompt, CredentialRequest } from '../../electron/connect/ports';
import { startPbxSim, type PbxSim } from '../pbx-sim';
import { launchChromium } from './harness/chromium';

const PROXY_USER = 'myapps';
const PROXY_PASS = 'pr0xy-secret';
const PROXY_SOURCE = '127.0.0.3';

let dir: string;
let sim: PbxSim;
let front: net.Server;
let frontPort: number;
let frontLog: string[] = [];
let tiny: ChildProcess | undefined;
let tinyPort: number;
let tinyLogFile: string;
let webClientUrl: string;
let tinyOutput = '';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`tinyproxy did not listen on ${port}: ${tinyOutput}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'proxy-e2e-'));
  sim = await startPbxSim({ host: '127.0.0.1', separateAppsOrigin: false });
  // The front: the only way to the PBX is from tinyproxy's outgoing address.
  front = net.createServer((client) => {
    const from = client.remoteAddress?.replace(/^::ffff:/, '');
    if (from !== PROXY_SOURCE) {
      frontLog.push(`refused ${from}`);
      client.destroy();
      return;
    }
    frontLog.push(`accepted ${from}`);
    const up = net.connect({ host: '127.0.0.1', port: sim.port });
    client.pipe(up).pipe(client);
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  frontPort = (front.address() as net.AddressInfo).port;
  webClientUrl = `https://127.0.0.1:${frontPort}/PBX0/APPCLIENT/appclient.htm`;

  tinyPort = await freePort();
  tinyLogFile = path.join(dir, 'tinyproxy.log');
  const conf = path.join(dir, 'tinyproxy.conf');
  writeFileSync(
    conf,
    [
      `Port ${tinyPort}`,
      'Listen 127.0.0.1',
      `Bind ${PROXY_SOURCE}`,
      'Timeout 30',
      `LogFile "${tinyLogFile}"`,
      'LogLevel Connect',
      `PidFile "${path.join(dir, 'tinyproxy.pid')}"`,
      'MaxClients 20',
      'Allow 127.0.0.1',
      `BasicAuth ${PROXY_USER} ${PROXY_PASS}`,
      `ConnectPort ${frontPort}`,
      'DisableViaHeader Yes',
      '',
    ].join('\n'),
  );
  tiny = spawn('tinyproxy', ['-d', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  tiny.stdout!.on('data', (d: Buffer) => (tinyOutput += d.toString()));
  tiny.stderr!.on('data', (d: Buffer) => (tinyOutput += d.toString()));
  await waitForPort(tinyPort, 10_000);
});

afterAll(async () => {
  if (tiny) await stopProcess(tiny);
  await new Promise<void>((r) => (front ? front.close(() => r()) : r()));
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function tinyLog(): string {
  return existsSync(tinyLogFile) ? readFileSync(tinyLogFile, 'utf8') : '';
}

describe('proxy (tinyproxy with BasicAuth, direct route refused)', () => {
  it('refuses the direct route', async () => {
    const connector = new ProxyConnector({ resolver: new EnvProxyResolver({}), logger: silentLogger });
    const r = await preflight(webClientUrl, { connector, timeoutMs: 5000 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(['network', 'tls', 'refused']).toContain(r.failure.kind);
    expect(frontLog).toContain('refused 127.0.0.1');
  });

  it('reaches the PBX simulator through tinyproxy: 407, one credentials prompt, stored, reused', async () => {
    const asked: CredentialRequest[] = [];
    const prompt: CredentialPrompt = {
      async ask(req) {
        asked.push(req);
        return { username: PROXY_USER, password: PROXY_PASS };
      },
    };
    const store = new EncryptedFileCredentialStore(path.join(dir, 'proxy-credentials.json'), new LocalKeyCipher(path.join(dir, 'key')), silentLogger);
    const resolver = new EnvProxyResolver({ HTTPS_PROXY: `http://127.0.0.1:${tinyPort}` });
    const pins = sim.cert ? [{ origin: new URL(webClientUrl).origin, fingerprint256: sim.cert.fingerprint256 }] : [];
    const connector = new ProxyConnector({ resolver, credentials: store, prompt, logger: silentLogger });
    const r = await preflight(webClientUrl, { connector, pins, timeoutMs: 10_000 });
    expect(r).toMatchObject({ ok: true, status: 200, viaProxy: true, pinned: true });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ proxyHost: '127.0.0.1', proxyPort: tinyPort, retry: false });
    expect(await store.get('127.0.0.1')).toEqual({ username: PROXY_USER, password: PROXY_PASS });
    expect(frontLog).toContain(`accepted ${PROXY_SOURCE}`);

    // Next start: a new connector finds the credentials in the store and does not ask.
    const connector2 = new ProxyConnector({ resolver: new StaticProxyResolver([{ kind: 'http', host: '127.0.0.1', port: tinyPort }]), credentials: store, prompt: { ask: async () => { throw new Error('must not ask'); } }, logger: silentLogger });
    expect(await preflight(webClientUrl, { connector: connector2, pins })).toMatchObject({ ok: true, viaProxy: true });

    // Without credentials (and no way to ask) tinyproxy's 407 ends as a proxy-auth failure.
    const connector3 = new ProxyConnector({ resolver, logger: silentLogger });
    expect(await preflight(webClientUrl, { connector: connector3, pins })).toMatchObject({ ok: false, failure: { kind: 'proxy-auth', status: 407 } });

    // The certificate is still checked through the tunnel: without the pin it is refused.
    expect(await preflight(webClientUrl, { connector: connector2 })).toMatchObject({ ok: false, failure: { kind: 'certificate' } });

    const log = tinyLog();
    expect(log).toMatch(new RegExp(`CONNECT 127\\.0\\.0\\.1:${frontPort}`));
  });

  it('Chromium loads the web client through the proxy', async () => {
    const browser = await launchChromium({
      proxy: { server: `http://127.0.0.1:${tinyPort}`, bypass: '<-loopback>', username: PROXY_USER, password: PROXY_PASS },
    });
    try {
      const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
      const page = await ctx.newPage();
      const before = frontLog.filter((l) => l === `accepted ${PROXY_SOURCE}`).length;
      const res = await page.goto(webClientUrl, { timeout: 20_000 });
      expect(res?.status()).toBe(200);
      expect(await page.title()).toBe('myApps (pbx-sim)');
      expect(frontLog.filter((l) => l === `accepted ${PROXY_SOURCE}`).length).toBeGreaterThan(before);
      await ctx.close();
    } finally {
      await browser.close();
    }
  });
});

/** Processes the Secret Service tests started (stopped in afterAll even when the setup failed). */
describe('proxy credentials in the Secret Service (secret-tool)', () => {
  let secrets: DesktopSession | undefined;
  let root: string;
  // the product's fallback when no Secret Service answers (electron/os-adapters.ts)
  const fileStore = (d: string) => () => new EncryptedFileCredentialStore(path.join(d, 'proxy-credentials.json'), new LocalKeyCipher(path.join(d, 'proxy-credentials.key')), silentLogger);
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'secret-service-'));
    secrets = await startDesktopSession(root, { x: false, keyring: true });
  });
  afterAll(async () => {
    await secrets?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('stores the credentials asked on 407 in the keyring and uses them on the next start', async () => {
    const store = await createLinuxCredentialStore({ logger: silentLogger, env: secrets!.env, fallback: fileStore(path.join(root, 'data')) });
    expect(store.kind).toBe('secret-service');
    const pins = sim.cert ? [{ origin: new URL(webClientUrl).origin, fingerprint256: sim.cert.fingerprint256 }] : [];
    const resolver = new StaticProxyResolver([{ kind: 'http', host: '127.0.0.1', port: tinyPort }]);
    let asked = 0;
    const ml = memoryLogger();
    const c1 = new ProxyConnector({ resolver, credentials: store, prompt: { ask: async () => (asked++, { username: PROXY_USER, password: PROXY_PASS }) }, logger: ml });
    expect(await preflight(webClientUrl, { connector: c1, pins })).toMatchObject({ ok: true, viaProxy: true });
    expect(asked).toBe(1);
    expect(ml.lines.filter((l) => l.level !== 'trace')).toEqual([]);
    expect(existsSync(path.join(root, 'data', 'proxy-credentials.json'))).toBe(false);
    const again = new SecretToolCredentialStore({ env: secrets!.env });
    expect(await again.get('127.0.0.1')).toEqual({ username: PROXY_USER, password: PROXY_PASS });
    const c2 = new ProxyConnector({ resolver, credentials: again, prompt: { ask: async () => { throw new Error('must not ask'); } }, logger: silentLogger });
    expect(await preflight(webClientUrl, { connector: c2, pins })).toMatchObject({ ok: true });
    await again.delete('127.0.0.1');
    expect(await again.get('127.0.0.1')).toBeUndefined();
  });

  it('falls back to the encrypted file when no Secret Service answers', async () => {
    const store = await createLinuxCredentialStore({ logger: silentLogger, env: { PATH: process.env.PATH }, fallback: fileStore(path.join(root, 'data2')) });
    expect(store.kind).toBe('file');
    await store.set('proxy.example', { username: 'u', password: 'p' });
    expect(await store.get('proxy.example')).toEqual({ username: 'u', password: 'p' });
  });
});
