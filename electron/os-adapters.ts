/**
 * The product's choice of port implementation per OS and display session (composition root,
 * beside main.ts, which only calls `createOsAdapters` and closes the result at quit). One adapter
 * per port and OS; on Linux X11 the ones the end-to-end tests drive for real. The reasons, with the
 * figures measured, are in docs/decisions.md ("Adapters per port and OS").
 *
 * | Port | Linux X11 | Linux Wayland/XWayland | Windows, macOS |
 * |---|---|---|---|
 * | key listener | XGrabKey (native/linux/grab-key-listener) | globalShortcut (+ portal) | globalShortcut |
 * | selection | X11 PRIMARY in-process (native/linux/selection) | Electron clipboard.selection | copy-then-read helper |
 * | notifier | D-Bus (native/linux/notifier; no daemon: the in-app banner); Electron Notification only without a usable session bus | same | Electron Notification |
 * | idle clock | X11 screensaver idle time + powerMonitor events | powerMonitor | powerMonitor |
 * | proxy credentials | Secret Service (secret-tool), else encrypted file | same | encrypted file, safeStorage key |
 * | update fetch | proxyFetch + the OS CA bundle (the wiring's) | same | session fetch (Chromium net) |
 * | link registration | .desktop + xdg-mime (LinuxProtocolRegistrar) | same | setAsDefaultProtocolClient (+ installers) |
 * | keep awake in calls | D-Bus inhibit: ScreenSaver / PowerManagement / GNOME SessionManager (native/linux/power-save) | same | Electron powerSaveBlocker |
 * | one incoming call at a time | no | no | Windows Server editions (native/win/edition) |
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { FileLocations, Logger } from './platform';
import type { KeyListener, SelectionReader } from './hotkeys';
import type { Notifier } from './notifications';
import type { IdleClock } from './activity';
import type { ProtocolRegistrar } from './links';
import type { UpdateFetch } from './update';
import type { PowerSaveBlocker } from './calls';
import { EncryptedFileCredentialStore, LocalKeyCipher, type CredentialStore } from './connect';
import { detectDisplaySession, type DisplaySession } from '../common/session';
import { createKeyListener } from '../native/electron/key-listener';
import { createSelectionReader } from '../native/electron/selection';
import { createCopySelectionReader } from '../native/electron/copy-selection';
import { createNotifier } from '../native/electron/notifier';
import { createIdleClock } from '../native/electron/idle-clock';
import { createProtocolRegistrar } from '../native/electron/protocol-registrar';
import { createSafeStorageCipher, safeStorageAvailable } from '../native/electron/safe-storage';
import { createSessionFetch } from '../native/electron/net-fetch';
import { createPowerSaveBlocker } from '../native/electron/power-save';
import { isWindowsServer } from '../native/win/edition';
import { DbusPowerSaveBlocker } from '../native/linux/power-save';
import { X11GrabKeyListener } from '../native/linux/grab-key-listener';
import { X11SelectionReader } from '../native/linux/selection';
import { DbusNotifier } from '../native/linux/notifier';
import { X11IdleClock } from '../native/linux/idle-clock';
import { LinuxProtocolRegistrar } from '../native/linux/protocol-registrar';
import { createLinuxCredentialStore } from '../native/linux/secret-tool';
import { readOsCaBundle } from '../native/linux/ca-bundle';

export interface OsAdapterOptions {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  files: FileLocations;
  logger: Logger;
  /** Electron's session of the web client (update fetch on Windows and macOS). */
  session: Parameters<typeof createSessionFetch>[0];
  /** native/ helper scripts (copy-keystroke helper on Windows and macOS). */
  nativeDir: string;
  productName: string;
  icon?: string;
  /** How this client is started (Linux link registration): app.isPackaged, process.execPath, the app path when unpackaged. */
  isPackaged: boolean;
  execPath: string;
  appPath?: string;
  /** A dial hot key is configured: start the copy helper (Windows, macOS) before the first press. */
  warmUpCopyHelper: boolean;
}

