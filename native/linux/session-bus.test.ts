import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import * as dbus from 'dbus-next';
import { describe, expect, it } from 'vitest';
import { startSessionBus } from '../../test/fixtures/session-bus';
import { openSessionBus } from './session-bus';

/** One round trip to the bus daemon itself. */
async function busId(bus: dbus.MessageBus): Promise<string> {
  const reply = await bus.call(new dbus.Message({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'GetId' }));
  return String(reply?.body[0]);
}

describe('the session D-Bus without usocket', () => {
  it('opens a bus listening on a socket path (Node\'s net)', async () => {
    const daemon = startSessionBus({ listen: `unix:path=${path.join(os.tmpdir(), `myapps-test-${randomBytes(6).toString('hex')}.sock`)}` });
    try {
      const bus = openSessionBus(daemon.address);
      try {
        expect(await busId(bus)).toMatch(/^[0-9a-f]{32}$/);
      } finally {
        bus.disconnect();
      }
    } finally {
      daemon.stop();
    }
  });

  it('says why an abstract address cannot be opened (usocket is not shipped), at once', () => {
    const daemon = startSessionBus({ listen: `unix:abstract=myapps-test-${randomBytes(6).toString('hex')}` });
    try {
      expect(() => openSessionBus(daemon.address)).toThrow(/^no session D-Bus: .*usocket/);
    } finally {
      daemon.stop();
    }
  });
});
