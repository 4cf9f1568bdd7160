/**
 * main.rss_mb (`--only main`): memory of the main process's Node side with the whole platform
 * service graph idle. A child Node process starts the graph with the shared wiring function
 * (createPlatformServices, as electron/main.ts does) and the adapters the product chooses on Linux
 * X11 (electron/os-adapters.ts createOsAdapters: XGrabKey key listener, X11 PRIMARY selection, X11
 * idle time, D-Bus notifier, Secret Service credential store, OS CA bundle, xdg-mime link
 * registration; test/bench/main-graph.ts) in a private desktop session (Xvfb, session D-Bus, dunst, gnome-keyring), trace files on with
 * the default flags, the media engine page opened in Chromium by this (parent) process; after
 * BENCH_MAIN_IDLE_MS (60 s) idle it reports process.memoryUsage(). Not covered: what Electron
 * itself adds to its main process (Chromium's browser side, Electron's own bindings), the window
 * services (Electron windows, built by main.ts after the graph).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BenchContext } from './types';

const THIS_FILE = fileURLToPath(import.meta.url);
const REPO = path.resolve(path.dirname(THIS_FILE), '..', '..');
const IDLE_MS = Number(process.env.BENCH_MAIN_IDLE_MS ?? 60_000);
const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;

export default async function bench(ctx: BenchContext): Promise<void> {
  if (ctx.only && !'main.'.startsWith(ctx.only) && !ctx.only.startsWith('main')) return;
  const { startDesktopSession } = await import('../e2e/harness/desktop');
  const { launchChromium } = await import('../e2e/harness/chromium');
  const root = mkdtempSync(path.join(os.tmpdir(), 'main-bench-'));
  const session = await startDesktopSession(root, { notifications: true, keyring: true });
  const browser = await launchChromium();
  try {
    mkdirSync(path.join(root, 'run'), { recursive: true, mode: 0o700 });
    // Bundled like dist/main.cjs (scripts/build.mjs): no TypeScript loader in the measured process.
    const bundle = path.join(root, 'main-graph.cjs');
    const { MAIN_EXTERNALS } = (await import(path.join(REPO, 'scripts', 'build.mjs'))) as { MAIN_EXTERNALS: string[] };
    await build({ entryPoints: [path.join(REPO, 'test', 'bench', 'main-graph.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', external: [...MAIN_EXTERNALS], logLevel: 'warning' });
    const child = spawn(process.execPath, [bundle], { cwd: REPO, env: { ...session.env, MAIN_BENCH_ROOT: root, MAIN_BENCH_IDLE_MS: String(IDLE_MS), MAIN_BENCH_NATIVE_DIR: path.join(REPO, 'native') }, stdio: ['ignore', 'pipe', 'inherit'] });
    type Report = { memory: NodeJS.MemoryUsage; skipped: Record<string, string>; started: string[]; standins: Record<string, string>; adapters: Record<string, string>; adapters_not_as_expected: string[] };
    const result = await new Promise<Report>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let msg: { open?: string; memory?: NodeJS.MemoryUsage };
        try { msg = JSON.parse(line) as typeof msg; } catch { return; }
        if (msg.open) void browser.newPage().then((p) => p.goto(msg.open!)).catch(() => {});
        else if (msg.memory) resolve(msg as Report);
      });
      child.on('exit', (code) => reject(new Error(`graph process exited with ${code} before reporting`)));
    });
    const m = result.memory;
    ctx.emit({
      name: 'main.rss_mb', value: mb(m.rss), unit: 'MB', target: '<= 80 (Node side)',
      path: 'createPlatformServices (electron/wiring) with createOsAdapters (electron/os-adapters.ts, Linux X11), bundled like dist/main.cjs, in a Node process, idle; Electron/Chromium not included',
      heap_used_mb: mb(m.heapUsed), heap_total_mb: mb(m.heapTotal), external_mb: mb(m.external), array_buffers_mb: mb(m.arrayBuffers),
      idle_s: IDLE_MS / 1000, started: result.started, skipped: result.skipped, standins: result.standins, adapters: result.adapters, adapters_not_as_expected: result.adapters_not_as_expected, loadavg: +os.loadavg()[0]!.toFixed(2),
    });
  } finally {
    await browser.close();
    await session.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
