/**
 * bus.msgs_per_s and bus.p99_ms: ApiRequest -> provider -> ApiResult round trips, 1 consumer and
 * 1 provider, both real WebSocket clients of the local services server (token, Origin and schema
 * validation on), side by side with a bare `ws` relay that only parses and forwards JSON.
 * Throughput: a window of 16 requests in flight keeps both pipes busy. Latency (p99): sequential
 * round trips, so that queueing the bench itself causes is not counted as latency.
 */
import * as http from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { performance } from 'node:perf_hooks';
import { startLocalServicesServer, OriginAllowList } from '../../electron/bus';
import { silentLogger } from '../../electron/platform';
import { percentile, type BenchContext } from './types';

const ORIGIN = 'https://pbx.bench.local';
const API = 'com.innovaphone.phone';
const DURATION_MS = Number(process.env.BENCH_BUS_MS ?? 3000);
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

export default async function (ctx: BenchContext): Promise<void> {
  if (ctx.only && !'bus.'.startsWith(ctx.only) && !ctx.only.startsWith('bus')) return;
  // Throughput with a window of WINDOW requests in flight; latency from sequential round trips
  // (window 1), so queueing we cause ourselves does not count as latency. Warm up (JIT) first.
  await bare(WINDOW);
  await ours(WINDOW);
  const b = await bare(WINDOW);
  const o = await ours(WINDOW);
  const b1 = await bare(1);
  const o1 = await ours(1);
  const extra = { duration_ms: DURATION_MS };
  ctx.emit({ name: 'bus.msgs_per_s', value: Math.round(o.rps), unit: 'round trips/s', target: 'ratio >= 0.7', peer: 'bare-ws', peer_value: Math.round(b.rps), ratio: +(o.rps / b.rps).toFixed(3), window: WINDOW, ...extra });
  ctx.emit({ name: 'bus.p99_ms', value: +o1.p99.toFixed(3), unit: 'ms', target: '<= 1', peer: 'bare-ws', peer_value: +b1.p99.toFixed(3), ratio: +(o1.p99 / b1.p99).toFixed(3), p50_ms: +o1.p50.toFixed(3), window: 1, sequential_rps: Math.round(o1.rps), p99_ms_window16: +o.p99.toFixed(3), ...extra });
}
