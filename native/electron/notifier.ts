/**
 * Notifier with Electron's main-process Notification: the product's on Windows and macOS, and on
 * Linux only the named fallback when no notification daemon answers on the session D-Bus
 * (electron/os-adapters.ts). Strong references are kept until the notification is clicked, closed
 * or fails, so that click events still arrive (electron#24524). Buttons: macOS and Windows show
 * `actions`; on Linux Electron (libnotify) sends only a default action, no buttons, no category.
 */
import { Notification } from 'electron';
import { NoNotificationServerError, type NativeNotification, type NotificationEvents, type NotificationHandle, type Notifier } from '../../electron/notifications/ports';

export function createNotifier(opts: { icon?: string } = {}): Notifier & { readonly alive: number } {
  const alive = new Set<Notification>();
  return {
    get alive() {
      return alive.size;
    },
    async show(n: NativeNotification, ev: NotificationEvents): Promise<NotificationHandle> {
      // the in-app banner takes it (electron/notifications withInAppFallback)
      if (!Notification.isSupported()) throw new NoNotificationServerError('notifications are not supported on this system');
      const buttons = n.buttons.filter((b) => b.action !== '');
      const note = new Notification({
        title: n.title,
        body: n.body,
        silent: n.silent,
        urgency: n.urgent ? 'critical' : 'normal',
        timeoutType: n.persistent ? 'never' : 'default',
        actions: buttons.map((b) => ({ type: 'button' as const, text: b.label })),
        ...(n.replyLabel ? { hasReply: true, replyPlaceholder: n.replyLabel } : {}),
        ...(opts.icon ? { icon: opts.icon } : {}),
      });
      let done = false;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        alive.delete(note);
        fn();
      };
      note.on('click', () => finish(() => ev.onAction('')));
      note.on('action', (e) => finish(() => ev.onAction(buttons[e.actionIndex]?.action ?? '')));
      note.on('reply', (e) => finish(() => ev.onAction('reply', e.reply)));
      note.on('close', () => finish(() => ev.onClosed()));
      note.on('failed', () => finish(() => ev.onClosed()));
      alive.add(note);
      note.show();
      return {
        close: () => {
          if (!done) note.close();
        },
      };
    },
  };
}
