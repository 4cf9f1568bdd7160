/**
 * The bus traces its WebSocket frames in the AppWebSocket category (real server, real clients, a
 * real trace file): direction, client id, mt, api, provider/consumer, src, msg.mt and length, never
 * the rest of msg or model and never the token; nothing is built when the category is off.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { startLocalServicesServer, OriginAllowList, type LocalServicesServer } from '../bus';
import type { Logger } from '../platform';
import { TraceWriter, listTraceFiles } from './index';
import { TRACE_CATEGORIES } from '../../common/log-categories';

const PBX = 'https://pbx.example.com';
const API = 'com.innovaphone.phone';

let dir: string;
let server: LocalServicesServer | undefined;
const sockets: WebSocket[] = [];
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-bus-')); });
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.terminate());
  await server?.close();
  server = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

type Frame = Record<string, unknown> & { mt: string };

async function client(s: LocalServicesServer): Promise<{ ws: WebSocket; next: (pred: (f: Frame) => boolean) => Promise<Frame> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${s.port}/bus?token=${s.token}&v=1`, { origin: PBX });
  sockets.push(ws);
  const frames: Frame[] = [];
  const waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as Frame;
    const i = waiters.findIndex((w) => w.pred(f));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(f);
    else frames.push(f);
  });
  await new Promise<void>((res, rej) => { ws.once('open', () => res()); ws.once('error', rej); });
  const next = (pred: (f: Frame) => boolean) => new Promise<Frame>((resolve, reject) => {
    const i = frames.findIndex(pred);
    if (i >= 0) return resolve(frames.splice(i, 1)[0]!);
    const t = setTimeout(() => reject(new Error('no such frame')), 5000);
    waiters.push({ pred, resolve: (f) => { clearTimeout(t); resolve(f); } });
  });
  await next((f) => f.mt === 'Welcome');
  return { ws, next };
}

/** One request/result round trip through the bus between two WebSocket clients. */
async function roundTrip(s: LocalServicesServer): Promise<void> {
  const provider = await client(s);
  const consumer = await client(s);
  provider.ws.send(JSON.stringify({ mt: 'RegisterApi', api: API, provider: 'phone' }));
  consumer.ws.send(JSON.stringify({ mt: 'ConsumeApi', api: API }));
  await consumer.next((f) => f.mt === 'ApiUpdate' && JSON.stringify(f).includes('"phone"'));
  consumer.ws.send(JSON.stringify({ mt: 'ApiRequest', apiId: API, consumer: 'dev:app_1', src: 'q1', msg: { mt: 'StartCall', num: '4711', note: 'private-content-xyz' } }));
  const req = await provider.next((f) => f.mt === 'ApiRequest');
  provider.ws.send(JSON.stringify({ mt: 'ApiResult', api: API, provider: 'phone', consumer: req.consumer, client: req.client, src: req.src, msg: { mt: 'StartCallResult', secretish: 'result-content-abc' } }));
  await consumer.next((f) => f.mt === 'ApiResult');
  // a refused frame is traced too (before validation), without its contents
  consumer.ws.send(JSON.stringify({ mt: 'ApiRequest', apiId: API, consumer: 'dev:app_1', src: 'bad src "with" quotes\nand newline', msg: 'not an object' }));
  await consumer.next((f) => f.mt === 'Error');
}

