/**
 * bus.msgs_per_s and bus.p99_ms: ApiRequest -> provider -> ApiResult round trips, 1 consumer and
 * 1 provider, both real WebSocket clients of the local services server (token, Origin and schema
 * validation on), side by side with a bare `ws` relay that only parses and forwards JSON.
 * Throughput: a window of 16 requests in flight keeps both pipes busy. Latency (p99): sequential
 * round trips, so that queueing the bench itself causes is not counted as latency.
 *
 * bus.fanout_p99_ms: one ApiModel change of an in-process provider (LocalModule.provide →
 * setModel, how the platform services publish their models) until each of 64 consumers — real
 * WebSocket clients of the bus (the default connection limit) in a child process, as the apps'
 * renderers are — has received and parsed its ApiUpdate; sequential changes, p99. Side by side: a
 * bare `ws` server that sends one JSON text to 64 clients.
 */
import * as http from 'node:http';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';
import { performance } from 'node:perf_hooks';
import { startLocalServicesServer, OriginAllowList } from '../../electron/bus';
import { silentLogger } from '../../electron/platform';
import { percentile, type BenchContext } from './types';

const ORIGIN = 'https://pbx.bench.local';
const API = 'com.innovaphone.phone';
const DURATION_MS = Number(process.env.BENCH_BUS_MS ?? 2000);
/** Alternating (peer, ours) throughput pairs; the figure is their median ratio. */
const ROUNDS = Number(process.env.BENCH_BUS_ROUNDS ?? 5);
const WINDOW = 16;

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin: ORIGIN, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Drives round trips through a consumer socket until the duration elapses. */
async function drive(consumer: WebSocket, makeRequest: (src: string) => string, srcOf: (m: any) => string | undefined, window: number): Promise<{ rps: number; p99: number; p50: number }> {
  const sent = new Map<string, number>();
  const lat: number[] = [];
  let n = 0;
  let done = 0;
  const start = performance.now();
  const end = start + DURATION_MS;
  return new Promise((resolve) => {
    const fire = (): void => {
      const src = `s${n++}`;
      sent.set(src, performance.now());
      consumer.send(makeRequest(src));
    };
    consumer.on('message', (d) => {
      const m = JSON.parse(d.toString());
      const src = srcOf(m);
      if (src === undefined) return;
      const t0 = sent.get(src);
      if (t0 === undefined) return;
      sent.delete(src);
      const now = performance.now();
      lat.push(now - t0);
      done++;
      if (now < end) fire();
      else if (sent.size === 0) {
        const secs = (now - start) / 1000;
        resolve({ rps: done / secs, p99: percentile(lat, 99), p50: percentile(lat, 50) });
      }
    });
    for (let i = 0; i < window; i++) fire();
  });
}

async function ours(window: number): Promise<{ rps: number; p99: number; p50: number }> {
  const server = await startLocalServicesServer({ logger: silentLogger, origins: new OriginAllowList([ORIGIN]) });
  const url = `ws://127.0.0.1:${server.port}/bus?token=${server.token}&v=1`;
  const provider = await open(url);
  const consumer = await open(url);
  try {
    provider.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.mt === 'ApiRequest') {
        provider.send(JSON.stringify({ mt: 'ApiResult', api: m.apiId, provider: 'phone', consumer: m.consumer, client: m.client, src: m.src, msg: { mt: 'StartCallResult' } }));
      }
    });
    await new Promise<void>((resolve) => {
      consumer.on('message', function onUpd(d) {
        const m = JSON.parse(d.toString());
        if (m.mt === 'ApiUpdate' && m.apis[API]?.phone) {
          consumer.off('message', onUpd);
          resolve();
        }
      });
      consumer.send(JSON.stringify({ mt: 'ConsumeApi', api: API }));
      provider.send(JSON.stringify({ mt: 'RegisterApi', api: API, provider: 'phone' }));
    });
    return await drive(
      consumer,
      (src) => JSON.stringify({ mt: 'ApiRequest', apiId: API, consumer: 'dev:bench', src, msg: { mt: 'StartCall', num: '4711', adjust: true } }),
      (m) => (m.mt === 'ApiResult' ? m.src : undefined),
      window,
    );
  } finally {
    provider.terminate();
    consumer.terminate();
    await server.close();
  }
}

