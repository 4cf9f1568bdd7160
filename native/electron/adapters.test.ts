import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../electron/platform';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { createPreloadDispatcher, fixedOriginPolicy } from '../../electron/security';
import { calls, electron, FakeBrowserWindow, FakeNotification, FakeSession, FakeTray, FakeWebContents, FakeWebContentsView } from '../../test/fixtures/fake-electron';

vi.mock('electron', async () => (await import('../../test/fixtures/fake-electron')).electron);

const { ElectronWindowHost, ElectronTray, electronShell } = await import('./windows');
const { createAutostart } = await import('./autostart');
const { createIdleClock } = await import('./idle-clock');
const { createProtocolRegistrar } = await import('./protocol-registrar');
const { createSelectionReader } = await import('./selection');
const { createFileLocations, useInnovaphoneUserData } = await import('./file-locations');
const { createNotifier } = await import('./notifier');
const { registerPreloadIpc } = await import('./ipc');
const { applySessionPolicy, applyWebContentsPolicy } = await import('./security');
const { registerLauncherScheme, serveLauncherFile, handleLauncherScheme } = await import('./launcher-protocol');
const { createSafeStorageCipher, safeStorageAvailable } = await import('./safe-storage');
const { createProxyResolver } = await import('./proxy-resolver');
const { createSessionFetch } = await import('./net-fetch');
const { createDialogHost } = await import('./dialogs');
const { createOverlayHost } = await import('./overlay');
const { createPowerSaveBlocker } = await import('./power-save');

const PBX = 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm';
let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adapters-'));
  calls.length = 0;
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('ElectronWindowHost / ElectronTray / shell', () => {
  it('drives the main window', () => {
    const main = new FakeBrowserWindow({ width: 1000, height: 700 });
    const host = new ElectronWindowHost({ main: main as never, isQuitting: () => false, preload: '/dist/preload.cjs' });
    main.minimized = true;
    host.showMain();
    expect(main.log).toEqual(['restore', 'show', 'focus']);
    host.setShowInTaskbar(false);
    expect(main.skipTaskbar).toBe(true);
    host.setMainBounds({ x: 1, y: 2, width: 300, height: 400 });
    expect(host.getMainBounds()).toEqual({ x: 1, y: 2, width: 300, height: 400 });
    host.setAlwaysOnTop(true);
    expect(main.alwaysOnTop).toBe(true);
    expect(host.getDisplays()).toEqual([{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }]);
    let n = 0;
    const off = host.onDisplaysChanged(() => n++);
    electron.screen.emit('display-added');
    electron.screen.emit('display-metrics-changed');
    off();
    electron.screen.emit('display-removed');
    expect(n).toBe(2);
    host.setBadge(3);
    expect(electron.app.badge).toBe(3);
    host.hideMain();
    expect(host.isMainVisible()).toBe(false);
  });

  it('opens detached app windows with the secure preferences and tells user closes apart', () => {
    const main = new FakeBrowserWindow();
    let quitting = false;
    const host = new ElectronWindowHost({ main: main as never, isQuitting: () => quitting, preload: '/dist/preload.cjs' });
    const h = host.openAppWindow({ app: 'chat', url: 'https://pbx.example.com/x', title: 'Chat', bounds: { x: 5, y: 6, width: 700, height: 500 } });
    const w = FakeBrowserWindow.all.at(-1)!;
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: '/dist/preload.cjs' });
    expect(w.options).toMatchObject({ x: 5, y: 6, width: 700, height: 500, title: 'Chat' });
    expect(w.loaded).toEqual(['https://pbx.example.com/x']);
    const closes: boolean[] = [];
    h.onClosed((byUser) => closes.push(byUser));
    w.close();
    expect(closes).toEqual([true]);
    const h2 = host.openAppWindow({ app: 'phone', url: 'https://pbx.example.com/p' });
    const c2: boolean[] = [];
    h2.onClosed((b) => c2.push(b));
    h2.close();
    expect(c2).toEqual([false]);
    const h3 = host.openAppWindow({ app: 'x', url: 'https://pbx.example.com/q' });
    const c3: boolean[] = [];
    h3.onClosed((b) => c3.push(b));
    quitting = true;
    FakeBrowserWindow.all.at(-1)!.close();
    expect(c3).toEqual([false]);
  });

  it('builds the tray menu and routes clicks', async () => {
    const tray = new ElectronTray('/dist/icons/tray.png');
    const t = FakeTray.last!;
    const clicked: string[] = [];
    tray.setMenu([{ id: 'show', label: 'Show', type: 'normal' }, { id: 'sep', label: '', type: 'separator' }, { id: 'autostart', label: 'Start at login', type: 'checkbox', checked: true, enabled: false }], (id) => clicked.push(id));
    expect(t.menu.items[1]).toEqual({ type: 'separator' });
    expect(t.menu.items[2]).toMatchObject({ id: 'autostart', type: 'checkbox', checked: true, enabled: false });
    t.menu.items[0].click();
    expect(clicked).toEqual(['show']);
    let activated = 0;
    tray.onActivate(() => activated++);
    t.emit('click');
    expect(activated).toBe(process.platform === 'darwin' ? 0 : 1);
    tray.setToolTip('myApps');
    expect(t.tooltip).toBe('myApps');
    tray.destroy();
    expect(t.destroyed).toBe(true);
    await electronShell.openPath('/logs');
    electronShell.showItemInFolder('/logs/x.zip');
    expect(electron.shell.opened).toContain('/logs');
    expect(electron.shell.revealed).toContain('/logs/x.zip');
  });
});

