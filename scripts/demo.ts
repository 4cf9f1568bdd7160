/**
 * `npm run demo [-- --interactive] [-- --out DIR] [-- --only step,step] [-- --keep] [-- --electron]`
 *
 * Starts the product's whole service graph with the Linux adapters the product ships on a private
 * desktop (scripts/demo/world.ts), runs the scripted tour (scripts/demo/tour.ts: one line and
 * screenshots per step, into demo-output/) and stops everything. Exit code 0 when every step
 * passed; 1 when a part could not start (with the reason) or a step failed.
 *
 *   --interactive  start, then keep running for a person: Chromium on $DISPLAY when there is one
 *                  (else on the private Xvfb, with how to watch it); type a step name (or `tour`)
 *                  to run it; Ctrl-C stops and cleans up.
 *   --only a,b     run these steps only (dial, link, call, sharing, search, outage, forced, logs).
 *   --keep         keep the demo's private folder (traces, settings, zip) and print where it is.
 *   --electron     where Electron's binary is installed: the Electron client itself against
 *                  pbx-sim instead (no tour).
 *
 * Whether Electron's binary is there is decided WITHOUT require('electron'): that would try to
 * download it (electron >= 42 downloads lazily). See docs/packaging.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { useElectronStandIn } from './demo/electron-stand-in';
import { TOUR_STEP_IDS } from './demo/steps';

const ROOT = resolve(__dirname, '..');

function say(line: string): void {
  console.log(`[demo] ${line}`);
}

/** The Electron executable, if installed (node_modules/electron/path.txt + dist/, or ELECTRON_OVERRIDE_DIST_PATH). */
export function findElectronBinary(root = ROOT, env: NodeJS.ProcessEnv = process.env): { path?: string; reason?: string } {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(pkg)) return { reason: 'node_modules/electron is not installed (run npm ci)' };
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const exe = join(env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron');
    return existsSync(exe) ? { path: exe } : { reason: `ELECTRON_OVERRIDE_DIST_PATH has no Electron executable (${exe})` };
  }
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return { reason: "Electron's binary was never downloaded (node_modules/electron/path.txt is missing)" };
  const exe = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? { path: exe } : { reason: `Electron's binary is missing (${exe})` };
}

export interface DemoArgs {
  interactive: boolean;
  out: string;
  only?: string[];
  keep: boolean;
  electron: boolean;
}

/** The command line (throws with a usage line on anything unknown). */
export function parseDemoArgs(argv: string[], stepIds: readonly string[]): DemoArgs {
  const { values } = parseArgs({
    args: argv,
    options: { interactive: { type: 'boolean' }, out: { type: 'string' }, only: { type: 'string' }, keep: { type: 'boolean' }, electron: { type: 'boolean' } },
    strict: true,
    allowPositionals: false,
  });
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((s) => !stepIds.includes(s));
  if (unknown?.length) throw new Error(`unknown step ${unknown.join(', ')} (steps: ${stepIds.join(', ')})`);
  return { interactive: !!values.interactive, out: resolve(values.out ?? join(ROOT, 'demo-output')), ...(only ? { only } : {}), keep: !!values.keep, electron: !!values.electron };
}

function runChild(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', env });
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      done(code ?? (signal ? 1 : 0));
    });
    child.on('error', (err) => {
      say(`cannot start ${cmd}: ${err.message}`);
      done(1);
    });
  });
}

/** --electron: the Electron client against pbx-sim (machines where its binary is installed). */
async function electronDemo(): Promise<number> {
  const electron = findElectronBinary();
  if (!electron.path) {
    say(`Electron cannot run here: ${electron.reason}. Run \`npm run demo\` without --electron: the same product in Debian Chromium, with the tour.`);
    return 1;
  }
  const built = await runChild(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], process.env);
  if (built !== 0) return built;
  const { startPbxSim } = await import('../test/pbx-sim');
  const sim = await startPbxSim({ https: true });
  say(`PBX simulator: ${sim.url}`);
  const args = ['.', `--server=${new URL(sim.origin).host}`, ...(sim.cert ? [`--trust-certificate=${sim.cert.fingerprint256}`] : [])];
  try {
    return await runChild(electron.path, args, { ...process.env, ELECTRON_ENABLE_LOGGING: '1' });
  } finally {
    await sim.close();
  }
}

