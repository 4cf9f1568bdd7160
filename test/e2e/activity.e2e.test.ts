/**
 * User activity end to end (issue 3, and innovaphone's documented path, docs/user-activity.md): the X
 * screensaver idle time of a private Xvfb read over one persistent X connection (npm x11),
 * "Appear offline after" 3 s, the real service graph; the launcher publishes the state in the
 * com.innovaphone.launcher model (`userActivity`), the stand-in web client reads it from there and
 * sends SetUserActivity on its myApps WebSocket to pbx-sim: the user's im: presence turns `closed`
 * after the idle time and `open` again after an xdotool key press, with exactly one
 * SetUserActivity each way.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { memoryLogger } from '../fixtures/memory-logger';
import { X11IdleClock } from '../../native/linux/idle-clock';
import type { SessionInfo } from '../../test/pbx-sim/protocol';
import { startStack, type Stack } from './harness/stack';
import { startXvfb, type Xvfb } from './harness/xvfb';

describe('activity: X11 idle time → SetUserActivity → pbx-sim presence', () => {
  const logger = memoryLogger();
  let xvfb: Xvfb;
  let stack: Stack;
  let clock: X11IdleClock;
  let page: Page;

  beforeAll(async () => {
    xvfb = await startXvfb();
    clock = new X11IdleClock({ display: xvfb.display });
    stack = await startStack({ logger, ports: { idleClock: clock }, config: { appearOfflineAfterMs: 3000 } });
    const pageP = stack.openWebClient();
    await stack.sim.control.waitForSession((s) => s.loggedIn, 30_000);
    page = await pageP;
  });

  afterAll(async () => {
    await stack?.close();
    await xvfb?.stop();
  });

  const session = (): SessionInfo => stack.sim.control.sessions().find((s) => s.loggedIn)!;
  const imStatus = (): string | undefined => session()?.presence.find((p) => p.contact === 'im:')?.status;
  const count = (): number => session().received.filter((m) => m === 'SetUserActivity').length;
  /** What the web client read from the launcher model and sent to the PBX. */
  const webClientActivity = () => page.evaluate(() => (globalThis as unknown as { __appclient: { state: { activity: unknown } } }).__appclient.state.activity);

  it('reads the idle time of the X server over one connection', async () => {
    const a = await clock.idleSeconds();
    await new Promise((r) => setTimeout(r, 600));
    const b = await clock.idleSeconds();
    expect(a).toBeTypeOf('number');
    expect(b!).toBeGreaterThan(a!); // a short-lived client would reset it on Xvfb
  });

  it('presence turns closed after the idle time and open again on input, one message each', async () => {
    const launcher = stack.services.instances.launcher!;
    await expect.poll(imStatus, { timeout: 20_000, interval: 200 }).toBe('closed');
    expect(session().inactive).toBe(true);
    // the path: the launcher model said so, the web client read it and told the PBX
    expect(launcher.model().userActivity).toEqual({ inactive: true });
    expect(await webClientActivity()).toEqual({ inactive: true, sent: true, messages: 1 });
    await new Promise((r) => setTimeout(r, 2500)); // still idle: no repeats
    expect(count()).toBe(1);
    await new Promise<void>((resolve, reject) =>
      execFile('xdotool', ['mousemove', '10', '10', 'key', 'shift'], { env: { ...process.env, DISPLAY: xvfb.display } }, (e) => (e ? reject(e) : resolve())),
    );
    await expect.poll(imStatus, { timeout: 10_000, interval: 100 }).toBe('open');
    expect(session().inactive).toBe(false);
    expect(count()).toBe(2);
    expect(launcher.model().userActivity).toEqual({ inactive: false });
    expect(await webClientActivity()).toEqual({ inactive: false, sent: false, messages: 2 });
    const svc = stack.services.instances.activity!;
    expect(svc.stats).toEqual({ publishedInactive: 1, publishedActive: 1 });
  });
});
