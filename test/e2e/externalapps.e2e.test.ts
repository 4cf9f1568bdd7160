/**
 * External applications end to end (issues 3 and 11): the stand-in phone app in Chromium asks
 * com.innovaphone.externalapps (through the hosted web client and the bus) to start the apps
 * configured for a call event. On "ring" the real NodeSpawner starts a real script that records
 * its argv ($I comes from the prefixes in pbx-sim's com.innovaphone.client model; a hostile
 * display name stays one argument and runs nothing). On "accept" ("Start with call acceptance")
 * a URL app opens in the default browser: real `xdg-open` (XdgUrlOpener) on a private Xvfb
 * finds the https handler registered with real xdg-mime, a script that records the URL it got,
 * with every value percent-encoded.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from 'playwright-core';
import { memoryLogger } from '../fixtures/memory-logger';
import { NodeSpawner } from '../../native/spawner';
import { XdgUrlOpener } from '../../native/linux/url-opener';
import { LinuxProtocolRegistrar, xdgEnv } from '../../native/linux/protocol-registrar';
import { startStack, webClientProvider, type Stack } from './harness/stack';
import { startXvfb, type Xvfb } from './harness/xvfb';

type Win = { __start: any; __results?: unknown[]; __setCalls(calls: unknown[]): void };

describe('external apps: phone app → com.innovaphone.externalapps → real process', () => {
  const logger = memoryLogger();
  let dir: string;
  let out: string;
  let opened: string;
  let xvfb: Xvfb;
  let stack: Stack;
  let frame: Frame;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'extapps-e2e-'));
    out = path.join(dir, 'argv.json');
    opened = path.join(dir, 'browser.json');
    const record = (file: string) => `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(file)}, JSON.stringify(process.argv.slice(2)));\n`;
    const script = path.join(dir, 'crm-lookup');
    writeFileSync(script, record(out), { mode: 0o755 });
    // the "default browser": a .desktop entry for http/https made the default with real xdg-mime
    const browserScript = path.join(dir, 'browser');
    writeFileSync(browserScript, record(opened), { mode: 0o755 });
    const browser = new LinuxProtocolRegistrar({ desktopId: 'myapps-e2e-browser', exec: [browserScript], dataHome: path.join(dir, 'data'), configHome: path.join(dir, 'config'), name: 'Recording browser' });
    expect(await browser.register(['http', 'https'])).toMatchObject({ failed: [] });
    xvfb = await startXvfb(); // xdg-open consults x-scheme-handlers only with a display
    const env: NodeJS.ProcessEnv = { ...xdgEnv(path.join(dir, 'data'), path.join(dir, 'config')), DISPLAY: xvfb.display };
    delete env.BROWSER;
    stack = await startStack({
      logger,
      ports: { spawner: new NodeSpawner({ cwd: dir }), urlOpener: new XdgUrlOpener({ env }) },
      config: {
        externalAppsJson: JSON.stringify({ externalApps: [
          { id: 0, name: 'CRM', path: script, param: '--caller $I --national $N --name "$d" --uri $u --call $c raw=$n' },
          { id: 1, name: 'Gone', path: path.join(dir, 'missing-binary'), param: '$n' },
          { id: 2, name: 'CRM web', path: 'https://crm.example.com/Customer1/$n?name=$d&intl=$I', param: '', startOnAccept: true },
        ] }),
      },
    });
    frame = stack.appFrame(await stack.openWebClient({ ready: true }), 'phone');
    await frame.evaluate(() => {
      const w = globalThis as unknown as Win;
      w.__results = [];
      const api = w.__start.consumeApi('com.innovaphone.externalapps');
      api.onmessage.attach((_s: unknown, obj: { msg: unknown; errorText?: string }) => w.__results!.push({ msg: obj.msg, errorText: obj.errorText }));
    });
    await webClientProvider(stack.services, 10_000);
  });

  afterAll(async () => {
    await stack?.close();
    await xvfb?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The stand-in phone app publishes these calls in its model (apps start only for known calls). */
  const setCalls = (calls: Record<string, unknown>[]) => frame.evaluate((c) => { (globalThis as unknown as Win).__setCalls(c); }, calls);
  const request = (msg: Record<string, unknown>) =>
    frame.evaluate((m) => { (globalThis as unknown as Win).__start.consumeApi('com.innovaphone.externalapps').send(m, undefined, 'x'); }, msg);
  const results = () => frame.evaluate(() => (globalThis as unknown as Win).__results);

  it('lists the configured apps', async () => {
    await request({ mt: 'GetExternalApps' });
    await expect.poll(results, { timeout: 10_000 }).toEqual([{ msg: { mt: 'GetExternalAppsResult', apps: [{ id: 0, name: 'CRM', startOnAccept: false }, { id: 1, name: 'Gone', startOnAccept: false }, { id: 2, name: 'CRM web', startOnAccept: true }] } }]);
  });

  it('starts the app with the exact substituted argv; hostile names stay one argument', async () => {
    const hostile = 'Bob"; rm -rf ~; " $(touch pwned) `touch pwned2`';
    await setCalls([{ id: 1, guid: 'fff79c5bd2115d0109f400903341035b', dir: 'i', num: '07031730090', sip: 'bob@sim.example.com', dn: hostile, state: 'Alerting' }]);
    await request({ mt: 'StartExternalApp', id: 0, event: 'ring', call: { num: '07031730090', dn: hostile, sip: 'bob@sim.example.com', guid: 'fff79c5bd2115d0109f400903341035b' } });
    await expect.poll(async () => (await results())!.length, { timeout: 10_000 }).toBe(2);
    expect((await results())![1]).toEqual({ msg: { mt: 'StartExternalAppResult', started: [0], failed: [], skipped: [] } });
    await expect.poll(() => existsSync(out) && readFileSync(out, 'utf8').length > 0, { timeout: 10_000 }).toBe(true);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual([
      '--caller', '+497031730090', '--national', '07031730090', '--name', hostile, '--uri', 'bob@sim.example.com', '--call', 'fff79c5bd2115d0109f400903341035b', 'raw=07031730090',
    ]);
    expect(existsSync(path.join(dir, 'pwned'))).toBe(false);
    expect(existsSync(path.join(dir, 'pwned2'))).toBe(false);
  });

  it('a missing executable gives the app a clear error', async () => {
    await setCalls([{ id: 2, guid: 'bbb79c5bd2115d0109f400903341035b', dir: 'o', num: '201', state: 'Dialing' }]);
    await request({ mt: 'StartExternalApp', id: 1, call: { num: '201' } });
    await expect.poll(async () => (await results())!.length, { timeout: 10_000 }).toBe(3);
    expect((await results())![2]).toEqual({
      msg: { mt: 'StartExternalAppResult', started: [], failed: [{ id: 1, error: expect.stringMatching(/cannot start "Gone": .*missing-binary not found/) }], skipped: [] },
      errorText: expect.stringMatching(/not found/),
    });
    expect(logger.lines.some((l) => l.level === 'warn' && /missing-binary not found/.test(l.message))).toBe(true);
  });

  it('"Start with call acceptance": the URL app waits for accept, then opens in the default browser with percent-encoded values, once per call', async () => {
    const call = { num: '07031730090', dn: 'Bob "B" & Co/../admin?x=1', sip: 'bob@sim.example.com', guid: 'aaa79c5bd2115d0109f400903341035b' };
    await setCalls([{ id: 3, ...call, dir: 'i', state: 'Connected' }]);
    await request({ mt: 'StartExternalApp', id: 2, event: 'ring', call });
    await expect.poll(async () => (await results())!.length, { timeout: 10_000 }).toBe(4);
    expect((await results())![3]).toEqual({ msg: { mt: 'StartExternalAppResult', started: [], failed: [], skipped: [{ id: 2, reason: 'starts when the call is accepted' }] } });
    expect(existsSync(opened)).toBe(false);
    await request({ mt: 'StartExternalApp', event: 'accept', call });
    await expect.poll(async () => (await results())!.length, { timeout: 15_000 }).toBe(5);
    expect((await results())![4]).toEqual({ msg: { mt: 'StartExternalAppResult', started: [2], failed: [], skipped: [{ id: 0, reason: 'starts when the call rings' }, { id: 1, reason: 'starts when the call rings' }] } });
    await expect.poll(() => existsSync(opened) && readFileSync(opened, 'utf8').length > 0, { timeout: 10_000 }).toBe(true);
    const argv = JSON.parse(readFileSync(opened, 'utf8')) as string[];
    expect(argv).toEqual(['--', `https://crm.example.com/Customer1/07031730090?name=${encodeURIComponent(call.dn)}&intl=%2B497031730090`]);
    expect(new URL(argv[1]!).searchParams.get('name')).toBe(call.dn);
    // accepted again (the phone app repeats itself): not opened twice
    await request({ mt: 'StartExternalApp', id: 2, event: 'accept', call });
    await expect.poll(async () => (await results())!.length, { timeout: 10_000 }).toBe(6);
    expect((await results())![5]).toMatchObject({ msg: { started: [], skipped: [{ id: 2, reason: 'already started for this call' }] } });
    expect(JSON.stringify(logger.lines)).not.toContain('crm.example.com/Customer1/0703');
  });
});
