/**
 * Notifications when no notification service runs (docs/notifications.md, "When no notification
 * service runs"): a private session D-Bus with nobody owning org.freedesktop.Notifications, the
 * product's D-Bus notifier, the real service graph with the in-app banner (its launcher page in
 * Chromium, driven through the product's preload dispatcher) and the stand-in phone app. A
 * notification the app adds appears in the banner, a click there reaches the app as from an OS
 * notification, the trace says why; once dunst takes the name, notifications go to it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { Api } from '../../common/bus';
import { memoryLogger } from '../fixtures/memory-logger';
import { DbusNotifier } from '../../native/linux/notifier';
import { startStack, type Stack } from './harness/stack';
import { startSessionBus, type SessionBus } from '../fixtures/session-bus';
import { launcherWindows, type LauncherWindows } from './harness/launcher-windows';
import { startXvfb, type Xvfb } from './harness/xvfb';

type Win = { __start: any; __clicks?: unknown[] };

describe('notifications without a notification service: the in-app banner', () => {
  const logger = memoryLogger();
  let bus: SessionBus;
  let notifier: DbusNotifier;
  let lw: LauncherWindows;
  let stack: Stack;
  let frame: Frame;
  let xvfb: Xvfb | undefined;
  let dunst: ChildProcess | undefined;

  beforeAll(async () => {
    bus = startSessionBus();
    notifier = await DbusNotifier.connect({ appName: 'myApps', logger, busAddress: bus.address });
    lw = launcherWindows({ logger, language: 'de' });
    stack = await startStack({ logger, ports: { notifier, overlays: lw.overlays }, config: { notifications: true } });
    await lw.attach(stack.browser);
    Object.assign(lw.handlers, stack.services.instances.banner!.handlers);
    frame = stack.appFrame(await stack.openWebClient({ ready: true }), 'phone');
    await frame.evaluate(() => {
      const w = globalThis as unknown as Win;
      w.__clicks = [];
      w.__start.consumeApi('com.innovaphone.launcher').onmessage.attach((_s: unknown, obj: { src: string; msg: unknown }) => w.__clicks!.push({ src: obj.src, msg: obj.msg }));
    });
    const l = stack.services.router.consume(Api.launcher);
    await l.waitForProvider(10_000);
    l.close();
  });

  afterAll(async () => {
    await stack?.close();
    await lw?.close();
    notifier?.close();
    dunst?.kill();
    await xvfb?.stop();
    bus?.stop();
  });

  const add = (msg: Record<string, unknown>, src: string) =>
    frame.evaluate(({ msg, src }) => (globalThis as unknown as Win).__start.consumeApi('com.innovaphone.launcher').send(msg, '*', src), { msg, src });
  const clicks = () => frame.evaluate(() => (globalThis as unknown as Win).__clicks);

  it('the connection works but nobody owns org.freedesktop.Notifications', () => {
    expect(notifier.hasServer).toBe(false);
  });

  it('an incoming call shows in the banner over the main window (German); Accept there reaches the app', async () => {
    await add({ mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Bob Builder', text: '210', acceptTitle: 'Annehmen', rejectTitle: 'Ablehnen' }, 'call-1');
    const { win, page } = await lw.waitFor('banner.html');
    expect(win.kind).toBe('overlay');
    await page.waitForSelector('body[data-items="1"]');
    expect(await page.textContent('.note-title')).toBe('Bob Builder');
    expect(await page.textContent('.note-body')).toBe('210');
    expect(await page.textContent('h1.note-why')).toBe('In myApps angezeigt, weil auf diesem Desktop kein Benachrichtigungsdienst läuft.');
    expect(win.heights.at(-1)).toBeGreaterThan(0);
    const svc = stack.services.instances.notifications!;
    expect(svc.visible()).toEqual([{ src: 'call-1', kind: 'call', persistent: true }]);
    await page.click('button[data-action=accept]');
    await expect.poll(clicks, { timeout: 10_000 }).toEqual([{ src: 'call-1', msg: { mt: 'LocalNotificationClicked', action: 'accept' } }]);
    await page.waitForSelector('body[data-items="0"]');
    expect(win.heights.at(-1)).toBe(0);
    expect(svc.visible()).toEqual([]);
    // why, in the trace: a warning once, a line per notification
    expect(logger.lines.filter((l) => /notifications are shown in the main window instead/.test(l.message))).toHaveLength(1);
    expect(logger.lines.some((l) => l.message === 'notifications: call notification shown as an in-app banner (no notification service)')).toBe(true);
  });

  it('Dismiss closes a chat notification without a click; RemoveLocalNotification takes one away', async () => {
    const page: Page = await (await lw.waitFor('banner.html')).page;
    await add({ mt: 'AddLocalNotification', type: 'ChatMessage', title: 'Carol', text: 'Lunch?', replyTitle: 'Reply' }, 'chat-1');
    await add({ mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Missed: Dave' }, 'missed-1');
    await page.waitForSelector('body[data-items="2"]');
    expect(await page.locator('.note-title').allTextContents()).toEqual(['Missed: Dave', 'Carol']);
    await page.click('section.note.chat button.note-dismiss');
    await page.waitForSelector('body[data-items="1"]');
    await add({ mt: 'RemoveLocalNotification' }, 'missed-1');
    await page.waitForSelector('body[data-items="0"]');
    expect(await clicks()).toHaveLength(1);
  });

  it('once a notification daemon owns the name, notifications go to it again', async () => {
    xvfb = await startXvfb();
    dunst = spawn('dunst', [], { env: { ...process.env, DISPLAY: xvfb.display, DBUS_SESSION_BUS_ADDRESS: bus.address }, stdio: 'ignore' });
    await expect.poll(() => notifier.available(), { timeout: 10_000 }).toBe(true);
    const before = (await lw.waitFor('banner.html')).win.heights.length;
    await add({ mt: 'AddLocalNotification', title: 'Update ready' }, 'u-1');
    const svc = stack.services.instances.notifications!;
    await expect.poll(() => svc.stats.shown, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    expect((await lw.waitFor('banner.html')).win.heights.length).toBe(before);
    expect(logger.lines.some((l) => l.message === 'notifications: the notification service is back; notifications go to the desktop again')).toBe(true);
  });
});
