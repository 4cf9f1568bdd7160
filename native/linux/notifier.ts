/**
 * Linux notifier: org.freedesktop.Notifications over the session D-Bus with dbus-next (any
 * freedesktop notification daemon: dunst, GNOME Shell, KDE Plasma, notification-daemon).
 * Calls and missed calls are "resident" with no expiry and critical/normal urgency; the body is
 * escaped because daemons may interpret markup. Inline reply uses the KDE "inline-reply" action
 * where the daemon advertises it. Icons are URLs and are not fetched (daemons want local files).
 *
 * The daemon is looked up when a notification is shown, not only at start: with no owner of
 * org.freedesktop.Notifications on the bus (none running, none activatable, or it went away)
 * show() throws NoNotificationServerError, and the in-app banner takes the notification
 * (electron/notifications withInAppFallback); a daemon started later is used from then on.
 */
import * as dbus from 'dbus-next';
import { openSessionBus } from './session-bus';
import type { Logger } from '../../electron/platform';
import { NoNotificationServerError, type NativeNotification, type NotificationEvents, type NotificationHandle, type Notifier, type NotificationAction } from '../../electron/notifications/ports';

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

/**
 * D-Bus errors that mean: nobody owns the name, and none could be started for it (an activatable
 * daemon that fails, e.g. dunst without a display, answers org.freedesktop.DBus.Error.Spawn.*).
 */
const NO_OWNER = new Set(['org.freedesktop.DBus.Error.ServiceUnknown', 'org.freedesktop.DBus.Error.NameHasNoOwner']);
const isNoOwner = (err: unknown): boolean => err instanceof dbus.DBusError && (NO_OWNER.has(err.type) || err.type.startsWith('org.freedesktop.DBus.Error.Spawn.'));

export class DbusNotifier implements Notifier {
  private readonly byId = new Map<number, NotificationEvents>();
  /** Ids the daemon still shows (an action does not always close a notification, e.g. dunst's context menu). */
  private readonly open = new Set<number>();
  private server: { iface: NotificationsIface; capabilities: string[] } | undefined;
  private lookup: Promise<{ iface: NotificationsIface; capabilities: string[] }> | undefined;

  private constructor(
    private readonly bus: dbus.MessageBus,
    private readonly opts: { appName: string; logger: Logger },
  ) {}

  /** The daemon's capabilities ([] while none runs). */
  get capabilities(): string[] {
    return this.server?.capabilities ?? [];
  }

  /** A notification daemon was found (and has not gone away since, as far as we know). */
  get hasServer(): boolean {
    return this.server !== undefined;
  }

  /** Looks for the daemon now: true when one answers. */
  async available(): Promise<boolean> {
    try {
      await this.daemon();
      return true;
    } catch {
      return false;
    }
  }

  /** The daemon (looked up, or started by D-Bus activation, when not known). Throws NoNotificationServerError without one. */
  private daemon(): Promise<{ iface: NotificationsIface; capabilities: string[] }> {
    if (this.server) return Promise.resolve(this.server);
    this.lookup ??= (async () => {
      try {
        const obj = await this.bus.getProxyObject(NAME, PATH);
        const iface = obj.getInterface(NAME) as NotificationsIface;
        const capabilities = await iface.GetCapabilities();
        this.listen(iface);
        this.server = { iface, capabilities };
        this.opts.logger.trace('App', 'notifications: notification daemon found on the session D-Bus', { capabilities: capabilities.join(',') });
        return this.server;
      } catch (err) {
        if (isNoOwner(err)) {
          const why = (err as dbus.DBusError).type.includes('.Spawn.') ? `could not be started: ${(err as dbus.DBusError).text.slice(0, 200)}` : 'has no owner';
          throw new NoNotificationServerError(`no notification service on the session D-Bus (${NAME} ${why})`);
        }
        throw err;
      } finally {
        this.lookup = undefined;
      }
    })();
    return this.lookup;
  }

  private listen(iface: NotificationsIface): void {
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

  /**
   * Connects to the session bus and looks for the daemon. Rejects when the bus cannot be reached;
   * with the bus but no daemon it resolves (hasServer false) and show() says so per notification.
   */
  static async connect(opts: { appName: string; logger: Logger; busAddress?: string }): Promise<DbusNotifier> {
    const bus = openSessionBus(opts.busAddress);
    // A connection that fails (no bus at that address, abstract sockets without usocket) is
    // reported through 'error' only, and the pending calls never settle: race them with it and
    // with a time limit.
    let onFailure: (err: unknown) => void = () => {};
    const failed = new Promise<never>((_, reject) => (onFailure = reject));
    failed.catch(() => {});
    // (the listener stays: an 'error' without one would be thrown)
    bus.on('error', (err: unknown) => onFailure(err));
    const timer = setTimeout(() => onFailure(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    const notifier = new DbusNotifier(bus, opts);
    try {
      await Promise.race([notifier.daemon(), failed]);
    } catch (err) {
      if (err instanceof NoNotificationServerError) {
        opts.logger.trace('App', `notifications: ${err.message} at start`);
        return notifier;
      }
      bus.disconnect();
      throw new Error(`no notification daemon on the session D-Bus: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
    return notifier;
  }

  async show(n: NativeNotification, events: NotificationEvents): Promise<NotificationHandle> {
    let server = await this.daemon();
    let id: number;
    try {
      id = await this.notify(server.iface, server.capabilities, n);
    } catch (err) {
      if (!isNoOwner(err)) throw err;
      // the daemon went away since: look again (a new one, or D-Bus activation), else the banner
      if (this.server === server) this.server = undefined;
      server.iface.removeAllListeners();
      server = await this.daemon();
      id = await this.notify(server.iface, server.capabilities, n);
    }
    this.byId.set(id, events);
    this.open.add(id);
    const { iface } = server;
    return {
      close: () => {
        this.byId.delete(id);
        if (!this.open.delete(id)) return;
        iface.CloseNotification(id).catch(() => {});
      },
    };
  }

  private notify(iface: NotificationsIface, capabilities: readonly string[], n: NativeNotification): Promise<number> {
    const hints: Record<string, dbus.Variant> = {
      urgency: new dbus.Variant('y', n.urgent ? 2 : 1),
      category: new dbus.Variant('s', n.kind === 'call' ? 'call.incoming' : n.kind === 'missed' ? 'call.unanswered' : n.kind === 'chat' ? 'im.received' : 'x-myapps'),
    };
    if (n.persistent) hints.resident = new dbus.Variant('b', true);
    if (n.silent) hints['suppress-sound'] = new dbus.Variant('b', true);
    const body = capabilities.includes('body-markup') ? escapeMarkup(n.body) : n.body;
    return iface.Notify(this.opts.appName, 0, '', n.title, body, dbusActions(n, capabilities), hints, n.persistent ? 0 : -1);
  }

  close(): void {
    this.byId.clear();
    this.open.clear();
    this.bus.disconnect();
  }
}
