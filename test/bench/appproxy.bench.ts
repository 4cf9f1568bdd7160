/**
 * App proxy figures (issue 4), side by side with Debian nginx (`proxy_cache`) in front of the same
 * origin, all on loopback:
 *  - appproxy.hit_rps (peer nginx, ratio ours/nginx): cached hits of 100 files of mixed sizes
 *    (1 KB – 2 MB, log-uniform, fixed seed), 8 concurrent keep-alive clients in a separate load
 *    process; 5 alternating runs per side, each side's median run is reported (the machine is
 *    shared, so single runs are noisy).
 *  - appproxy.p50_ms (peer nginx): the same files, one client at a time (latency without queueing
 *    behind other responses); 3 alternating runs per side of 3 walks over the files each (a first
 *    walk warms the client process up and is not counted), median p50.
 *    Path: every request goes through `core.handle`, the function Electron's `protocol.handle`
 *    calls, wrapped the way Electron wraps it (`new Headers`/`new Request` in, `Object.fromEntries`
 *    of the headers and `Readable.fromWeb` of the body out), in its own process (one JS thread)
 *    behind a Node HTTP server that stands in for Chromium's network stack; the core has the
 *    product's logger (a trace file, default flags). nginx runs `proxy_cache` with
 *    `worker_processes 1` and `sendfile`. Both sides are warmed so every request is a hit.
 *    BENCH_APPPROXY_PROF=<dir> writes a CPU profile of our server (node --cpu-prof);
 *    BENCH_APPPROXY_DEBUG=1 prints every run with the servers' CPU ms per request.
 *  - appproxy.offline_start_ms: a new core instance over a filled folder, origins down (connection
 *    refused): serve the web client and 5 apps (23 files) in browser order, median of 5.
 *
 * The same file is the entry of the two child processes (APPPROXY_BENCH_ROLE=server|client).
 */
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { percentile, type BenchContext } from './types';
import { createAppProxy } from '../../electron/appproxy';
import { TraceWriter } from '../../electron/log';
import { TestOrigin } from '../fixtures/appproxy/origin';
import { populateSite, siteUpstream, siteUrls } from '../fixtures/appproxy/site';

const FILES = 100;
const CONCURRENCY = 8;
const ROUNDS = Number(process.env.BENCH_APPPROXY_ROUNDS ?? 4); // each client walks all files this often
const RUNS = 5; // alternating runs per side; the median run (by rps) of each side is reported
const SINGLE_RUNS = 3; // alternating single-client runs per side; the median p50 is reported
const SINGLE_ROUNDS = 3; // walks over all files per single-client run (after one warm-up walk)
const NGINX = '/usr/sbin/nginx';
const THIS_FILE = fileURLToPath(import.meta.url);
const REPO = path.resolve(path.dirname(THIS_FILE), '../..');

/** Deterministic mixed sizes, log-uniform between 1 KB and 2 MB. */
function benchFiles(): { path: string; size: number }[] {
  let s = 0x9e3779b9;
  const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 0x100000000; };
  const exts = ['js', 'css', 'png', 'htm', 'svg'];
  return Array.from({ length: FILES }, (_, i) => ({
    path: `/PBX0/APPS/bench/f${i}.${exts[i % exts.length]}`,
    size: Math.round(1024 * Math.pow(2048, rnd())),
  }));
}

// ---- child roles -------------------------------------------------------------------------------

