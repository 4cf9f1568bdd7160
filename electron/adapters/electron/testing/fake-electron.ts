/**
 * An in-memory stand-in for the parts of the 'electron' module the adapters and main.ts use, for
 * unit tests (`vi.mock('electron', async () => (await import('./testing/fake-electron')).electron)`).
 * It records calls so tests can assert on what the product would have asked Electron to do.
 * Not a simulation of Electron: only shapes and events.
 */
import { EventEmitter } from 'node:events';

type Fn = (...a: any[]) => any;

export const calls: { api: string; args: unknown[] }[] = [];
const rec = (api: string, ...args: unknown[]) => void calls.push({ api, args });

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  id = FakeWebContents.nextId++;
  url = '';
  destroyed = false;
  sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: Fn | undefined;
  getURL() { return this.url; }
  isDestroyed() { return this.destroyed; }
  send(channel: string, payload: unknown) { this.sent.push({ channel, payload }); }
  setWindowOpenHandler(h: Fn) { this.windowOpenHandler = h; }
  udpRange: unknown;
  setWebRTCUDPPortRange(r: unknown) { this.udpRange = r; }
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  webContents = new FakeWebContents();
  bounds = { x: 0, y: 0, width: 800, height: 600 };
  visible = false;
  minimized = false;
  destroyed = false;
  skipTaskbar = false;
  alwaysOnTop = false;
  loaded: string[] = [];
  log: string[] = [];
  constructor(public options: Record<string, any> = {}) {
    super();
    if (options.width) this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width, height: options.height };
    FakeBrowserWindow.all.push(this);
    queueMicrotask(() => electron.app.emit('web-contents-created', {}, this.webContents));
  }
  async loadURL(url: string) { this.loaded.push(url); this.webContents.url = url; }
  show() { this.visible = true; this.log.push('show'); }
  hide() { this.visible = false; this.log.push('hide'); }
  focus() { this.log.push('focus'); }
  restore() { this.minimized = false; this.log.push('restore'); }
  isMinimized() { return this.minimized; }
  isVisible() { return this.visible; }
  isDestroyed() { return this.destroyed; }
  getBounds() { return { ...this.bounds }; }
  setBounds(b: typeof this.bounds) { this.bounds = { ...b }; }
  setSkipTaskbar(s: boolean) { this.skipTaskbar = s; }
  setAlwaysOnTop(on: boolean) { this.alwaysOnTop = on; }
  flashing = false;
  flashFrame(on: boolean) { this.flashing = on; }
  destroy() {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
  close() {
    const e = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    this.emit('close', e);
    if (e.defaultPrevented) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export class FakeTray extends EventEmitter {
  static last: FakeTray | undefined;
  menu: any;
  tooltip = '';
  destroyed = false;
  constructor(public image: unknown) { super(); FakeTray.last = this; }
  setContextMenu(m: any) { this.menu = m; }
  setToolTip(t: string) { this.tooltip = t; }
  isDestroyed() { return this.destroyed; }
  destroy() { this.destroyed = true; }
}

export class FakeNotification extends EventEmitter {
  static supported = true;
  static all: FakeNotification[] = [];
  shown = false;
  closed = false;
  constructor(public options: Record<string, any>) { super(); FakeNotification.all.push(this); }
  static isSupported() { return FakeNotification.supported; }
  show() { this.shown = true; }
  close() { this.closed = true; this.emit('close', {}); }
}

class FakeApp extends EventEmitter {
  isPackaged = true;
  paths: Record<string, string> = { appData: '/tmp/appData', userData: '/tmp/userData', temp: '/tmp' };
  loginItem = { openAtLogin: false };
  lock = true;
  badge = 0;
  quitCalled = 0;
  exitCode: number | undefined;
  protocolResult = true;
  getPath(name: string) { return this.paths[name] ?? `/tmp/${name}`; }
  setPath(name: string, p: string) { this.paths[name] = p; rec('app.setPath', name, p); }
  getVersion() { return '0.1.0'; }
  userAgentFallback = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Electron/45.4.1 Safari/537.36';
  setAppUserModelId(id: string) { rec('app.setAppUserModelId', id); }
  commandLine = { appendSwitch: (name: string, value?: string) => rec('app.commandLine.appendSwitch', name, value) };
  requestSingleInstanceLock() { return this.lock; }
  whenReady() { return Promise.resolve(); }
  quit() { this.quitCalled++; }
  relaunched: unknown[] = [];
  relaunch(opts?: unknown) { this.relaunched.push(opts); }
  exit(code: number) { this.exitCode = code; }
  focus() {}
  setBadgeCount(n: number) { this.badge = n; return true; }
  getLoginItemSettings() { return { ...this.loginItem }; }
  setLoginItemSettings(s: Record<string, unknown>) { rec('app.setLoginItemSettings', s); this.loginItem = { openAtLogin: !!s.openAtLogin }; }
  setAsDefaultProtocolClient(...a: unknown[]) { rec('app.setAsDefaultProtocolClient', ...a); return this.protocolResult; }
  dock = { setBadge: (s: string) => rec('dock.setBadge', s) };
}

class FakeIpcMain extends EventEmitter {
  handlers = new Map<string, Fn>();
  handle(ch: string, fn: Fn) { if (this.handlers.has(ch)) throw new Error(`second handler for ${ch}`); this.handlers.set(ch, fn); }
  removeHandler(ch: string) { this.handlers.delete(ch); }
}

export class FakeSession extends EventEmitter {
  permissionRequest: Fn | undefined;
  permissionCheck: Fn | undefined;
  devicePermission: Fn | undefined;
  protocolHandlers = new Map<string, Fn>();
  setPermissionRequestHandler(h: Fn) { this.permissionRequest = h; }
  setPermissionCheckHandler(h: Fn) { this.permissionCheck = h; }
  setDevicePermissionHandler(h: Fn) { this.devicePermission = h; }
  protocol = { handle: (scheme: string, h: Fn) => void this.protocolHandlers.set(scheme, h), unhandle: (scheme: string) => void this.protocolHandlers.delete(scheme) };
  proxyAnswer = 'DIRECT';
  async resolveProxy(_url: string) { return this.proxyAnswer; }
  async fetch(_input: unknown, _init?: unknown): Promise<Response> { throw new Error('fake session: no network'); }
  displayMediaHandler: Fn | undefined;
  setDisplayMediaRequestHandler(h: Fn) { this.displayMediaHandler = h; }
}

const screen = Object.assign(new EventEmitter(), {
  displays: [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
  getAllDisplays() { return screen.displays; },
});
const powerMonitor = Object.assign(new EventEmitter(), { idle: 42, getSystemIdleTime() { return powerMonitor.idle; } });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test double; typed loosely on purpose
export const electron: any = {
  app: new FakeApp(),
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Notification: FakeNotification,
  Menu: { buildFromTemplate: (t: unknown[]) => ({ items: t }) },
  nativeImage: {
    createFromPath: (p: string) => ({ path: p, isEmpty: () => false }),
    createEmpty: () => ({ path: '', isEmpty: () => true }),
  },
  screen,
  powerMonitor,
  shell: {
    opened: [] as string[],
    external: [] as string[],
    revealed: [] as string[],
    async openPath(p: string) { electron.shell.opened.push(p); return ''; },
    async openExternal(u: string) { electron.shell.external.push(u); },
    showItemInFolder(p: string) { electron.shell.revealed.push(p); },
  },
  clipboard: {
    text: 'clip',
    selectionText: '' as string,
    async readText() { return electron.clipboard.text; },
    selection: { async readText() { return electron.clipboard.selectionText; } } as { readText(): Promise<string> } | undefined,
  },
  ipcMain: new FakeIpcMain(),
  globalShortcut: {
    registered: new Map<string, Fn>(),
    register(acc: string, fn: Fn) { electron.globalShortcut.registered.set(acc, fn); return true; },
    unregister(acc: string) { electron.globalShortcut.registered.delete(acc); },
    unregisterAll() { electron.globalShortcut.registered.clear(); },
    isRegistered(acc: string) { return electron.globalShortcut.registered.has(acc); },
  },
  net: { fetch: async () => { throw new Error('fake net: no network'); } },
  desktopCapturer: {
    sources: [] as { id: string; name: string; display_id: string; thumbnail: { isEmpty(): boolean; toDataURL(): string } }[],
    async getSources(_opts: unknown) { return electron.desktopCapturer.sources; },
  },
  protocol: { registerSchemesAsPrivileged: (s: unknown) => rec('protocol.registerSchemesAsPrivileged', s) },
  session: { defaultSession: new FakeSession() },
  safeStorage: {
    available: true,
    backend: 'gnome_libsecret',
    isEncryptionAvailable: () => electron.safeStorage.available,
    getSelectedStorageBackend: () => electron.safeStorage.backend,
    encryptString: (s: string) => Buffer.from(`enc:${s}`),
    decryptString: (b: Buffer) => b.toString().replace(/^enc:/, ''),
  },
};
export default electron;