describe('autostart', () => {
  it('uses an XDG autostart file on Linux (AppImage path preferred)', async () => {
    const a = createAutostart({ appId: 'com.innovaphone.myapps', name: 'myApps', platform: 'linux', env: { XDG_CONFIG_HOME: dir, APPIMAGE: '/home/u/myApps.AppImage' } });
    await a.setEnabled(true, { hidden: true });
    const text = await fs.readFile(path.join(dir, 'autostart', 'com.innovaphone.myapps.desktop'), 'utf8');
    expect(text).toContain('Exec=/home/u/myApps.AppImage --hidden\n');
    expect(await a.isEnabled()).toBe(true);
    await a.setEnabled(false);
    expect(await a.isEnabled()).toBe(false);
  });
  it('uses login items on Windows/macOS', async () => {
    const a = createAutostart({ appId: 'x', name: 'myApps', platform: 'win32' });
    await a.setEnabled(true, { hidden: true });
    expect(calls.find((c) => c.api === 'app.setLoginItemSettings')?.args[0]).toEqual({ openAtLogin: true, args: ['--hidden'] });
    expect(await a.isEnabled()).toBe(true);
    await a.setEnabled(false);
    expect(await a.isEnabled()).toBe(false);
  });
});

describe('idle clock, protocol registrar, selection, file locations, safeStorage', () => {
  it('reads idle time and system events', async () => {
    const c = createIdleClock();
    expect(await c.idleSeconds()).toBe(42);
    electron.powerMonitor.idle = -1;
    expect(await c.idleSeconds()).toBeUndefined();
    electron.powerMonitor.idle = 42;
    const ev: string[] = [];
    c.onSystemEvent((e) => ev.push(e));
    for (const e of ['lock-screen', 'unlock-screen', 'suspend', 'resume']) electron.powerMonitor.emit(e);
    c.close();
    electron.powerMonitor.emit('lock-screen');
    expect(ev).toEqual(['lock', 'unlock', 'suspend', 'resume']);
  });
  it('registers protocols with "--" before the link', async () => {
    electron.app.isPackaged = true;
    const r = await createProtocolRegistrar().register(['tel', 'sip', 'Bad Scheme']);
    expect(r.registered).toEqual(['tel', 'sip']);
    expect(r.failed).toEqual([{ scheme: 'Bad Scheme', reason: 'invalid scheme name' }]);
    expect(calls.filter((c) => c.api === 'app.setAsDefaultProtocolClient')[0]!.args).toEqual(['tel', process.execPath, ['--']]);
    electron.app.isPackaged = false;
    electron.app.protocolResult = false;
    const r2 = await createProtocolRegistrar().register(['im']);
    expect(r2.failed[0]!.reason).toMatch(/refused/);
    const args = calls.filter((c) => c.api === 'app.setAsDefaultProtocolClient').at(-1)!.args[2] as string[];
    expect(args.at(-1)).toBe('--');
    expect(args).toHaveLength(2);
    electron.app.isPackaged = true;
    electron.app.protocolResult = true;
  });
  it('reads PRIMARY first, then the clipboard', async () => {
    const s = createSelectionReader();
    electron.clipboard.selectionText = '+49 7031 730090';
    expect(await s.readSelection()).toBe('+49 7031 730090');
    electron.clipboard.selectionText = '';
    expect(await s.readSelection()).toBe('clip');
    const sel = electron.clipboard.selection;
    electron.clipboard.selection = undefined; // Windows/macOS
    expect(await s.readSelection()).toBe('clip');
    electron.clipboard.selection = sel;
  });
  it('lays out the folders per OS', () => {
    expect(useInnovaphoneUserData()).toBe(path.join('/tmp/appData', 'innovaphone', 'myApps'));
    expect(createFileLocations('win32', { LOCALAPPDATA: 'C:/Users/u/AppData/Local' })).toMatchObject({ userData: path.join('/tmp/appData', 'innovaphone', 'myApps'), localData: path.join('C:/Users/u/AppData/Local', 'innovaphone', 'myApps') });
    const l = createFileLocations('linux', { XDG_DATA_HOME: '/home/u/.local/share' });
    expect(l.localData).toBe('/home/u/.local/share/innovaphone/myApps');
    expect(l.logs).toBe('/home/u/.local/share/innovaphone/myApps/traces');
  });
  it('resolves proxies through the session (PAC-style answer)', async () => {
    const ses = new FakeSession();
    ses.proxyAnswer = 'PROXY proxy.example.com:3128; DIRECT';
    expect(await createProxyResolver(ses as never).resolve('https://pbx.example.com/')).toEqual([{ kind: 'http', host: 'proxy.example.com', port: 3128 }, { kind: 'direct' }]);
    ses.proxyAnswer = 'DIRECT';
    expect(await createProxyResolver(ses as never).resolve('https://pbx.example.com/')).toEqual([{ kind: 'direct' }]);
  });
  it('safeStorage cipher (the asynchronous calls)', async () => {
    const c = createSafeStorageCipher();
    expect(await c.decrypt(await c.encrypt('secret'))).toBe('secret');
    expect(await safeStorageAvailable()).toBe(true);
    electron.safeStorage.available = false;
    expect(await safeStorageAvailable()).toBe(false);
    electron.safeStorage.available = true;
  });
  it('update fetch through the session: https only, custom handlers bypassed, no cache', async () => {
    const ses = new FakeSession();
    const seen: { url: string; init: Record<string, unknown> }[] = [];
    let finalUrl = '';
    ses.fetch = async (url: unknown, init?: unknown) => {
      seen.push({ url: String(url), init: init as Record<string, unknown> });
      const res = new Response('{"software":[]}', { status: 200, headers: { 'content-length': '15' } });
      Object.defineProperty(res, 'url', { value: finalUrl || String(url) });
      return res;
    };
    const f = createSessionFetch(ses as never);
    const ac = new AbortController();
    const r = await f('https://store.example.com/software.json', { method: 'GET', headers: { Range: 'bytes=5-' }, signal: ac.signal, redirect: 'follow' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-length')).toBe('15');
    expect(seen[0]).toEqual({ url: 'https://store.example.com/software.json', init: { method: 'GET', headers: { Range: 'bytes=5-' }, signal: ac.signal, redirect: 'follow', cache: 'no-store', bypassCustomProtocolHandlers: true } });
    await expect(f('http://store.example.com/software.json', {})).rejects.toThrow(/only https is allowed/);
    finalUrl = 'http://mirror.example.com/x.msi';
    await expect(f('https://store.example.com/x.msi', {})).rejects.toThrow(/update redirect "http:\/\/mirror.example.com\/x.msi": only https/);
    expect(seen).toHaveLength(2);
  });
});

describe('notifier', () => {
  it('shows, maps buttons and replies, keeps references until done', async () => {
    const n = createNotifier();
    const got: string[] = [];
    await n.show({ title: 'Call', body: '1001', kind: 'call', persistent: true, urgent: true, silent: false, buttons: [{ action: '', label: 'Show' }, { action: 'accept', label: 'Accept' }, { action: 'reject', label: 'Reject' }] }, { onAction: (a) => got.push(`action:${a}`), onClosed: () => got.push('closed') });
    const note = FakeNotification.all.at(-1)!;
    expect(note.options).toMatchObject({ title: 'Call', body: '1001', urgency: 'critical', timeoutType: 'never', actions: [{ type: 'button', text: 'Accept' }, { type: 'button', text: 'Reject' }] });
    expect(note.shown).toBe(true);
    expect(n.alive).toBe(1);
    note.emit('action', { actionIndex: 1 });
    note.emit('click', {}); // only the first outcome counts
    expect(got).toEqual(['action:reject']);
    expect(n.alive).toBe(0);
    const h = await n.show({ title: 'Chat', body: 'hi', kind: 'chat', persistent: false, urgent: false, silent: true, buttons: [], replyLabel: 'Reply' }, { onAction: (a, t) => got.push(`${a}:${t}`), onClosed: () => got.push('closed') });
    FakeNotification.all.at(-1)!.emit('reply', { reply: 'ok' });
    h.close();
    expect(got).toEqual(['action:reject', 'reply:ok']);
    FakeNotification.supported = false;
    await expect(n.show({ title: '', body: '', kind: 'default', persistent: false, urgent: false, silent: true, buttons: [] }, { onAction() {}, onClosed() {} })).rejects.toThrow(/not supported/);
    FakeNotification.supported = true;
  });
});

describe('preload IPC wiring', () => {
  it('registers every method, checks senders, answers the sync config to the PBX origin only', async () => {
    const origins = fixedOriginPolicy(PBX);
    const dispatcher = createPreloadDispatcher({ origins, logger: silentLogger, handlers: { getInfo: () => ({ api: 1, name: 'myApps', version: '1', build: 'b', platform: 'linux', language: 'en' }) } });
    const config = { version: 1 as const, protocol: 1 as const, bus: 'ws://127.0.0.1:1/bus', http: 'http://127.0.0.1:1', token: 't'.repeat(40), services: ['api' as const], launcher: { name: 'myApps', version: '1', build: 'b', platform: 'linux' } };
    const ipc = registerPreloadIpc({ dispatcher, origins, logger: silentLogger, appClientConfig: () => config });
    const h = electron.ipcMain.handlers;
    expect(h.has('myapps:getInfo')).toBe(true);
    expect(h.has('myapps:settings.set')).toBe(true);
    const wc = new FakeWebContents();
    expect(await h.get('myapps:getInfo')!({ senderFrame: { url: PBX }, sender: wc }, undefined)).toMatchObject({ ok: true });
    expect(await h.get('myapps:getInfo')!({ senderFrame: { url: 'https://evil.example.com/' }, sender: wc }, undefined)).toEqual({ ok: false, error: 'sender origin not trusted' });
    expect(await h.get('myapps:getInfo')!({ senderFrame: null, sender: wc }, undefined)).toEqual({ ok: false, error: 'sender origin not trusted' });
    const sync = (url: string) => {
      const ev: { senderFrame: { url: string }; returnValue?: unknown } = { senderFrame: { url } };
      electron.ipcMain.emit('myapps:appclient-config-sync', ev);
      return ev.returnValue;
    };
    expect(sync(PBX)).toEqual({ origin: 'https://pbx.example.com', config, hooks: true });
    // A PBX-origin subframe (an app frame) gets the launcher hooks, but neither the config nor the API.
    const sub: { senderFrame: { url: string; parent: unknown }; returnValue?: unknown } = { senderFrame: { url: PBX, parent: { url: PBX } } };
    electron.ipcMain.emit('myapps:appclient-config-sync', sub);
    expect(sub.returnValue).toEqual({ origin: 'https://pbx.example.com', hooks: true });
    expect(await h.get('myapps:getInfo')!({ senderFrame: { url: PBX, parent: { url: PBX } }, sender: wc }, undefined)).toEqual({ ok: false, error: 'not allowed from app pages' });
    // A subframe of a foreign origin gets nothing.
    const foreign: { senderFrame: { url: string; parent: unknown }; returnValue?: unknown } = { senderFrame: { url: 'https://ads.example.net/', parent: { url: PBX } } };
    electron.ipcMain.emit('myapps:appclient-config-sync', foreign);
    expect(foreign.returnValue).toBeNull();
    expect(sync('https://evil.example.com/')).toBeNull();
    expect(sync('myapps-launcher://pages/connect.html')).toBeNull();
    const pbxPage = new FakeWebContents();
    pbxPage.url = PBX;
    const launcherPage = new FakeWebContents();
    launcherPage.url = 'myapps-launcher://pages/settings.html';
    const other = new FakeWebContents();
    other.url = 'https://evil.example.com/';
    ipc.emit([pbxPage as never, launcherPage as never, other as never], 'appAttached', { app: 'chat' });
    expect(pbxPage.sent).toEqual([{ channel: 'myapps:event', payload: { event: 'appAttached', payload: { app: 'chat' } } }]);
    expect(launcherPage.sent).toEqual([]); // appAttached goes to the web client only
    expect(other.sent).toEqual([]);
    ipc.emit([launcherPage as never], 'settingsChanged', { settings: [] });
    expect(launcherPage.sent).toHaveLength(1);
    ipc.dispose();
    expect(h.size).toBe(0);
    expect(electron.ipcMain.listenerCount('myapps:appclient-config-sync')).toBe(0);
  });
});

describe('session and webContents policy', () => {
  const deps = () => {
    const links: string[] = [];
    const external: string[] = [];
    const logger = memoryLogger();
    return { links, external, logger, d: { origins: fixedOriginPolicy(PBX), logger, disableHeadsets: () => false, onInternalLink: (u: string) => links.push(u), openExternal: (u: string) => external.push(u) } };
  };
  it('installs permission, device and chooser handlers', () => {
    const ses = new FakeSession();
    const { d, logger } = deps();
    applySessionPolicy(ses as never, d);
    const ask = (permission: string, url: string) => {
      let granted: boolean | undefined;
      const wc = new FakeWebContents();
      wc.url = url;
      ses.permissionRequest!(wc, permission, (g: boolean) => (granted = g), { requestingUrl: url });
      return granted;
    };
    expect(ask('media', PBX)).toBe(true);
    expect(ask('media', 'https://evil.example.com/')).toBe(false);
    expect(ask('geolocation', PBX)).toBe(false);
    expect(logger.lines.filter((l) => l.message === 'permission refused')).toHaveLength(2);
    expect(ses.permissionCheck!(null, 'hid', 'https://pbx.example.com', {})).toBe(true);
    expect(ses.permissionCheck!(null, 'hid', 'https://evil.example.com', {})).toBe(false);
    expect(ses.devicePermission!({ deviceType: 'hid', origin: 'https://pbx.example.com', device: { vendorId: 0x1395, productId: 1 } })).toBe(true);
    expect(ses.devicePermission!({ deviceType: 'usb', origin: 'https://pbx.example.com', device: { vendorId: 0x1395 } })).toBe(false);
    let chosen: unknown = 'unset';
    const ev = { prevented: false, preventDefault() { this.prevented = true; } };
    ses.emit('select-hid-device', ev, { deviceList: [{ deviceId: 'kbd', vendorId: 1, collections: [] }, { deviceId: 'poly', vendorId: 0x047f, collections: [] }], frame: { url: PBX } }, (id: unknown) => (chosen = id));
    expect(ev.prevented).toBe(true);
    expect(chosen).toBe('poly');
    ses.emit('select-hid-device', ev, { deviceList: [{ deviceId: 'poly', vendorId: 0x047f, collections: [] }], frame: { url: 'https://evil.example.com/' } }, (id: unknown) => (chosen = id));
    expect(chosen).toBeNull();
    let port: unknown = 'unset';
    ses.emit('select-serial-port', ev, [{ portId: 'p1' }], {}, (p: unknown) => (port = p));
    expect(port).toBe('');
  });
  it('guards navigation, redirects, webviews and window.open', () => {
    const wc = new FakeWebContents();
    wc.url = PBX;
    const { d, links, external } = deps();
    applyWebContentsPolicy(wc as never, d);
    const nav = (event: string, url: string, extra: Record<string, unknown> = {}) => {
      const e = { url, isMainFrame: true, prevented: false, preventDefault() { this.prevented = true; }, ...extra };
      wc.emit(event, e);
      return e.prevented;
    };
    expect(nav('will-navigate', 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm?lang=de')).toBe(false);
    expect(nav('will-navigate', 'https://www.example.com/')).toBe(true);
    expect(nav('will-navigate', 'tel:123')).toBe(true);
    expect(nav('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(nav('will-redirect', 'https://evil.example.com/')).toBe(true);
    expect(nav('will-redirect', 'https://evil.example.com/', { isMainFrame: false })).toBe(false);
    expect(nav('will-attach-webview', 'x')).toBe(true);
    expect(external).toEqual(['https://www.example.com/']);
    expect(links).toEqual(['tel:123']);
    // the requesting frame is judged by the referrer Chromium sets; without one it is untrusted
    const open = (url: string, referrer = `${PBX}/PBX0/APPCLIENT/appclient.htm`) => wc.windowOpenHandler!({ url, frameName: '', features: '', disposition: 'new-window', referrer: { url: referrer, policy: 'strict-origin-when-cross-origin' } });
    expect(open('https://pbx.example.com/PBX0/APPS/x.htm')).toMatchObject({ action: 'allow', overrideBrowserWindowOptions: { webPreferences: { sandbox: true, contextIsolation: true } } });
    expect(open('https://pbx.example.com/PBX0/APPS/x.htm', '')).toEqual({ action: 'deny' });
    expect(open('https://pbx.example.com/PBX0/APPS/x.htm', 'https://ads.example.net/')).toEqual({ action: 'deny' });
    expect(open('https://docs.example.com/')).toEqual({ action: 'deny' });
    expect(open('sip:a@b')).toEqual({ action: 'deny' });
    expect(open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(external).toEqual(['https://www.example.com/', 'https://docs.example.com/']);
    expect(links).toEqual(['tel:123', 'sip:a@b']);
  });
});

describe('launcher pages scheme', () => {
  it('registers the scheme as privileged and serves files with a CSP', async () => {
    registerLauncherScheme();
    expect(calls.find((c) => c.api === 'protocol.registerSchemesAsPrivileged')?.args[0]).toEqual([{ scheme: 'myapps-launcher', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    await fs.writeFile(path.join(dir, 'connect.html'), '<!doctype html><p>hi</p>');
    const ok = await serveLauncherFile(dir, 'myapps-launcher://pages/connect.html', silentLogger);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await ok.text()).toContain('hi');
    expect((await serveLauncherFile(dir, 'myapps-launcher://pages/missing.html', silentLogger)).status).toBe(404);
    expect((await serveLauncherFile(dir, 'myapps-launcher://pages/x.exe', silentLogger)).status).toBe(403);
    const ses = new FakeSession();
    handleLauncherScheme(ses as never, dir, silentLogger);
    const res = await ses.protocolHandlers.get('myapps-launcher')!({ url: 'myapps-launcher://pages/connect.html' });
    expect(res.status).toBe(200);
  });
});

describe('call windows, in-app banner view, power save blocker', () => {
  it('opens a floating dialog above everything at its place, without focus, apart from the main window', async () => {
    FakeBrowserWindow.all = [];
    const main = new FakeBrowserWindow({ width: 1000, height: 700 });
    main.visible = true;
    const host = createDialogHost({ preload: '/p.cjs', parent: () => main as never, emit: () => {} });
    host.open({ page: 'incoming-call.html', title: 'myApps – incoming call', width: 380, height: 200, floating: true, placement: 'bottom-right', inactive: true });
    const w = FakeBrowserWindow.all.at(-1)!;
    // the primary display's work area is 1920x1040: 16 px from its bottom right corner
    expect(w.bounds).toEqual({ x: 1920 - 380 - 16, y: 1040 - 200 - 16, width: 380, height: 200 });
    expect(w.options).toMatchObject({ show: false, alwaysOnTop: true, resizable: false, fullscreenable: false });
    expect(w.options.parent).toBeUndefined();
    expect(w.options.webPreferences).toMatchObject({ preload: '/p.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(w.alwaysOnTopLevel).toBe('screen-saver');
    expect(w.allWorkspaces).toEqual({ on: true, opts: { visibleOnFullScreen: true } });
    expect(w.loaded).toEqual(['myapps-launcher://pages/incoming-call.html']);
    expect(w.visible).toBe(false);
    w.emit('ready-to-show');
    expect(w.log).toEqual(['showInactive']);
    // with a title bar: the content gets the size asked for, the frame goes around it, and a new
    // height keeps the window at the bottom right corner
    FakeBrowserWindow.frameHeight = 30;
    try {
      const framed = host.open({ page: 'incoming-call.html', title: 'x', width: 380, height: 216, floating: true, placement: 'bottom-right', inactive: true });
      const f = FakeBrowserWindow.all.at(-1)!;
      expect(f.getContentSize()).toEqual([380, 216]);
      expect(f.bounds).toEqual({ x: 1920 - 380 - 16, y: 1040 - 246 - 16, width: 380, height: 246 });
      framed.setHeight(340);
      expect(f.getContentSize()).toEqual([380, 340]);
      expect(f.bounds).toEqual({ x: 1920 - 380 - 16, y: 1040 - 370 - 16, width: 380, height: 370 });
    } finally {
      FakeBrowserWindow.frameHeight = 0;
    }
    // an ordinary dialog stays the main window's child, centred, shown with focus
    host.open({ page: 'proxy-auth.html', title: 'x', width: 480, height: 460, modal: true });
    expect(FakeBrowserWindow.all.at(-1)!.options).toMatchObject({ parent: main, modal: true, show: true, alwaysOnTop: false, width: 480, height: 460 });
  });

  it('draws the banner view over the top right corner of the main window, not in the web client, and follows its size', async () => {
    FakeBrowserWindow.all = [];
    const main = new FakeBrowserWindow({ width: 1000, height: 700 });
    const emitted: unknown[] = [];
    const host = createOverlayHost({ main: () => main as never, preload: '/p.cjs', emit: (t, e, p) => emitted.push([t.length, e, p]) });
    const view = host.open({ page: 'banner.html', width: 380 });
    const v = FakeWebContentsView.all.at(-1)!;
    expect(main.contentView.children).toEqual([v]);
    expect(v.options.webPreferences).toMatchObject({ preload: '/p.cjs', contextIsolation: true, sandbox: true });
    expect(v.webContents.url).toBe('myapps-launcher://pages/banner.html');
    expect(view.id).toBe(v.webContents.id);
    expect(v.visible).toBe(false);
    view.setHeight(140);
    expect(v.bounds).toEqual({ x: 1000 - 380 - 8, y: 8, width: 380, height: 140 });
    expect(v.visible).toBe(true);
    main.bounds = { ...main.bounds, width: 300, height: 100 };
    main.emit('resize');
    expect(v.bounds).toEqual({ x: 8, y: 8, width: 284, height: 84 });
    view.emit('bannerChanged', { items: [] });
    expect(emitted).toEqual([[1, 'bannerChanged', { items: [] }]]);
    view.setHeight(0);
    expect(v.visible).toBe(false);
    view.close();
    expect(main.contentView.children).toEqual([]);
    expect(v.webContents.closed).toBe(true);
  });

  it('keeps the system or the display awake with powerSaveBlocker until released', async () => {
    const b = createPowerSaveBlocker();
    const sys = await b.start('system', 'Call in progress');
    const disp = await b.start('display', 'Video call or screen sharing');
    expect([...electron.powerSaveBlocker.started.values()]).toEqual(['prevent-app-suspension', 'prevent-display-sleep']);
    await disp.release();
    await disp.release();
    expect([...electron.powerSaveBlocker.started.values()]).toEqual(['prevent-app-suspension']);
    await sys.release();
    expect(electron.powerSaveBlocker.started.size).toBe(0);
  });
});
