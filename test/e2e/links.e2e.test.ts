/**
 * tel:/sip:/im: links end to end (issue 3): a .desktop entry in a temporary XDG data folder made
 * the default x-scheme-handler with real xdg-mime; real `xdg-open tel:…` runs the forwarder it
 * names, which hands the link over the local handoff socket to the running services (the same
 * LinkService.handleArgv the product's second-instance path uses); the stand-in phone app in
 * Chromium gets StartCall. A link opened before the web client is connected is queued and
 * delivered exactly once.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../../common/bus';
import { memoryLogger } from '../fixtures/memory-logger';
import { LinuxProtocolRegistrar, xdgEnv } from '../../native/linux/protocol-registrar';
import type { LinkService } from '../../electron/links';
import { startStack, type Stack } from './harness/stack';
import { startXvfb, type Xvfb } from './harness/xvfb';

const FORWARDER = path.resolve(__dirname, '../../native/linux/link-forwarder.mjs');

describe('links: xdg-open → .desktop forwarder → handoff socket → stand-in phone app', () => {
  const logger = memoryLogger();
  let dir: string;
  let xvfb: Xvfb;
  let stack: Stack;
  let registrar: LinuxProtocolRegistrar;
  let env: NodeJS.ProcessEnv;

  const xdgOpen = (link: string) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile('xdg-open', [link], { env, timeout: 15_000 }, (err, _o, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }));
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'links-e2e-'));
    xvfb = await startXvfb(); // xdg-open consults x-scheme-handlers only with a display
    const sock = path.join(dir, 'run', 'links.sock');
    registrar = new LinuxProtocolRegistrar({
      desktopId: 'myapps-e2e-links',
      exec: [process.execPath, FORWARDER, sock],
      dataHome: path.join(dir, 'data'),
      configHome: path.join(dir, 'config'),
    });
    env = { ...xdgEnv(path.join(dir, 'data'), path.join(dir, 'config')), DISPLAY: xvfb.display };
    stack = await startStack({ logger, ports: { protocolRegistrar: registrar }, config: { linkHandoffPath: sock } });
  });

  afterAll(async () => {
    await stack?.close();
    await xvfb?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers a .desktop entry as the default handler of tel, sip, sips and im', async () => {
    const r = await registrar.register(['tel', 'sip', 'sips', 'im']);
    expect(r).toEqual({ registered: ['tel', 'sip', 'sips', 'im'], failed: [] });
    const entry = readFileSync(registrar.desktopFile, 'utf8');
    expect(entry).toContain('MimeType=x-scheme-handler/tel;x-scheme-handler/sip;x-scheme-handler/sips;x-scheme-handler/im;');
    expect(entry).toMatch(/^Exec=.* -- %u$/m);
  });

  it('a link opened before the web client connects is queued, then delivered once', async () => {
    const links = stack.services.instances.links as LinkService;
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

  it('sip: and im: links reach the phone and chat apps; hostile links are refused', async () => {
    stack.sim.control.clearReceived();
    expect((await xdgOpen('sip:zkl@innovaphone.com;transport=tls')).code).toBe(0);
    await stack.sim.control.waitForReceived((x) => x.msg.mt === 'StartCall', 15_000);
    expect((await xdgOpen('tel:--inspect=9229')).code).not.toBe(0);
    const before = stack.sim.control.received().length;
    expect(before).toBe(1);
    expect(stack.sim.control.received()[0]).toMatchObject({ app: 'phone', msg: { mt: 'StartCall', sip: 'zkl@innovaphone.com', adjust: true } });
    const links = stack.services.instances.links as LinkService;
    expect(links.stats.refused).toBeGreaterThanOrEqual(1);
    // im: goes to the chat app (the stand-in web client loads it next to the phone app)
    const chat = stack.services.router.consume(Api.chat);
    await chat.waitForProvider(30_000);
    chat.close();
    expect((await xdgOpen('im:zkl@innovaphone.com')).code).toBe(0);
    const rec = await stack.sim.control.waitForReceived((x) => x.msg.mt === 'StartChat', 15_000);
    expect(rec).toMatchObject({ api: Api.chat, msg: { mt: 'StartChat', sip: 'zkl@innovaphone.com' } });
  });
});