async function serverRole(): Promise<void> {
  const origin = process.env.APB_ORIGIN!;
  // The product's logger: a trace file with the default flags (AppProxy traces off).
  const logger = new TraceWriter({ dir: path.join(process.env.APB_DIR!, 'traces'), flushOnExit: false });
  const core = createAppProxy({ dir: process.env.APB_DIR!, upstream: (r, i) => fetch(r, i), logger });
  // Every request goes through `core.handle`, wrapped the way Electron's `protocol.handle` wraps
  // its handler (electron/lib/browser/api/protocol.ts): a `Headers` from the request's header
  // object, a `new Request`, then `Object.fromEntries(res.headers)` and `Readable.fromWeb(res.body)`.
  // Node's HTTP server stands in for Chromium's network stack.
  const server = http.createServer((req, res) => {
    const init: Record<string, string> = {};
    for (const k in req.headers) if (k !== 'host' && k !== 'connection') { const v = req.headers[k]; init[k] = Array.isArray(v) ? v.join(', ') : v!; }
    const request = new Request(origin + req.url, { headers: new Headers(init), method: req.method, referrer: init.referer });
    core.handle(request).then((r) => {
      res.writeHead(r.status, Object.fromEntries(r.headers as unknown as Iterable<[string, string]>));
      if (r.body) Readable.fromWeb(r.body as NodeReadableStream<Uint8Array>).pipe(res);
      else res.end();
    }, (err) => { res.writeHead(502).end(String(err)); });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as net.AddressInfo).port })}\n`);
  });
  process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
}

interface LoadResult { rps: number; p50: number; p90: number; requests: number; bytes: number; errors: number; nonHits: number; cpuMsPerReq?: number }

async function clientRole(): Promise<void> {
  const base = process.env.APB_BASE!;
  const hitHeader = process.env.APB_HIT_HEADER!;
  const hitValue = process.env.APB_HIT_VALUE!;
  const paths: string[] = JSON.parse(process.env.APB_PATHS!);
  const rounds = Number(process.env.APB_ROUNDS);
  const concurrency = Number(process.env.APB_CONCURRENCY ?? CONCURRENCY);
  const skip = Number(process.env.APB_SKIP ?? 0); // first requests (warm-up) not counted
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const lat: number[] = [];
  let seen = 0;
  let bytes = 0;
  let errors = 0;
  let nonHits = 0;
  const one = (p: string) => new Promise<void>((resolve) => {
    const t0 = performance.now();
    http.get(`${base}${p}`, { agent }, (res) => {
      if (res.statusCode !== 200) errors++;
      if (res.headers[hitHeader] !== hitValue) nonHits++;
      res.on('data', (c: Buffer) => { bytes += c.length; });
      res.on('end', () => { if (seen++ >= skip) lat.push(performance.now() - t0); resolve(); });
      res.on('error', () => { errors++; resolve(); });
    }).on('error', () => { errors++; resolve(); });
  });
  const worker = async (w: number) => {
    for (let r = 0; r < rounds; r++) for (let i = 0; i < paths.length; i++) await one(paths[(i * 7 + w * 13 + r * 31) % paths.length]!);
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const secs = (performance.now() - start) / 1000;
  const result: LoadResult = { rps: lat.length / secs, p50: percentile(lat, 50), p90: percentile(lat, 90), requests: lat.length, bytes, errors, nonHits };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  agent.destroy();
}

// ---- helpers of the bench process --------------------------------------------------------------

function spawnRole(role: 'server' | 'client', env: Record<string, string>): { child: ChildProcess; firstLine: Promise<string> } {
  // BENCH_APPPROXY_PROF=<dir>: CPU profile of our server process (node --cpu-prof), for tuning.
  const prof = role === 'server' && process.env.BENCH_APPPROXY_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_APPPROXY_PROF] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', THIS_FILE], {
    cwd: REPO, env: { ...process.env, ...env, APPPROXY_BENCH_ROLE: role }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.on('exit', (code) => reject(new Error(`${role} exited with ${code} before answering`)));
    child.on('error', reject);
  });
  return { child, firstLine };
}

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

/** CPU seconds (user+system) used so far by a process and its direct children (nginx workers). */
async function treeCpuSeconds(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  const tick = 100;
  const one = async (p: number | string) => {
    try {
      const f = (await fs.readFile(`/proc/${p}/stat`, 'utf8')).split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12])) / tick;
    } catch { return 0; }
  };
  let total = await one(pid);
  const kids = (await fs.readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).trim().split(/\s+/).filter(Boolean);
  for (const k of kids) total += await one(k);
  return total;
}

async function startNginx(tmp: string, originPort: number): Promise<{ port: number; pid: number | undefined; stop: () => Promise<void> }> {
  const port = await freePort();
  const root = path.join(tmp, 'nginx');
  for (const d of ['cache', 'body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) await fs.mkdir(path.join(root, d), { recursive: true });
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const conf = `${asRoot ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${root}/nginx.pid;
error_log ${root}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path ${root}/body;
  proxy_temp_path ${root}/proxy;
  fastcgi_temp_path ${root}/fastcgi;
  uwsgi_temp_path ${root}/uwsgi;
  scgi_temp_path ${root}/scgi;
  proxy_cache_path ${root}/cache levels=1:2 keys_zone=appproxy:10m max_size=500m inactive=1d use_temp_path=off;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${originPort};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache appproxy;
      add_header X-Cache $upstream_cache_status;
    }
  }
}
`;
  const confFile = path.join(root, 'nginx.conf');
  await fs.writeFile(confFile, conf);
  const child = spawn(NGINX, ['-e', path.join(root, 'error.log'), '-p', root, '-c', confFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = waitExit(child);
  try {
    await Promise.race([waitForPort(port), exited.then(() => { throw new Error('nginx exited at start (see its error.log)'); })]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { port, pid: child.pid, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

async function runLoad(base: string, hitHeader: string, hitValue: string, paths: string[], rounds: number, concurrency = CONCURRENCY, skip = 0): Promise<LoadResult> {
  const { child, firstLine } = spawnRole('client', {
    APB_BASE: base, APB_HIT_HEADER: hitHeader, APB_HIT_VALUE: hitValue, APB_PATHS: JSON.stringify(paths), APB_ROUNDS: String(rounds), APB_CONCURRENCY: String(concurrency), APB_SKIP: String(skip),
  });
  try {
    return JSON.parse(await firstLine) as LoadResult;
  } finally {
    child.kill('SIGKILL');
    await waitExit(child);
  }
}

async function hitBench(ctx: BenchContext, tmp: string): Promise<void> {
  const files = benchFiles();
  const origin = new TestOrigin();
  for (const f of files) origin.set(f.path, { body: Buffer.alloc(f.size, f.size % 251), cacheControl: 'max-age=3600' });
  await origin.start();
  const cleanups: (() => Promise<void>)[] = [() => origin.stop()];
  try {
    const nginx = await startNginx(tmp, origin.port);
    cleanups.push(nginx.stop);
    const ours = spawnRole('server', { APB_ORIGIN: origin.origin, APB_DIR: path.join(tmp, 'appproxy') });
    cleanups.push(async () => { ours.child.kill('SIGTERM'); await waitExit(ours.child); });
    const oursPort = (JSON.parse(await ours.firstLine) as { port: number }).port;
    const paths = files.map((f) => f.path);
    const sides = {
      nginx: { base: `http://127.0.0.1:${nginx.port}`, header: 'x-cache', value: 'HIT' },
      ours: { base: `http://127.0.0.1:${oursPort}`, header: 'x-appproxy', value: 'hit' },
    };
    // Warm both caches (misses), then one more pass so the entries are on disk on both sides.
    for (const s of Object.values(sides)) await runLoad(s.base, s.header, s.value, paths, 1);
    await new Promise((r) => setTimeout(r, 500));
    for (const s of Object.values(sides)) {
      const w = await runLoad(s.base, s.header, s.value, paths, 1);
      if (w.errors) throw new Error(`warm-up errors against ${s.base}`);
    }
    const results: Record<'nginx' | 'ours', LoadResult[]> = { nginx: [], ours: [] };
    for (let r = 0; r < RUNS; r++) {
      for (const name of ['nginx', 'ours'] as const) {
        const s = sides[name];
        const pid = name === 'nginx' ? nginx.pid : ours.child.pid;
        const cpu0 = await treeCpuSeconds(pid);
        const result = await runLoad(s.base, s.header, s.value, paths, ROUNDS);
        result.cpuMsPerReq = (((await treeCpuSeconds(pid)) - cpu0) * 1000) / result.requests;
        results[name].push(result);
        if (process.env.BENCH_APPPROXY_DEBUG) console.error(name, JSON.stringify(result));
      }
    }
    // Latency with one client at a time (no queueing behind other responses): alternating runs,
    // each a fresh client process whose first walk over the files warms it up and is not counted.
    const single: Record<'nginx' | 'ours', LoadResult[]> = { nginx: [], ours: [] };
    for (let r = 0; r < SINGLE_RUNS; r++) {
      for (const name of ['nginx', 'ours'] as const) {
        const s = sides[name];
        single[name].push(await runLoad(s.base, s.header, s.value, paths, SINGLE_ROUNDS + 1, 1, paths.length));
      }
    }
    const median = (list: LoadResult[]) => [...list].sort((a, b) => a.rps - b.rps)[Math.floor(list.length / 2)]!;
    const n = median(results.nginx);
    const o = median(results.ours);
    const totalBytes = files.reduce((s, f) => s + f.size, 0);
    const common = {
      path: 'core.handle (WHATWG Request -> Response), wrapped as Electron protocol.handle wraps it (new Headers/Request in, Object.fromEntries(headers) and Readable.fromWeb(body) out), behind a Node http server standing in for Chromium',
      files: FILES, corpus_mb: Math.round(totalBytes / 1e5) / 10,
      setup: 'ours: one Node process, product logger (trace file, default flags); nginx: proxy_cache, worker_processes 1, sendfile; loopback; load client in its own process',
    };
    for (const list of [results.ours, results.nginx, single.ours, single.nginx]) {
      for (const x of list) if (x.errors || x.nonHits) throw new Error(`not all hits: ${x.nonHits} misses, ${x.errors} errors`);
    }
    const medianOf = (xs: number[]) => percentile(xs, 50);
    const r2 = (v: number) => Math.round(v * 100) / 100;
    const cpu = (list: LoadResult[]) => Math.round(medianOf(list.map((r) => r.cpuMsPerReq ?? NaN)) * 1000) / 1000;
    ctx.emit({
      name: 'appproxy.hit_rps', value: Math.round(o.rps), unit: 'req/s', target: '>= 1.5 x nginx', peer: 'nginx', ratio: r2(o.rps / n.rps),
      peer_value: Math.round(n.rps), concurrency: CONCURRENCY, requests: o.requests, runs: RUNS, all_runs_rps: results.ours.map((r) => Math.round(r.rps)), peer_all_runs_rps: results.nginx.map((r) => Math.round(r.rps)),
      server_cpu_ms_per_req: cpu(results.ours), peer_server_cpu_ms_per_req: cpu(results.nginx),
      concurrent_p50_ms: r2(o.p50), peer_concurrent_p50_ms: r2(n.p50), concurrent_p90_ms: r2(o.p90), peer_concurrent_p90_ms: r2(n.p90), ...common,
    });
    const sp50 = (list: LoadResult[]) => r2(medianOf(list.map((x) => x.p50)));
    ctx.emit({
      name: 'appproxy.p50_ms', value: sp50(single.ours), unit: 'ms', target: '<= nginx', peer: 'nginx', peer_value: sp50(single.nginx), ratio: r2(sp50(single.ours) / sp50(single.nginx)),
      concurrency: 1, requests_per_run: SINGLE_ROUNDS * FILES, runs: SINGLE_RUNS, all_runs_p50_ms: single.ours.map((x) => r2(x.p50)), peer_all_runs_p50_ms: single.nginx.map((x) => r2(x.p50)),
      p90_ms: r2(medianOf(single.ours.map((x) => x.p90))), peer_p90_ms: r2(medianOf(single.nginx.map((x) => x.p90))), ...common,
    });
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  }
}

