/**
 * User activity (docs/user-activity.md): after "Appear offline after" minutes without input (0 = off),
 * send {mt:"SetUserActivity", inactive:true} once; on the first input after that send
 * {inactive:false}. Screen lock and suspend count as inactive at once; unlock/resume re-evaluate.
 * An unknown idle time counts as active. The message goes to the hosted web client, which relays it
 * to the PBX over the myApps protocol: an ApiRequest to the com.innovaphone.client provider
 * ("@client"). No repeats while the state is unchanged.
 */
import type { ApiRouter, ConsumedApi } from '../bus';
import { Api } from '../../common/bus';
import type { Logger } from '../platform';
import type { IdleClock, SystemActivityEvent } from './ports';

export interface ActivityServiceOptions {
  router: ApiRouter;
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
  private readonly client: ConsumedApi;
  private thresholdMs: number;
  private inactive = false;
  /** What the web client last got (undefined: nothing yet). */
  private delivered?: boolean;
  private locked = false;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private ticking = false;
  private readonly offs: (() => void)[] = [];
  readonly stats = { sentInactive: 0, sentActive: 0 };

  constructor(private readonly opts: ActivityServiceOptions) {
    this.thresholdMs = Math.max(0, opts.thresholdMinutes) * 60_000;
    this.client = opts.router.consume(Api.client);
    this.offs.push(this.client.onUpdate(() => this.deliver()));
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
    this.deliver();
  }

  private deliver(): void {
    if (this.closed) return;
    // the web client starts out "active": nothing to say until we are inactive once
    if (this.delivered === undefined && !this.inactive) return;
    if (this.delivered === this.inactive) return;
    if (Object.keys(this.client.providers()).length === 0) return; // sent when @client appears
    try {
      this.client.send({ mt: 'SetUserActivity', inactive: this.inactive });
      this.delivered = this.inactive;
      if (this.inactive) this.stats.sentInactive++;
      else this.stats.sentActive++;
    } catch (err) {
      this.opts.logger.warn('activity: SetUserActivity not sent', { error: String(err) });
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.offs.forEach((o) => o());
    this.client.close();
    this.opts.clock.close();
  }
}
