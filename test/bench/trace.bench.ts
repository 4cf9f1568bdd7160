/**
 * Trace files and update figures (issue 5 "Done when"):
 *  - trace.lines_per_s       lines/s through TraceWriter with rotation on (4 MB files, 4 kept)
 *  - trace.off_ns        cost of a trace() call whose category is off (best of 5 runs)
 *  - trace.bus_slowdown_pct  the bus benchmark of bus.bench.ts (1 consumer + 1 provider WebSocket
 *                            client, window 16) with mask 0xfffffffff vs 0, the server writing its
 *                            own frame traces (AppWebSocket: 2 lines per round trip, each received frame with where it went) to a real
 *                            trace file with rotation; CPU per round trip, wall rates alongside
 *  - update.verify_ms        SHA-256 + size + Ed25519 check of a 150 MB package
 *  - update.throttle_ratio  measured / configured rate of a throttled download on loopback
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHash, randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { TraceWriter } from '../../electron/log';
import { startLocalServicesServer, OriginAllowList } from '../../electron/bus';
import type { Logger } from '../../electron/platform';
import { sha256File, verifyEntrySignature, signEntry, downloadFile, TokenBucket, type SignedEntry } from '../../electron/update';
import { startStoreServer, TEST_KEY } from '../fixtures/update/store-server';
import type { BenchContext } from './types';

const want = (ctx: BenchContext, name: string) => !ctx.only || name.startsWith(ctx.only) || ctx.only.startsWith(name);

async function traceLines(ctx: BenchContext, dir: string): Promise<void> {
  const N = 300_000;
  const w = new TraceWriter({ dir: path.join(dir, 'rot'), mask: 0xfffffffffn, maxFileSize: 4 * 1024 * 1024, maxFiles: 4, flushOnExit: false });
  // warm up
  for (let i = 0; i < 20_000; i++) w.trace('Signaling', 'warm', { i });
  await w.flush();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    w.trace('Signaling', 'SIP INVITE sent to sip:4711@pbx.example.com', { call: i, state: 'calling', remote: 'atlantis' });
    if (i % 20_000 === 19_999) await new Promise((r) => setImmediate(r)); // let the writer drain, as a real event loop would
  }
  await w.flush();
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  const files = fs.readdirSync(path.join(dir, 'rot')).length;
  await w.close();
  ctx.emit({ name: 'trace.lines_per_s', value: Math.round(N / secs), unit: 'lines/s', target: '>= 200000', path: 'TraceWriter.trace (message + flat data) to rotating files', files_kept: files, file_cap_bytes: 4 * 1024 * 1024, lines_per_cpu_s: Math.round(N / cpuSecs), load_avg_1m: +os.loadavg()[0]!.toFixed(2) });

  // Best of 5: on a shared machine one descheduling of a 20 ms loop would dominate the mean.
  const off = new TraceWriter({ dir: path.join(dir, 'off'), mask: 0n, flushOnExit: false });
  const M = 2_000_000;
  const runs: number[] = [];
  const checks: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t1 = performance.now();
    for (let i = 0; i < M; i++) off.trace('ICE', 'candidate', { i });
    runs.push(((performance.now() - t1) * 1e6) / M);
    // the hot-path form: ask first, build nothing (what the bus does per frame)
    const t2 = performance.now();
    for (let i = 0; i < M; i++) if (off.enabled('ICE')) off.trace('ICE', 'candidate', { i });
    checks.push(((performance.now() - t2) * 1e6) / M);
  }
  await off.close();
  ctx.emit({ name: 'trace.off_ns', value: +Math.min(...runs).toFixed(1), unit: 'ns/call', target: '<= 100', path: 'TraceWriter.trace with the category off', enabled_check_ns: +Math.min(...checks).toFixed(1), runs_ns: runs.map((r) => +r.toFixed(1)) });
}

const ORIGIN = 'https://pbx.bench.local';
const API = 'com.innovaphone.phone';

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin: ORIGIN, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

interface Run { rps: number; cpuUsPerRt: number; userUsPerRt: number }

/** Round trips/s through the real bus for `ms` (as bus.bench.ts drives it); the server traces with `logger`. */
async function busRun(logger: Logger, ms: number): Promise<Run> {
  const server = await startLocalServicesServer({ logger, origins: new OriginAllowList([ORIGIN]) });
  const url = `ws://127.0.0.1:${server.port}/bus?token=${server.token}&v=1`;
  const provider = await open(url);
  const consumer = await open(url);
  try {
    provider.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { mt: string; apiId: string; client?: string; consumer: string; src: string };
      if (m.mt === 'ApiRequest') provider.send(JSON.stringify({ mt: 'ApiResult', api: m.apiId, provider: 'phone', consumer: m.consumer, client: m.client, src: m.src, msg: { mt: 'StartCallResult' } }));
    });
    await new Promise<void>((resolve) => {
      consumer.on('message', function onUpd(d) {
        const m = JSON.parse(d.toString()) as { mt: string; apis?: Record<string, Record<string, unknown>> };
        if (m.mt === 'ApiUpdate' && m.apis?.[API]?.phone) { consumer.off('message', onUpd); resolve(); }
      });
      consumer.send(JSON.stringify({ mt: 'ConsumeApi', api: API }));
      provider.send(JSON.stringify({ mt: 'RegisterApi', api: API, provider: 'phone' }));
    });
    let done = 0;
    let n = 0;
    const start = performance.now();
    const c0 = process.cpuUsage();
    const end = start + ms;
    return await new Promise<Run>((resolve) => {
      let inflight = 0;
      const fire = () => { inflight++; consumer.send(JSON.stringify({ mt: 'ApiRequest', apiId: API, consumer: 'dev:bench', src: `s${n++}`, msg: { mt: 'StartCall', num: '4711', adjust: true } })); };
      consumer.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { mt: string };
        if (m.mt !== 'ApiResult') return;
        inflight--;
        done++;
        const now = performance.now();
        if (now < end) fire();
        else if (!inflight) {
          const c = process.cpuUsage(c0);
          resolve({ rps: done / ((now - start) / 1000), cpuUsPerRt: (c.user + c.system) / done, userUsPerRt: c.user / done });
        }
      });
      for (let i = 0; i < 16; i++) fire();
    });
  } finally {
    provider.terminate();
    consumer.terminate();
    await server.close();
  }
}

