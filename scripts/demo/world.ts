/**
 * What `npm run demo` starts (docs: README "The demo"): the product's whole service graph — the
 * one wiring function (createPlatformServices) with the port implementations the product chooses
 * on Linux (electron/os-adapters.ts: XGrabKey hot keys, X11 PRIMARY selection, D-Bus
 * notifications, the X11 idle clock, secret-tool, xdg-mime link registration, proxyFetch) — on a
 * private desktop (Xvfb, session D-Bus, dunst, GNOME Keyring), against pbx-sim with the stand-in
 * web client, apps and softphone, the phone book over a bundled vCard folder, the media engine
 * with fake devices, the app proxy, the settings store, trace files and an update store. Debian
 * Chromium stands in for Electron's windows (the web client's, the media engine's, the launcher
 * pages'), as in the end-to-end tests. The launcher pages reach the product's handler table
 * through the launcher bridge (./launcher-bridge.ts); a second start of the built product
 * (dist/main.cjs) hands links over the product's local socket.
 *
 * Every part that cannot start fails the demo with the reason (DemoStartError): nothing is skipped.
 */
import { execFile } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { promises as fs, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Api } from '../../common/bus';
import type { OsAdapters } from '../../electron/os-adapters';
import type { FileLocations, Logger } from '../../electron/platform';
import type { PlatformServices } from '../../electron/wiring';
import type { TraceFiles } from '../../electron/log';
import type { SettingsStore } from '../../electron/settings';
import type { AppProxy } from '../../electron/appproxy';
import type { MediaService } from '../../electron/media';
import { startPbxSim, type PbxSim, type PbxSimOptions } from '../../test/pbx-sim';
import { startDesktopSession, type DesktopSession, type DunstUser } from '../../test/e2e/harness/desktop';
import { SYSTEM_PACKAGES } from '../../test/e2e/harness/system-packages';
import { LINUX_X11_ADAPTER_KINDS } from '../../test/e2e/harness/linux-adapters';
import { ensurePackages } from '../../test/e2e/harness/global-setup';
import { launchChromium, MEDIA_FLAGS } from '../../test/e2e/harness/chromium';
import { newClientContext, waitForWebClient } from '../../test/e2e/harness/stack';
import { routeThroughAppProxy } from '../../test/e2e/harness/app-proxy-route';
import { buildProduct, type BuiltProduct } from '../../test/e2e/harness/product-bundle';
import { startClient, USERS, type Client } from '../../test/e2e/harness/two-clients';
import { publishBuild, startStoreServer, TEST_KEY, type StoreServer } from '../../test/fixtures/update/store-server';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { startInhibitStandIn, type InhibitStandIn } from '../../test/fixtures/inhibit-standin';
import { useElectronStandIn } from './electron-stand-in';
import { DEMO_LAUNCHER_ORIGIN, pageIds } from './launcher-bridge';
import { linkHandoffEndpoint } from '../../electron/links';
import { startDemoClient, type DemoClient } from './client';
import { DemoStartError, type DemoOptions } from './start-error';

export { DemoStartError, type DemoOptions };

export const ROOT = path.resolve(__dirname, '..', '..');
export const PRODUCT_NAME = 'myApps';
/** The demo user's hot keys (their settings.json): dial selected text, accept, reject. */
export const DEMO_HOTKEYS = { hotkeyDial: 'ctrl+F9', hotkeyAccept: 'F7', hotkeyReject: 'alt+shift+F8' } as const;
/** The build the PBX asks for (the update store publishes it, signed with the store's key). */
export const DEMO_UPDATE_BUILD = '1001';
/** The caller of the incoming call: a second user on the same PBX with a client of their own. */
export const CALLER = { ...USERS[1]!, dn: 'Bob Builder', num: '202' };
export const USER = USERS[0]!;


