import { describe, it, expect } from 'vitest';
import { ApiRouter } from '../bus';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { ActivityService } from './service';
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

function setup(minutes: number, withClient = true) {
  const router = new ApiRouter(memoryLogger());
  const got: Record<string, unknown>[] = [];
  const addClient = () => router.provide('com.innovaphone.client', '@client', (req) => { got.push(req.msg); });
  if (withClient) addClient();
  const clock = new FakeClock();
  const svc = new ActivityService({ router, logger: memoryLogger(), clock, thresholdMinutes: minutes, pollMs: 10, inactivePollMs: 10 });
  return { svc, clock, got, addClient };
}

describe('ActivityService', () => {
  it('sends inactive once after the threshold and active once on the first input', async () => {
    const { svc, clock, got } = setup(1); // 60 s
    clock.idle = 30;
    await wait(50);
    expect(got).toEqual([]);
    clock.idle = 61;
    await wait(60);
    clock.idle = 65;
    await wait(60);
    expect(got).toEqual([{ mt: 'SetUserActivity', inactive: true }]);
    clock.idle = 0.2;
    await wait(60);
    expect(got).toEqual([{ mt: 'SetUserActivity', inactive: true }, { mt: 'SetUserActivity', inactive: false }]);
    expect(svc.stats).toEqual({ sentInactive: 1, sentActive: 1 });
    svc.close();
  });

  it('lock and suspend count as inactive at once; unlock re-evaluates', async () => {
    const { svc, clock, got } = setup(10);
    await wait(30);
    clock.emit('lock');
    expect(got).toEqual([{ mt: 'SetUserActivity', inactive: true }]);
    clock.emit('suspend');
    clock.emit('unlock');
    await wait(40);
    expect(got).toEqual([{ mt: 'SetUserActivity', inactive: true }, { mt: 'SetUserActivity', inactive: false }]);
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
    expect(got).toEqual([{ mt: 'SetUserActivity', inactive: true }, { mt: 'SetUserActivity', inactive: false }]);
    svc.close();
  });

  it('an inactive state reached before the web client connects is delivered when it appears', async () => {
    const { svc, clock, got, addClient } = setup(1, false);
    clock.idle = 100;
    await wait(40);
    expect(svc.isInactive).toBe(true);
    addClient();
    await wait(20);
    expect(got).toEqual([{ mt: 'SetUserActivity', inactive: true }]);
    svc.close();
  });
});
