/**
 * The in-app notification banner (docs/notifications.md, "When no notification service runs"): a
 * Notifier that shows notifications in a launcher page (renderer/launcher/banner.html) drawn over
 * the top right corner of the main window's content — the launcher's own view, never the web
 * client's frame (OverlayHost port, ./ports.ts). Newest first, at most BANNER_MAX_SHOWN at
 * once; calls and missed calls stay until handled, others go after `expireMs` like an OS
 * notification. A click on a notification or a button is the notification's action, "Dismiss"
 * closes it; the NotificationService then does what it does for an OS notification.
 *
 * withInAppFallback puts it behind the OS notifier: used only while the OS notifier says there is
 * no notification service (NoNotificationServerError), with a warning when that starts and ends
 * and a trace line per notification.
 */
import type { PreloadResponse } from '../../common/preload';
import type { PreloadHandlers } from '../security';
import type { Logger } from '../platform';
import { isNoNotificationServer, type NativeNotification, type NotificationEvents, type NotificationHandle, type Notifier, type OverlayHost, type OverlayView } from './ports';

export type BannerState = PreloadResponse<'banner.getState'>;

/** Notifications shown at once (the page shows the newest). */
export const BANNER_MAX_SHOWN = 3;
/** Height of one notification in the overlay, and the overlay's padding (DIP; launcher.css .banner). */
export const BANNER_ITEM_HEIGHT = 112;
export const BANNER_PADDING = 28;
export const BANNER_WIDTH = 380;

interface Item {
  id: string;
  n: NativeNotification;
  events: NotificationEvents;
  timer?: NodeJS.Timeout;
}

export interface InAppBannerOptions {
  overlays: OverlayHost;
  logger: Logger;
  /** Ordinary notifications go after this long [8 s]; calls and missed calls stay. */
  expireMs?: number;
}

export class InAppBanner implements Notifier {
  readonly handlers: PreloadHandlers;
  readonly stats = { shown: 0, actions: 0, dismissed: 0, expired: 0 };
  private readonly items: Item[] = [];
  private view: OverlayView | undefined;
  private seq = 0;

  constructor(private readonly o: InAppBannerOptions) {
    const notThisView = 'not the notification banner';
    this.handlers = {
      'banner.getState': (_r, caller) => {
        if (caller.webContentsId !== this.view?.id) throw new Error(notThisView);
        return this.state();
      },
      'banner.act': ({ id, action }, caller) => {
        if (caller.webContentsId !== this.view?.id) return { ok: false as const, error: notThisView };
        const item = this.items.find((i) => i.id === id);
        if (!item) return { ok: false as const, error: 'That notification is gone.' };
        this.remove(item);
        if (action === 'dismiss') {
          this.stats.dismissed++;
          item.events.onClosed();
        } else {
          this.stats.actions++;
          item.events.onAction(action);
        }
        return { ok: true as const };
      },
    };
  }

  state(): BannerState {
    return {
      items: this.items.slice(0, BANNER_MAX_SHOWN).map((i) => ({
        id: i.id,
        title: i.n.title,
        body: i.n.body,
        kind: i.n.kind,
        // (the banner has no reply field: a chat notification opens the app instead)
        buttons: i.n.buttons.flatMap((b) => (b.action === 'reply' ? [] : [{ action: b.action, label: b.label }])).slice(0, 4),
      })),
    };
  }

  async show(n: NativeNotification, events: NotificationEvents): Promise<NotificationHandle> {
    const item: Item = { id: String(++this.seq), n, events };
    this.items.unshift(item);
    if (!n.persistent) {
      item.timer = setTimeout(() => {
        if (!this.items.includes(item)) return;
        this.stats.expired++;
        this.remove(item);
        item.events.onClosed();
      }, this.o.expireMs ?? 8000);
      item.timer.unref?.();
    }
    this.stats.shown++;
    this.render();
    return { close: () => this.remove(item) };
  }

  close(): void {
    for (const i of this.items.splice(0)) clearTimeout(i.timer);
    this.view?.close();
    this.view = undefined;
  }

  private remove(item: Item): void {
    const i = this.items.indexOf(item);
    if (i < 0) return;
    this.items.splice(i, 1);
    clearTimeout(item.timer);
    this.render();
  }

  private render(): void {
    const shown = Math.min(BANNER_MAX_SHOWN, this.items.length);
    if (!this.view && shown === 0) return;
    this.view ??= this.o.overlays.open({ page: 'banner.html', width: BANNER_WIDTH });
    this.view.emit('bannerChanged', this.state());
    this.view.setHeight(shown === 0 ? 0 : BANNER_PADDING + shown * BANNER_ITEM_HEIGHT);
  }
}

/**
 * The OS notifier with the banner behind it: a notification the OS notifier cannot show because
 * there is no notification service goes to the banner (a warning when that starts and when the
 * service is back, a trace line per notification); any other failure is the OS notifier's.
 */
export function withInAppFallback(primary: Notifier, banner: Notifier, logger: Logger): Notifier & { readonly inApp: boolean } {
  let inApp = false;
  return {
    get inApp() {
      return inApp;
    },
    async show(n, events) {
      try {
        const h = await primary.show(n, events);
        if (inApp) {
          inApp = false;
          logger.warn('notifications: the notification service is back; notifications go to the desktop again');
        }
        return h;
      } catch (err) {
        if (!isNoNotificationServer(err)) throw err;
        if (!inApp) {
          inApp = true;
          logger.warn(`notifications: ${err instanceof Error ? err.message : String(err)}; notifications are shown in the main window instead`);
        }
        logger.trace('App', `notifications: ${n.kind} notification shown as an in-app banner (no notification service)`);
        return banner.show(n, events);
      }
    },
  };
}