export interface DemoWorld {
  dir: string;
  /** The demo user's home (HOME, XDG folders, appData, contacts). */
  home: string;
  /** The client's environment (the private desktop session's, plus XDG folders and the language). */
  env: NodeJS.ProcessEnv;
  desktop: DesktopSession & { notifications: DunstUser; display: string };
  /** The desktop's inhibit services on the private session D-Bus (a stand-in: the product's keep-awake adapter asks them). */
  inhibit: InhibitStandIn;
  /** The PBX simulator (replaced by restartSim). */
  sim(): PbxSim;
  store: StoreServer;
  product: BuiltProduct;
  files: FileLocations;
  traces: TraceFiles;
  settings: SettingsStore;
  osAdapters: OsAdapters;
  services: PlatformServices;
  appProxy: AppProxy;
  media: MediaService;
  /** AppProxy trace outcomes seen so far (hit, offline, stored, …) by URL path. */
  appProxyOutcomes(): { path: string; outcome: string }[];
  browser: Browser;
  context: BrowserContext;
  client: DemoClient;
  caller: Client;
  /** The stand-in AppImage the update service would replace (env APPIMAGE). */
  appImage: string;
  /** The PBX gives the user this language (the sim's model); the web client starts again and logs in, its apps in that language. */
  setWebClientLanguage(lang: 'en' | 'de'): Promise<void>;
  /** Stops pbx-sim (PBX outage) and starts it again on the same ports. */
  stopSim(): Promise<void>;
  restartSim(): Promise<void>;
  close(): Promise<void>;
}

type Cleanup = () => Promise<unknown> | unknown;
/** The parts of the Electron stand-in the demo reads: Electron's paths (as main.ts reads them) and the default session. */
type StandIn = { app: { getPath(name: string): string }; session: { defaultSession: unknown } };