describe('bus frame traces', () => {
  it('writes one AppWebSocket line per frame, without contents or token', async () => {
    const w = new TraceWriter({ dir, mask: TRACE_CATEGORIES.AppWebSocket, flushOnExit: false });
    server = await startLocalServicesServer({ logger: w, origins: new OriginAllowList([PBX]) });
    await roundTrip(server);
    const token = server.token;
    await server.close();
    server = undefined;
    await w.close();
    const text = (await listTraceFiles(dir, 'myApps')).map((f) => fs.readFileSync(f, 'utf8')).join('');
    const frames = text.split('\n').filter((l) => l.includes('[AppWebSocket] bus ') && / bus [<>] /.test(l));
    expect(frames.find((l) => / bus > @client-[0-9a-f-]{36} Welcome len=\d+$/.test(l))).toBeDefined();
    const ids = /Welcome len=/.test(text) ? [...text.matchAll(/ bus > (@client-[0-9a-f-]{36}) Welcome len=\d+/g)].map((m) => m[1]!) : [];
    expect(ids).toHaveLength(2);
    const [prov, cons] = ids as [string, string];
    expect(frames.find((l) => l.includes(` bus < ${prov} RegisterApi api=com.innovaphone.phone provider=phone len=`))).toBeDefined();
    expect(frames.find((l) => new RegExp(` bus < ${cons} ConsumeApi api=com\\.innovaphone\\.phone len=\\d+ => ${cons} ApiUpdate len=\\d+$`).test(l))).toBeDefined();
    // a routed frame: one line with where it went
    expect(frames.find((l) => new RegExp(` bus < ${cons} ApiRequest apiId=com\\.innovaphone\\.phone consumer=dev:app_1 src=q1 msg\\.mt=StartCall len=\\d+ => ${prov} len=\\d+$`).test(l))).toBeDefined();
    expect(frames.find((l) => new RegExp(` bus < ${prov} ApiResult api=com\\.innovaphone\\.phone provider=phone consumer=dev:app_1 client=${cons} src=q1 msg\\.mt=StartCallResult len=\\d+ => ${cons} len=\\d+$`).test(l))).toBeDefined();
    // the refused frame: src quoted (one line), msg not an object, the Error frame it caused
    expect(frames.find((l) => l.includes(`bus < ${cons} ApiRequest apiId=com.innovaphone.phone consumer=dev:app_1 src="bad src \\"with\\" quotes\\nand newline" len=`) && / => @client-[0-9a-f-]{36} Error src=".*" error=invalid len=\d+$/.test(l))).toBeDefined();
    expect(text).not.toContain('private-content-xyz');
    expect(text).not.toContain('result-content-abc');
    expect(text).not.toContain('4711');
    expect(text).not.toContain(token);
  });

  it('masks the bus token in any trace line while the server runs', async () => {
    const w = new TraceWriter({ dir, mask: TRACE_CATEGORIES.App, flushOnExit: false });
    server = await startLocalServicesServer({ logger: w, origins: new OriginAllowList([PBX]) });
    const token = server.token;
    w.trace('App', `someone printed ${server.config.bus}?token=${token} and ${token}`, { t: token });
    await server.close();
    server = undefined;
    await w.close();
    const text = (await listTraceFiles(dir, 'myApps')).map((f) => fs.readFileSync(f, 'utf8')).join('');
    expect(text).toContain('someone printed');
    expect(text).not.toContain(token);
  });

  it('builds nothing when AppWebSocket is off, and follows a live mask change', async () => {
    let calls = 0;
    let on = false;
    const lines: string[] = [];
    const logger: Logger = {
      enabled: (c) => on && c === 'AppWebSocket',
      trace: (c, m) => { if (c === 'AppWebSocket') { calls++; lines.push(m); } },
      warn() {},
      error() {},
    };
    server = await startLocalServicesServer({ logger, origins: new OriginAllowList([PBX]) });
    const c = await client(server);
    c.ws.send(JSON.stringify({ mt: 'ConsumeApi', api: API }));
    await c.next((f) => f.mt === 'ApiUpdate');
    const before = calls; // connect line only (not a frame)
    expect(lines.filter((l) => l.startsWith('bus <') || l.startsWith('bus >'))).toHaveLength(0);
    on = true;
    c.ws.send(JSON.stringify({ mt: 'UnconsumeApi', api: API }));
    c.ws.send(JSON.stringify({ mt: 'ConsumeApi', api: API }));
    await c.next((f) => f.mt === 'ApiUpdate');
    expect(calls).toBeGreaterThan(before);
    expect(lines.some((l) => /^bus < (@client-[0-9a-f-]{36}) ConsumeApi api=com\.innovaphone\.phone len=\d+ => \1 ApiUpdate len=\d+$/.test(l))).toBe(true);
    // a frame not caused by a received one gets a line of its own
    on = true;
    const c2 = await client(server);
    expect(lines.some((l) => /^bus > @client-[0-9a-f-]{36} Welcome len=\d+$/.test(l))).toBe(true);
    on = false;
    const n = calls;
    c2.ws.send(JSON.stringify({ mt: 'ConsumeApi', api: API }));
    await c2.next((f) => f.mt === 'ApiUpdate');
    expect(calls).toBe(n);
  });
});