async function busSlowdown(ctx: BenchContext, dir: string): Promise<void> {
  const ms = Number(process.env.BENCH_LOG_BUS_MS ?? 1000);
  const pairs = Number(process.env.BENCH_LOG_BUS_PAIRS ?? 9);
  const rot = { maxFileSize: 4 * 1024 * 1024, maxFiles: 4, flushOnExit: false };
  const on = new TraceWriter({ dir: path.join(dir, 'bus'), mask: 0xfffffffffn, ...rot });
  const offW = new TraceWriter({ dir: path.join(dir, 'bus-off'), mask: 0n, ...rot });
  await busRun(offW, 500); // warm up
  await busRun(on, 500);
  const offs: Run[] = [];
  const ons: Run[] = [];
  // Pairs run back to back in alternating order (off,on / on,off / …); the figure is the median of
  // the per-pair ratios: the machine is shared and its load changes between pairs far more than
  // within one.
  for (let i = 0; i < pairs; i++) {
    if (i % 2) { ons.push(await busRun(on, ms)); offs.push(await busRun(offW, ms)); }
    else { offs.push(await busRun(offW, ms)); ons.push(await busRun(on, ms)); }
  }
  await on.close();
  await offW.close();
  const files = fs.readdirSync(path.join(dir, 'bus'));
  const sample = fs.readFileSync(path.join(dir, 'bus', files.sort().at(-1)!), 'utf8').split('\n').find((l) => l.includes('[AppWebSocket] bus < ') && l.includes('ApiRequest')) ?? '';
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const pct = (f: (r: Run) => number) => +median(offs.map((o, i) => (f(ons[i]!) / f(o) - 1) * 100)).toFixed(2);
  // The figure is CPU time per round trip (flags on vs off) of the whole process (server and both
  // clients, as in bus.bench.ts, and the thread that writes the file): on a shared, oversubscribed
  // machine round trips/s measure the scheduler (a busy event loop is never descheduled in
  // epoll_wait and so answers faster); the wall-clock rates and their slowdown are given alongside.
  ctx.emit({
    name: 'trace.bus_slowdown_pct', value: pct((r) => r.cpuUsPerRt), unit: '% CPU per round trip', target: '<= 5',
    path: 'startLocalServicesServer frame traces (AppWebSocket, FrameTracer) through TraceWriter to rotating files, all flags on vs off',
    user_cpu_slowdown_pct: pct((r) => r.userUsPerRt),
    wall_slowdown_pct: pct((r) => 1 / r.rps),
    cpu_us_per_rt_off: +median(offs.map((r) => r.cpuUsPerRt)).toFixed(1), cpu_us_per_rt_on: +median(ons.map((r) => r.cpuUsPerRt)).toFixed(1),
    rps_off: Math.round(median(offs.map((r) => r.rps))), rps_on: Math.round(median(ons.map((r) => r.rps))),
    per_pair_cpu_pct: offs.map((o, i) => +((ons[i]!.cpuUsPerRt / o.cpuUsPerRt - 1) * 100).toFixed(1)),
    pairs, run_ms: ms, window: 16, lines_per_rt: 2, lines_written: on.linesWritten, files_kept: files.length, sample_line: sample.slice(24),
    load_avg_1m: +os.loadavg()[0]!.toFixed(2),
  });
}