/** The peer: a bare ws relay, no auth, no validation: parse, look up the other side, forward. */
async function bare(window: number): Promise<{ rps: number; p99: number; p50: number }> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const peers: WebSocket[] = [];
  wss.on('connection', (ws) => {
    const idx = peers.push(ws) - 1;
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      const other = peers[idx === 0 ? 1 : 0];
      other?.send(JSON.stringify(m));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const provider = await open(url);
  const consumer = await open(url);
  try {
    provider.on('message', (d) => {
      const m = JSON.parse(d.toString());
      provider.send(JSON.stringify({ mt: 'ApiResult', api: m.apiId, provider: 'phone', consumer: m.consumer, client: 'c', src: m.src, msg: { mt: 'StartCallResult' } }));
    });
    return await drive(
      consumer,
      (src) => JSON.stringify({ mt: 'ApiRequest', apiId: API, consumer: 'dev:bench', src, msg: { mt: 'StartCall', num: '4711', adjust: true } }),
      (m) => (m.mt === 'ApiResult' ? m.src : undefined),
      window,
    );
  } finally {
    provider.terminate();
    consumer.terminate();
    wss.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

const FANOUT = 64;
const FANOUT_CHANGES = Number(process.env.BENCH_BUS_FANOUT_CHANGES ?? 400);
const FANOUT_API = 'com.innovaphone.presence';
const THIS_FILE = fileURLToPath(import.meta.url);
/** A model the size of a busy phone's (calls, presence): ~0.5 KB of JSON. */
function fanoutModel(n: number): Record<string, unknown> {
  return { n, state: 'connected', calls: [{ id: n, dir: 'in', state: 'alerting', remote: { dn: 'Anna Müller', num: '+4970317300123' } }, { id: n + 1, dir: 'out', state: 'connected', remote: { dn: 'Bernd Weber', num: '4711' } }], presence: { activity: 'busy', note: 'in a meeting until 15:00' }, devices: ['softphone', 'deskphone', 'mobile'] };
}

/** `n` of the model in an ApiUpdate (ours or the peer's), else undefined. */
function updateN(m: { mt?: string; apis?: Record<string, Record<string, { model?: { n?: number } }>> }): number | undefined {
  if (m.mt !== 'ApiUpdate') return undefined;
  const providers = m.apis?.[FANOUT_API];
  for (const k in providers) return providers[k]!.model?.n;
  return undefined;
}

/**
 * Child process role (BUS_FANOUT_URL set): the 64 consumers, in a process of their own as the
 * apps' renderers are. Prints `ready` once each has its first ApiUpdate, then `n` each time all
 * 64 have received the update carrying model n.
 */
async function fanoutConsumers(url: string): Promise<void> {
  const socks = await Promise.all(Array.from({ length: FANOUT }, () => open(url)));
  const counts = new Map<number, number>();
  let ready = 0;
  for (const s of socks) {
    let first = true;
    s.on('message', (d) => {
      const n = updateN(JSON.parse(d.toString()));
      if (n === undefined) return;
      if (first) {
        first = false;
        if (++ready === FANOUT) process.stdout.write('ready\n');
        return;
      }
      const c = (counts.get(n) ?? 0) + 1;
      if (c < FANOUT) counts.set(n, c);
      else { counts.delete(n); process.stdout.write(`${n}\n`); }
    });
    s.send(JSON.stringify({ mt: 'ConsumeApi', api: FANOUT_API }));
  }
}

/** p50/p99 of FANOUT_CHANGES sequential changes, each until the consumers' process reports all 64 received. */
async function fanoutRun(url: string, change: (n: number) => void): Promise<{ p99: number; p50: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', THIS_FILE], { env: { ...process.env, BUS_FANOUT_URL: url }, stdio: ['ignore', 'pipe', 'inherit'] });
  let onLine: (l: string) => void = () => {};
  createInterface({ input: child.stdout! }).on('line', (l) => onLine(l));
  const exited = new Promise<never>((_, reject) => child.on('exit', (code) => reject(new Error(`fan-out consumers exited with ${code}`))));
  const line = (want: string) => Promise.race([exited, new Promise<void>((resolve) => { onLine = (l) => { if (l === want) resolve(); }; })]);
  try {
    change(-1); // consumers that subscribed before it get the first model through ConsumeApi
    await line('ready');
    const lat: number[] = [];
    const WARM = 50;
    for (let n = 0; n < FANOUT_CHANGES + WARM; n++) {
      const got = line(String(n));
      const t0 = performance.now();
      change(n);
      await got;
      if (n >= WARM) lat.push(performance.now() - t0);
    }
    return { p99: percentile(lat, 99), p50: percentile(lat, 50) };
  } finally {
    child.kill();
    await exited.catch(() => {});
  }
}

async function oursFanout(): Promise<{ p99: number; p50: number }> {
  const server = await startLocalServicesServer({ logger: silentLogger, origins: new OriginAllowList([ORIGIN]) });
  const provided = server.router.localModule('Bench presence').provide(FANOUT_API, () => {}, { model: fanoutModel(-1) });
  try {
    return await fanoutRun(`ws://127.0.0.1:${server.port}/bus?token=${server.token}&v=1`, (n) => provided.setModel(fanoutModel(n)));
  } finally {
    provided.close();
    await server.close();
  }
}

/** The peer: a bare ws server that sends one JSON text to every client (the first model on connect). */
async function bareFanout(): Promise<{ p99: number; p50: number }> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const text = (n: number) => JSON.stringify({ mt: 'ApiUpdate', apis: { [FANOUT_API]: { p: { model: fanoutModel(n) } } } });
  wss.on('connection', (ws) => ws.on('message', () => ws.send(text(-1))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    return await fanoutRun(`ws://127.0.0.1:${(server.address() as { port: number }).port}/`, (n) => {
      if (n < 0) return;
      const t = text(n);
      for (const c of wss.clients) c.send(t);
    });
  } finally {
    wss.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

if (process.env.BUS_FANOUT_URL) void fanoutConsumers(process.env.BUS_FANOUT_URL);

export default async function (ctx: BenchContext): Promise<void> {
  if (ctx.only && !'bus.'.startsWith(ctx.only) && !ctx.only.startsWith('bus')) return;
  // Throughput with a window of WINDOW requests in flight; latency from sequential round trips
  // (window 1), so queueing we cause ourselves does not count as latency. Warm up (JIT) first.
  if (!ctx.only || 'bus.fanout'.startsWith(ctx.only) || ctx.only.startsWith('bus.fanout')) {
    const b = await bareFanout();
    const o = await oursFanout();
    ctx.emit({
      name: 'bus.fanout_p99_ms', value: +o.p99.toFixed(3), unit: 'ms', target: '<= 2', peer: 'bare-ws', peer_value: +b.p99.toFixed(3), ratio: +(o.p99 / b.p99).toFixed(3),
      path: 'LocalModule.provide(...).setModel -> ApiRouter ApiModel -> ApiUpdate to each consumer over the bus WebSocket server (token, Origin, frame traces off)',
      consumers: FANOUT, changes: FANOUT_CHANGES, p50_ms: +o.p50.toFixed(3), peer_p50_ms: +b.p50.toFixed(3),
    });
    if (ctx.only.startsWith('bus.fanout')) return;
  }
  // Throughput: ROUNDS alternating pairs (peer, ours) after a warm-up pair; the figure is the
  // median of the pairs' ratios (this machine's noise between two runs of the same code is ±5 %,
  // larger than the differences measured), the values the medians of each side.
  await bare(WINDOW);
  await ours(WINDOW);
  const pairs: Array<{ b: number; o: number; p99: number }> = [];
  for (let i = 0; i < ROUNDS; i++) {
    const b = await bare(WINDOW);
    const o = await ours(WINDOW);
    pairs.push({ b: b.rps, o: o.rps, p99: o.p99 });
  }
  const median = (xs: number[]): number => percentile(xs, 50);
  const ratio = median(pairs.map((p) => p.o / p.b));
  const o = { rps: median(pairs.map((p) => p.o)), p99: median(pairs.map((p) => p.p99)) };
  const b = { rps: median(pairs.map((p) => p.b)) };
  const b1 = await bare(1);
  const o1 = await ours(1);
  const extra = { duration_ms: DURATION_MS, path: 'ApiRequest/ApiResult between two WebSocket clients through startLocalServicesServer (token, Origin, schema validation, ApiRouter)' };
  ctx.emit({ name: 'bus.msgs_per_s', value: Math.round(o.rps), unit: 'round trips/s', target: 'ratio >= 0.95', peer: 'bare-ws', peer_value: Math.round(b.rps), ratio: +ratio.toFixed(3), window: WINDOW, rounds: ROUNDS, ratios: pairs.map((p) => +(p.o / p.b).toFixed(3)), ...extra });
  ctx.emit({ name: 'bus.p99_ms', value: +o1.p99.toFixed(3), unit: 'ms', target: '<= 1', peer: 'bare-ws', peer_value: +b1.p99.toFixed(3), ratio: +(o1.p99 / b1.p99).toFixed(3), p50_ms: +o1.p50.toFixed(3), window: 1, sequential_rps: Math.round(o1.rps), p99_ms_window16: +o.p99.toFixed(3), ...extra });
}
