import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as https from 'node:https';
import { gzipSync } from 'node:zlib';
import { generate } from 'selfsigned';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { createAppProxy, keyOf, type AppProxy, type UpstreamFetch } from './index';
import { TestOrigin } from '../../test/fixtures/appproxy/origin';

const fetchUpstream: UpstreamFetch = (req, init) => fetch(req, init);

let tmp: string;
let origin: TestOrigin;
let log: ReturnType<typeof memoryLogger>;
const proxies: AppProxy[] = [];

function proxy(extra: Partial<Parameters<typeof createAppProxy>[0]> = {}): AppProxy {
  const p = createAppProxy({ dir: path.join(tmp, 'appproxy'), upstream: fetchUpstream, logger: log, offlineHoldMs: 0, ...extra });
  proxies.push(p);
  return p;
}

function get(p: AppProxy, pathAndQuery: string, headers: Record<string, string> = {}): Promise<Response> {
  return p.handle(new Request(`${origin.origin}${pathAndQuery}`, { headers }));
}

async function entryFiles(): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    let names: string[];
    try { names = await fs.readdir(d); } catch { return; }
    for (const n of names) {
      const f = path.join(d, n);
      if ((await fs.stat(f)).isDirectory()) await walk(f); else out.push(f);
    }
  }
  await walk(path.join(tmp, 'appproxy'));
  return out;
}

function outcomes(): string[] {
  return log.lines.filter((l) => l.category === 'AppProxy' && l.data?.outcome).map((l) => String(l.data!.outcome));
}

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'appproxy-core-'));
  origin = new TestOrigin();
  await origin.start();
  log = memoryLogger();
});