/** How a person watches the private display when Chromium runs there (x11vnc if installed). */
async function watchHint(display: string): Promise<{ line: string; stop?: () => void }> {
  const x11vnc = ['/usr/bin/x11vnc', '/usr/local/bin/x11vnc'].find((p) => existsSync(p));
  if (!x11vnc) return { line: `Chromium runs on the private display ${display}. To watch it: apt-get install x11vnc, then \`x11vnc -display ${display} -localhost -nopw -forever\` and a VNC viewer on localhost:5900.` };
  const p = spawn(x11vnc, ['-display', display, '-localhost', '-nopw', '-forever', '-quiet', '-autoport', '5900'], { stdio: 'ignore' });
  process.once('exit', () => p.kill());
  return { line: `Chromium runs on the private display ${display}; x11vnc serves it on localhost (port 5900 or the next free one): open a VNC viewer there.`, stop: () => p.kill() };
}

async function main(argv: string[]): Promise<number> {
  // before anything loads the product's Electron adapters (scripts/demo/electron-stand-in.ts)
  useElectronStandIn({ env: process.env });
  const args = parseDemoArgs(argv, TOUR_STEP_IDS);
  const { TOUR, runTour } = await import('./demo/tour');
  if (args.electron) return electronDemo();
  const { startDemoWorld, DemoStartError } = await import('./demo/world');
  const t0 = performance.now();
  const realDisplay = args.interactive && process.env.DISPLAY ? process.env.DISPLAY : undefined;
  say(`starting the product's service graph on a private desktop${realDisplay ? `, Chromium on your display ${realDisplay}` : ''}…`);
  let world: Awaited<ReturnType<typeof startDemoWorld>> | undefined;
  let stopping = false;
  const stop = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      say('stopping…');
      await world?.close();
    }
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  try {
    world = await startDemoWorld({ say, ...(realDisplay ? { chromiumDisplay: realDisplay } : {}), ...(args.keep ? { keep: true } : {}) });
  } catch (err) {
    say(err instanceof DemoStartError ? `FAILED: ${err.message}` : `FAILED to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    return 1;
  }
  say(`ready in ${((performance.now() - t0) / 1000).toFixed(1)} s; private folder ${world.dir}`);
  const steps = args.only ? TOUR.filter((s) => args.only!.includes(s.id)) : TOUR;
  mkdirSync(args.out, { recursive: true });
  // a whole tour replaces the screenshots of an earlier one (only the tour's own file names)
  if (!args.only && !args.interactive) for (const f of readdirSync(args.out)) if (/^\d\d-[\w-]+\.png$|^tour\.json$/.test(f)) rmSync(join(args.out, f));
  if (args.interactive) return interactive(world, args, steps, realDisplay, runTour);
  const results = await runTour(world, { out: args.out, say, steps });
  const failed = results.filter((r) => !r.ok);
  writeFileSync(join(args.out, 'tour.json'), JSON.stringify({ ok: failed.length === 0, seconds: (performance.now() - t0) / 1000, steps: results }, null, 2));
  const shots = results.flatMap((r) => r.screenshots.map((s) => relative(process.cwd(), s)));
  say(`tour: ${results.length - failed.length}/${results.length} steps passed in ${((performance.now() - t0) / 1000).toFixed(0)} s (start included); ${shots.length} screenshots:`);
  for (const s of shots) say(`  ${s}`);
  // everything stops; --keep keeps the private folder only
  await world.close();
  if (args.keep) say(`kept ${world.dir} (traces in ${world.files.logs})`);
  world = undefined;
  return failed.length ? 1 : 0;
}

async function interactive(
  world: Awaited<ReturnType<typeof import('./demo/world')['startDemoWorld']>>,
  args: DemoArgs,
  steps: import('./demo/tour').TourStep[],
  realDisplay: string | undefined,
  runTour: typeof import('./demo/tour')['runTour'],
): Promise<number> {
  const hint = realDisplay ? undefined : await watchHint(world.desktop.display);
  say(hint ? hint.line : `Chromium shows its windows on ${realDisplay}; hot keys, notifications (dunst) and links live on the private desktop ${world.desktop.display}.`);
  say(`the web client: ${world.sim().url} (user ${'atlantis'} / pwd); settings page in the window "Settings" (openSettings)`);
  say(`type a step to run it (${steps.map((s) => s.id).join(', ')}), "tour" for all of them, "settings" to open the settings page; Ctrl-C stops and cleans up.`);
  const rl = createInterface({ input: process.stdin });
  let chain = Promise.resolve();
  rl.on('line', (line) => {
    const cmd = line.trim();
    chain = chain.then(async () => {
      if (!cmd) return;
      if (cmd === 'settings') {
        await world.client.openSettings().catch((e: unknown) => say(String(e)));
        return;
      }
      const chosen = cmd === 'tour' ? steps : steps.filter((s) => s.id === cmd);
      if (!chosen.length) return say(`unknown command ${cmd}`);
      await runTour(world, { out: args.out, say, steps: chosen });
    });
  });
  // until Ctrl-C: the signal handler closes everything and exits (x11vnc goes with the process)
  return new Promise<number>(() => void hint);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(__filename)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