async function updateVerify(ctx: BenchContext, dir: string): Promise<void> {
  const size = 150 * 1024 * 1024;
  const file = path.join(dir, 'pkg.bin');
  const block = randomBytes(1024 * 1024);
  const fh = fs.openSync(file, 'w');
  const hash = createHash('sha256');
  for (let i = 0; i < 150; i++) { fs.writeSync(fh, block); hash.update(block); }
  fs.closeSync(fh);
  const entry: SignedEntry = { software: 'myappsdesktop', folder: 'myappsdesktop', build: '1001', os: 'linux', arch: 'x64', kind: 'appimage', name: 'pkg.bin', size, sha256: hash.digest('hex') };
  const signature = signEntry(entry, TEST_KEY.privateKeyPem);
  const keys = [{ keyId: TEST_KEY.keyId, publicKey: TEST_KEY.publicKey }];
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const ok = verifyEntrySignature(entry, TEST_KEY.keyId, signature, keys).ok && fs.statSync(file).size === size && (await sha256File(file)) === entry.sha256;
    runs.push(performance.now() - t0);
    if (!ok) throw new Error('verification failed');
  }
  fs.rmSync(file);
  ctx.emit({ name: 'update.verify_ms', value: +Math.min(...runs).toFixed(1), unit: 'ms', size_mb: 150, runs: runs.map((r) => +r.toFixed(1)), path: 'the update service\'s check after download (electron/update/service.ts): verifyEntrySignature (Ed25519) + size + sha256File; at install copyVerified hashes again while copying' });
}

async function throttleRatio(ctx: BenchContext, dir: string): Promise<void> {
  const store = await startStoreServer();
  try {
    const rate = 1024 * 1024;
    const data = randomBytes(3 * rate);
    store.setFile('/release/download/t.bin', data);
    const t0 = performance.now();
    await downloadFile({ fetch: store.fetch, url: `${store.storeUrl}t.bin`, dest: path.join(dir, 't.bin'), size: data.length, throttle: new TokenBucket(rate, 64 * 1024) });
    const secs = (performance.now() - t0) / 1000;
    ctx.emit({ name: 'update.throttle_ratio', value: +((data.length / secs) / rate).toFixed(3), unit: 'measured/configured', target: '<= 1.05', configured_bytes_per_s: rate, path: 'downloadFile with the update service\'s TokenBucket over the product fetch (proxyFetch, direct) from an https store on loopback' });
  } finally {
    await store.close();
  }
}

export default async function (ctx: BenchContext): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-bench-'));
  try {
    if (want(ctx, 'trace.lines_per_s') || want(ctx, 'trace.off_ns')) await traceLines(ctx, dir);
    if (want(ctx, 'trace.bus_slowdown_pct')) await busSlowdown(ctx, dir);
    if (want(ctx, 'update.verify_ms')) await updateVerify(ctx, dir);
    if (want(ctx, 'update.throttle_ratio')) await throttleRatio(ctx, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Figure prefixes this file emits (the runner skips it when --only names another). */
export const prefixes = ['trace', 'update'];