afterEach(async () => {
  for (const p of proxies.splice(0)) await p.idle();
  await origin.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('app proxy core against a real origin', () => {
  it('stores a miss, then revalidates with a conditional request and serves the stored copy', async () => {
    origin.set('/PBX0/APPS/phone/phone.js', { body: 'console.log("v1")', headers: { 'content-security-policy': "default-src 'self'" } });
    const p = proxy();
    const r1 = await get(p, '/PBX0/APPS/phone/phone.js');
    expect(r1.status).toBe(200);
    expect(r1.headers.get('x-appproxy')).toBe('miss');
    expect(await r1.text()).toBe('console.log("v1")');
    await p.idle();
    expect(await entryFiles()).toHaveLength(1);

    const r2 = await get(p, '/PBX0/APPS/phone/phone.js');
    expect(r2.headers.get('x-appproxy')).toBe('revalidated');
    expect(await r2.text()).toBe('console.log("v1")');
    expect(r2.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(r2.headers.get('etag')).toMatch(/^"[0-9a-f]{16}"$/);
    expect(r2.headers.get('last-modified')).toBeTruthy();
    expect(r2.headers.get('content-security-policy')).toBe("default-src 'self'");
    const last = origin.log[origin.log.length - 1]!;
    expect(last.headers['if-none-match']).toBe(r2.headers.get('etag'));
    expect(last.status).toBe(304);

    // A changed file on the origin is served after revalidation.
    origin.set('/PBX0/APPS/phone/phone.js', 'console.log("v2")');
    const r3 = await get(p, '/PBX0/APPS/phone/phone.js');
    expect(r3.headers.get('x-appproxy')).toBe('updated');
    expect(await r3.text()).toBe('console.log("v2")');
    expect(outcomes()).toEqual(['miss', 'revalidated', 'updated']);
    const trace = log.lines.find((l) => l.category === 'AppProxy')!;
    expect(trace.message).toMatch(/^miss 200 http:\/\/127\.0\.0\.1:\d+\/PBX0\/APPS\/phone\/phone\.js [\d.]+ms$/);
    expect(typeof trace.data!.ms).toBe('number');
  });

  it('serves fresh entries (max-age) without asking the origin', async () => {
    origin.set('/example.com/usersapp/icon.png', { body: Buffer.alloc(3000, 7), cacheControl: 'max-age=3600' });
    const p = proxy();
    await (await get(p, '/example.com/usersapp/icon.png')).arrayBuffer();
    const before = origin.log.length;
    const r = await get(p, '/example.com/usersapp/icon.png');
    expect(r.headers.get('x-appproxy')).toBe('hit');
    expect(Buffer.from(await r.arrayBuffer()).equals(Buffer.alloc(3000, 7))).toBe(true);
    expect(origin.log.length).toBe(before);
    // The browser's own conditional request gets a 304 from the cache.
    const etag = r.headers.get('etag')!;
    const r304 = await get(p, '/example.com/usersapp/icon.png', { 'if-none-match': etag });
    expect(r304.status).toBe(304);
  });

  it('serves the cached copy when the origin is down, hangs past the timeout, or answers 5xx', async () => {
    origin.set('/PBX0/APPCLIENT/appclient.htm', '<html>client</html>');
    const p = proxy({ connectTimeoutMs: 300 });
    await (await get(p, '/PBX0/APPCLIENT/appclient.htm')).text();
    await p.idle();

    origin.mode = 'error500';
    const r500 = await get(p, '/PBX0/APPCLIENT/appclient.htm');
    expect(r500.headers.get('x-appproxy')).toBe('offline');
    expect(await r500.text()).toBe('<html>client</html>');

    origin.mode = 'hang';
    const rHang = await get(p, '/PBX0/APPCLIENT/appclient.htm');
    expect(rHang.headers.get('x-appproxy')).toBe('offline');
    expect(await rHang.text()).toBe('<html>client</html>');

    origin.mode = 'normal';
    await origin.stop();
    // A new proxy over the same folder (a restarted client) starts from the cache.
    const p2 = proxy({ connectTimeoutMs: 300 });
    const rDown = await get(p2, '/PBX0/APPCLIENT/appclient.htm');
    expect(rDown.headers.get('x-appproxy')).toBe('offline');
    expect(await rDown.text()).toBe('<html>client</html>');
    expect(outcomes().filter((o) => o === 'offline')).toHaveLength(3);
    const offlineTrace = log.lines.filter((l) => l.data?.outcome === 'offline');
    expect(String(offlineTrace[1]!.data!.reason)).toMatch(/no answer within 300 ms/);
  });

  it('holds an origin as down for a while after a failure and serves cached copies at once', async () => {
    origin.set('/PBX0/APPS/a/a.js', 'a');
    const p = proxy({ connectTimeoutMs: 300, offlineHoldMs: 60_000 });
    await (await get(p, '/PBX0/APPS/a/a.js')).text();
    origin.mode = 'hang';
    await (await get(p, '/PBX0/APPS/a/a.js')).text();
    const n = origin.log.length;
    const r = await get(p, '/PBX0/APPS/a/a.js');
    expect(await r.text()).toBe('a');
    expect(origin.log.length).toBe(n);
    origin.mode = 'normal';
  });

  it('answers with an offline page (documents) or 504 (sub-resources) when nothing is cached', async () => {
    await origin.stop();
    const p = proxy();
    const doc = await get(p, '/PBX0/APPS/chat/chat.htm', { 'sec-fetch-dest': 'iframe' });
    expect(doc.status).toBe(503);
    expect(doc.headers.get('content-type')).toMatch(/text\/html/);
    const html = await doc.text();
    expect(html).toContain('id="retry"');
    expect(html).toContain('127.0.0.1');
    expect(html).toContain('location.reload()');
    const js = await get(p, '/PBX0/APPS/chat/chat.js', { 'sec-fetch-dest': 'script' });
    expect(js.status).toBe(504);
    await p.idle();
    expect(await entryFiles()).toHaveLength(0);
  });

  it('never stores no-store, Set-Cookie, authenticated, API, WebSocket or non-GET traffic', async () => {
    origin.set('/PBX0/APPS/x/nostore.js', { body: 'n', cacheControl: 'no-store' });
    origin.set('/PBX0/APPS/x/cookie.js', { body: 'c', headers: { 'set-cookie': 'sid=1' } });
    origin.set('/PBX0/APPS/x/auth.js', 'a');
    origin.set('/PBX0/session', 'session');
    origin.set('/PBX0/session.xml', '<xml/>');
    origin.set('/PBX0/ADMIN/config.js', 'admin');
    origin.set('/PBX0/APPS/websocket', 'ws');
    origin.set('/example.com/app/api', 'api');
    const p = proxy();
    const cases: [string, RequestInit | undefined, string][] = [
      ['/PBX0/APPS/x/nostore.js', undefined, 'nostore'],
      ['/PBX0/APPS/x/cookie.js', undefined, 'nostore'],
      ['/PBX0/APPS/x/auth.js', { headers: { authorization: 'Basic eDp5' } }, 'pass'],
      ['/PBX0/session', undefined, 'pass'],
      ['/PBX0/session.xml', undefined, 'pass'],
      ['/PBX0/ADMIN/config.js', undefined, 'pass'],
      ['/PBX0/APPS/websocket', undefined, 'pass'],
      ['/example.com/app/api', undefined, 'pass'],
      ['/PBX0/APPS/x/auth.js', { method: 'POST', body: 'x' }, 'pass'],
    ];
    for (const [u, init, expected] of cases) {
      log.lines.length = 0;
      const r = await p.handle(new Request(`${origin.origin}${u}`, init));
      await r.arrayBuffer();
      expect(outcomes(), u).toEqual([expected]);
    }
    await p.idle();
    expect(await entryFiles()).toHaveLength(0);
    expect(origin.log.some((l) => l.method === 'POST')).toBe(true);
  });

  it('drops the entry when the origin says 404', async () => {
    origin.set('/PBX0/APPS/old/old.js', 'old');
    const p = proxy();
    await (await get(p, '/PBX0/APPS/old/old.js')).text();
    await p.idle();
    origin.files.delete('/PBX0/APPS/old/old.js');
    const r = await get(p, '/PBX0/APPS/old/old.js');
    expect(r.status).toBe(404);
    await p.idle();
    expect(await entryFiles()).toHaveLength(0);
  });

  it('keeps the folder under the size cap, evicting the least recently used entries', async () => {
    for (let i = 0; i < 10; i++) origin.set(`/PBX0/APPS/big/f${i}.js`, { body: Buffer.alloc(10_000, i), cacheControl: 'max-age=600' });
    const p = proxy({ maxBytes: 45_000 });
    for (let i = 0; i < 4; i++) { await (await get(p, `/PBX0/APPS/big/f${i}.js`)).arrayBuffer(); await p.idle(); }
    // Use f0 again, so f1 is now the least recently used.
    expect((await get(p, '/PBX0/APPS/big/f0.js')).headers.get('x-appproxy')).toBe('hit');
    await (await get(p, '/PBX0/APPS/big/f4.js')).arrayBuffer();
    await p.idle();
    const files = await entryFiles();
    const total = (await Promise.all(files.map((f) => fs.stat(f)))).reduce((s, st) => s + st.size, 0);
    expect(total).toBeLessThanOrEqual(45_000);
    expect(p.store.totalBytes).toBe(total);
    const keys = files.map((f) => path.basename(f, '.entry'));
    const k = (i: number) => keyOf(`${origin.origin}/PBX0/APPS/big/f${i}.js`);
    expect(keys).toContain(k(0));
    expect(keys).toContain(k(4));
    expect(keys).not.toContain(k(1));
  });

  it('detects a damaged entry, discards it and refetches; never serves it', async () => {
    origin.set('/PBX0/APPS/c/c.js', { body: 'x'.repeat(5000), cacheControl: 'max-age=600' });
    origin.set('/PBX0/APPS/c/d.js', { body: 'y'.repeat(5000), cacheControl: 'max-age=600' });
    const p = proxy();
    await (await get(p, '/PBX0/APPS/c/c.js')).text();
    await (await get(p, '/PBX0/APPS/c/d.js')).text();
    await p.idle();
    const fileC = p.store.pathOf(keyOf(`${origin.origin}/PBX0/APPS/c/c.js`));
    const fileD = p.store.pathOf(keyOf(`${origin.origin}/PBX0/APPS/c/d.js`));
    const buf = await fs.readFile(fileC);
    buf[buf.length - 100] ^= 0xff; // flip a bit in the body
    await fs.writeFile(fileC, buf);
    await fs.truncate(fileD, 3000);
    const p2 = proxy(); // a new process: nothing verified yet
    const n = origin.log.length;
    const rc = await get(p2, '/PBX0/APPS/c/c.js');
    expect(rc.headers.get('x-appproxy')).toBe('miss');
    expect(await rc.text()).toBe('x'.repeat(5000));
    expect(origin.log.length).toBe(n + 1);
    expect(origin.log[n]!.headers['if-none-match']).toBeUndefined();
    const warn = log.lines.find((l) => l.level === 'warn' && l.message.includes('corrupt'));
    expect(warn?.data?.reason).toBe('checksum mismatch');
    // Offline, a damaged entry gives the offline answer, never the damaged bytes.
    await origin.stop();
    const rd = await get(p2, '/PBX0/APPS/c/d.js');
    expect(rd.status).toBe(504);
  });

  it('survives the whole folder being deleted while running', async () => {
    origin.set('/PBX0/APPS/z/z.js', 'z1');
    const p = proxy();
    await (await get(p, '/PBX0/APPS/z/z.js')).text();
    await p.idle();
    await fs.rm(path.join(tmp, 'appproxy'), { recursive: true, force: true });
    const r = await get(p, '/PBX0/APPS/z/z.js');
    // Served from the in-memory copy after revalidation, and written again.
    expect(r.headers.get('x-appproxy')).toBe('revalidated');
    expect(await r.text()).toBe('z1');
    await p.idle();
    expect(await entryFiles()).toHaveLength(1);
    // Without the memory copy, a deleted folder is simply a miss.
    await fs.rm(path.join(tmp, 'appproxy'), { recursive: true, force: true });
    const p0 = proxy({ memoryBytes: 0 });
    const r0 = await get(p0, '/PBX0/APPS/z/z.js');
    expect(r0.headers.get('x-appproxy')).toBe('miss');
    expect(await r0.text()).toBe('z1');
    await p0.idle();
    expect(await entryFiles()).toHaveLength(1);
  });

  it('stores bodies decoded and never replays Content-Encoding or Set-Cookie-like headers', async () => {
    origin.set('/PBX0/APPS/gz/app.js', { body: gzipSync(Buffer.from('gzipped body')), headers: { 'content-encoding': 'gzip', 'x-internal': 'no' } });
    const p = proxy();
    expect(await (await get(p, '/PBX0/APPS/gz/app.js')).text()).toBe('gzipped body');
    await p.idle();
    await origin.stop();
    const r = await get(proxy(), '/PBX0/APPS/gz/app.js');
    expect(r.headers.get('x-appproxy')).toBe('offline');
    expect(r.headers.get('content-encoding')).toBeNull();
    expect(r.headers.get('x-internal')).toBeNull();
    expect(r.headers.get('content-length')).toBe('12');
    expect(await r.text()).toBe('gzipped body');
  });

  it('keys on the full URL including the query, never on the fragment', async () => {
    origin.set('/PBX0/APPCLIENT/appclient.htm', 'client');
    const p = proxy();
    await (await get(p, '/PBX0/APPCLIENT/appclient.htm?lang=de#usr=john&pwd=secret')).text();
    await p.idle();
    await origin.stop();
    expect((await get(p, '/PBX0/APPCLIENT/appclient.htm?lang=de')).headers.get('x-appproxy')).toBe('offline');
    expect(log.lines.every((l) => !JSON.stringify(l).includes('secret') && !JSON.stringify(l).includes('lang=de'))).toBe(true);
  });
});

describe('app proxy core against a real HTTPS origin', () => {
  it('caches and serves offline over TLS', async () => {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keySize: 2048, algorithm: 'sha256', extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }] });
    const tlsOrigin = new TestOrigin({ key: pems.private, cert: pems.cert });
    await tlsOrigin.start();
    try {
      tlsOrigin.set('/PBX0/APPS/tls/app.htm', '<p>tls</p>');
      const upstream: UpstreamFetch = (req, init) => httpsFetch(req, pems.cert, init?.signal);
      const p = proxy({ upstream });
      const r1 = await p.handle(new Request(`${tlsOrigin.origin}/PBX0/APPS/tls/app.htm`));
      expect(await r1.text()).toBe('<p>tls</p>');
      await p.idle();
      await tlsOrigin.stop();
      const r2 = await p.handle(new Request(`${tlsOrigin.origin}/PBX0/APPS/tls/app.htm`));
      expect(r2.headers.get('x-appproxy')).toBe('offline');
      expect(await r2.text()).toBe('<p>tls</p>');
    } finally {
      await tlsOrigin.stop();
    }
  });
});

