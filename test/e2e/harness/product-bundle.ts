/**
 * The product as it is packaged, runnable here: scripts/build.mjs writes dist/ into a temporary
 * app folder beside a copy of package.json and package-lock.json, `npm ci --omit=dev` installs
 * the production dependencies alone (what electron-builder would pack), and
 * test/fixtures/run-bundle.cjs runs the bundles in plain Node with the Electron stand-in
 * (test/fixtures/fake-electron.ts, bundled to CommonJS) as the only module stood in for.
 */
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build as esbuild } from 'esbuild';

const root = path.resolve(__dirname, '..', '..', '..');
const exec = promisify(execFile);

export interface ProductApp {
  /** The app folder: dist/, package.json, package-lock.json, node_modules/ (production only). */
  appDir: string;
  /** The Electron stand-in, bundled to CommonJS. */
  fakeElectron: string;
  /** What `npm ci --omit=dev` printed. */
  npmOutput: string;
  /**
   * Runs test/fixtures/run-bundle.cjs (mode boot or second) in a fresh Node process whose
   * environment is `env` only (plus RUN_BUNDLE_APPDATA/RUN_BUNDLE_TEMP under `home`).
   */
  run(mode: 'boot' | 'second', args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<RunResult>;
  /** The same, running: `report` resolves with the REPORT line (undefined if it exited first); with RUN_BUNDLE_HOLD=1 in env the app runs until quit(). */
  start(mode: 'boot' | 'second', args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): { report: Promise<Record<string, any> | undefined>; quit(): Promise<RunResult>; exited: Promise<RunResult> };
  /** The command line that run() uses (for a .desktop Exec): node, runner, stand-in, app, mode. */
  command(mode: 'boot' | 'second'): string[];
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The parsed `REPORT {…}` line of a boot run. */
  report?: Record<string, any>;
}

/** The built product (dist/) in `<dir>/app` and the Electron stand-in beside it, runnable with test/fixtures/run-bundle.cjs. */
export interface BuiltProduct {
  appDir: string;
  fakeElectron: string;
  /** The command line that runs the bundle (for a .desktop Exec): node, runner, stand-in, app, mode. */
  command(mode: 'boot' | 'second'): string[];
}

/**
 * scripts/build.mjs into `<dir>/app/dist` (build stamp `build`) and the Electron stand-in bundled
 * to CommonJS. The bundles carry their dependencies, so this runs as it is (the demo's second
 * start); `prepareProductApp` adds the production dependencies as electron-builder would pack them.
 */
export async function buildProduct(dir: string, build = 'bundle-test'): Promise<BuiltProduct> {
  const appDir = path.join(dir, 'app');
  await fs.mkdir(appDir, { recursive: true });
  await exec(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--out', path.join(appDir, 'dist')], { cwd: root, env: { ...process.env, MYAPPS_BUILD: build } });
  const fakeElectron = path.join(dir, 'fake-electron.cjs');
  await esbuild({ entryPoints: [path.join(root, 'test', 'fixtures', 'fake-electron.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: fakeElectron, logLevel: 'silent' });
  const runner = path.join(root, 'test', 'fixtures', 'run-bundle.cjs');
  return { appDir, fakeElectron, command: (mode) => [process.execPath, runner, fakeElectron, appDir, mode] };
}

/** Builds the product into `<dir>/app` and installs its production dependencies there. */
export async function prepareProductApp(dir: string): Promise<ProductApp> {
  const { appDir, fakeElectron, command } = await buildProduct(dir);
  for (const f of ['package.json', 'package-lock.json']) await fs.copyFile(path.join(root, f), path.join(appDir, f));
  const npm = await exec('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: appDir,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', npm_config_update_notifier: 'false' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const app: ProductApp = {
    appDir,
    fakeElectron,
    npmOutput: `${npm.stdout}${npm.stderr}`.trim(),
    command,
    run(mode, args, env, timeoutMs = 60_000) {
      return app.start(mode, args, env, timeoutMs).exited;
    },
    start(mode, args, env, timeoutMs = 60_000) {
      const [node, ...pre] = command(mode);
      const home = env.HOME ?? dir;
      const p = spawn(node!, [...pre, ...args], {
        cwd: appDir,
        env: { RUN_BUNDLE_APPDATA: path.join(home, 'appData'), RUN_BUNDLE_TEMP: path.join(home, 'tmp'), ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let onReport: (r: Record<string, any> | undefined) => void = () => {};
      const report = new Promise<Record<string, any> | undefined>((r) => (onReport = r));
      p.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        const line = stdout.split('\n').find((l) => l.startsWith('REPORT '));
        if (line && stdout.includes(`${line}\n`)) onReport(JSON.parse(line.slice(7)));
      });
      p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      if (env.RUN_BUNDLE_HOLD !== '1') p.stdin!.end();
      const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
      const exited = new Promise<RunResult>((resolve) => {
        p.on('close', (code) => {
          clearTimeout(timer);
          onReport(undefined);
          const line = stdout.split('\n').find((l) => l.startsWith('REPORT '));
          resolve({ code, stdout, stderr, ...(line ? { report: JSON.parse(line.slice(7)) } : {}) });
        });
      });
      return { report, quit: () => { p.stdin!.end(); return exited; }, exited };
    },
  };
  return app;
}
