/**
 * Notifications end to end (issue 3): a private session D-Bus (dbus-daemon --session --fork) with
 * dunst on a private Xvfb, the dbus-next notifier, the real service graph and the stand-in phone
 * app in Chromium. The app adds a notification through com.innovaphone.launcher (src = id); dunst
 * shows it; a click invoked through dunst's D-Bus ActionInvoked (dunstctl action / context)
 * reaches the app as ApiResult LocalNotificationClicked with that src and through its
 * com.innovaphone.notificationhandler provider, also with that src (the web client bridges the
 * app's src to the bus as "<app index>:<src>" and back, so RemoveLocalNotification from the app
 * names the notification of its AddLocalNotification).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from 'playwright-core';
import { Api } from '../../common/bus';
import { memoryLogger } from '../fixtures/memory-logger';
import { DbusNotifier } from '../../native/linux/notifier';
import { startStack, type Stack } from './harness/stack';
import { startXvfb, type Xvfb } from './harness/xvfb';

type Win = { __start: any; __clicks?: unknown[]; __handled?: unknown[] };

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
    notifier = await DbusNotifier.connect({ appName: 'myApps', logger, busAddress: address });
    // (dunst takes its name on the bus a moment after it starts)
    for (let i = 0; !(await notifier.available()); i++) {
      if (i > 50) throw new Error('dunst did not take org.freedesktop.Notifications');
      await new Promise((r) => setTimeout(r, 100));
    }
    stack = await startStack({ logger, ports: { notifier }, config: { notifications: true } });
    frame = stack.appFrame(await stack.openWebClient({ ready: true }), 'phone');
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
    await l.waitForProvider(10_000);
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
    // the app is a consumer of its own on the relay: its src is the notification id, unchanged
    const svc = stack.services.instances.notifications!;
    expect(svc.visible()).toEqual([{ src: 'chat-1', kind: 'chat', persistent: false }]);
    await dunstctl('action', '0');
    await expect.poll(clicks, { timeout: 10_000 }).toEqual([{ src: 'chat-1', msg: { mt: 'LocalNotificationClicked', action: '' } }]);
    // the notificationhandler request reaches the app with the app's own src
    await expect.poll(handled, { timeout: 10_000 }).toEqual([{ src: 'chat-1', msg: { mt: 'LocalNotificationClicked', action: '' } }]);
    await expect.poll(() => dunstctl('count', 'displayed'), { timeout: 10_000 }).toBe('0');
  });

  it('an incoming call stays until handled; its accept button reaches the app', async () => {
    const svc = stack.services.instances.notifications!;
    await add({ mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Alice', text: 'calling', acceptTitle: 'Connect', rejectTitle: 'Reject' }, 'call-1');
    await expect.poll(() => dunstctl('count', 'displayed'), { timeout: 10_000 }).toBe('1');
    expect(svc.visible()).toEqual([{ src: 'call-1', kind: 'call', persistent: true }]);
    writeFileSync(path.join(dir, 'pick.sh.pick'), 'Connect');
    await dunstctl('context');
    await expect.poll(async () => (await clicks())!.length, { timeout: 10_000 }).toBe(2);
    expect((await clicks())![1]).toEqual({ src: 'call-1', msg: { mt: 'LocalNotificationClicked', action: 'accept' } });
    await expect.poll(() => dunstctl('count', 'displayed'), { timeout: 10_000 }).toBe('0');
    expect(svc.visible()).toEqual([]);
  });

  it('RemoveLocalNotification from the app (same src, through lib1) closes it; the setting off shows nothing', async () => {
    const svc = stack.services.instances.notifications!;
    await add({ mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Carol', acceptTitle: 'Connect', rejectTitle: 'Reject' }, 'call-2');
    await expect.poll(() => dunstctl('count', 'displayed'), { timeout: 10_000 }).toBe('1');
    expect(svc.visible()).toEqual([{ src: 'call-2', kind: 'call', persistent: true }]);
    // a Remove with another src does not touch it (the Add after it, on the same path, is the barrier)
    await add({ mt: 'RemoveLocalNotification' }, 'call-3');
    await add({ mt: 'AddLocalNotification', title: 'probe' }, 'probe-1');
    await expect.poll(() => svc.visible().length, { timeout: 10_000 }).toBe(2);
    expect(svc.visible().map((v) => v.src).sort()).toEqual(['call-2', 'probe-1']);
    await add({ mt: 'RemoveLocalNotification' }, 'call-2');
    await add({ mt: 'RemoveLocalNotification' }, 'probe-1');
    await expect.poll(() => svc.visible(), { timeout: 10_000 }).toEqual([]);
    await expect.poll(() => dunstctl('count', 'displayed'), { timeout: 10_000 }).toBe('0');
    expect(await clicks()).toHaveLength(2); // removing is not a click
    svc.setEnabled(false);
    await add({ mt: 'AddLocalNotification', title: 'hidden' }, 'x-1');
    await expect.poll(() => svc.stats.suppressed, { timeout: 10_000 }).toBe(1);
    expect(await dunstctl('count', 'displayed')).toBe('0');
    svc.setEnabled(true);
  });
});
