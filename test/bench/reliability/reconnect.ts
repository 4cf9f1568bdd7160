/**
 * `reliability.reconnect_cycles`: the PBX simulator is stopped and started again (same ports,
 * same certificate) `cycles` times while the service graph runs (./graph-child.ts, its own
 * process) and the stand-in web client stays open in Debian Chromium with its bus connection.
 * A cycle counts as reconnected when the web client has logged in to the new simulator. The
 * graph's RSS and active handles are sampled after a warm-up and at the end (after a GC).
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { AppClientConfig } from '../../../common/bus';
import { startPbxSim, type PbxSim, type PbxSimOptions } from '../../pbx-sim';
import { launchChromium, launcherUserAgent } from '../../e2e/harness/chromium';
import { injectAppClientConfig } from '../../e2e/harness/stack';

interface Stats {
  rss: number;
  heapUsed: number;
  handles: number;
  busConnections: number;
  clientUpdates: number;
}

export interface ReconnectResult {
  cycles: number;
  reconnected: number;
  failures: string[];
  rss_start_mb: number;
  rss_end_mb: number;
  rss_growth_mb: number;
  heap_growth_mb: number;
  handles_start: number;
  handles_end: number;
  bus_connections_end: number;
  client_model_updates: number;
  mean_cycle_ms: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

class Graph {
  private next = 1;
  private readonly waiting = new Map<number, (s: Stats) => void>();
  constructor(private readonly child: ChildProcess) {
    child.on('message', (m: Stats & { id?: number }) => {
      if (m.id !== undefined) this.waiting.get(m.id)?.(m);
    });
  }
  stats(gc = false): Promise<Stats> {
    const id = this.next++;
    if (gc) this.child.send({ id: 0, op: 'gc' });
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ id, op: 'stats' });
    });
  }
  close(): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.child.kill('SIGKILL'); resolve(); }, 10_000);
      this.child.once('exit', () => { clearTimeout(t); resolve(); });
      this.child.send({ op: 'close' });
    });
  }
}

export async function reconnectCycles(cycles: number, warmup = Math.min(50, Math.floor(cycles / 10))): Promise<ReconnectResult> {
  const certDir = path.join(os.tmpdir(), `myapps-bench-${process.getuid?.() ?? 'u'}-simcert`);
  mkdirSync(certDir, { recursive: true, mode: 0o700 });
  const simOpts: PbxSimOptions = { https: true, port: await freePort(), appsPort: await freePort(), certDir };
  let sim: PbxSim = await startPbxSim(simOpts);
  const child = fork(path.join(path.dirname(new URL(import.meta.url).pathname), 'graph-child.ts'), [sim.origin, sim.appsOrigin], {
    execArgv: [...process.execArgv, '--expose-gc'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const config = await new Promise<AppClientConfig>((resolve, reject) => {
    child.once('message', (m: { config?: AppClientConfig; fatal?: string }) => (m.config ? resolve(m.config) : reject(new Error(m.fatal))));
    child.once('exit', (code) => reject(new Error(`service graph exited (${code})`)));
  });
  const graph = new Graph(child);
  const browser = await launchChromium();
  const failures: string[] = [];
  let reconnected = 0;
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, userAgent: await launcherUserAgent(browser, config.launcher.version) });
    await injectAppClientConfig(context, sim.origin, config);
    const page = await context.newPage();
    await page.goto(`${sim.url}?pbxRetryMs=50`);
    await sim.control.waitForSession((s) => s.loggedIn, 30_000);
    let start: Stats | undefined;
    const t0 = Date.now();
    for (let i = 0; i < cycles; i++) {
      if (i === warmup) start = await graph.stats(true);
      await sim.close();
      sim = await startPbxSim(simOpts);
      try {
        await sim.control.waitForSession((s) => s.loggedIn, 15_000);
        reconnected++;
      } catch (err) {
        if (failures.length < 5) failures.push(`cycle ${i}: ${(err as Error).message}`);
      }
    }
    const elapsed = Date.now() - t0;
    // Let the last login's frames settle, then measure after a GC.
    await new Promise((r) => setTimeout(r, 500));
    const end = await graph.stats(true);
    start ??= end;
    const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
    return {
      cycles,
      reconnected,
      failures,
      rss_start_mb: mb(start.rss),
      rss_end_mb: mb(end.rss),
      rss_growth_mb: mb(end.rss - start.rss),
      heap_growth_mb: mb(end.heapUsed - start.heapUsed),
      handles_start: start.handles,
      handles_end: end.handles,
      bus_connections_end: end.busConnections,
      client_model_updates: end.clientUpdates,
      mean_cycle_ms: Math.round(elapsed / cycles),
    };
  } finally {
    await browser.close().catch(() => {});
    await sim.close().catch(() => {});
    await graph.close();
  }
}
