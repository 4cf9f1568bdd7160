/**
 * Linux notifier: org.freedesktop.Notifications over the session D-Bus with dbus-next (any
 * freedesktop notification daemon: dunst, GNOME Shell, KDE Plasma, notification-daemon).
 * Calls and missed calls are "resident" with no expiry and critical/normal urgency; the body is
 * escaped because daemons may interpret markup. Inline reply uses the KDE "inline-reply" action
 * where the daemon advertises it. Icons are URLs and are not fetched (daemons want local files).
 */
import * as dbus from 'dbus-next';
import type { Logger } from '../../electron/platform';
import type { NativeNotification, NotificationEvents, NotificationHandle, Notifier, NotificationAction } from '../../electron/notifications/ports';

const NAME = 'org.freedesktop.Notifications';
const PATH = '/org/freedesktop/Notifications';
const CONNECT_TIMEOUT_MS = 5000;

export function escapeMarkup(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** D-Bus action list (key, label, key, label…); keys map back to our actions. */
export function dbusActions(n: NativeNotification, capabilities: readonly string[]): string[] {
  const out = ['default', 'Open'];
  for (const b of n.buttons) out.push(b.action === '' ? 'view' : b.action, b.label);
  if (n.replyLabel && capabilities.includes('inline-reply')) out.push('inline-reply', n.replyLabel);
  return out;
}

function actionFromKey(key: string): NotificationAction | undefined {
  if (key === 'default' || key === 'view') return '';
  if (key === 'accept' || key === 'reject') return key;
  if (key === 'inline-reply') return 'reply';
  return undefined;
}

interface NotificationsIface extends dbus.ClientInterface {
  Notify(app: string, replaces: number, icon: string, summary: string, body: string, actions: string[], hints: Record<string, dbus.Variant>, timeout: number): Promise<number>;
  CloseNotification(id: number): Promise<void>;
  GetCapabilities(): Promise<string[]>;
}

export class DbusNotifier implements Notifier {
  private readonly byId = new Map<number, NotificationEvents>();
  /** Ids the daemon still shows (an action does not always close a notification, e.g. dunst's context menu). */
  private readonly open = new Set<number>();

  private constructor(
    private readonly bus: dbus.MessageBus,
    private readonly iface: NotificationsIface,
    readonly capabilities: string[],
    private readonly opts: { appName: string; logger: Logger },
  ) {
    iface.on('ActionInvoked', (id: number, key: string) => {
      const ev = this.byId.get(id);
      const action = actionFromKey(key);
      if (!ev || action === undefined || key === 'inline-reply') return;
      this.byId.delete(id);
      ev.onAction(action);
    });
    iface.on('NotificationReplied', (id: number, text: string) => {
      const ev = this.byId.get(id);
      if (!ev) return;
      this.byId.delete(id);
      ev.onAction('reply', text);
    });
    iface.on('NotificationClosed', (id: number) => {
      this.open.delete(id);
      const ev = this.byId.get(id);
      if (!ev) return;
      this.byId.delete(id);
      ev.onClosed();
    });
  }

  static async connect(opts: { appName: string; logger: Logger; busAddress?: string }): Promise<DbusNotifier> {
    let bus: dbus.MessageBus;
    try {
      bus = dbus.sessionBus(opts.busAddress ? { busAddress: opts.busAddress } : undefined);
    } catch (err) {
      throw new Error(`no session D-Bus: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
    }
    // A connection that fails (no bus at that address, abstract sockets without usocket) is
    // reported through 'error' only, and the pending calls never settle: race them with it and
    // with a time limit.
    let onFailure: (err: unknown) => void = () => {};
    const failed = new Promise<never>((_, reject) => (onFailure = reject));
    failed.catch(() => {});
    bus.on('error', (err: unknown) => onFailure(err));
    const timer = setTimeout(() => onFailure(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    try {
      const obj = await Promise.race([bus.getProxyObject(NAME, PATH), failed]);
      const iface = obj.getInterface(NAME) as NotificationsIface;
      const caps = await Promise.race([iface.GetCapabilities(), failed]);
      return new DbusNotifier(bus, iface, caps, opts);
    } catch (err) {
      bus.disconnect();
      throw new Error(`no notification daemon on the session D-Bus: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  async show(n: NativeNotification, events: NotificationEvents): Promise<NotificationHandle> {
    const hints: Record<string, dbus.Variant> = {
      urgency: new dbus.Variant('y', n.urgent ? 2 : 1),
      category: new dbus.Variant('s', n.kind === 'call' ? 'call.incoming' : n.kind === 'missed' ? 'call.unanswered' : n.kind === 'chat' ? 'im.received' : 'x-myapps'),
    };
    if (n.persistent) hints.resident = new dbus.Variant('b', true);
    if (n.silent) hints['suppress-sound'] = new dbus.Variant('b', true);
    const body = this.capabilities.includes('body-markup') ? escapeMarkup(n.body) : n.body;
    const id = await this.iface.Notify(this.opts.appName, 0, '', n.title, body, dbusActions(n, this.capabilities), hints, n.persistent ? 0 : -1);
    this.byId.set(id, events);
    this.open.add(id);
    return {
      close: () => {
        this.byId.delete(id);
        if (!this.open.delete(id)) return;
        this.iface.CloseNotification(id).catch(() => {});
      },
    };
  }

  close(): void {
    this.byId.clear();
    this.open.clear();
    this.bus.disconnect();
  }
}
