/**
 * Notifications end to end (issue 3): a private session D-Bus (dbus-daemon --session --fork) with
 * dunst on a private Xvfb, the dbus-next notifier, the real service graph and the stand-in phone
 * app in Chromium. The app adds a notification through com.innovaphone.launcher (src = id); dunst
 * shows it; a click invoked through dunst's D-Bus ActionInvoked (dunstctl action / context)
 * reaches the app as ApiResult LocalNotificationClicked with that src and through its
 * com.innovaphone.notificationhandler provider.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from 'playwright-core';
import WebSocket from 'ws';
import { Api } from '../../contract/bus';
import { memoryLogger } from '../../electron/platform';
import { DbusNotifier } from '../../electron/adapters/linux/notifier';
import type { NotificationService } from '../../electron/notifications';
import { startStack, type Stack } from './harness/stack';
import { startXvfb, type Xvfb } from './harness/xvfb';

type Win = { __start: any; __clicks?: unknown[]; __handled?: unknown[] }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('notifications: launcher API → D-Bus → dunst → click → app', () => {
  const logger = memoryLogger();
  let dir: string;
  let xvfb: Xvfb;
  let busPid: number | undefined;
  let dunst: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;
  let notifier: DbusNotifier;
  let stack: Stack;
  let frame: Frame;

  const dunstctl = (...args: string[]) =>
    new Promise<string>((resolve, reject) => execFile('dunstctl', args, { env, timeout: 10_000 }, (e, out) => (e ? reject(e) : resolve(out.trim()))));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'notif-e2e-'));
    xvfb = await startXvfb();
    const out = execFileSync('dbus-daemon', ['--session', '--fork', '--print-address=1', '--print-pid=1'], { encoding: 'utf8' }).trim().split('\n');
    const address = out[0]!;
    busPid = Number(out[1]);
    // dunst's context menu runs "dmenu": a script that picks the entry named in $PICK stands in for the user
    const dmenu = path.join(dir, 'pick.sh');
    writeFileSync(dmenu, '#!/bin/sh\ngrep -m1 -F "$(cat "$0.pick")"\n', { mode: 0o755 });
    writeFileSync(path.join(dir, 'dunstrc'), `[global]\n    dmenu = ${dmenu}\n    show_indicators = no\n`);
    env = { ...process.env, DISPLAY: xvfb.display, DBUS_SESSION_BUS_ADDRESS: address };
    dunst = spawn('dunst', ['-config', path.join(dir, 'dunstrc')], { env, stdio: 'ignore' });
    for (let i = 0; ; i++) {
      try {
        notifier = await DbusNotifier.connect({ appName: 'myApps', logger, busAddress: address });
        break;
      } catch (err) {
        if (i > 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    stack = await startStack({ logger, ports: { notifier }, config: { notifications: true } });
    const page = await stack.openWebClient();
    const phone = stack.services.router.consume(Api.phone);
    await phone.waitForProvider(30_000, 'phone');
    phone.close();
    frame = page.frames().find((f) => f.url().startsWith(`${stack.sim.appsOrigin}/PBX0/APPS/phone.htm`))!;
    // the app: consumes com.innovaphone.launcher, provides com.innovaphone.notificationhandler
    await frame.evaluate(() => {
      const w = globalThis as unknown as Win;
      w.__clicks = [];
      w.__handled = [];
      const launcher = w.__start.consumeApi('com.innovaphone.launcher');
      launcher.onmessage.attach((_s: unknown, obj: { src: string; msg: unknown }) => w.__clicks!.push({ src: obj.src, msg: obj.msg }));
      const handler = w.__start.provideApi('com.innovaphone.notificationhandler');
      handler.onmessage.attach((_s: unknown, obj: { src: string; msg: unknown }) => w.__handled!.push({ src: obj.src, msg: obj.msg }));
    });
    const nh = stack.services.router.consume(Api.notificationHandler);
    await nh.waitForProvider(10_000);
    nh.close();
    const l = stack.services.router.consume(Api.launcher);
    await l.waitForProvider(10_000, '@launcher');
    l.close();
  });

  afterAll(async () => {
    await stack?.close();
    notifier?.close();
    dunst?.kill();
    if (busPid) try { process.kill(busPid); } catch { /* gone */ }
    await xvfb?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const add = (msg: Record<string, unknown>, src: string) =>
    frame.evaluate(({ msg, src }) => {
      (globalThis as unknown as Win).__start.consumeApi('com.innovaphone.launcher').send(msg, '*', src);
    }, { msg, src });
  const clicks = () => frame.evaluate(() => (globalThis as unknown as Win).__clicks);
  const handled = () => frame.evaluate(() => (globalThis as unknown as Win).__handled);

  it('shows a chat notification through dunst; a click reaches the app twice over', async () => {
    await add({ mt: 'AddLocalNotification', type: 'ChatMessage', title: 'Bob', text: 'Lunch <b>now</b>?', replyTitle: 'Reply' }, 'chat-1');
    await expect.poll(() => dunstctl('count', 'displayed'), { timeout: 10_000 }).toBe('1');
    // the web client bridges the app's src to a bus src of its own; the launcher sees that one
    const svc = stack.services.instances.notifications as NotificationService;
    const busSrc = svc.visible()[0]!.src;
    await dunstctl('action', '0');
    await expect.poll(clicks, { timeout: 10_000 }).toEqual([{ src: 'chat-1', msg: { mt: 'LocalNotificationClicked', action: '' } }]);
    await expect.poll(handled, { timeout: 10_000 }).toEqual([{ src: busSrc, msg: { mt: 'LocalNotificationClicked', action: '' } }]);
    await expect.poll(() => dunstctl('count', 'displayed'), { timeout: 10_000 }).toBe('0');
  });

  it('an incoming call stays until handled; its accept button reaches the app', async () => {
    const svc = stack.services.instances.notifications as NotificationService;
    await add({ mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Alice', text: 'calling', acceptTitle: 'Connect', rejectTitle: 'Reject' }, 'call-1');
    await expect.poll(() => dunstctl('count', 'displayed'), { timeout: 10_000 }).toBe('1');
    expect(svc.visible()).toEqual([{ src: expect.any(String), kind: 'call', persistent: true }]);
    writeFileSync(path.join(dir, 'pick.sh.pick'), 'Connect');
    await dunstctl('context');
    await expect.poll(async () => (await clicks())!.length, { timeout: 10_000 }).toBe(2);
    expect((await clicks())![1]).toEqual({ src: 'call-1', msg: { mt: 'LocalNotificationClicked', action: 'accept' } });
    await expect.poll(() => dunstctl('count', 'displayed'), { timeout: 10_000 }).toBe('0');
    expect(svc.visible()).toEqual([]);
  });

  it('RemoveLocalNotification (same src) closes it; the setting off shows nothing', async () => {
    // A raw bus client over a real WebSocket stands in for the app here: the stand-in web client
    // gives every bridged request a fresh bus src, so an app's Remove would not name its Add.
    const svc = stack.services.instances.notifications as NotificationService;
    const ws = new WebSocket(`${stack.config.bus}?token=${stack.config.token}&v=1`, { headers: { Origin: stack.sim.origin } });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const send = (f: Record<string, unknown>) => ws.send(JSON.stringify(f));
    send({ mt: 'ConsumeApi', api: Api.launcher });
    send({ mt: 'ApiRequest', api: Api.launcher, provider: '*', src: 'call-2', msg: { mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Carol', acceptTitle: 'Connect', rejectTitle: 'Reject' } });
    await expect.poll(() => dunstctl('count', 'displayed'), { timeout: 10_000 }).toBe('1');
    expect(svc.visible()).toEqual([{ src: 'call-2', kind: 'call', persistent: true }]);
    send({ mt: 'ApiRequest', api: Api.launcher, provider: '*', src: 'call-2', msg: { mt: 'RemoveLocalNotification' } });
    await expect.poll(() => dunstctl('count', 'displayed'), { timeout: 10_000 }).toBe('0');
    expect(svc.visible()).toEqual([]);
    svc.setEnabled(false);
    send({ mt: 'ApiRequest', api: Api.launcher, provider: '*', src: 'x-1', msg: { mt: 'AddLocalNotification', title: 'hidden' } });
    await expect.poll(() => svc.stats.suppressed, { timeout: 10_000 }).toBe(1);
    expect(await dunstctl('count', 'displayed')).toBe('0');
    svc.setEnabled(true);
    ws.close();
  });
});
