/**
 * tel:/callto:/sip:/im: links end to end (issue 3, issue 10): the product's Linux registration
 * (LinuxProtocolRegistrar: a .desktop entry in a temporary XDG data folder made the default
 * x-scheme-handler with real xdg-mime) names the built product as its command; real
 * `xdg-open tel:…` starts it as a second instance (dist/main.cjs run by test/fixtures/run-bundle.cjs
 * with the Electron stand-in, the single-instance lock held), which hands the link over the
 * product's local socket (electron/links/handoff.ts, at the endpoint the product computes) to the
 * running services and exits with the outcome; the stand-in phone app in Chromium gets StartCall.
 * A link opened before the web client is connected is queued and delivered exactly once.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../../common/bus';
import { LINK_SCHEMES } from '../../common/links';
import { memoryLogger } from '../fixtures/memory-logger';
import { LinuxProtocolRegistrar, xdgEnv } from '../../native/linux/protocol-registrar';
import { linkHandoffEndpoint } from '../../electron/links';
import { startStack, type Stack } from './harness/stack';
import { startXvfb, type Xvfb } from './harness/xvfb';
import { prepareProductApp, type ProductApp } from './harness/product-bundle';

describe('links: xdg-open → the product as second instance → handoff socket → stand-in phone app', () => {
  const logger = memoryLogger();
  let dir: string;
  let xvfb: Xvfb;
  let stack: Stack;
  let app: ProductApp;
  let registrar: LinuxProtocolRegistrar;
  let env: NodeJS.ProcessEnv;

  const xdgOpen = (link: string) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile('xdg-open', [link], { env, timeout: 30_000 }, (err, _o, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }));
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'links-e2e-'));
    app = await prepareProductApp(dir);
    xvfb = await startXvfb(); // xdg-open consults x-scheme-handlers only with a display
    const home = path.join(dir, 'home');
    const runtime = path.join(dir, 'run');
    mkdirSync(runtime, { mode: 0o700 });
    // what the second start needs: its profile (Electron's appData) and the user's runtime folder
    env = {
      ...xdgEnv(path.join(dir, 'data'), path.join(dir, 'config')),
      DISPLAY: xvfb.display,
      HOME: home,
      XDG_RUNTIME_DIR: runtime,
      // no session bus: else xdg-open's desktop detection (dbus-send) autolaunches one through X11
      DBUS_SESSION_BUS_ADDRESS: 'disabled:',
      RUN_BUNDLE_APPDATA: path.join(home, 'appData'),
      RUN_BUNDLE_TEMP: path.join(home, 'tmp'),
    };
    // the running instance listens where the product computes it for this profile
    const linkHandoffPath = linkHandoffEndpoint({ platform: 'linux', env, userData: path.join(home, 'appData', 'innovaphone', 'myApps'), tmpdir: path.join(home, 'tmp') });
    // the product's registration: the desktop entry starts the client itself (here: the built bundle)
    registrar = new LinuxProtocolRegistrar({ desktopId: 'myapps-links', exec: app.command('second'), dataHome: path.join(dir, 'data'), configHome: path.join(dir, 'config') });
    stack = await startStack({ logger, ports: { protocolRegistrar: registrar }, config: { linkHandoffPath } });
  }, 300_000);

  afterAll(async () => {
    await stack?.close();
    await xvfb?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers a .desktop entry as the default handler of every link scheme', async () => {
    const r = await registrar.register([...LINK_SCHEMES]);
    expect(r).toEqual({ registered: [...LINK_SCHEMES], failed: [] });
    const entry = readFileSync(registrar.desktopFile, 'utf8');
    expect(entry).toContain(`MimeType=${LINK_SCHEMES.map((s) => `x-scheme-handler/${s};`).join('')}`);
    expect(entry).toMatch(/^Exec=.*run-bundle\.cjs .* second -- %u$/m);
  });

  it('a link opened before the web client connects is queued, then delivered once', async () => {
    const links = stack.services.instances.links!;
    const r = await xdgOpen('tel:+49%207031%2073009-0');
    expect(r).toEqual({ code: 0, stderr: '' });
    expect(links.pending).toBe(1);
    await stack.openWebClient();
    const rec = await stack.sim.control.waitForReceived((x) => x.msg.mt === 'StartCall', 30_000);
    expect(rec).toMatchObject({ app: 'phone', api: Api.phone, msg: { mt: 'StartCall', num: '+497031730090', adjust: true } });
    expect(links.pending).toBe(0);
    await new Promise((res) => setTimeout(res, 500));
    expect(stack.sim.control.received().filter((x) => x.msg.mt === 'StartCall')).toHaveLength(1);
  });

  it('callto: is a tel: link: from the OS through the second start to StartCall', async () => {
    stack.sim.control.clearReceived();
    expect(await xdgOpen('callto:+49(7031)730090')).toEqual({ code: 0, stderr: '' });
    const rec = await stack.sim.control.waitForReceived((x) => x.msg.mt === 'StartCall', 15_000);
    expect(rec).toMatchObject({ app: 'phone', api: Api.phone, msg: { mt: 'StartCall', num: '+497031730090', adjust: true } });
    expect(await xdgOpen('callto://4711')).toEqual({ code: 0, stderr: '' });
    const rec2 = await stack.sim.control.waitForReceived((x) => x.msg.mt === 'StartCall' && x.msg.num === '4711', 15_000);
    expect(rec2.msg).toEqual({ mt: 'StartCall', num: '4711', adjust: true });
  });

  it('sip: and im: links reach the phone and chat apps; hostile links are refused', async () => {
    stack.sim.control.clearReceived();
    expect((await xdgOpen('sip:zkl@innovaphone.com;transport=tls')).code).toBe(0);
    await stack.sim.control.waitForReceived((x) => x.msg.mt === 'StartCall', 15_000);
    expect((await xdgOpen('tel:--inspect=9229')).code).not.toBe(0);
    const before = stack.sim.control.received().length;
    expect(before).toBe(1);
    expect(stack.sim.control.received()[0]).toMatchObject({ app: 'phone', msg: { mt: 'StartCall', sip: 'zkl@innovaphone.com', adjust: true } });
    const links = stack.services.instances.links!;
    expect(links.stats.refused).toBeGreaterThanOrEqual(1);
    // im: goes to the chat app (the stand-in web client loads it next to the phone app)
    const chat = stack.services.router.consume(Api.chat);
    await chat.waitForProvider(30_000);
    chat.close();
    expect((await xdgOpen('im:zkl@innovaphone.com')).code).toBe(0);
    const rec = await stack.sim.control.waitForReceived((x) => x.msg.mt === 'StartChat', 15_000);
    expect(rec).toMatchObject({ api: Api.chat, msg: { mt: 'StartChat', sip: 'zkl@innovaphone.com' } });
  });

  it('a second start never becomes a second client: with the running one gone it says so and exits 1', async () => {
    // the lock is held (stand-in), nobody answers: the product waits for the holder, then gives up
    const r = await app.run('second', ['--', 'tel:4711'], { ...env, XDG_RUNTIME_DIR: path.join(dir, 'elsewhere') }, 60_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/myApps: myApps is running but did not answer on .*links-[0-9a-f]{12}\.sock/);
  }, 60_000);
});