/** Runs `fn` as the start of `part`: says what started and how long it took; any error becomes a DemoStartError. */
async function starting<T>(o: DemoOptions, part: string, fn: () => Promise<T>, detail?: (v: T) => string): Promise<T> {
  const t0 = performance.now();
  let v: T;
  try {
    v = await fn();
  } catch (err) {
    if (err instanceof DemoStartError) throw err;
    throw new DemoStartError(part, err instanceof Error ? err.message : String(err));
  }
  o.say(`started ${part}${detail ? `: ${detail(v)}` : ''} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return v;
}

/** Single-quoted for sh. */
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The SPKI hash Chromium's --ignore-certificate-errors-spki-list takes: trusts exactly the sim's certificate. */
export function spkiHash(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** A logger that writes to `inner` and keeps the app proxy's outcomes for the demo's checks. */
function teeAppProxy(inner: Logger, seen: { path: string; outcome: string }[]): Logger {
  return {
    trace(category, message, data) {
      if (category === 'AppProxy' && data && typeof data.url === 'string' && typeof data.outcome === 'string') {
        try {
          seen.push({ path: new URL(data.url).pathname, outcome: data.outcome });
          if (seen.length > 5000) seen.splice(0, 1000);
        } catch {
          // a URL the proxy traced as "(bad url)"
        }
      }
      inner.trace(category, message, data);
    },
    warn: (m, d) => inner.warn(m, d),
    error: (m, d) => inner.error(m, d),
    enabled: (c) => c === 'AppProxy' || (inner.enabled?.(c) ?? true),
  };
}

export async function startDemoWorld(o: DemoOptions): Promise<DemoWorld> {
  const cleanups: Cleanup[] = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch {
        // keep cleaning up
      }
    }
  };
  try {
    return await build(o, cleanups, cleanup);
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function build(o: DemoOptions, cleanups: Cleanup[], cleanup: () => Promise<void>): Promise<DemoWorld> {
  await starting(o, 'system packages', async () => ensurePackages(SYSTEM_PACKAGES.filter((p) => p.demo), 'the demo', '[demo]'), () => SYSTEM_PACKAGES.filter((p) => p.demo).map((p) => p.pkg).join(' '));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'myapps-demo-'));
  if (!o.keep) cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  const home = path.join(dir, 'home');
  await fs.mkdir(home, { recursive: true, mode: 0o700 });

  const product = await starting(o, 'product build', () => buildProduct(dir, 'demo'), (p) => `${path.relative(dir, p.appDir)}/dist (scripts/build.mjs) and the Electron stand-in`);

  const desktop = await starting(o, 'private desktop', () => startDesktopSession(home, { notifications: true, keyring: true }), (d) => `Xvfb ${d.display}, session D-Bus, dunst, GNOME Keyring`);
  cleanups.push(() => desktop.stop());
  if (!desktop.display || !desktop.notifications) throw new DemoStartError('private desktop', 'no X display or no notification daemon');
  // The private session bus has no desktop environment whose services keep the machine awake
  // (ScreenSaver, PowerManagement): the tests' stand-in owns their names, so the product's D-Bus
  // inhibit adapter (native/linux/power-save.ts) has someone to ask during calls.
  const inhibit = await starting(o, 'inhibit services', () => startInhibitStandIn(desktop.env.DBUS_SESSION_BUS_ADDRESS!, ['screensaver', 'power']), () => 'org.freedesktop.ScreenSaver and org.freedesktop.PowerManagement on the private session D-Bus (test/fixtures/inhibit-standin.ts)');
  cleanups.push(() => inhibit.close());
  const env: NodeJS.ProcessEnv = {
    ...desktop.env,
    XDG_SESSION_TYPE: 'x11',
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    // the client's language: the user's (LANG=de_DE.UTF-8 npm run demo starts it in German)
    ...Object.fromEntries(['LANG', 'LANGUAGE', 'LC_ALL', 'LC_MESSAGES'].filter((k) => process.env[k]).map((k) => [k, process.env[k]])),
  };

  // Electron's app paths in the private home; then the product's file layout (native/electron/file-locations.ts).
  const electron = useElectronStandIn({ paths: { appData: path.join(home, 'appData'), temp: path.join(home, 'tmp'), home }, env }) as unknown as StandIn;
  const { createFileLocations } = await import('../../native/electron/file-locations');
  const files = createFileLocations('linux', env);
  const contacts = path.join(env.XDG_DATA_HOME!, 'contacts');
  await seedHome(files, contacts, home);

  const { createTraceFiles } = await import('../../electron/log');
  const traces = createTraceFiles({ dir: files.logs });
  cleanups.push(() => traces.close());
  const outcomes: { path: string; outcome: string }[] = [];
  const logger = teeAppProxy(traces.main, outcomes);

  const { SettingsStore } = await import('../../electron/settings');
  const { LinuxManagedSettingsReader } = await import('../../native/linux/managed');
  const settings = await starting(o, 'settings store', () => SettingsStore.open({ userData: files.userData, logger, managed: [new LinuxManagedSettingsReader()] }), () => `${path.join(files.userData, 'settings.json')} (+ /etc/innovaphone/myApps)`);
  cleanups.push(() => settings.flush());

  const store = await starting(o, 'update store', async () => {
    const s = await startStoreServer();
    publishBuild(s, DEMO_UPDATE_BUILD, [{ os: 'linux', arch: process.arch === 'arm64' ? 'arm64' : 'x64', kind: 'appimage', name: `myApps-${DEMO_UPDATE_BUILD}.AppImage`, data: appImageScript(product, home, DEMO_UPDATE_BUILD) }]);
    return s;
  }, (s) => `${s.storeUrl} publishes build ${DEMO_UPDATE_BUILD}`);
  cleanups.push(() => store.close());

  const simOptions: PbxSimOptions = {
    https: true,
    softphone: true,
    autoLogin: false,
    users: [CALLER],
    model: { launcherUpdateBuild: DEMO_UPDATE_BUILD, appStoreUrl: store.storeUrl },
  };
  let sim = await starting(o, 'pbx-sim', () => startPbxSim(simOptions), (s) => `${s.url} (apps ${s.appsOrigin}; users ${USER.sip}, ${CALLER.sip})`);
  let simRunning = true;
  cleanups.push(() => simRunning && sim.close());

  const osAdapters = await starting(o, 'Linux adapters', () => linuxAdapters(env, files, logger, product, home, electron), (a) => Object.entries(a.kinds).map(([k, v]) => `${k} ${v}`).join(', '));
  cleanups.push(() => osAdapters.close());

  const browser = await starting(o, 'Chromium', () => launchChromium({
    headed: true,
    args: [...MEDIA_FLAGS, '--autoplay-policy=no-user-gesture-required', `--display=${o.chromiumDisplay ?? desktop.display}`, `--ignore-certificate-errors-spki-list=${spkiHash(sim.cert!.cert)}`, '--window-size=1200,760'],
  }), (b) => `Debian Chromium ${b.version()} on ${o.chromiumDisplay ?? desktop.display} (fake media devices)`);
  cleanups.push(() => browser.close());

  const ids = pageIds();
  const linkHandoffPath = linkHandoffEndpoint({ platform: 'linux', env, userData: electron.app.getPath('userData'), tmpdir: electron.app.getPath('temp') });
  const client = await startDemoClient({ o, env, files, traces, logger, settings, osAdapters, browser, ids, product, store, sim: () => sim, linkHandoffPath });
  cleanups.push(() => client.close());
  const services = client.services;
  const appProxy = services.instances.appProxy;
  const media = services.instances.media;
  if (!appProxy || !media) throw new DemoStartError('service graph', 'no app proxy or media service');

  const context = await starting(o, 'web client window', async () => {
    const { context: ctx } = await newClientContext(browser, { services, pbxOrigin: sim.origin, logger, dispatcher: client.dispatcher, pageId: (p) => ids.idOf(p), options: { viewport: { width: 1200, height: 720 } } });
    // protocol.handle('https') of the product: the session's https requests through the app proxy (not the launcher pages')
    await routeThroughAppProxy(ctx, appProxy, (u) => u.protocol === 'https:' && u.origin !== DEMO_LAUNCHER_ORIGIN);
    await client.attach(ctx);
    return ctx;
  }, () => 'the product\'s dispatcher behind the launcher hooks and the launcher pages; https through the app proxy');

  await starting(o, `web client (${USER.sip})`, async () => {
    await client.start();
    await loginAndWait(client.main(), services, USER);
  }, () => `${sim.url}: phone, chat and softphone apps on the bus; softphone registered with the media engine`);

  await starting(o, 'update from the PBX\'s store', async () => {
    const update = services.instances.update;
    if (!update) throw new Error('no update service');
    const end = Date.now() + 60_000;
    for (;;) {
      const st = update.status;
      if (st.state === 'ready') return st.build;
      if (st.state === 'off' || st.state === 'error' || st.state === 'refused') throw new Error(`update ${st.state}: ${'reason' in st ? st.reason : st.error}`);
      if (Date.now() > end) throw new Error(`no verified download within 60 s (state ${st.state})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, (build) => `the PBX asked for build ${build}: downloaded from ${store.storeUrl} and verified (signature, SHA-256); the product asks the user before installing`);

  const caller = await starting(o, `caller (${CALLER.sip})`, () => startClient(sim, browser, CALLER, memoryLogger()), () => 'a second client on the same PBX (own service graph, softphone)');
  cleanups.push(() => caller.services.close());
  await waitForSoftphone(caller.web, 'the caller\'s softphone');

  return {
    dir,
    home,
    env,
    desktop: desktop as DemoWorld['desktop'],
    inhibit,
    sim: () => sim,
    store,
    product,
    files,
    traces,
    settings,
    osAdapters,
    services,
    appProxy,
    media,
    appProxyOutcomes: () => [...outcomes],
    browser,
    context,
    client,
    caller,
    appImage: env.APPIMAGE ?? '',
    async setWebClientLanguage(lang) {
      sim.control.setModel({ lang });
      simOptions.model = { ...simOptions.model, lang };
      await client.main().reload();
      await loginAndWait(client.main(), services, USER);
    },
    async stopSim() {
      simRunning = false;
      await sim.close();
    },
    async restartSim() {
      sim = await startPbxSim({ ...simOptions, port: sim.port, appsPort: sim.appsPort });
      simRunning = true;
    },
    close: cleanup,
  };
}

