/**
 * The packaged main loads and starts (issue 10): the real build (dist/) beside package.json and
 * package-lock.json in a temporary folder, `npm ci --omit=dev` (the production dependencies
 * alone, what electron-builder packs), then every Node-side bundle (main.cjs, preload.cjs) loaded
 * in plain Node with the Electron stand-in and main booted through app.whenReady() to the running
 * service graph, with the product's Linux adapters on a private desktop session (Xvfb, session
 * D-Bus, dunst, GNOME Keyring). A module that does not resolve, a service the product should
 * start and does not (services.skipped), or a Linux adapter that fell back fails the test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINK_SCHEMES } from '../../common/links';
import { LINUX_X11_ADAPTER_KINDS } from './harness/linux-adapters';
import { prepareProductApp, type ProductApp } from './harness/product-bundle';
import { startDesktopSession, type DesktopSession } from './harness/desktop';

describe('the packaged main (dist/ + production dependencies only)', () => {
  let dir: string;
  let app: ProductApp;
  let desktop: DesktopSession;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'packaged-main-'));
    app = await prepareProductApp(dir);
    const home = path.join(dir, 'home');
    mkdirSync(home);
    desktop = await startDesktopSession(home, { notifications: true, keyring: true });
    env = {
      ...desktop.env,
      XDG_SESSION_TYPE: 'x11',
      XDG_DATA_HOME: path.join(home, 'data'),
      XDG_CONFIG_HOME: path.join(home, 'config'),
      LANG: 'C.UTF-8',
    };
    // hot keys configured by the user, so the key listener grabs them for real
    const userData = path.join(home, 'appData', 'innovaphone', 'myApps');
    mkdirSync(userData, { recursive: true });
    writeFileSync(path.join(userData, 'settings.json'), JSON.stringify({ version: 1, values: { hotkeyDial: 'ctrl+F9', hotkeyAccept: 'F7', hotkeyReject: 'alt+shift+F8' } }));
  }, 300_000);

  afterAll(async () => {
    await desktop?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs no runtime packages: the bundles carry their dependencies', () => {
    const modules = existsSync(path.join(app.appDir, 'node_modules')) ? readdirSync(path.join(app.appDir, 'node_modules')).filter((n) => !n.startsWith('.')) : [];
    expect(modules).toEqual([]);
  });

  it('boots main through app.whenReady() to the whole service graph with the Linux adapters', async () => {
    const running = app.start('boot', ['--hidden', '--log-flags=0x1'], { ...env, RUN_BUNDLE_HOLD: '1' });
    const report = await running.report;
    let failure: unknown;
    try {
      const early = report ? undefined : await running.exited;
      expect(early?.stderr ?? '', 'the bundle did not start').not.toMatch(/Cannot find module|MODULE_NOT_FOUND/);
      expect(report, early?.stderr).toBeDefined();
      // nothing skipped: every service the product wires runs
      expect(report!.skipped).toEqual({});
      expect(report!.instances).toEqual(expect.arrayContaining(['hotkeys', 'links', 'activity', 'notifications', 'externalApps', 'phonebook', 'media', 'settings', 'connector', 'proxyFetch', 'update', 'appProxy']));
      // nothing loaded from node_modules; the preload exposed its API and main answered through it
      expect(report!.loadedPackages).toEqual([]);
      expect(report!.preloadExposed).toEqual(['myAppsLauncher']);
      expect(report!.connectState).toMatchObject({ locked: false });
      // the viewer page script comes from dist/ (no esbuild in the product)
      expect(report!.viewer.status).toBe(200);
      expect(report!.viewer.bytes).toBeGreaterThan(1000);
      // the X11 key listener grabbed the user's chords
      for (const f of ['dial', 'accept', 'reject']) expect(report!.hotkeys.functions[f], f).toMatchObject({ active: true });
      // the OS registration of the links ran for real (xdg-mime in the private XDG folders)
      const xdgEnv = { ...env, XDG_CURRENT_DESKTOP: '' };
      await expect
        .poll(() => LINK_SCHEMES.map((s) => execFileSync('xdg-mime', ['query', 'default', `x-scheme-handler/${s}`], { env: xdgEnv, encoding: 'utf8' }).trim()), { timeout: 20_000, interval: 250 })
        .toEqual(LINK_SCHEMES.map(() => 'myapps-links.desktop'));
      const entry = readFileSync(path.join(env.XDG_DATA_HOME!, 'applications', 'myapps-links.desktop'), 'utf8');
      expect(entry).toMatch(/^Exec=\S+ -- %u$/m);
    } catch (err) {
      failure = err;
    }
    const done = await running.quit();
    if (failure) throw failure;
    expect(done.code, done.stderr).toBe(0);
    // The trace names the adapter chosen for each port: the Linux X11 ones, no fallback.
    const traces = path.join(env.XDG_DATA_HOME!, 'innovaphone', 'myApps', 'traces');
    const text = readdirSync(traces).map((f) => readFileSync(path.join(traces, f), 'utf8')).join('\n');
    const line = /OS adapters (\{.*\})/.exec(text)?.[1];
    expect(line, 'no "OS adapters" trace line').toBeDefined();
    expect(JSON.parse(line!)).toEqual(LINUX_X11_ADAPTER_KINDS);
    // the second-start handoff listens in the user's runtime folder
    expect(text).toMatch(new RegExp(`links: handoff channel listening \\{"path":"${env.XDG_RUNTIME_DIR}/myApps/links-[0-9a-f]{12}\\.sock"\\}`));
  }, 120_000);
});
