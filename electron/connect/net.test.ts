import { promises as fs, mkdtempSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../platform';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { simCertificate, type SimCert } from '../../test/pbx-sim/cert';
import { EncryptedFileCredentialStore, LocalKeyCipher } from './credentials';
import { authSchemes, createProxyFetch, httpsGet, NetworkError, ProxyConnector, classifyNodeError } from './net';
import type { UpdateFetch } from '../update/ports';
import { EnvProxyResolver, StaticProxyResolver, noProxyMatches, parsePacResult, parseProxyUrl } from './proxy';
import { preflight } from './preflight';
import type { CredentialPrompt, CredentialRequest, ProxyCredentials } from './ports';

/** A real HTTP CONNECT proxy on loopback, optionally with Basic auth, logging what it does. */
async function startConnectProxy(opts: { user?: string; pass?: string; refuseWith?: number; challenge?: string } = {}) {
  const log: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    let buf = Buffer.alloc(0);
    const onData = (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.removeListener('data', onData);
      const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
      const [method, authority] = lines[0]!.split(' ');
      const auth = lines.find((l) => /^proxy-authorization:/i.test(l))?.split(': ')[1];
      log.push(`${method} ${authority} auth=${auth ? Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString() : '-'}`);
      if (method !== 'CONNECT') return client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
      if (opts.refuseWith) return client.end(`HTTP/1.1 ${opts.refuseWith} Refused\r\nContent-Length: 0\r\n\r\n`);
      if (opts.challenge) return client.end(`HTTP/1.1 407 Proxy Authentication Required\r\n${opts.challenge}\r\nContent-Length: 0\r\n\r\n`);
      if (opts.user && auth !== `Basic ${Buffer.from(`${opts.user}:${opts.pass}`).toString('base64')}`) {
        return client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="Test Proxy"\r\nContent-Length: 0\r\n\r\n');
      }
      const m = /^\[?([^\]]+)\]?:(\d+)$/.exec(authority!)!;
      const upstream = net.connect({ host: m[1]!, port: Number(m[2]) }, () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        const rest = buf.subarray(end + 4);
        if (rest.length) upstream.write(rest);
        client.pipe(upstream).pipe(client);
      });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    log,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

let cert: SimCert;
let server: https.Server;
let serverPort: number;
let dir: string;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  cert = await simCertificate();
  server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { Location: '/big' });
      res.end();
    } else if (req.url === '/big') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(3 * 1024 * 1024) });
      for (let i = 0; i < 3; i++) res.write(Buffer.alloc(1024 * 1024, i));
      res.end();
    } else if (req.url === '/PBX0/APPCLIENT/appclient.htm') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>web client</html>');
    } else {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  serverPort = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
afterEach(async () => {
  while (closers.length) await closers.pop()!();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const url = () => `https://127.0.0.1:${serverPort}/PBX0/APPCLIENT/appclient.htm`;
const pin = () => [{ origin: `https://127.0.0.1:${serverPort}`, fingerprint256: cert.fingerprint256 }];

class ScriptedPrompt implements CredentialPrompt {
  asked: CredentialRequest[] = [];
  constructor(private answers: (ProxyCredentials | null)[]) {}
  async ask(req: CredentialRequest) {
    this.asked.push(req);
    await new Promise((r) => setTimeout(r, 20)); // a user takes a moment
    return this.answers.shift() ?? null;
  }
}

describe('httpsGet direct', () => {
  it('refuses an untrusted certificate and reports its details', async () => {
    const connector = new ProxyConnector({ resolver: new StaticProxyResolver([{ kind: 'direct' }]), logger: silentLogger });
    const err = await httpsGet(url(), { connector }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ kind: 'certificate' });
    const c = (err as NetworkError).details.certificate!;
    expect(c.fingerprint256).toBe(cert.fingerprint256);
    expect(c.subject).toMatch(/CN=pbx-sim/);
    expect(c.error).toMatch(/SELF_SIGNED|UNABLE/);
  });

  it('accepts it when the user pinned it for this origin, and only then', async () => {
    const connector = new ProxyConnector({ resolver: new StaticProxyResolver([{ kind: 'direct' }]), logger: silentLogger });
    const res = await httpsGet(url(), { connector, pins: pin() });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('<html>web client</html>');
    expect(res.pinned).toBe(true);
    const other = [{ origin: 'https://127.0.0.1:1', fingerprint256: cert.fingerprint256 }];
    await expect(httpsGet(url(), { connector, pins: other })).rejects.toMatchObject({ kind: 'certificate' });
  });

  it('trusts it without a pin when it is a configured CA', async () => {
    const connector = new ProxyConnector({ resolver: new StaticProxyResolver([{ kind: 'direct' }]), logger: silentLogger });
    const res = await httpsGet(url(), { connector, ca: cert.cert });
    expect(res).toMatchObject({ status: 200, pinned: false });
  });

  it('classifies refused, timeout and HTTP errors', async () => {
    const connector = new ProxyConnector({ resolver: new StaticProxyResolver([{ kind: 'direct' }]), logger: silentLogger });
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await preflight(`https://127.0.0.1:${closedPort}/PBX0/APPCLIENT/appclient.htm`, { connector });
    expect(refused).toMatchObject({ ok: false, failure: { kind: 'refused', title: 'Connection refused' } });

    const silent = net.createServer((s) => closers.push(async () => void s.destroy())); // accepts, never speaks TLS
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => silent.close(() => r())));
    const timeout = await preflight(`https://127.0.0.1:${(silent.address() as net.AddressInfo).port}/`, { connector, timeoutMs: 300 });
    expect(timeout).toMatchObject({ ok: false, failure: { kind: 'timeout' } });

    const notFound = await preflight(`https://127.0.0.1:${serverPort}/PBX0-9/APPCLIENT/appclient.htm`, { connector, pins: pin() });
    expect(notFound).toMatchObject({ ok: false, failure: { kind: 'http', status: 404 } });

    // RFC 6761: .invalid never resolves.
    const dns = await preflight('https://pbx.nonexistent.invalid/PBX0/APPCLIENT/appclient.htm', { connector, timeoutMs: 10_000 });
    expect(dns).toMatchObject({ ok: false, failure: { kind: 'dns', title: 'Server not found' } });

    const ok = await preflight(url(), { connector, pins: pin() });
    expect(ok).toMatchObject({ ok: true, status: 200, viaProxy: false });
  });

  it('maps Node error codes', () => {
    expect(classifyNodeError(Object.assign(new Error('x'), { code: 'ENOTFOUND' })).kind).toBe('dns');
    expect(classifyNodeError(Object.assign(new Error('x'), { code: 'EAI_AGAIN' })).kind).toBe('dns');
    expect(classifyNodeError(Object.assign(new Error('x'), { code: 'ECONNRESET' })).kind).toBe('reset');
    expect(classifyNodeError(Object.assign(new Error('x'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' })).kind).toBe('tls');
  });
});

describe('through an HTTP CONNECT proxy', () => {
  it('tunnels through a proxy without authentication', async () => {
    const proxy = await startConnectProxy();
    closers.push(proxy.close);
    const resolver = new EnvProxyResolver({ HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` });
    const connector = new ProxyConnector({ resolver, logger: silentLogger });
    const r = await preflight(url(), { connector, pins: pin() });
    expect(r).toMatchObject({ ok: true, status: 200, viaProxy: true });
    expect(proxy.log).toEqual([`CONNECT 127.0.0.1:${serverPort} auth=-`]);
  });

  it('asks for credentials once on 407, stores them encrypted, and reuses them', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'proxy-creds-'));
    const proxy = await startConnectProxy({ user: 'alice', pass: 's3cret:with colon' });
    closers.push(proxy.close);
    const resolver = new StaticProxyResolver([{ kind: 'http', host: '127.0.0.1', port: proxy.port }]);
    const store = new EncryptedFileCredentialStore(path.join(dir, 'proxy-credentials.json'), new LocalKeyCipher(path.join(dir, 'credentials.key')), silentLogger);
    const prompt = new ScriptedPrompt([{ username: 'alice', password: 's3cret:with colon' }]);
    const logger = memoryLogger();
    const connector = new ProxyConnector({ resolver, credentials: store, prompt, logger });

    // Three parallel requests: one prompt.
    const results = await Promise.all([1, 2, 3].map(() => preflight(url(), { connector, pins: pin() })));
    for (const r of results) expect(r).toMatchObject({ ok: true, viaProxy: true });
    expect(prompt.asked).toEqual([{ proxyHost: '127.0.0.1', proxyPort: proxy.port, realm: 'Test Proxy', retry: false }]);
    // Later requests go straight through with the cached credentials.
    proxy.log.length = 0;
    expect(await preflight(url(), { connector, pins: pin() })).toMatchObject({ ok: true });
    expect(proxy.log).toEqual([`CONNECT 127.0.0.1:${serverPort} auth=alice:s3cret:with colon`]);

    // Stored: 0600, not in plain text; a new connector (next start) uses them without asking.
    const file = path.join(dir, 'proxy-credentials.json');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(dir, 'credentials.key'))).mode & 0o777).toBe(0o600);
    expect(await fs.readFile(file, 'utf8')).not.toMatch(/s3cret|alice/);
    expect(await store.get('127.0.0.1')).toEqual({ username: 'alice', password: 's3cret:with colon' });
    const prompt2 = new ScriptedPrompt([]);
    const connector2 = new ProxyConnector({ resolver, credentials: store, prompt: prompt2, logger: silentLogger });
    expect(await preflight(url(), { connector: connector2, pins: pin() })).toMatchObject({ ok: true });
    expect(prompt2.asked).toEqual([]);
  });

  it('asks again when credentials are refused, and fails cleanly when the user cancels', async () => {
    const proxy = await startConnectProxy({ user: 'alice', pass: 'right' });
    closers.push(proxy.close);
    const resolver = new StaticProxyResolver([{ kind: 'http', host: '127.0.0.1', port: proxy.port }]);
    const prompt = new ScriptedPrompt([{ username: 'alice', password: 'wrong' }, null]);
    const connector = new ProxyConnector({ resolver, prompt, logger: silentLogger });
    const r = await preflight(url(), { connector, pins: pin() });
    expect(r).toMatchObject({ ok: false, failure: { kind: 'proxy-auth', status: 407 } });
    expect(prompt.asked.map((a) => a.retry)).toEqual([false, true]);
    expect(proxy.log).toHaveLength(2);
  });

  it('gives up after maxPrompts refused answers', async () => {
    const proxy = await startConnectProxy({ user: 'alice', pass: 'right' });
    closers.push(proxy.close);
    const prompt = new ScriptedPrompt([{ username: 'a', password: '1' }, { username: 'a', password: '2' }, { username: 'a', password: '3' }]);
    const connector = new ProxyConnector({ resolver: new StaticProxyResolver([{ kind: 'http', host: '127.0.0.1', port: proxy.port }]), prompt, logger: silentLogger, maxPrompts: 2 });
    const r = await preflight(url(), { connector, pins: pin() });
    expect(r).toMatchObject({ ok: false, failure: { kind: 'proxy-auth' } });
    expect(prompt.asked).toHaveLength(2);
  });

  it('reports a proxy that refuses the tunnel, and an unreachable proxy', async () => {
    const proxy = await startConnectProxy({ refuseWith: 502 });
    closers.push(proxy.close);
    const c1 = new ProxyConnector({ resolver: new StaticProxyResolver([{ kind: 'http', host: '127.0.0.1', port: proxy.port }]), logger: silentLogger });
    expect(await preflight(url(), { connector: c1, pins: pin() })).toMatchObject({ ok: false, failure: { kind: 'proxy', status: 502 } });
    const c2 = new ProxyConnector({ resolver: new StaticProxyResolver([{ kind: 'http', host: '127.0.0.1', port: 1 }]), logger: silentLogger });
    expect(await preflight(url(), { connector: c2, pins: pin() })).toMatchObject({ ok: false, failure: { kind: 'proxy' } });
    // PAC-style fallback: "PROXY dead; DIRECT" falls back to the direct route.
    const c3 = new ProxyConnector({ resolver: new StaticProxyResolver(parsePacResult('PROXY 127.0.0.1:1; DIRECT')), logger: silentLogger });
    expect(await preflight(url(), { connector: c3, pins: pin() })).toMatchObject({ ok: true, viaProxy: false });
  });

  it('names NTLM/Negotiate-only proxies clearly instead of asking for a password that cannot work', async () => {
    const proxy = await startConnectProxy({ challenge: 'Proxy-Authenticate: NTLM\r\nProxy-Authenticate: Negotiate' });
    closers.push(proxy.close);
    const prompt = new ScriptedPrompt([{ username: 'a', password: '1' }]);
    const connector = new ProxyConnector({ resolver: new StaticProxyResolver([{ kind: 'http', host: '127.0.0.1', port: proxy.port }]), prompt, logger: silentLogger });
    const fetch = createProxyFetch({ connector, ca: cert.cert });
    const err = await fetch(`https://127.0.0.1:${serverPort}/big`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ kind: 'proxy-auth', details: { status: 407 }, message: expect.stringMatching(/asks for NTLM or Negotiate \(Kerberos\) authentication; .*Basic authentication only/) });
    expect(prompt.asked).toEqual([]);
    // offered beside Basic, NTLM does not stop the Basic sign-in
    expect(authSchemes('NTLM, Basic realm="corp, west", Negotiate')).toEqual(['ntlm', 'basic', 'negotiate']);
    expect(authSchemes('Digest realm="a", nonce="b", qop="auth"')).toEqual(['digest']);
    expect(authSchemes(undefined)).toEqual([]);
  });

  it('uses credentials given in the proxy URL without asking', async () => {
    const proxy = await startConnectProxy({ user: 'bob', pass: 'p@ss' });
    closers.push(proxy.close);
    const connector = new ProxyConnector({ resolver: new EnvProxyResolver({ https_proxy: `http://bob:p%40ss@127.0.0.1:${proxy.port}` }), logger: silentLogger });
    expect(await preflight(url(), { connector, pins: pin() })).toMatchObject({ ok: true, viaProxy: true });
  });
});

describe('createProxyFetch (update downloads)', () => {
  it('streams a large body through the proxy and follows a redirect', async () => {
    const proxy = await startConnectProxy({ user: 'u', pass: 'p' });
    closers.push(proxy.close);
    const connector = new ProxyConnector({ resolver: new StaticProxyResolver([{ kind: 'http', host: '127.0.0.1', port: proxy.port }]), prompt: { ask: async () => ({ username: 'u', password: 'p' }) }, logger: silentLogger });
    const fetch: UpdateFetch = createProxyFetch({ connector, pins: pin() });
    const res = await fetch(`https://127.0.0.1:${serverPort}/redirect`, {});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(3 * 1024 * 1024));
    let size = 0;
    const seen = new Set<number>();
    for await (const c of res.body as AsyncIterable<Uint8Array>) {
      size += c.length;
      seen.add(c[0]!);
    }
    expect(size).toBe(3 * 1024 * 1024);
    expect([...seen].sort()).toEqual([0, 1, 2]);
    await expect(fetch(`https://127.0.0.1:${serverPort}/redirect`, { redirect: 'error' })).resolves.toMatchObject({ status: 302 });
    await expect(createProxyFetch({ connector })(`https://127.0.0.1:${serverPort}/big`)).rejects.toMatchObject({ kind: 'certificate' });
  });
});

describe('proxy configuration', () => {
  it.each([
    ['*', 'pbx.example.com', 443, true],
    ['example.com', 'pbx.example.com', 443, true],
    ['.example.com', 'pbx.example.com', 443, true],
    ['.example.com', 'example.com', 443, true],
    ['*.example.com', 'pbx.example.com', 443, true],
    ['example.com', 'badexample.com', 443, false],
    ['localhost,127.0.0.1', '127.0.0.1', 8443, true],
    ['127.0.0.1:8443', '127.0.0.1', 8443, true],
    ['127.0.0.1:8443', '127.0.0.1', 9443, false],
    ['[::1]', '[::1]', 443, true],
    ['', 'pbx.example.com', 443, false],
  ])('NO_PROXY=%j for %s:%d -> %s', (np, host, port, expected) => expect(noProxyMatches(np, host, port)).toBe(expected));

  it('reads HTTPS_PROXY / https_proxy / NO_PROXY', async () => {
    const r = new EnvProxyResolver({ HTTPS_PROXY: 'proxy.corp:3128', NO_PROXY: 'intranet.corp' });
    expect(await r.resolve('https://pbx.example.com/')).toEqual([{ kind: 'http', host: 'proxy.corp', port: 3128 }]);
    expect(await r.resolve('https://pbx.intranet.corp/')).toEqual([{ kind: 'direct' }]);
    expect(await new EnvProxyResolver({}).resolve('https://x/')).toEqual([{ kind: 'direct' }]);
    expect(await new EnvProxyResolver({ https_proxy: 'http://[::1]:8080', HTTPS_PROXY: 'ignored:1' }).resolve('https://x/')).toEqual([{ kind: 'http', host: '::1', port: 8080 }]);
    await expect(new EnvProxyResolver({ HTTPS_PROXY: 'socks5://p:1080' }).resolve('https://x/')).rejects.toThrow(/only http/);
  });

  it('parses PAC results as Electron session.resolveProxy returns them', () => {
    expect(parsePacResult('DIRECT')).toEqual([{ kind: 'direct' }]);
    expect(parsePacResult('PROXY proxy.corp:3128; DIRECT')).toEqual([{ kind: 'http', host: 'proxy.corp', port: 3128 }, { kind: 'direct' }]);
    expect(parsePacResult('SOCKS5 s:1080')).toEqual([{ kind: 'direct' }]);
    expect(parseProxyUrl('http://u:p@h:1')).toEqual({ kind: 'http', host: 'h', port: 1, username: 'u', password: 'p' });
  });
});