/** What the demo user has before the first start: their hot keys, a few contacts, the installed "AppImage". */
async function seedHome(files: FileLocations, contacts: string, home: string): Promise<void> {
  await fs.mkdir(files.userData, { recursive: true, mode: 0o700 });
  await fs.writeFile(path.join(files.userData, 'settings.json'), JSON.stringify({ version: 1, values: { ...DEMO_HOTKEYS } }));
  await fs.mkdir(contacts, { recursive: true });
  const sample = path.join(__dirname, 'contacts');
  for (const f of await fs.readdir(sample)) if (f.endsWith('.vcf')) await fs.copyFile(path.join(sample, f), path.join(contacts, f));
}

/**
 * The demo's stand-in for the installed AppImage (the desktop entry the link registration writes
 * runs $APPIMAGE with the link): the built product (dist/main.cjs on the Electron stand-in) as a
 * second start, which hands the link to the running client over the product's local socket. The
 * update store publishes the same script with its build number.
 */
function appImageScript(product: BuiltProduct, home: string, build: string): Buffer {
  const [node, ...args] = product.command('second');
  return Buffer.from(
    `#!/bin/sh\n# myApps build ${build} (the demo's stand-in for the AppImage): a start with a link hands it to the running client.\n` +
      `RUN_BUNDLE_APPDATA=${sh(path.join(home, 'appData'))} RUN_BUNDLE_TEMP=${sh(path.join(home, 'tmp'))} exec ${[node!, ...args].map(sh).join(' ')} "$@"\n`,
  );
}