async function offlineStartBench(ctx: BenchContext, tmp: string): Promise<void> {
  const pbx = new TestOrigin();
  const ap = new TestOrigin();
  populateSite(pbx, ap);
  await pbx.start();
  await ap.start();
  const dir = path.join(tmp, 'offline');
  const urls = siteUrls();
  try {
    const warm = createAppProxy({ dir, upstream: siteUpstream(pbx, ap) });
    for (const u of urls) await (await warm.handle(new Request(u))).arrayBuffer();
    await warm.idle();
  } finally {
    await pbx.stop();
    await ap.stop();
  }
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    const core = createAppProxy({ dir, upstream: siteUpstream(pbx, ap) });
    const get = async (u: string) => {
      const r = await core.handle(new Request(u));
      await r.arrayBuffer();
      if (r.headers.get('x-appproxy') !== 'offline') throw new Error(`${u} not served from cache: ${r.status}`);
    };
    // Browser order: page, its css+js, then the 5 app pages in parallel, each with its css/svg/js.
    await get(urls[0]!);
    await Promise.all([get(urls[1]!), get(urls[2]!)]);
    const apps = urls.slice(3);
    await Promise.all(Array.from({ length: apps.length / 4 }, async (_, i) => {
      await get(apps[i * 4]!);
      await Promise.all(apps.slice(i * 4 + 1, i * 4 + 4).map(get));
    }));
    times.push(performance.now() - t0);
    await core.store.ready;
  }
  ctx.emit({
    name: 'appproxy.offline_start_ms', value: Math.round(percentile(times, 50) * 100) / 100, unit: 'ms', target: '<= 300',
    files: urls.length, runs: times.length, origin: 'down (connection refused)', setup: 'new core instance over the filled folder, in-process, browser request order',
    path: 'createAppProxy(...).handle (the WHATWG Request -> Response function protocol.handle calls), origins down, served from the disk store',
  });
}

export default async function bench(ctx: BenchContext): Promise<void> {
  const want = (name: string) => !ctx.only || name.startsWith(ctx.only) || ctx.only.startsWith(name);
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'appproxy-bench-'));
  try {
    if (want('appproxy.hit_rps') || want('appproxy.p50_ms')) {
      await fs.access(NGINX).catch(() => { throw new Error(`${NGINX} missing (apt package nginx-light)`); });
      await hitBench(ctx, tmp);
    }
    if (want('appproxy.offline_start_ms')) await offlineStartBench(ctx, tmp);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

const role = process.env.APPPROXY_BENCH_ROLE;
if (role === 'server') void serverRole();
else if (role === 'client') void clientRole();