/** A minimal upstream over node:https trusting one certificate (Node's fetch cannot take a CA). */
function httpsFetch(req: Request, ca: string, signal?: AbortSignal): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => { headers[k] = v; });
    const r = https.request(req.url, { method: req.method, headers, ca, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        const status = res.statusCode ?? 502;
        resolve(new Response(status === 304 ? null : Buffer.concat(chunks), { status, headers: h }));
      });
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end();
  });
}

describe('fresh memory hits (answered without classifying the URL again)', () => {
  const headersOf = async (r: Response) => { const h: Record<string, string> = {}; r.headers.forEach((v, k) => { h[k] = v; }); return { status: r.status, headers: h, body: await r.text() }; };

  it('answers exactly what the long way answers, and leaves everything else to it', async () => {
    origin.set('/PBX0/APPS/app/fresh.js', { body: 'fresh()', cacheControl: 'max-age=3600' });
    origin.set('/PBX0/APPS/app/nocache.js', { body: 'nocache()' });
    const p = proxy();
    await (await get(p, '/PBX0/APPS/app/fresh.js')).arrayBuffer();
    await (await get(p, '/PBX0/APPS/app/nocache.js')).arrayBuffer();
    await p.idle();
    const asked = origin.log.length;
    const fast = await headersOf(await get(p, '/PBX0/APPS/app/fresh.js'));
    // `Pragma` without no-cache changes nothing but takes the long way (URL parsed and classified)
    const slow = await headersOf(await get(p, '/PBX0/APPS/app/fresh.js', { pragma: 'x-bench' }));
    expect(fast).toEqual(slow);
    expect([fast.status, fast.body, fast.headers['x-appproxy'], fast.headers['content-length']]).toEqual([200, 'fresh()', 'hit', '7']);
    // the URL as the WHATWG parser serialises it: fragment, dot segments and case do not matter
    for (const u of [`${origin.origin}/PBX0/APPS/app/fresh.js#usr=x`, `${origin.origin}/PBX0/APPS/app/./fresh.js`, origin.origin.replace('http://', 'HTTP://') + '/PBX0/APPS/app/fresh.js']) {
      expect(await headersOf(await p.handle(new Request(u)))).toEqual(fast);
    }
    // conditional request: 304 without body
    const nm = await get(p, '/PBX0/APPS/app/fresh.js', { 'if-none-match': fast.headers.etag! });
    expect([nm.status, await nm.text(), nm.headers.get('x-appproxy'), nm.headers.get('etag')]).toEqual([304, '', 'hit', fast.headers.etag]);
    expect(origin.log.length).toBe(asked);
    expect(outcomes().slice(-6)).toEqual(Array(6).fill('hit'));
    // the long way: needs revalidation, other method, request headers that change the answer
    expect((await get(p, '/PBX0/APPS/app/nocache.js')).headers.get('x-appproxy')).toBe('revalidated');
    expect((await get(p, '/PBX0/APPS/app/fresh.js', { 'cache-control': 'no-cache' })).headers.get('x-appproxy')).toBe('revalidated');
    expect((await get(p, '/PBX0/APPS/app/fresh.js', { pragma: 'no-cache' })).headers.get('x-appproxy')).toBe('revalidated');
    for (const h of ['authorization', 'range']) expect((await get(p, '/PBX0/APPS/app/fresh.js', { [h]: h === 'range' ? 'bytes=0-1' : 'Basic eDp5' })).headers.get('x-appproxy')).toBeNull();
    expect((await p.handle(new Request(`${origin.origin}/PBX0/APPS/app/fresh.js`, { method: 'HEAD' }))).headers.get('x-appproxy')).toBeNull();
    expect(outcomes().slice(-6)).toEqual(['revalidated', 'revalidated', 'revalidated', 'pass', 'pass', 'pass']);
  });

  it('never serves an entry that was not verified in this process', async () => {
    origin.set('/PBX0/APPS/app/a.js', { body: 'a()', cacheControl: 'max-age=3600' });
    const first = proxy();
    await (await get(first, '/PBX0/APPS/app/a.js')).arrayBuffer();
    await first.idle();
    const [file] = await entryFiles();
    const buf = await fs.readFile(file!);
    buf[buf.length - 40] ^= 0xff; // damage the body
    await fs.writeFile(file!, buf);
    const second = proxy();
    const r = await get(second, '/PBX0/APPS/app/a.js'); // cold: read from disk and checked
    expect(r.headers.get('x-appproxy')).toBe('miss'); // damaged entry discarded, refetched
    expect(await r.text()).toBe('a()');
    await second.idle();
    const again = await get(second, '/PBX0/APPS/app/a.js');
    expect([again.headers.get('x-appproxy'), await again.text()]).toEqual(['hit', 'a()']);
  });
});