export interface OsAdapters {
  displaySession: DisplaySession;
  keyListener: KeyListener;
  selectionReader: SelectionReader;
  notifier: Notifier;
  idleClock: IdleClock;
  protocolRegistrar: ProtocolRegistrar;
  credentialStore: CredentialStore;
  /** Windows, macOS: the session fetch. Linux: none; the wiring's proxyFetch is used, with `caCertificates`. */
  updateFetch?: UpdateFetch;
  /** PEM certificates trusted beside Node's roots by proxyFetch (Linux: the OS bundle). */
  caCertificates: string[];
  /** Keeps the system/display awake during calls; none on Linux without a session D-Bus (warned). */
  powerSaveBlocker?: PowerSaveBlocker;
  /** Only one incoming-call notification at a time (Windows Server, docs/notifications.md). */
  oneIncomingCall: boolean;
  /** What was chosen per port (the trace line "OS adapters"). */
  kinds: Record<string, string>;
  /** Closes what the adapters hold open (X connections, the D-Bus connection, helper processes). */
  close(): void;
}

/** The X11 idle time with the suspend/resume (and, where reported, lock) events of powerMonitor. */
function x11IdleWithPowerEvents(x11: X11IdleClock, power: IdleClock): IdleClock {
  return {
    idleSeconds: () => x11.idleSeconds(),
    onSystemEvent: (cb) => power.onSystemEvent(cb),
    close() {
      x11.close();
      power.close();
    },
  };
}

/** The command a link registration starts: the AppImage, else the executable (+ app path when unpackaged). */
function launchCommand(o: OsAdapterOptions): string[] {
  if (o.env.APPIMAGE && path.isAbsolute(o.env.APPIMAGE)) return [o.env.APPIMAGE];
  return o.isPackaged || !o.appPath ? [o.execPath] : [o.execPath, path.resolve(o.appPath)];
}

function xdgHome(env: NodeJS.ProcessEnv, name: 'XDG_DATA_HOME' | 'XDG_CONFIG_HOME', fallback: string): string {
  const v = env[name];
  return v && path.isAbsolute(v) ? v : path.join(env.HOME && path.isAbsolute(env.HOME) ? env.HOME : os.homedir(), fallback);
}

/** The desktop's inhibit services on the session D-Bus (docs/decisions.md "Keeping awake on Linux"). */
async function linuxPowerSaveBlocker(o: OsAdapterOptions, closers: (() => void)[]): Promise<PowerSaveBlocker | undefined> {
  try {
    const blocker = await DbusPowerSaveBlocker.connect({ appName: o.productName, logger: o.logger, ...(o.env.DBUS_SESSION_BUS_ADDRESS ? { busAddress: o.env.DBUS_SESSION_BUS_ADDRESS } : {}) });
    closers.push(() => blocker.close());
    return blocker;
  } catch (err) {
    o.logger.warn('awake: no session D-Bus; the system and display are not kept awake during calls', { error: err instanceof Error ? err.message : String(err) });
    return undefined;
  }
}

async function linuxNotifier(o: OsAdapterOptions, closers: (() => void)[]): Promise<{ notifier: Notifier; kind: string }> {
  try {
    const dbus = await DbusNotifier.connect({ appName: o.productName, logger: o.logger, ...(o.env.DBUS_SESSION_BUS_ADDRESS ? { busAddress: o.env.DBUS_SESSION_BUS_ADDRESS } : {}) });
    closers.push(() => dbus.close());
    return { notifier: dbus, kind: 'dbus' };
  } catch (err) {
    // The named fallback: Electron's libnotify notifications (no Accept/Reject buttons on Linux).
    // (a bus without a daemon is not this case: the D-Bus notifier runs and the in-app banner
    // shows what it cannot, electron/notifications/banner.ts)
    o.logger.warn('notifications: the session D-Bus cannot be used; using Electron notifications, which show no Accept/Reject buttons on Linux', { error: err instanceof Error ? err.message : String(err) });
    return { notifier: createNotifier(o.icon ? { icon: o.icon } : {}), kind: 'electron-fallback' };
  }
}

