/**
 * User activity (docs/user-activity.md): after "Appear offline after" minutes without input (0 = off) the
 * user is inactive; the first input after that makes them active again. Screen lock and suspend
 * count as inactive at once; unlock/resume re-evaluate. An unknown idle time counts as active.
 *
 * As innovaphone documents it (SDK doc/reference.htm, doc/appwebsocket/myApps.htm), the launcher
 * reports the state in the com.innovaphone.launcher model (`userActivity: {inactive}`, and the
 * lock state as `locked`; field names ours) and the web client, which reads the model, sends
 * `SetUserActivity {inactive}` to the PBX on its myApps WebSocket. The model changes only when the
 * state does.
 */
import type { Logger } from '../platform';
import type { IdleClock, SystemActivityEvent } from './ports';

/** Where the state goes: the com.innovaphone.launcher model (electron/notifications LauncherApi). */
export interface ActivityModelSink {
  setModelFields(fields: { userActivity?: { inactive: boolean }; locked?: boolean }): void;
}

export interface ActivityServiceOptions {
  launcher: ActivityModelSink;
  logger: Logger;
  clock: IdleClock;
  /** "Appear offline after" in minutes; 0 = off. Fractions allowed (tests). */
  thresholdMinutes: number;
  /** Poll interval while active, ms. Default: min(5000, threshold/4), at least 100. */
  pollMs?: number;
  /** Poll interval while inactive (to notice the first input quickly), ms. Default 1000. */
  inactivePollMs?: number;
}

export class ActivityService {
  private thresholdMs: number;
  private inactive = false;
  private locked = false;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private ticking = false;
  private readonly offs: (() => void)[] = [];
  /** How often the model said inactive / active again. */
  readonly stats = { publishedInactive: 0, publishedActive: 0 };

  constructor(private readonly opts: ActivityServiceOptions) {
    this.thresholdMs = Math.max(0, opts.thresholdMinutes) * 60_000;
    opts.launcher.setModelFields({ userActivity: { inactive: false }, locked: false });
    this.offs.push(opts.clock.onSystemEvent((e) => this.onSystemEvent(e)));
    this.schedule(0);
  }

  get isInactive(): boolean {
    return this.inactive;
  }

  /** Settings change ("Appear offline after", minutes; 0 = off). */
  setThresholdMinutes(minutes: number): void {
    this.thresholdMs = Math.max(0, Number.isFinite(minutes) ? minutes : 0) * 60_000;
    this.schedule(0);
  }

  private onSystemEvent(e: SystemActivityEvent): void {
    this.opts.logger.trace('App', `activity: system ${e}`);
    if (e === 'lock' || e === 'suspend') {
      this.locked = true;
      if (this.thresholdMs > 0) this.setState(true);
    } else {
      this.locked = false;
    }
    if (e === 'lock' || e === 'unlock') this.opts.launcher.setModelFields({ locked: e === 'lock' });
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    if (this.closed || this.ticking) return;
    this.ticking = true;
    try {
      if (this.thresholdMs <= 0) {
        if (this.inactive) this.setState(false);
        return; // off: nothing polled until the setting changes
      }
      let idle: number | undefined;
      try {
        idle = await this.opts.clock.idleSeconds();
      } catch (err) {
        this.opts.logger.warn('activity: idle time unavailable', { error: String(err) });
        idle = undefined;
      }
      const want = this.locked || (idle !== undefined && idle * 1000 >= this.thresholdMs);
      this.setState(want);
    } finally {
      this.ticking = false;
      if (this.thresholdMs > 0) {
        const active = this.opts.pollMs ?? Math.max(100, Math.min(5000, this.thresholdMs / 4));
        this.schedule(this.inactive ? Math.min(active, this.opts.inactivePollMs ?? 1000) : active);
      }
    }
  }

  private setState(inactive: boolean): void {
    if (inactive === this.inactive) return;
    this.inactive = inactive;
    this.opts.logger.trace('App', `activity: user ${inactive ? 'inactive' : 'active'}`);
    if (this.closed) return;
    this.opts.launcher.setModelFields({ userActivity: { inactive } });
    if (inactive) this.stats.publishedInactive++;
    else this.stats.publishedActive++;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.offs.forEach((o) => o());
    this.opts.clock.close();
  }
}
