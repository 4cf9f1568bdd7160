/**
 * The Linux PowerSaveBlocker the product ships (native/linux/power-save.ts) on a private session
 * D-Bus (dbus-daemon) against a stand-in of the desktop's inhibit services
 * (test/fixtures/inhibit-standin.ts): KDE/Xfce-style (org.freedesktop.ScreenSaver +
 * org.freedesktop.PowerManagement), GNOME-style (org.gnome.SessionManager only), and nothing.
 * The AwakeKeeper drives it as the media service's channels come and go.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../fixtures/memory-logger';
import { startInhibitStandIn, type InhibitStandIn } from '../fixtures/inhibit-standin';
import { DbusPowerSaveBlocker } from '../../native/linux/power-save';
import { AwakeKeeper } from '../../electron/calls';
import { translator } from '../../common/i18n';
import { startSessionBus, type SessionBus } from '../fixtures/session-bus';

const idle = { audio: 0, video: 0, sharing: [], watching: 0 };

describe('keeping awake on Linux: the D-Bus inhibit adapter on a private session bus', () => {
  let bus: SessionBus;
  let standIn: InhibitStandIn | undefined;
  const blockers: DbusPowerSaveBlocker[] = [];
  const connect = async () => {
    const b = await DbusPowerSaveBlocker.connect({ appName: 'myApps', logger: memoryLogger(), busAddress: bus.address });
    blockers.push(b);
    return b;
  };
  beforeAll(() => {
    bus = startSessionBus();
  });
  afterEach(() => {
    for (const b of blockers.splice(0)) b.close();
    standIn?.close();
    standIn = undefined;
  });
  afterAll(() => bus?.stop());

  it('KDE/Xfce: the display through org.freedesktop.ScreenSaver, the system through org.freedesktop.PowerManagement.Inhibit; released with the cookie', async () => {
    standIn = await startInhibitStandIn(bus.address, ['screensaver', 'power', 'gnome']);
    const b = await connect();
    const sys = await b.start('system', 'Call in progress');
    const disp = await b.start('display', 'Video call or screen sharing');
    expect(standIn.active().map((i) => [i.service, i.app, i.reason])).toEqual([
      ['power', 'myApps', 'Call in progress'],
      ['screensaver', 'myApps', 'Video call or screen sharing'],
    ]);
    await disp.release();
    await disp.release(); // once only
    await sys.release();
    expect(standIn.active()).toEqual([]);
    expect(standIn.calls).toEqual([
      'power Inhibit myApps "Call in progress"',
      'screensaver Inhibit myApps "Video call or screen sharing"',
      'screensaver UnInhibit known',
      'power UnInhibit known',
    ]);
  });

  it('GNOME: org.gnome.SessionManager Inhibit with suspend (system) and idle + suspend (display)', async () => {
    standIn = await startInhibitStandIn(bus.address, ['gnome']);
    const b = await connect();
    const disp = await b.start('display', 'Video');
    const sys = await b.start('system', 'Call');
    expect(standIn.active().map((i) => [i.service, i.flags])).toEqual([['gnome', 12], ['gnome', 4]]);
    await sys.release();
    await disp.release();
    expect(standIn.calls.slice(-2)).toEqual(['gnome Uninhibit known', 'gnome Uninhibit known']);
  });

  it('nothing on the bus takes it: a clear error naming what was asked; the keeper warns once and goes on', async () => {
    const b = await connect();
    await expect(b.start('display', 'Video')).rejects.toThrow(/nothing on the session D-Bus takes the display inhibit request \(org\.freedesktop\.ScreenSaver: ServiceUnknown; org\.gnome\.SessionManager: ServiceUnknown\)/);
    const logger = memoryLogger();
    const keeper = new AwakeKeeper({ blocker: b, logger });
    await keeper.update({ ...idle, audio: 1 });
    await keeper.update(idle);
    await keeper.update({ ...idle, audio: 1 });
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(keeper.state()).toEqual({ system: false, display: false });
  });

  it('the keeper follows the calls; a client that quits keeps nothing awake', async () => {
    standIn = await startInhibitStandIn(bus.address, ['screensaver', 'power']);
    const b = await connect();
    const keeper = new AwakeKeeper({ blocker: b, logger: memoryLogger(), words: translator('de') });
    await keeper.update({ ...idle, audio: 1 });
    expect(standIn.active().map((i) => [i.service, i.reason])).toEqual([['power', 'Laufender Anruf']]);
    await keeper.update({ ...idle, audio: 1, sharing: [{ session: 'm1', channel: 's', kind: 'appsharing', sends: true }] });
    expect(standIn.active().map((i) => i.service)).toEqual(['power', 'screensaver']);
    await keeper.update({ ...idle, audio: 1 });
    expect(standIn.active().map((i) => i.service)).toEqual(['power']);
    // the client goes away without releasing (a crash): the desktop drops its inhibitions
    b.close();
    const s = standIn;
    await new Promise<void>((resolve, reject) => {
      const end = Date.now() + 5000;
      const poll = () => (s.active().length === 0 ? resolve() : Date.now() > end ? reject(new Error('still inhibited')) : setTimeout(poll, 20));
      poll();
    });
    expect(s.calls.at(-1)).toBe('power dropped (client gone)');
  });

  it('no session bus at all: connect says so', async () => {
    await expect(DbusPowerSaveBlocker.connect({ appName: 'myApps', logger: memoryLogger(), busAddress: `unix:path=${bus.address.replace(/^unix:path=|,guid=.*$/g, '')}-missing`, timeoutMs: 2000 })).rejects.toThrow(/no session D-Bus/);
  });
});