export async function createOsAdapters(o: OsAdapterOptions): Promise<OsAdapters> {
  const closers: (() => void)[] = [];
  const displaySession = detectDisplaySession(o.env, o.platform);
  const fileStore = (cipher: LocalKeyCipher | ReturnType<typeof createSafeStorageCipher>) => new EncryptedFileCredentialStore(path.join(o.files.userData, 'proxy-credentials.json'), cipher, o.logger);
  const localKey = () => new LocalKeyCipher(path.join(o.files.localData, 'proxy-credentials.key'));

  if (o.platform === 'linux') {
    const x11 = displaySession === 'x11';
    const display = o.env.DISPLAY;
    const keyListener = x11 ? new X11GrabKeyListener({ display }) : createKeyListener();
    const selection = x11 ? new X11SelectionReader({ display }) : undefined;
    if (selection) closers.push(() => selection.close());
    const power = createIdleClock();
    const x11Idle = x11 ? new X11IdleClock({ display }) : undefined;
    const idleClock = x11Idle ? x11IdleWithPowerEvents(x11Idle, power) : power;
    closers.push(() => idleClock.close(), () => keyListener.close());
    const { notifier, kind: notifierKind } = await linuxNotifier(o, closers);
    const powerSaveBlocker = await linuxPowerSaveBlocker(o, closers);
    const credentialStore = await createLinuxCredentialStore({ logger: o.logger, env: o.env, fallback: () => fileStore(localKey()) });
    const ca = readOsCaBundle();
    const protocolRegistrar = new LinuxProtocolRegistrar({
      desktopId: 'myapps-links',
      exec: launchCommand(o),
      dataHome: xdgHome(o.env, 'XDG_DATA_HOME', path.join('.local', 'share')),
      configHome: xdgHome(o.env, 'XDG_CONFIG_HOME', '.config'),
      name: o.productName,
    });
    return {
      displaySession,
      keyListener,
      selectionReader: selection ?? createSelectionReader(),
      notifier,
      idleClock,
      protocolRegistrar,
      credentialStore,
      caCertificates: ca ? [ca.pem] : [],
      ...(powerSaveBlocker ? { powerSaveBlocker } : {}),
      oneIncomingCall: false,
      kinds: {
        session: displaySession,
        keyListener: x11 ? 'x11-grabkey' : 'electron-globalShortcut',
        selectionReader: x11 ? 'x11-primary' : 'electron-clipboard',
        notifier: notifierKind,
        idleClock: x11 ? 'x11-screensaver+powerMonitor' : 'powerMonitor',
        proxyLogins: credentialStore.kind === 'secret-service' ? 'secret-service' : 'encrypted-file',
        updateFetch: ca ? 'proxyFetch' : 'proxyFetch (no OS CA bundle found)',
        protocolRegistrar: 'xdg-mime',
        powerSaveBlocker: powerSaveBlocker ? 'dbus-inhibit' : 'none (no session D-Bus)',
      },
      close: () => closers.splice(0).reverse().forEach((c) => c()),
    };
  }

  // Windows and macOS: Electron's adapters; dial copies the selection with the helper first.
  const copyReader = createCopySelectionReader({ nativeDir: o.nativeDir, logger: o.logger, platform: o.platform });
  if (o.warmUpCopyHelper) void copyReader.warmUp();
  const keyListener = createKeyListener();
  const idleClock = createIdleClock();
  closers.push(() => copyReader.close(), () => idleClock.close(), () => keyListener.close());
  const osCipher = await safeStorageAvailable();
  const oneIncomingCall = o.platform === 'win32' && (await isWindowsServer());
  if (!osCipher) o.logger.warn('no OS credential store (safeStorage); proxy credentials are kept with a local key file');
  return {
    displaySession,
    keyListener,
    selectionReader: copyReader,
    notifier: createNotifier(o.icon ? { icon: o.icon } : {}),
    idleClock,
    protocolRegistrar: createProtocolRegistrar(),
    credentialStore: fileStore(osCipher ? createSafeStorageCipher() : localKey()),
    updateFetch: createSessionFetch(o.session),
    caCertificates: [],
    powerSaveBlocker: createPowerSaveBlocker(),
    oneIncomingCall,
    kinds: {
      session: displaySession,
      keyListener: 'electron-globalShortcut',
      selectionReader: 'copy-then-read',
      notifier: 'electron',
      idleClock: 'powerMonitor',
      proxyLogins: osCipher ? 'encrypted-file+safeStorage' : 'encrypted-file',
      updateFetch: 'session-fetch',
      protocolRegistrar: 'electron',
      powerSaveBlocker: 'electron',
      oneIncomingCall: String(oneIncomingCall),
    },
    close: () => closers.splice(0).reverse().forEach((c) => c()),
  };
}
