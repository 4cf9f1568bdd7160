/**
 * The per-OS choice of port implementations (electron/os-adapters.ts) with the Electron stand-in.
 * The Linux X11 choice runs for real in test/e2e/packaged-main.e2e.test.ts (the built bundle on a
 * private desktop session); here: which adapter each OS and session gets, and the named fallbacks.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../test/fixtures/memory-logger';
import { FakeSession } from '../test/fixtures/fake-electron';
import { startSessionBus } from '../test/fixtures/session-bus';

vi.mock('electron', async () => (await import('../test/fixtures/fake-electron')).electron);
const { createOsAdapters } = await import('./os-adapters');

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'os-adapters-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function options(platform: NodeJS.Platform, env: NodeJS.ProcessEnv) {
  const logger = memoryLogger();
  return {
    logger,
    o: {
      platform,
      env: { HOME: dir, XDG_DATA_HOME: path.join(dir, 'data'), XDG_CONFIG_HOME: path.join(dir, 'config'), ...env },
      files: { userData: path.join(dir, 'userData'), localData: path.join(dir, 'local'), logs: path.join(dir, 'logs'), temp: path.join(dir, 'tmp') },
      logger,
      session: new FakeSession() as never,
      nativeDir: path.join(dir, 'native'),
      productName: 'myApps',
      isPackaged: true,
      execPath: '/opt/myApps/myapps',
      warmUpCopyHelper: false,
    },
  };
}

describe('createOsAdapters', () => {
  it('Windows and macOS: Electron\'s adapters, the session fetch for updates, safeStorage for proxy logins', async () => {
    for (const platform of ['win32', 'darwin'] as const) {
      const { o } = options(platform, {});
      const a = await createOsAdapters(o);
      expect(a.kinds).toEqual({
        session: 'other',
        keyListener: 'electron-globalShortcut',
        selectionReader: 'copy-then-read',
        notifier: 'electron',
        idleClock: 'powerMonitor',
        proxyLogins: 'encrypted-file+safeStorage',
        updateFetch: 'session-fetch',
        protocolRegistrar: 'electron',
        powerSaveBlocker: 'electron',
        // Windows Server only (reg.exe InstallationType; not this machine)
        oneIncomingCall: 'false',
      });
      expect(a.powerSaveBlocker).toBeDefined();
      expect(a.oneIncomingCall).toBe(false);
      expect(a.updateFetch).toBeTypeOf('function');
      expect(a.caCertificates).toEqual([]);
      await a.credentialStore.set('proxy.corp', { username: 'u', password: 'p' });
      expect(await fs.readFile(path.join(o.files.userData, 'proxy-credentials.json'), 'utf8')).toContain('electron-safeStorage');
      a.close();
    }
  });

  it('Linux X11: the X11 adapters, xdg-mime registration and proxyFetch with the OS CA bundle', async () => {
    const { o } = options('linux', { DISPLAY: ':987', XDG_SESSION_TYPE: 'x11' });
    const a = await createOsAdapters(o);
    expect(a.kinds).toMatchObject({ session: 'x11', keyListener: 'x11-grabkey', selectionReader: 'x11-primary', idleClock: 'x11-screensaver+powerMonitor', protocolRegistrar: 'xdg-mime' });
    expect(a.updateFetch).toBeUndefined(); // the wiring's proxyFetch
    expect(a.kinds.updateFetch).toMatch(/^proxyFetch/);
    if (a.kinds.updateFetch === 'proxyFetch') expect(a.caCertificates[0]).toContain('-----BEGIN CERTIFICATE-----');
    // no X server at :987: the key listener says so per chord instead of failing
    expect(await a.keyListener.setChords([{ id: 'dial', chord: { key: 'F9', mods: ['ctrl'] } }], () => {})).toEqual([{ id: 'dial', active: false, reason: expect.stringMatching(/cannot connect to the X display :987/) }]);
    a.close();
  });

  it('Linux without a session D-Bus: Electron notifications as the named fallback, nothing kept awake in calls (warned); no Secret Service: the encrypted file', async () => {
    const { o, logger } = options('linux', { WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'wayland', DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(dir, 'no-bus')}` });
    const a = await createOsAdapters(o);
    expect(a.kinds).toMatchObject({ session: 'wayland', keyListener: 'electron-globalShortcut', selectionReader: 'electron-clipboard', notifier: 'electron-fallback', idleClock: 'powerMonitor', proxyLogins: 'encrypted-file', powerSaveBlocker: 'none (no session D-Bus)' });
    expect(logger.lines.find((l) => l.level === 'warn' && /the session D-Bus cannot be used; using Electron notifications/.test(l.message))).toBeDefined();
    expect(logger.lines.find((l) => l.level === 'warn' && /awake: no session D-Bus/.test(l.message))).toBeDefined();
    expect(a.powerSaveBlocker).toBeUndefined();
    await a.credentialStore.set('proxy.corp', { username: 'u', password: 'p' });
    expect(await fs.readFile(path.join(o.files.userData, 'proxy-credentials.json'), 'utf8')).toContain('aes-256-gcm-local');
    a.close();
  });

  it('Linux with a session D-Bus but no notification daemon: the D-Bus notifier (the in-app banner takes its notifications) and the D-Bus keep-awake', async () => {
    const bus = startSessionBus();
    try {
      const { o } = options('linux', { WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'wayland', DBUS_SESSION_BUS_ADDRESS: bus.address });
      const a = await createOsAdapters(o);
      expect(a.kinds).toMatchObject({ notifier: 'dbus', powerSaveBlocker: 'dbus-inhibit' });
      await expect(a.notifier.show({ title: 't', body: '', kind: 'default', persistent: false, urgent: false, buttons: [], silent: false }, { onAction() {}, onClosed() {} })).rejects.toThrow(/no notification service on the session D-Bus/);
      await expect(a.powerSaveBlocker!.start('system', 'Call')).rejects.toThrow(/nothing on the session D-Bus takes the system inhibit request/);
      a.close();
    } finally {
      bus.stop();
    }
  });
});
