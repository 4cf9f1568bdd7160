/**
 * The session D-Bus of the Linux adapters (notifier.ts, power-save.ts), opened one way. A
 * `unix:path=` address (systemd's user bus, `/run/user/<uid>/bus`) is opened with Node's net. A
 * `unix:abstract=` address (the default of many desktops before systemd's user bus) needs
 * dbus-next's native `usocket`, which the product does not ship (scripts/build.mjs NOT_SHIPPED;
 * Node's own net pads abstract names to the whole sun_path, so D-Bus daemons never see them):
 * opening it fails here with the reason, and the adapters' callers choose their fallback
 * (electron/os-adapters.ts, docs/decisions.md).
 */
import * as dbus from 'dbus-next';

/**
 * Opens the session bus at `busAddress` (else DBUS_SESSION_BUS_ADDRESS, else what dbus-next finds).
 * Throws "no session D-Bus: …" when no address can be opened; a connection that fails later is
 * reported through the bus's 'error' event.
 */
export function openSessionBus(busAddress?: string): dbus.MessageBus {
  try {
    return dbus.sessionBus(busAddress ? { busAddress } : undefined);
  } catch (err) {
    throw new Error(`no session D-Bus: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  }
}
