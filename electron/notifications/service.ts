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
import type { ApiRouter, ConsumedApi, ProviderRequest, ReplyTo } from '../bus';
import { Api } from '../../common/bus';
import type { Logger, WindowFocus } from '../platform';
import type { AttentionPort, NativeNotification, NotificationAction, NotificationHandle, Notifier } from './ports';
import { demoteMissed, mapAddLocalNotification } from './rules';
import { LauncherApi, type LauncherModel } from './launcher-api';

interface Entry {
  /** The app that added it: consumer, client and src (the notification id). */
  to: ReplyTo;
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
  /** The com.innovaphone.launcher provider; by default the service makes (and closes) its own. */
  launcher?: LauncherApi;
  /** Initial model fields of its own com.innovaphone.launcher provider (when `launcher` is not given). */
  model?: LauncherModel;
}

/** An entry's key: the consumer (client + consumer) and its src. */
const consumerKey = (c: { consumer: string; client?: string }): string => `${c.client ?? ''}\n${c.consumer}`;
const entryKey = (to: ReplyTo): string => `${consumerKey(to)}\n${to.src ?? ''}`;

export class NotificationService {
  readonly launcher: LauncherApi;
  private readonly ownLauncher: boolean;
  private readonly handler: ConsumedApi;
  private readonly entries = new Map<string, Entry>();
  private readonly goneConsumers = new Set<string>();
  private readonly offs: (() => void)[] = [];
  private enabled: boolean;
  private attentionOn = false;
  private gen = 0;
  readonly stats = { shown: 0, suppressed: 0, clicks: 0, demoted: 0, handlerRequests: 0 };

  constructor(private readonly opts: NotificationServiceOptions) {
    this.enabled = opts.enabled;
    this.ownLauncher = !opts.launcher;
    this.launcher = opts.launcher ?? new LauncherApi(opts.router, opts.logger, opts.model);
    this.launcher.setModelFields({ notifications: this.enabled });
    this.offs.push(this.launcher.onRequest((req) => this.onRequest(req)));
    this.offs.push(this.launcher.onConsumerClosed((c) => this.goneConsumers.add(consumerKey(c))));
    this.handler = this.launcher.consume(Api.notificationHandler);
  }

  setEnabled(on: boolean): void {
    this.enabled = on;
    this.launcher.setModelFields({ notifications: on });
  }

  /** Visible notifications (for tests and the tray). */
  visible(): { src?: string; kind: NativeNotification['kind']; persistent: boolean }[] {
    return [...this.entries.values()].map((e) => ({ src: e.to.src, kind: e.n.kind, persistent: e.n.persistent }));
  }

  private async onRequest(req: ProviderRequest): Promise<void> {
    const mt = req.msg.mt;
    if (mt === 'AddLocalNotification') return this.add(req);
    if (mt === 'RemoveLocalNotification') return this.remove(entryKey(req));
    this.opts.logger.trace('App', `notifications: ${String(mt).slice(0, 64)} not handled by com.innovaphone.launcher`);
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
    const to: ReplyTo = { consumer: req.consumer, ...(req.client !== undefined ? { client: req.client } : {}), ...(req.src !== undefined ? { src: req.src } : {}) };
    const key = entryKey(to);
    const n = m.notification;
    // a new call or missed call turns older missed calls into ordinary notifications
    if (n.kind === 'call' || n.kind === 'missed') {
      for (const [k, e] of this.entries) {
        if (k !== key && e.n.kind === 'missed') await this.reshow(k, e, demoteMissed(e.n)).then(() => this.stats.demoted++);
      }
    }
    const old = this.entries.get(key);
    const entry: Entry = { to, n, gen: 0 };
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
    const gone = this.goneConsumers.has(consumerKey(e.to));
    if (!gone) this.launcher.send(e.to, msg);
    if (Object.keys(this.handler.providers()).length > 0) {
      try {
        this.handler.send(msg, { provider: '*', ...(e.to.src !== undefined ? { src: e.to.src } : {}) });
        this.stats.handlerRequests++;
      } catch (err) {
        this.opts.logger.warn('notifications: notificationhandler request failed', { error: String(err) });
      }
    } else if (gone) {
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
    this.offs.forEach((o) => o());
    this.handler.close();
    if (this.ownLauncher) this.launcher.close();
  }
}