/**
 * The port implementations the product chooses on this OS (electron/os-adapters.ts), for a client
 * installed as an AppImage ($APPIMAGE: the built product's second start, see appImageScript).
 */
async function linuxAdapters(env: NodeJS.ProcessEnv, files: FileLocations, logger: Logger, product: BuiltProduct, home: string, electron: StandIn): Promise<OsAdapters> {
  const bin = path.join(home, 'opt', 'myApps.AppImage');
  await fs.mkdir(path.dirname(bin), { recursive: true });
  await fs.writeFile(bin, appImageScript(product, home, '1000'), { mode: 0o755 });
  env.APPIMAGE = bin;
  const { createOsAdapters } = await import('../../electron/os-adapters');
  const a = await createOsAdapters({
    platform: 'linux',
    env,
    files,
    logger,
    session: electron.session.defaultSession as Parameters<typeof createOsAdapters>[0]['session'],
    nativeDir: path.join(ROOT, 'native'),
    productName: PRODUCT_NAME,
    icon: path.join(product.appDir, 'dist', 'icons', 'icon.png'),
    isPackaged: true,
    execPath: bin,
    warmUpCopyHelper: true,
  });
  const wrong = Object.entries(LINUX_X11_ADAPTER_KINDS).filter(([k, v]) => a.kinds[k] !== v);
  if (wrong.length) {
    a.close();
    throw new DemoStartError('Linux adapters', `the product chose ${wrong.map(([k]) => `${k} ${a.kinds[k]}`).join(', ')} instead of ${wrong.map(([k, v]) => `${k} ${v}`).join(', ')} (see the trace for why)`);
  }
  return a;
}

/** The login form of the stand-in web client (sessions are not simulated: every page load logs in). */
export async function loginAndWait(page: Page, services: PlatformServices, user: { sip: string; password: string }, timeoutMs = 60_000): Promise<void> {
  await page.locator('#login-user').fill(user.sip, { timeout: timeoutMs });
  await page.locator('#login-pwd').fill(user.password);
  await page.locator('#login button[type=submit]').click();
  await waitForWebClient(services, timeoutMs);
  const phone = services.router.consume(Api.phone);
  try {
    await phone.waitForProvider(timeoutMs, 'softphone');
  } finally {
    phone.close();
  }
  await waitForSoftphone(page, 'the softphone');
}

/** Until the softphone app in `page` has its media (the launcher's Media service) and is registered at the PBX. */
export async function waitForSoftphone(page: Page, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const frame = page.frame({ name: 'softphone' });
    const sp = frame
      ? await frame.evaluate(() => {
          const s = (globalThis as unknown as { __softphone?: { state: string; media: string; signal: string; log: string[]; errors: string[] } }).__softphone;
          return s && { state: s.state, media: s.media, signal: s.signal, log: s.log.slice(-5), errors: s.errors.slice(-5) };
        }).catch(() => undefined)
      : undefined;
    if (sp?.state === 'ready') return;
    if (Date.now() > end) throw new Error(`${what} is not ready (${sp ? JSON.stringify(sp) : 'not loaded'})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs a program; resolves with its exit code, stdout and stderr. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export { TEST_KEY };
