import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectBus, type BusConnectOptions, type BusTestClient } from '../../test/fixtures/bus-client';
import * as http from 'node:http';
import { startLocalServicesServer, OriginAllowList, type LocalServicesServer } from './index';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { AppClientConfigSchema, BUS_MAX_FRAME_BYTES, webClientEntry } from '../../common/bus';

const PBX = 'https://pbx.example.com';

type Client = BusTestClient;

function connect(server: LocalServicesServer, opts: Partial<BusConnectOptions> = {}): Promise<Client> {
  return connectBus(server, { ...opts, origin: opts.origin ?? PBX });
}

describe('local services bus', () => {
  let server: LocalServicesServer;
  let log: ReturnType<typeof memoryLogger>;
  const clients: Client[] = [];

  beforeEach(async () => {
    log = memoryLogger();
    server = await startLocalServicesServer({ logger: log, origins: new OriginAllowList([PBX]) });
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.ws.terminate());
    await server.close();
  });
  const welcomed = new Map<Client, string>();
  const open = async (o?: Parameters<typeof connect>[1]) => {
    const c = await connect(server, o);
    clients.push(c);
    welcomed.set(c, (await c.next((f) => f.mt === 'Welcome')).client);
    return c;
  };
  /** The connection's @client-<id> (Welcome). */
  const consumerId = (c: Client): string => welcomed.get(c)!;

  it('binds loopback, hands out a valid appclient-config with a fresh token', async () => {
    expect(AppClientConfigSchema.parse(server.config)).toBeTruthy();
    expect(server.config.bus).toBe(`ws://127.0.0.1:${server.port}/bus`);
    expect(server.token.length).toBeGreaterThanOrEqual(43);
    const other = await startLocalServicesServer({ logger: log, origins: new OriginAllowList([PBX]), host: 'localhost' });
    try {
      expect(other.token).not.toBe(server.token);
      expect(other.config.bus).toBe(`ws://localhost:${other.port}/bus`);
    } finally {
      await other.close();
    }
  });

  describe('refusals at the handshake (each logged with its reason)', () => {
    it.each([
      ['missing token', { token: null }, 401, 'missing token'],
      ['wrong token', { token: 'x'.repeat(43) }, 401, 'wrong token'],
      ['foreign origin', { origin: 'https://evil.example.net' }, 403, 'not allowed'],
      ['null origin', { origin: 'null' }, 403, 'not allowed'],
      ['unsupported version', { v: '99' }, 400, 'unsupported protocol version'],
      ['DNS-rebinding Host', { host: 'evil.example.net:80' }, 421, 'foreign Host'],
    ] as const)('%s', async (_name, o, status, reason) => {
      await expect(connect(server, o as any)).rejects.toThrow(`HTTP ${status}`);
      expect(log.lines.some((l) => l.level === 'warn' && l.message.includes(reason))).toBe(true);
    });

    it('unknown path', async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/nope?token=${server.token}`, { origin: PBX });
      await expect(new Promise((_r, rej) => ws.once('unexpected-response', (_q, res) => rej(new Error(`HTTP ${res.statusCode}`))))).rejects.toThrow('HTTP 404');
    });
  });

  describe('refusals of frames (connection and server survive)', () => {
    it('malformed JSON, binary, schema violations, unknown provider, foreign result', async () => {
      const c = await open();
      c.send('{not json');
      expect(await c.next((f) => f.mt === 'Error')).toMatchObject({ error: 'malformed' });
      c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      expect(await c.next((f) => f.mt === 'Error')).toMatchObject({ error: 'malformed', reason: expect.stringContaining('binary') });
      c.send({ mt: 'ApiRequest', apiId: 'com.innovaphone.phone', consumer: 'app', src: 's1' });
      expect(await c.next((f) => f.mt === 'Error')).toMatchObject({ error: 'invalid', src: 's1', reason: expect.stringContaining('msg') });
      // One wire format: a request names its API in apiId (no alias `api`), and its consumer.
      c.send({ mt: 'ApiRequest', api: 'com.innovaphone.phone', consumer: 'app', src: 's3', msg: {} });
      expect(await c.next((f) => f.mt === 'Error')).toMatchObject({ error: 'invalid', src: 's3', reason: expect.stringContaining('apiId') });
      c.send({ mt: 'ApiRequest', apiId: 'com.innovaphone.phone', src: 's4', msg: {} });
      expect(await c.next((f) => f.mt === 'Error')).toMatchObject({ error: 'invalid', src: 's4', reason: expect.stringContaining('consumer') });
      c.send({ mt: 'Hello' });
      expect(await c.next((f) => f.mt === 'Error')).toMatchObject({ error: 'invalid' });
      c.send([1, 2]);
      expect(await c.next((f) => f.mt === 'Error')).toMatchObject({ error: 'invalid' });
      c.send({ mt: 'ApiRequest', apiId: 'com.innovaphone.phone', consumer: 'app', src: 's2', msg: { mt: 'StartCall' } });
      expect(await c.next((f) => f.mt === 'Error')).toMatchObject({ error: 'no-provider', src: 's2' });
      c.send({ mt: 'ApiResult', api: 'com.innovaphone.phone', provider: 'phone', consumer: 'c1', src: 's', msg: {} });
      expect(await c.next((f) => f.mt === 'Error')).toMatchObject({ error: 'not-provider' });
      c.send({ mt: 'RegisterApi', api: 'bad api name!', provider: 'x' });
      expect(await c.next((f) => f.mt === 'Error')).toMatchObject({ error: 'invalid' });
      // still usable
      c.send({ mt: 'ConsumeApi', api: 'com.innovaphone.phone' });
      expect(await c.next((f) => f.mt === 'ApiUpdate')).toMatchObject({ apis: { 'com.innovaphone.phone': {} } });
      expect(log.lines.filter((l) => l.message.startsWith('bus: frame refused')).length).toBe(10);
    });

    it('closes a connection that sends an oversized frame, and keeps serving others', async () => {
      const c = await open();
      const closed = new Promise<number>((r) => c.ws.once('close', (code) => r(code)));
      c.send({ mt: 'ConsumeApi', api: 'x', pad: 'a'.repeat(BUS_MAX_FRAME_BYTES + 10) });
      expect(await closed).toBe(1009);
      const d = await open();
      d.send({ mt: 'ConsumeApi', api: 'com.innovaphone.phone' });
      expect(await d.next((f) => f.mt === 'ApiUpdate')).toBeTruthy();
    });

    it("reserves '@' provider names: only the PBX origin's web client gets its own @client-<id>, no WebSocket client any other '@' name", async () => {
      const pbx = await startLocalServicesServer({ logger: log, origins: new OriginAllowList([PBX, 'https://apps.example.com']), pbxOrigin: () => PBX });
      try {
        const app = await connect(pbx, { origin: 'https://apps.example.com' });
        const web = await connect(pbx, { origin: PBX });
        clients.push(app, web);
        const webId = (await web.next((f) => f.mt === 'Welcome')).client;
        expect(webId).toMatch(/^@client-[0-9a-f-]{36}$/);
        app.send({ mt: 'RegisterApi', api: 'com.innovaphone.client', model: { launcherUpdateBuild: '1' } });
        expect(await app.next((f) => f.mt === 'Error')).toMatchObject({ error: 'not-provider', reason: expect.stringContaining('PBX origin') });
        app.send({ mt: 'RegisterApi', api: 'com.innovaphone.client', provider: webId, model: { launcherUpdateBuild: '1' } });
        expect(await app.next((f) => f.mt === 'Error')).toMatchObject({ error: 'not-provider', reason: expect.stringContaining('reserved') });
        web.send({ mt: 'RegisterApi', api: 'com.innovaphone.search', provider: '@local-x' });
        expect(await web.next((f) => f.mt === 'Error')).toMatchObject({ error: 'not-provider', reason: expect.stringContaining('reserved') });
        web.send({ mt: 'RegisterApi', api: 'com.innovaphone.client', title: 'innovaphone myApps', model: { launcherUpdateBuild: '2' } });
        const c = pbx.router.consume('com.innovaphone.client');
        expect(await c.waitForProvider(3000)).toBe(webId);
        expect(webClientEntry(c.providers())!.model).toEqual({ launcherUpdateBuild: '2' });
        web.send({ mt: 'ApiModel', api: 'com.innovaphone.client', model: { launcherUpdateBuild: '3' } });
        await expect.poll(() => webClientEntry(c.providers())!.model).toEqual({ launcherUpdateBuild: '3' });
        c.close();
        // Launcher modules (in-process) keep their '@' names.
        const m = pbx.router.localModule('Local contacts');
        expect(m.provide('com.innovaphone.search', () => {}).provider).toBe(m.id);
        m.close();
      } finally {
        await pbx.close();
      }
    });

    it('limits connections and registrations per connection', async () => {
      const small = await startLocalServicesServer({ logger: log, origins: new OriginAllowList([PBX]), maxConnections: 2 });
      try {
        const a = await connect(small);
        const b = await connect(small);
        clients.push(a, b);
        await expect(connect(small)).rejects.toThrow('HTTP 503');
        expect(log.lines.some((l) => l.message.includes('too many connections'))).toBe(true);
        for (let i = 0; i < 256; i++) a.send({ mt: 'RegisterApi', api: `x.api${i}`, provider: 'p' });
        a.send({ mt: 'ConsumeApi', api: 'one.more' });
        expect(await a.next((f) => f.mt === 'Error')).toMatchObject({ error: 'invalid', reason: expect.stringContaining('too many registrations') });
        b.send({ mt: 'ConsumeApi', api: 'x.api0' });
        expect(Object.keys((await b.next((f) => f.mt === 'ApiUpdate')).apis['x.api0'])).toEqual(['p']);
      } finally {
        await small.close();
      }
    });

    it('a second client cannot hijack a registered provider name', async () => {
      const a = await open();
      const b = await open();
      a.send({ mt: 'RegisterApi', api: 'com.innovaphone.phone', provider: 'phone' });
      b.send({ mt: 'RegisterApi', api: 'com.innovaphone.phone', provider: 'phone' });
      expect(await b.next((f) => f.mt === 'Error')).toMatchObject({ error: 'not-provider' });
    });
  });

  describe('routing', () => {
    it('request -> provider -> result between two WebSocket clients, ApiUpdate with models, ApiConsumerClosed', async () => {
      const provider = await open();
      const consumer = await open();
      const client = consumerId(consumer);
      consumer.send({ mt: 'ConsumeApi', api: 'com.innovaphone.phone' });
      expect(await consumer.next((f) => f.mt === 'ApiUpdate')).toEqual({ mt: 'ApiUpdate', apis: { 'com.innovaphone.phone': {} }, defaultApiProviders: {} });
      provider.send({ mt: 'RegisterApi', api: 'com.innovaphone.phone', provider: 'phone', title: 'Phone', info: { type: 'softphone' } });
      const upd = await consumer.next((f) => f.mt === 'ApiUpdate');
      expect(upd.apis['com.innovaphone.phone'].phone).toMatchObject({ title: 'Phone', info: { type: 'softphone' }, restart: 0 });
      provider.send({ mt: 'ApiModel', api: 'com.innovaphone.phone', provider: 'phone', model: { registered: true } });
      expect((await consumer.next((f) => f.mt === 'ApiUpdate')).apis['com.innovaphone.phone'].phone.model).toEqual({ registered: true });

      consumer.send({ mt: 'ApiRequest', apiId: 'com.innovaphone.phone', consumer: 'dev:app_a', provider: 'phone', src: 'a1', msg: { mt: 'StartCall', num: '4711' } });
      const req = await provider.next((f) => f.mt === 'ApiRequest');
      // as sent, plus the client the bus sets
      expect(req).toEqual({ mt: 'ApiRequest', apiId: 'com.innovaphone.phone', consumer: 'dev:app_a', client, provider: 'phone', src: 'a1', msg: { mt: 'StartCall', num: '4711' } });
      provider.send({ mt: 'ApiResult', api: 'com.innovaphone.phone', provider: 'phone', consumer: req.consumer, client: req.client, src: 'a1', msg: { mt: 'StartCallResult' } });
      expect(await consumer.next((f) => f.mt === 'ApiResult')).toEqual({ mt: 'ApiResult', api: 'com.innovaphone.phone', provider: 'phone', consumer: 'dev:app_a', client, src: 'a1', msg: { mt: 'StartCallResult' } });
      // a result naming another connection (or none: a launcher module) does not reach this one
      provider.send({ mt: 'ApiResult', api: 'com.innovaphone.phone', provider: 'phone', consumer: 'dev:app_a', src: 'a1', msg: { mt: 'Stray' } });

      // the web client says one app went away; a second app of it stays
      consumer.send({ mt: 'ApiRequest', apiId: 'com.innovaphone.phone', consumer: 'dev:app_b', msg: { mt: 'X' } });
      await provider.next((f) => f.mt === 'ApiRequest' && f.consumer === 'dev:app_b');
      consumer.send({ mt: 'ApiConsumerClosed', consumer: 'dev:app_a' });
      expect(await provider.next((f) => f.mt === 'ApiConsumerClosed')).toEqual({ mt: 'ApiConsumerClosed', api: 'com.innovaphone.phone', consumer: 'dev:app_a', client });
      consumer.ws.close();
      expect(await provider.next((f) => f.mt === 'ApiConsumerClosed')).toEqual({ mt: 'ApiConsumerClosed', api: 'com.innovaphone.phone', consumer: 'dev:app_b', client });
      expect(consumer.frames.filter((f) => f.mt === 'ApiResult' && f.msg.mt === 'Stray')).toEqual([]);
    });

    it("'*' reaches every providing endpoint once, default provider, restart counter on re-registration", async () => {
      const p1 = await open();
      const p2 = await open();
      const c = await open();
      p1.send({ mt: 'RegisterApi', api: 'com.innovaphone.search', provider: 'a' });
      p1.send({ mt: 'RegisterApi', api: 'com.innovaphone.search', provider: 'a2' });
      p2.send({ mt: 'RegisterApi', api: 'com.innovaphone.search', provider: 'b' });
      c.send({ mt: 'ConsumeApi', api: 'com.innovaphone.search' });
      await c.next((f) => f.mt === 'ApiUpdate' && Object.keys(f.apis['com.innovaphone.search']).length === 3);
      c.send({ mt: 'ApiRequest', apiId: 'com.innovaphone.search', consumer: 'x', provider: '*', src: 'x', msg: { mt: 'Search', search: 'jo' } });
      expect(await p1.next((f) => f.mt === 'ApiRequest')).toMatchObject({ provider: '*', src: 'x' });
      expect(await p2.next((f) => f.mt === 'ApiRequest')).toMatchObject({ provider: '*', src: 'x' });
      await new Promise((r) => setTimeout(r, 50));
      expect(p1.frames.filter((f) => f.mt === 'ApiRequest')).toEqual([]); // once per endpoint, not per provider
      server.router.setDefaultProvider('com.innovaphone.search', 'b');
      c.send({ mt: 'ApiRequest', apiId: 'com.innovaphone.search', consumer: 'x', src: 'y', msg: { mt: 'Search' } });
      const def = await p2.next((f) => f.mt === 'ApiRequest');
      expect(def).toMatchObject({ src: 'y' });
      expect(def.provider).toBeUndefined(); // as sent: the endpoint picks its default provider
      p1.ws.close();
      await c.next((f) => f.mt === 'ApiUpdate' && !f.apis['com.innovaphone.search'].a);
      c.frames.length = 0;
      const p3 = await open();
      p3.send({ mt: 'RegisterApi', api: 'com.innovaphone.search', provider: 'a' });
      const upd = await c.next((f) => f.mt === 'ApiUpdate' && f.apis['com.innovaphone.search'].a);
      expect(upd.apis['com.innovaphone.search'].a.restart).toBe(1);
      expect(upd.defaultApiProviders).toEqual({ 'com.innovaphone.search': 'b' });
    });

    it('launcher modules provide and consume as @local-<id> next to WebSocket peers; src is optional', async () => {
      const mod = server.router.localModule('Local contacts');
      expect(mod.id).toMatch(/^@local-[0-9a-f-]{36}$/);
      const p = mod.provide('com.innovaphone.search', (req, api) => {
        api.send(req, { mt: 'SearchInfo', dn: 'John' });
        api.send(req, { mt: 'SearchResult' });
      });
      const ws = await open();
      const client = consumerId(ws);
      ws.send({ mt: 'ConsumeApi', api: 'com.innovaphone.search' });
      expect((await ws.next((f) => f.mt === 'ApiUpdate')).apis['com.innovaphone.search'][mod.id]).toMatchObject({ title: 'Local contacts' });
      // without src, to '*': results and the end message still come, without src
      ws.send({ mt: 'ApiRequest', apiId: 'com.innovaphone.search', consumer: 'dev:app', provider: '*', msg: { mt: 'Search', search: 'john' } });
      expect(await ws.next((f) => f.mt === 'ApiResult')).toEqual({ mt: 'ApiResult', api: 'com.innovaphone.search', provider: mod.id, consumer: 'dev:app', client, msg: { mt: 'SearchInfo', dn: 'John' } });
      expect(await ws.next((f) => f.mt === 'ApiResult')).toEqual({ mt: 'ApiResult', api: 'com.innovaphone.search', provider: mod.id, consumer: 'dev:app', client, msg: { mt: 'SearchResult' } });

      const phone = await open();
      phone.send({ mt: 'RegisterApi', api: 'com.innovaphone.phone', provider: 'phone' });
      const hot = server.router.localModule('Hot keys');
      const c = hot.consume('com.innovaphone.phone');
      expect(c.consumer).toBe(hot.id);
      expect(await c.waitForProvider(3000)).toBe('phone');
      c.send({ mt: 'PrepareCall', text: '+49 7031', adjust: true });
      const req = await phone.next((f) => f.mt === 'ApiRequest');
      // a launcher module's request carries no client (and here no provider, no src), as in F11
      expect(req).toEqual({ mt: 'ApiRequest', apiId: 'com.innovaphone.phone', consumer: hot.id, msg: { mt: 'PrepareCall', text: '+49 7031', adjust: true } });
      const results: unknown[] = [];
      c.onResult((f) => results.push(f));
      phone.send({ mt: 'ApiResult', api: 'com.innovaphone.phone', provider: 'phone', consumer: hot.id, msg: { mt: 'PrepareCallResult' } });
      await expect.poll(() => results).toEqual([{ mt: 'ApiResult', api: 'com.innovaphone.phone', provider: 'phone', consumer: hot.id, msg: { mt: 'PrepareCallResult' } }]);

      const s = server.router.consume('com.innovaphone.search');
      expect(await s.request({ mt: 'Search', search: 'x' }, { until: (m) => m.mt === 'SearchResult' })).toEqual([
        { mt: 'SearchInfo', dn: 'John' },
        { mt: 'SearchResult' },
      ]);
      // a module hears that a consumer closed
      const closed: unknown[] = [];
      p.onConsumerClosed((x) => closed.push(x));
      ws.send({ mt: 'ApiConsumerClosed', consumer: 'dev:app' });
      await expect.poll(() => closed).toEqual([{ consumer: 'dev:app', client }]);
      p.close();
      await expect(s.request({ mt: 'Search' }, { timeoutMs: 100 })).rejects.toThrow('no provider');
      hot.close();
      s.close();
      mod.close();
    });
  });

  describe('extra routes', () => {
    it('HTTP routes demand the token and a loopback Host', async () => {
      server.addHttpRoute('/ping', (_req, res) => { res.end('pong'); });
      server.addHttpRoute('/public', (_req, res) => { res.end('open'); }, { auth: 'none' });
      const get = (path: string, headers: Record<string, string> = {}) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          http.get({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          }).on('error', reject);
        });
      expect((await get('/ping')).status).toBe(401);
      expect(await get(`/ping?token=${server.token}`)).toEqual({ status: 200, body: 'pong' });
      expect(await get('/ping', { authorization: `Bearer ${server.token}` })).toEqual({ status: 200, body: 'pong' });
      expect((await get('/public')).body).toBe('open');
      expect((await get('/public', { host: 'evil.example:1' })).status).toBe(421);
      expect((await get('/other')).status).toBe(404);
    });

    it('an odd request target does not crash the server and is read as a path, never as a host', async () => {
      server.addHttpRoute('/public', (_req, res) => { res.end('open'); }, { auth: 'none' });
      const net = await import('node:net');
      const raw = (target: string) =>
        new Promise<string>((resolve, reject) => {
          const s = net.connect(server.port, '127.0.0.1', () => s.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`));
          let got = '';
          s.on('data', (d) => (got += d));
          s.on('end', () => resolve(got));
          s.on('error', reject);
        });
      expect(await raw('//')).toMatch(/^HTTP\/1\.1 404/);
      expect(await raw('//[')).toMatch(/^HTTP\/1\.1 404/);
      // Not the path /public of host evil.example: the path //evil.example/public.
      expect(await raw('//evil.example/public')).toMatch(/^HTTP\/1\.1 404/);
      expect(await raw('/public')).toMatch(/^HTTP\/1\.1 200[\s\S]*open$/);
    });

    it('WebSocket routes share the checks', async () => {
      server.addWebSocketRoute('/media', (ws) => ws.send('hi'));
      const bad = new WebSocket(`ws://127.0.0.1:${server.port}/media?token=${server.token}`, { origin: 'https://evil.example' });
      await expect(new Promise((_r, rej) => bad.once('unexpected-response', (_q, res) => rej(new Error(`HTTP ${res.statusCode}`))))).rejects.toThrow('403');
      const good = new WebSocket(`ws://127.0.0.1:${server.port}/media?token=${server.token}`, { origin: PBX });
      expect(await new Promise((r) => good.once('message', (d) => r(d.toString())))).toBe('hi');
      good.close();
    });
  });
});
