/**
 * PowerSaveBlocker (electron/calls/ports.ts) on Linux: the desktop's inhibit APIs on the session
 * D-Bus, with dbus-next (docs/decisions.md, "Keeping awake on Linux"):
 *
 * | level | asked first | then, when nobody owns that name |
 * |---|---|---|
 * | display | org.freedesktop.ScreenSaver `Inhibit(app, reason)` (KDE, Xfce, LXQt; GNOME via gsd-screensaver-proxy) | org.gnome.SessionManager `Inhibit(app, 0, reason, idle 8 + suspend 4)` |
 * | system | org.freedesktop.PowerManagement.Inhibit `Inhibit(app, reason)` (KDE PowerDevil, xfce4-power-manager) | org.gnome.SessionManager `Inhibit(app, 0, reason, suspend 4)` (GNOME, Cinnamon, MATE) |
 *
 * Each answers a cookie that `UnInhibit` (`Uninhibit` for GNOME) gives back. These are the
 * services that decide on idle sleep and screen blanking in a desktop session; they drop every
 * inhibition of a connection that closes, so a crashed client keeps nothing awake.
 * (org.freedesktop.login1's Inhibit is on the system bus and would also block a suspend the user
 * asks for, which Windows' and macOS' idle-sleep assertions do not.)
 */
import * as dbus from 'dbus-next';
import { openSessionBus } from './session-bus';
import type { Logger } from '../../electron/platform';
import type { AwakeHandle, AwakeLevel, PowerSaveBlocker } from '../../electron/calls/ports';

interface InhibitApi {
  name: string;
  path: string;
  iface: string;
  inhibit: { member: string; signature: string; body(app: string, reason: string): unknown[] };
  uninhibit: string;
}

const freedesktop = (name: string, path: string, iface: string): InhibitApi => ({
  name,
  path,
  iface,
  inhibit: { member: 'Inhibit', signature: 'ss', body: (app, reason) => [app, reason] },
  uninhibit: 'UnInhibit',
});
const gnome = (flags: number): InhibitApi => ({
  name: 'org.gnome.SessionManager',
  path: '/org/gnome/SessionManager',
  iface: 'org.gnome.SessionManager',
  inhibit: { member: 'Inhibit', signature: 'susu', body: (app, reason) => [app, 0, reason, flags] },
  uninhibit: 'Uninhibit',
});

/** GNOME session inhibit flags (gnome-session): suspend 4, idle (screen blank, idle suspend) 8. */
export const GNOME_INHIBIT = { suspend: 4, idle: 8 } as const;

/** What is asked per level, in order. */
export const INHIBIT_APIS: Record<AwakeLevel, readonly InhibitApi[]> = {
  display: [freedesktop('org.freedesktop.ScreenSaver', '/org/freedesktop/ScreenSaver', 'org.freedesktop.ScreenSaver'), gnome(GNOME_INHIBIT.idle | GNOME_INHIBIT.suspend)],
  system: [freedesktop('org.freedesktop.PowerManagement', '/org/freedesktop/PowerManagement/Inhibit', 'org.freedesktop.PowerManagement.Inhibit'), gnome(GNOME_INHIBIT.suspend)],
};

const NO_OWNER = new Set(['org.freedesktop.DBus.Error.ServiceUnknown', 'org.freedesktop.DBus.Error.NameHasNoOwner', 'org.freedesktop.DBus.Error.UnknownMethod', 'org.freedesktop.DBus.Error.UnknownObject', 'org.freedesktop.DBus.Error.UnknownInterface']);

export class DbusPowerSaveBlocker implements PowerSaveBlocker {
  private constructor(
    private readonly bus: dbus.MessageBus,
    private readonly o: { appName: string; logger: Logger; timeoutMs: number },
  ) {}

  /** Connects to the session bus (rejects when it cannot be reached within `timeoutMs` [5 s]). */
  static async connect(opts: { appName: string; logger: Logger; busAddress?: string; timeoutMs?: number }): Promise<DbusPowerSaveBlocker> {
    const bus = openSessionBus(opts.busAddress);
    const timeoutMs = opts.timeoutMs ?? 5000;
    const blocker = new DbusPowerSaveBlocker(bus, { appName: opts.appName, logger: opts.logger, timeoutMs });
    try {
      // a round trip to the bus itself: the connection works
      await blocker.call(new dbus.Message({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'GetId' }));
    } catch (err) {
      bus.disconnect();
      throw new Error(`no session D-Bus: ${err instanceof Error ? err.message : String(err)}`);
    }
    return blocker;
  }

  async start(level: AwakeLevel, reason: string): Promise<AwakeHandle> {
    const tried: string[] = [];
    for (const api of INHIBIT_APIS[level]) {
      let reply: dbus.Message | null;
      try {
        reply = await this.call(
          new dbus.Message({ destination: api.name, path: api.path, interface: api.iface, member: api.inhibit.member, signature: api.inhibit.signature, body: api.inhibit.body(this.o.appName, reason.slice(0, 200)) }),
        );
      } catch (err) {
        if (err instanceof dbus.DBusError && NO_OWNER.has(err.type)) {
          tried.push(`${api.name}: ${err.type.replace('org.freedesktop.DBus.Error.', '')}`);
          continue;
        }
        throw err;
      }
      const cookie = reply?.body?.[0];
      if (typeof cookie !== 'number') throw new Error(`${api.name} ${api.inhibit.member} answered no cookie`);
      this.o.logger.trace('Media', `awake: ${level} inhibited through ${api.name}`, { cookie });
      return this.handle(api, cookie, level);
    }
    throw new Error(`nothing on the session D-Bus takes the ${level} inhibit request (${tried.join('; ')})`);
  }

  /** Disconnects; the desktop drops every inhibition of this connection. */
  close(): void {
    this.bus.disconnect();
  }

  private handle(api: InhibitApi, cookie: number, level: AwakeLevel): AwakeHandle {
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        try {
          await this.call(new dbus.Message({ destination: api.name, path: api.path, interface: api.iface, member: api.uninhibit, signature: 'u', body: [cookie] }));
        } catch (err) {
          // the service went away (it dropped our inhibition with it)
          if (!(err instanceof dbus.DBusError && NO_OWNER.has(err.type))) throw err;
        }
        this.o.logger.trace('Media', `awake: ${level} inhibition released`, { service: api.name });
      },
    };
  }

  private call(msg: dbus.Message): Promise<dbus.Message | null> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${msg.destination ?? ''} ${msg.member ?? ''}: no answer within ${this.o.timeoutMs} ms`)), this.o.timeoutMs);
      const onError = (err: unknown): void => {
        clearTimeout(t);
        reject(err instanceof Error ? err : new Error(String(err)));
      };
      this.bus.once('error', onError);
      this.bus.call(msg).then(
        (r) => {
          clearTimeout(t);
          this.bus.off('error', onError);
          resolve(r);
        },
        (err: unknown) => {
          clearTimeout(t);
          this.bus.off('error', onError);
          reject(err);
        },
      );
    });
  }
}
