/**
 * com.innovaphone.launcher notification API (docs/notifications.md) with the click path through
 * com.innovaphone.notificationhandler (§2.3). The ApiRequest `src` is the notification id.
 * Rules (docs/notifications.md): incoming-call notifications stay until handled and draw attention to the
 * window; at most one missed-call notification is visible (a newer call or missed call turns the
 * older missed call into an ordinary notification); "Desktop notifications" off → nothing shown.
 * A click shows and focuses the window and is reported as ApiResult LocalNotificationClicked with
 * the notification's src to the consumer that added it, and as an ApiRequest with the same src to
 * every com.innovaphone.notificationhandler provider (reaches a restarted app whose consumer is gone).
 */
import type { ApiRouter, ConsumedApi, ProvidedApi, ProviderRequest } from '../bus';
import { Api } from '../../common/bus';
import type { Logger, WindowFocus } from '../platform';
import type { AttentionPort, NativeNotification, NotificationAction, NotificationHandle, Notifier } from './ports';
import { demoteMissed, mapAddLocalNotification } from './rules';

export const LAUNCHER_PROVIDER = '@launcher';

interface Entry {
  consumer: string;
  src: string;
  n: NativeNotification;
  handle?: NotificationHandle;
  /** Bumped on every (re)show so events of a replaced native notification are ignored. */
  gen: number;
}

export interface NotificationServiceOptions {
  router: ApiRouter;
  logger: Logger;
  notifier: Notifier;
  window?: WindowFocus;
  attention?: AttentionPort;
  /** "Desktop notifications" setting. */
  enabled: boolean;
  /** Extra model fields of com.innovaphone.launcher (launcher identity etc.). */
  model?: Record<string, unknown>;
}

export class NotificationService {
  private readonly provider: ProvidedApi;
  private readonly handler: ConsumedApi;
  private readonly entries = new Map<string, Entry>();
  private readonly goneConsumers = new Set<string>();
  private enabled: boolean;
  /** Model fields other services publish through @launcher (setModelFields). */
  private extraModel: Record<string, unknown> = {};
  private attentionOn = false;
  private gen = 0;
  readonly stats = { shown: 0, suppressed: 0, clicks: 0, demoted: 0, handlerRequests: 0 };

  constructor(private readonly opts: NotificationServiceOptions) {
    this.enabled = opts.enabled;
    this.provider = opts.router.provide(Api.launcher, LAUNCHER_PROVIDER, (req, api) => this.onRequest(req, api), {
      title: 'myApps launcher',
      model: this.model(),
    });
    this.provider.onConsumerClosed((c) => this.goneConsumers.add(c));
    this.handler = opts.router.consume(Api.notificationHandler);
  }

  setEnabled(on: boolean): void {
    this.enabled = on;
    this.provider.setModel(this.model());
  }

  /**
   * Adds (or replaces) top-level fields of the com.innovaphone.launcher model, e.g.
   * `launcherServices` (URLs and passwords of the Media/Ringer services, launcher-services.ts).
   * `notifications` stays this service's own.
   */
  setModelFields(fields: Record<string, unknown>): void {
    this.extraModel = { ...this.extraModel, ...fields };
    this.provider.setModel(this.model());
  }

  private model(): Record<string, unknown> {
    return { ...(this.opts.model ?? {}), ...this.extraModel, notifications: this.enabled };
  }

  /** Visible notifications (for tests and the tray). */
  visible(): { src: string; kind: NativeNotification['kind']; persistent: boolean }[] {
    return [...this.entries.values()].map((e) => ({ src: e.src, kind: e.n.kind, persistent: e.n.persistent }));
  }

  private async onRequest(req: ProviderRequest, _api: ProvidedApi): Promise<void> {
    const mt = req.msg.mt;
    if (mt === 'AddLocalNotification') return this.add(req);
    if (mt === 'RemoveLocalNotification') return this.remove(`${req.consumer}\n${req.src}`);
    this.opts.logger.trace('App', `notifications: ${String(mt).slice(0, 64)} not handled by ${LAUNCHER_PROVIDER}`);
  }

  private async add(req: ProviderRequest): Promise<void> {
    if (!this.enabled) {
      this.stats.suppressed++;
      this.opts.logger.trace('App', 'notifications: desktop notifications are off, notification not shown');
      return;
    }
    const m = mapAddLocalNotification(req.msg);
    if (!m.ok) {
      this.opts.logger.warn(`notifications: AddLocalNotification refused: ${m.error}`);
      return;
    }
    const key = `${req.consumer}\n${req.src}`;
    const n = m.notification;
    // a new call or missed call turns older missed calls into ordinary notifications
    if (n.kind === 'call' || n.kind === 'missed') {
      for (const [k, e] of this.entries) {
        if (k !== key && e.n.kind === 'missed') await this.reshow(k, e, demoteMissed(e.n)).then(() => this.stats.demoted++);
      }
    }
    const old = this.entries.get(key);
    const entry: Entry = { consumer: req.consumer, src: req.src, n, gen: 0 };
    this.entries.set(key, entry);
    if (old?.handle) old.handle.close();
    await this.reshow(key, entry, n);
    this.updateAttention();
  }

  private async reshow(key: string, e: Entry, n: NativeNotification): Promise<void> {
    const gen = ++this.gen;
    e.gen = gen;
    e.n = n;
    const previous = e.handle;
    e.handle = undefined;
    previous?.close();
    try {
      const handle = await this.opts.notifier.show(n, {
        onAction: (action, replyText) => {
          if (this.entries.get(key)?.gen === gen) this.clicked(key, action, replyText);
        },
        onClosed: () => {
          if (this.entries.get(key)?.gen === gen) {
            this.entries.delete(key);
            this.updateAttention();
          }
        },
      });
      if (this.entries.get(key)?.gen === gen) e.handle = handle;
      else handle.close();
      this.stats.shown++;
      this.opts.logger.trace('App', `notifications: ${n.kind} notification shown`);
    } catch (err) {
      this.opts.logger.warn('notifications: the OS refused the notification', { error: String(err) });
      if (this.entries.get(key)?.gen === gen) this.entries.delete(key);
    }
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    e.handle?.close();
    this.updateAttention();
  }

  private clicked(key: string, action: NotificationAction, replyText?: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    e.handle?.close();
    this.updateAttention();
    this.stats.clicks++;
    this.opts.window?.showAndFocus();
    const msg: Record<string, unknown> = { mt: 'LocalNotificationClicked', action };
    if (action === 'reply') msg.replyText = typeof replyText === 'string' ? replyText.slice(0, 4000) : '';
    if (!this.goneConsumers.has(e.consumer)) this.provider.send(e.consumer, e.src, msg);
    if (Object.keys(this.handler.providers()).length > 0) {
      try {
        this.handler.send(msg, { provider: '*', src: e.src });
        this.stats.handlerRequests++;
      } catch (err) {
        this.opts.logger.warn('notifications: notificationhandler request failed', { error: String(err) });
      }
    } else if (this.goneConsumers.has(e.consumer)) {
      this.opts.logger.warn('notifications: click not delivered: the app is gone and no notificationhandler is registered');
    }
    this.opts.logger.trace('App', `notifications: clicked (${action || 'default'})`);
  }

  private updateAttention(): void {
    const want = [...this.entries.values()].some((e) => e.n.kind === 'call');
    if (want !== this.attentionOn) {
      this.attentionOn = want;
      this.opts.attention?.requestAttention(want);
    }
  }

  close(): void {
    for (const e of this.entries.values()) e.handle?.close();
    this.entries.clear();
    this.updateAttention();
    this.provider.close();
    this.handler.close();
  }
}
