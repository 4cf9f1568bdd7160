/**
 * `npm run demo [-- --no-fallback] [-- <demo:chromium options>]`
 *
 * Starts the PBX simulator (test/pbx-sim) and the Electron client pointed at it:
 * `electron . --server=127.0.0.1:<port> --trust-certificate=<sim certificate fingerprint>`.
 * Stops the simulator when the client exits (or on Ctrl+C).
 *
 * Where Electron's binary is not installed (as on the development machines, which cannot download
 * it), it says so and runs `npm run demo:chromium` instead (the same service graph with the
 * renderer in Debian Chromium; it saves screenshots), passing the remaining options on.
 * `--no-fallback` only prints the explanation and exits 0.
 *
 * Whether the binary is there is decided WITHOUT require('electron'): that would try to download
 * it (electron >= 42 downloads lazily). See docs/packaging.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

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

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', env: opts.env ?? process.env });
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolvePromise(code ?? (signal ? 1 : 0));
    });
    child.on('error', (err) => {
      say(`cannot start ${cmd}: ${err.message}`);
      resolvePromise(1);
    });
  });
}

async function main(argv: string[]): Promise<number> {
  const noFallback = argv.includes('--no-fallback');
  const rest = argv.filter((a) => a !== '--no-fallback');
  const electron = findElectronBinary();
  if (!electron.path) {
    say(`Electron cannot run here: ${electron.reason}.`);
    say('The binary is downloaded from GitHub, which this machine cannot reach (ELECTRON_SKIP_BINARY_DOWNLOAD=1 installs).');
    if (noFallback) {
      say('Run `npm run demo:chromium` for the same service graph with the renderer in Debian Chromium.');
      return 0;
    }
    say('Running `npm run demo:chromium` instead: the same service graph, renderer in Debian Chromium, screenshots saved.');
    return run(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'demo-chromium.ts'), ...rest]);
  }

  say('building (scripts/build.mjs)…');
  const built = await run(process.execPath, [join(ROOT, 'scripts', 'build.mjs')]);
  if (built !== 0) return built;

  const { startPbxSim } = await import('../test/pbx-sim');
  const sim = await startPbxSim({ https: true });
  say(`PBX simulator: ${sim.url}`);
  const host = new URL(sim.origin).host;
  const args = ['.', `--server=${host}`];
  if (sim.cert) args.push(`--trust-certificate=${sim.cert.fingerprint256}`);
  say(`starting ${electron.path} ${args.join(' ')}`);
  let code = 1;
  try {
    code = await run(electron.path, args, { env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' } });
  } finally {
    await sim.close();
    say('PBX simulator stopped.');
  }
  return code;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
