import { describe, it, expect } from 'vitest';
import { ApiRouter } from '../bus';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { ActivityService } from './service';
import { LauncherApi } from '../notifications/launcher-api';
import type { IdleClock, SystemActivityEvent } from './ports';

class FakeClock implements IdleClock {
  idle: number | undefined = 0;
  fail = false;
  private cbs = new Set<(e: SystemActivityEvent) => void>();
  async idleSeconds() { if (this.fail) throw new Error('no X'); return this.idle; }
  onSystemEvent(cb: (e: SystemActivityEvent) => void) { this.cbs.add(cb); return () => this.cbs.delete(cb); }
  emit(e: SystemActivityEvent) { this.cbs.forEach((c) => c(e)); }
  close() {}
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The service with a real com.innovaphone.launcher provider; `got` = the user-activity states the model went through. */
function setup(minutes: number) {
  const router = new ApiRouter(memoryLogger());
  const launcher = new LauncherApi(router, memoryLogger());
  const app = router.consume('com.innovaphone.launcher');
  const got: boolean[] = [];
  const locked: boolean[] = [];
  app.onUpdate((p) => {
    const m = p[launcher.providerName]?.model as { userActivity?: { inactive: boolean }; locked?: boolean } | undefined;
    if (m?.userActivity && m.userActivity.inactive !== (got.at(-1) ?? false)) got.push(m.userActivity.inactive);
    if (m?.locked !== undefined && m.locked !== (locked.at(-1) ?? false)) locked.push(m.locked);
  });
  const clock = new FakeClock();
  const svc = new ActivityService({ launcher, logger: memoryLogger(), clock, thresholdMinutes: minutes, pollMs: 10, inactivePollMs: 10 });
  return { svc, clock, got, locked, router, launcher };
}

describe('ActivityService', () => {
  it('the launcher model says inactive once after the threshold and active once on the first input', async () => {
    const { svc, clock, got } = setup(1); // 60 s
    clock.idle = 30;
    await wait(50);
    expect(got).toEqual([]);
    clock.idle = 61;
    await wait(60);
    clock.idle = 65;
    await wait(60);
    expect(got).toEqual([true]);
    clock.idle = 0.2;
    await wait(60);
    expect(got).toEqual([true, false]);
    expect(svc.stats).toEqual({ publishedInactive: 1, publishedActive: 1 });
    svc.close();
  });

  it('lock and suspend count as inactive at once; unlock re-evaluates; the model carries the lock state', async () => {
    const { svc, clock, got, locked } = setup(10);
    await wait(30);
    clock.emit('lock');
    expect(got).toEqual([true]);
    expect(locked).toEqual([true]);
    clock.emit('suspend');
    clock.emit('unlock');
    await wait(40);
    expect(got).toEqual([true, false]);
    expect(locked).toEqual([true, false]);
    svc.close();
  });

  it('0 = off; unknown or failing idle time counts as active', async () => {
    const { svc, clock, got } = setup(0);
    clock.idle = 1e6;
    await wait(40);
    expect(got).toEqual([]);
    svc.setThresholdMinutes(1);
    clock.idle = undefined;
    await wait(40);
    clock.fail = true;
    await wait(40);
    expect(got).toEqual([]);
    clock.fail = false;
    clock.idle = 100;
    await wait(40);
    svc.setThresholdMinutes(0);
    await wait(40);
    expect(got).toEqual([true, false]);
    svc.close();
  });

  it('a consumer that comes later (the web client) finds the current state in the model', async () => {
    const { svc, clock, router, launcher } = setup(1);
    clock.idle = 100;
    await wait(40);
    expect(svc.isInactive).toBe(true);
    const later = router.consume('com.innovaphone.launcher');
    expect(later.providers()[launcher.providerName]?.model).toMatchObject({ userActivity: { inactive: true }, locked: false });
    svc.close();
  });
});
