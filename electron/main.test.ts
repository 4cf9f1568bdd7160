/**
 * The composition root with a mocked 'electron' (the only mock): real settings store, real trace
 * files, real local services server (loopback), real security policy and windows service.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { electron, FakeBrowserWindow, FakeSession, FakeTray, FakeWebContents, resetElectron } from '../test/fixtures/fake-electron';
import { startSessionBus, type SessionBus } from '../test/fixtures/session-bus';

vi.mock('electron', async () => (await import('../test/fixtures/fake-electron')).electron);
const { bootstrap } = await import('./main');

let dir: string;
let env: NodeJS.ProcessEnv;
const running: { quit(): Promise<void> }[] = [];
// the Linux desktop's session D-Bus (notifications, keeping awake in calls), private to this file
let bus: SessionBus;
beforeAll(() => {
  bus = startSessionBus();
});
afterAll(() => bus?.stop());

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'main-test-'));
  env = { XDG_DATA_HOME: path.join(dir, 'data'), XDG_CONFIG_HOME: path.join(dir, 'config'), DBUS_SESSION_BUS_ADDRESS: bus.address };
  resetElectron(dir);
});
afterEach(async () => {
  for (const r of running.splice(0)) await r.quit();
  await fs.rm(dir, { recursive: true, force: true });
});

async function start(args: string[]) {
  const app = await bootstrap({ argv: ['/opt/myApps/myapps', ...args], env });
  if (app) {
    running.push({
      quit: async () => {
        const ev = { prevented: false, preventDefault() { this.prevented = true; } };
        electron.app.emit('before-quit');
        electron.app.emit('will-quit', ev);
        await vi.waitFor(() => expect(electron.app.exitCode).toBe(0), { timeout: 10_000 });
      },
    });
  }
  return app;
}

describe('electron/main.ts', () => {
  it('a second start hands its link to the running instance over the local socket and exits with the outcome', async () => {
    const app = await start(['--server=pbx.example.com']);
    const links = app!.services.instances.links!;
    const windows = FakeBrowserWindow.all.length;
    // the lock is held: this start finds the running instance's socket and hands over
    electron.app.lock = false;
    expect(await bootstrap({ argv: ['/opt/myApps/myapps', '--', 'tel:+49 7031 73009-0', '--inspect'], env })).toBeUndefined();
    expect(electron.app.exitCode).toBe(0);
    expect(links.stats.queued).toBe(1); // no phone app yet: queued until the web client connects
    expect(await bootstrap({ argv: ['/opt/myApps/myapps', 'tel:--inspect'], env })).toBeUndefined();
    expect(electron.app.exitCode).toBe(1); // refused by the running instance
    expect(links.stats.refused).toBe(1);
    expect(FakeBrowserWindow.all).toHaveLength(windows); // no second window
    electron.app.exitCode = undefined;
  });

  it('without a server shows the connect form in a locked-down window', async () => {
    const app = await start(['--inspect=9229', '--remote-debugging-port=9222']);
    expect(app).toBeDefined();
    const main = app!.mainWindow as unknown as FakeBrowserWindow;
    expect(main.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(main.options.webPreferences.preload).toMatch(/preload\.cjs$/);
    // the preload runs in the web client's app frames too (lib1's launcher hooks), Node nowhere
    expect(main.options.webPreferences).toMatchObject({ nodeIntegrationInSubFrames: true, nodeIntegrationInWorker: false });
    // lib1 apps find "myApps" in the user agent
    expect(electron.app.userAgentFallback).toMatch(/ Chrome\/[\d.]+ .* myApps\/0\.1\.0$/);
    expect(main.loaded).toEqual(['myapps-launcher://pages/connect.html']);
    // spell checking in the user's language (the stand-in OS says en-US)
    expect(main.options.webPreferences.spellcheck).toBe(true);
    expect((electron.session.defaultSession as FakeSession).spellCheckerLanguages).toEqual(['en-US']);
    expect((electron.session.defaultSession as FakeSession).spellCheckerEnabled).toBe(true);
    // the user data folder follows the original layout
    expect(electron.app.paths.userData).toBe(path.join(dir, 'appData', 'innovaphone', 'myApps'));
    // every preload method has an IPC channel; permission handlers are installed
    expect(electron.ipcMain.handlers.has('myapps:connect')).toBe(true);
    expect((electron.session.defaultSession as FakeSession).permissionRequest).toBeTypeOf('function');
    // the services main wires are running (skipped lists only those without product ports)
    const skipped = Object.keys(app!.services.skipped);
    for (const s of ['hotkeys', 'activity', 'notifications', 'externalApps', 'media', 'settings', 'connector', 'logFlags', 'appProxy']) expect(skipped).not.toContain(s);
    // the product passes every port: nothing is skipped
    expect(app!.services.skipped).toEqual({});
    expect(app!.services.instances.settings).toBeDefined();
    // the media engine page (local services server) gets media permission, nothing else
    const ses = electron.session.defaultSession as FakeSession;
    const engine = `${app!.services.server.config.http.replace('localhost', '127.0.0.1')}/media/engine`;
    const ask = (perm: string, url: string) => { let g: boolean | undefined; ses.permissionRequest!(new FakeWebContents(), perm, (x: boolean) => (g = x), { requestingUrl: url }); return g; };
    expect(ask('media', engine)).toBe(true);
    expect(ask('notifications', engine)).toBe(false);
    expect(ask('media', 'https://evil.example.com/')).toBe(false);
    // tray built
    const items = FakeTray.last!.menu.items.map((i: { id?: string }) => i.id).filter(Boolean);
    expect(items).toEqual(['show', 'settings', 'autostart', 'show-in-taskbar', 'open-trace-folder', 'collect-logs', 'quit']);
  });

  it('connect form -> web client, with the PBX origin trusted and appclient-config served to it only', async () => {
    const app = await start([]);
    const main = app!.mainWindow as unknown as FakeBrowserWindow;
    const connect = electron.ipcMain.handlers.get('myapps:connect')!;
    const launcher = { senderFrame: { url: 'myapps-launcher://pages/connect.html' }, sender: main.webContents };
    expect(await connect(launcher, { server: 'http://x' })).toMatchObject({ ok: true, value: { ok: false } });
    expect(await connect({ senderFrame: { url: 'https://evil.example.com/' }, sender: main.webContents }, { server: 'pbx.example.com' })).toEqual({ ok: false, error: 'sender origin not trusted' });
    expect(await connect(launcher, { server: 'pbx.example.com:4444' })).toEqual({ ok: true, value: { ok: true } });
    expect(main.loaded.at(-1)).toBe('https://pbx.example.com:4444/PBX0/APPCLIENT/appclient.htm');
    const sync = (url: string) => {
      const ev: { senderFrame: { url: string }; returnValue?: any } = { senderFrame: { url } };
      electron.ipcMain.emit('myapps:appclient-config-sync', ev);
      return ev.returnValue;
    };
    const reply = sync('https://pbx.example.com:4444/PBX0/APPCLIENT/appclient.htm');
    expect(reply.origin).toBe('https://pbx.example.com:4444');
    expect(reply.config.bus).toMatch(/^ws:\/\/(127\.0\.0\.1|localhost):\d+\/bus$/);
    expect(sync('https://other.example.com/')).toBeNull();
    // The bus really accepts the PBX origin with the token, and refuses another origin.
    const url = `${reply.config.bus}?token=${reply.config.token}&v=1`.replace('localhost', '127.0.0.1');
    const open = (origin: string) => new Promise<string>((resolve) => {
      const ws = new WebSocket(url, { headers: { Origin: origin } });
      ws.on('message', (m) => { resolve(JSON.parse(String(m)).mt); ws.close(); });
      ws.on('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
      ws.on('error', () => resolve('error'));
    });
    expect(await open('https://pbx.example.com:4444')).toBe('Welcome');
    expect(await open('https://evil.example.com')).not.toBe('Welcome');
    // detach an app from the web client; it is persisted and its window uses the secure preferences
    const pbxSender = { senderFrame: { url: 'https://pbx.example.com:4444/PBX0/APPCLIENT/appclient.htm' }, sender: main.webContents };
    const detach = electron.ipcMain.handlers.get('myapps:detachApp')!;
    expect(await detach(pbxSender, { app: 'chat', url: 'https://pbx.example.com:4444/PBX0/APPCLIENT/appclient.htm?app=chat' })).toEqual({ ok: true, value: { ok: true } });
    expect(await detach(pbxSender, { app: 'x', url: 'https://evil.example.com/' })).toEqual({ ok: true, value: { ok: false, error: 'app url is not of the PBX origin' } });
    expect(await detach(launcher, { app: 'chat', url: 'https://pbx.example.com:4444/x' })).toEqual({ ok: false, error: 'not allowed from launcher pages' });
    const appWin = FakeBrowserWindow.all.at(-1)!;
    expect(appWin.loaded).toEqual(['https://pbx.example.com:4444/PBX0/APPCLIENT/appclient.htm?app=chat']);
    expect(appWin.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegrationInSubFrames: true });
    // lib1's window.open hook: a PBX page opens as a launcher-owned window, an outside link from an
    // app frame goes to the default browser, an app frame gets nothing else
    const openWindow = electron.ipcMain.handlers.get('myapps:openWindow')!;
    expect(await openWindow(pbxSender, { url: 'https://pbx.example.com:4444/PBX0/APPS/x.htm' })).toEqual({ ok: true, value: { action: 'popup' } });
    expect(FakeBrowserWindow.all.at(-1)!.loaded).toEqual(['https://pbx.example.com:4444/PBX0/APPS/x.htm']);
    const appFrame = { senderFrame: { url: 'https://pbx.example.com:4444/PBX0/APPS/phone.htm', parent: {} }, sender: main.webContents };
    expect(await openWindow(appFrame, { url: 'https://www.example.org/doc' })).toEqual({ ok: true, value: { action: 'external' } });
    await vi.waitFor(() => expect(electron.shell.external).toContain('https://www.example.org/doc'));
    expect(await detach(appFrame, { app: 'chat', url: 'https://pbx.example.com:4444/x' })).toEqual({ ok: false, error: 'not allowed from app pages' });
    appWin.close(); // the user closes it: the web client is told to show the app again
    expect(main.webContents.sent).toContainEqual({ channel: 'myapps:event', payload: { event: 'appAttached', payload: { app: 'chat' } } });
    // the server is remembered (user settings file, atomic write)
    await vi.waitFor(async () => expect(await fs.readFile(path.join(dir, 'appData', 'innovaphone', 'myApps', 'settings.json'), 'utf8')).toContain('pbx.example.com:4444'));
  });

  it('--server preset loads the web client; a second start without a link shows the window; policy applies to new webContents', async () => {
    const app = await start(['--server=pbx.example.com', 'tel:--inspect']);
    const main = app!.mainWindow as unknown as FakeBrowserWindow;
    expect(main.loaded).toEqual(['https://pbx.example.com/PBX0/APPCLIENT/appclient.htm']);
    main.visible = false;
    electron.app.lock = false;
    expect(await bootstrap({ argv: ['/opt/myApps/myapps', '--inspect=9229'], env })).toBeUndefined();
    expect(main.visible).toBe(true);
    electron.app.exitCode = undefined;
    // a new webContents gets the navigation policy
    const wc = new FakeWebContents();
    wc.url = 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm';
    electron.app.emit('web-contents-created', {}, wc);
    const e = { url: 'https://www.example.com/', prevented: false, preventDefault() { this.prevented = true; } };
    wc.emit('will-navigate', e);
    expect(e.prevented).toBe(true);
    expect(electron.shell.external).toContain('https://www.example.com/');
  });

  it('refuses untrusted certificates and shows the error page; closing hides into the tray', async () => {
    const app = await start(['--server=pbx.example.com']);
    const main = app!.mainWindow as unknown as FakeBrowserWindow;
    let trusted: boolean | undefined;
    const ev = { prevented: false, preventDefault() { this.prevented = true; } };
    electron.app.emit('certificate-error', ev, main.webContents, 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm', 'net::ERR_CERT_AUTHORITY_INVALID', { fingerprint: 'sha256/' + Buffer.alloc(32, 7).toString('base64'), subjectName: 'pbx', issuerName: 'x', validStart: 0, validExpiry: 0 }, (t: boolean) => (trusted = t), true);
    expect(trusted).toBe(false);
    expect(ev.prevented).toBe(false);
    expect(main.loaded.at(-1)).toBe('myapps-launcher://pages/error.html');
    const state = await electron.ipcMain.handlers.get('myapps:getConnectState')!({ senderFrame: { url: 'myapps-launcher://pages/error.html' }, sender: main.webContents }, undefined);
    expect(state.value.failure).toMatchObject({ kind: 'certificate', certificate: { fingerprint256: Array(32).fill('07').join(':') } });
    // trusting exactly that certificate pins it and retries; the next certificate-error is accepted
    const trust = electron.ipcMain.handlers.get('myapps:trustCertificate')!;
    const sender = { senderFrame: { url: 'myapps-launcher://pages/error.html' }, sender: main.webContents };
    expect(await trust(sender, { origin: 'https://pbx.example.com', fingerprint256: Array(32).fill('08').join(':') })).toMatchObject({ ok: true, value: { ok: false } });
    expect(await trust(sender, { origin: 'https://pbx.example.com', fingerprint256: Array(32).fill('07').join(':') })).toEqual({ ok: true, value: { ok: true } });
    expect(main.loaded.at(-1)).toBe('https://pbx.example.com/PBX0/APPCLIENT/appclient.htm');
    const ev2 = { prevented: false, preventDefault() { this.prevented = true; } };
    electron.app.emit('certificate-error', ev2, main.webContents, 'https://pbx.example.com/x', 'net::ERR_CERT_AUTHORITY_INVALID', { fingerprint: 'sha256/' + Buffer.alloc(32, 7).toString('base64') }, (t: boolean) => (trusted = t), true);
    expect(trusted).toBe(true);
    // the pin is a setting, but the launcher pages never see certificate pins
    const got = await electron.ipcMain.handlers.get('myapps:settings.get')!({ senderFrame: { url: 'myapps-launcher://pages/settings.html' }, sender: main.webContents }, undefined);
    expect(got.ok).toBe(true);
    expect(got.value.settings.some((r: { key: string }) => r.key === 'server')).toBe(true);
    expect(got.value.settings.some((r: { key: string }) => r.key === 'trustedCertificates')).toBe(false);
    // close -> hide (tray present)
    main.visible = true;
    main.close();
    expect(main.visible).toBe(false);
    expect(main.destroyed).toBe(false);
  });
  it('wires auto update, phone book, media, hot-key status and the app proxy; update UI ports are the launcher dialogs', async () => {
    const app = await start([]);
    const skipped = app!.services.skipped;
    for (const s of ['update', 'phonebook', 'media', 'appProxy', 'hotkeys']) expect(skipped, s).not.toHaveProperty(s);
    // Linux without $APPIMAGE: a distribution package, updated by the package manager
    const update = app!.services.instances.update!;
    expect(update.status.state).toBe('off');
    expect(JSON.stringify(update.status)).toMatch(/package manager|signing key/);
    // hot-key status for the settings page (no DISPLAY in this environment: the note says so)
    const main = app!.mainWindow as unknown as FakeBrowserWindow;
    const launcher = { senderFrame: { url: 'myapps-launcher://pages/settings.html' }, sender: main.webContents };
    const st = await electron.ipcMain.handlers.get('myapps:hotkeys.status')!(launcher, undefined);
    expect(st).toMatchObject({ ok: true, value: { functions: { dial: { active: false }, accept: { active: false }, reject: { active: false } } } });
    expect(st.value.notice).toMatch(/No display found/);
    // the web client may not read it
    expect(await electron.ipcMain.handlers.get('myapps:hotkeys.status')!({ senderFrame: { url: 'https://pbx.example.com/x' }, sender: main.webContents }, undefined)).toMatchObject({ ok: false });
  });

  it("the web client's app frames put their origin on the bus allow-list while they are there", async () => {
    const app = await start(['--server=pbx.example.com']);
    const main = app!.mainWindow as unknown as FakeBrowserWindow;
    const APPS = 'https://apps.example.com:4444';
    const services = app!.services;
    expect(services.skipped.appOrigins).toBeUndefined();
    expect(services.origins.has(APPS)).toBe(false);
    main.webContents.url = 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm';
    const frame = main.webContents.loadSubframe(`${APPS}/PBX0/APPS/softphone.htm`);
    expect(services.origins.has(APPS)).toBe(true);
    // the app frame's preload gets lib1's hooks (the `app` sender kind), not the bus config
    const ev: { senderFrame: { url: string; parent: object }; returnValue?: any } = { senderFrame: { url: `${APPS}/PBX0/APPS/softphone.htm`, parent: {} } };
    electron.ipcMain.emit('myapps:appclient-config-sync', ev);
    expect(ev.returnValue).toEqual({ origin: APPS, hooks: true });
    // the app reaches the Media and Ringer services of the launcher model
    const { port, token } = services.server;
    const open = (p: string) => new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${p}?token=${token}`, { headers: { Origin: APPS } });
      ws.on('open', () => { resolve('open'); ws.close(); });
      ws.on('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
      ws.on('error', () => resolve('error'));
    });
    expect(await open('/media')).toBe('open');
    expect(await open('/ringer')).toBe('open');
    // what an app embeds is not an app
    main.webContents.loadSubframe('https://ads.example.net/x.htm', frame);
    expect(services.origins.has('https://ads.example.net')).toBe(false);
    // the web client drops the app: its origin goes
    main.webContents.removeSubframe(frame);
    main.webContents.emit('did-navigate', {}, main.webContents.url);
    expect(services.origins.has(APPS)).toBe(false);
    expect(await open('/media')).toBe('http 403');
  });

  it('settings reactions that need the windows: DISABLEHEADSETS denies the headset permission, the pages get the new settings', async () => {
    const app = await start(['--server=pbx.example.com']);
    const main = app!.mainWindow as unknown as FakeBrowserWindow;
    main.webContents.url = 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm';
    const ses = electron.session.defaultSession as FakeSession;
    const ask = (perm: string) => { let g: boolean | undefined; ses.permissionRequest!(main.webContents, perm, (x: boolean) => (g = x), { requestingUrl: main.webContents.url }); return g; };
    expect(ask('hid')).toBe(true);
    app!.services.instances.settings!.setManaged({ DISABLEHEADSETS: 1 });
    expect(ask('hid')).toBe(false);
    const last = main.webContents.sent.filter((m) => (m.payload as { event?: string }).event === 'settingsChanged').at(-1);
    expect((last?.payload as { payload: { settings: { key: string; value: unknown }[] } }).payload.settings.find((r) => r.key === 'disableHeadsets')?.value).toBe(true);
  });

  it('proxy authentication: Chromium\'s login event opens the credentials dialog once; the answer goes back and is stored', async () => {
    const app = await start([]);
    expect(app).toBeDefined();
    const before = FakeBrowserWindow.all.length;
    const answers: unknown[][] = [];
    const login = (isProxy: boolean) => {
      const ev = { prevented: false, preventDefault() { this.prevented = true; } };
      electron.app.emit('login', ev, new FakeWebContents(), { url: 'https://pbx.example.com/' }, { isProxy, scheme: 'basic', host: isProxy ? 'proxy.corp' : 'pbx.example.com', port: 3128, realm: 'corp' }, (...a: unknown[]) => answers.push(a));
      return ev;
    };
    expect(login(false).prevented).toBe(false); // a server's own auth: not ours
    expect(login(true).prevented).toBe(true);
    expect(login(true).prevented).toBe(true); // a second request for the same proxy: same question
    await vi.waitFor(() => expect(FakeBrowserWindow.all.length).toBe(before + 1));
    const dialog = FakeBrowserWindow.all.at(-1)!;
    expect(dialog.loaded).toEqual(['myapps-launcher://pages/proxy-auth.html']);
    expect(dialog.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true });
    const from = (w: FakeBrowserWindow) => ({ senderFrame: { url: 'myapps-launcher://pages/proxy-auth.html' }, sender: w.webContents });
    expect(await electron.ipcMain.handlers.get('myapps:proxyAuth.getRequest')!(from(dialog), undefined)).toEqual({ ok: true, value: { pending: true, host: 'proxy.corp', port: 3128, realm: 'corp', retry: false } });
    // the main window (also a launcher page) cannot answer for the dialog
    const main = app!.mainWindow as unknown as FakeBrowserWindow;
    expect(await electron.ipcMain.handlers.get('myapps:proxyAuth.answer')!(from(main), { username: 'x', password: 'y' })).toEqual({ ok: true, value: { ok: false, error: 'not the window of this dialog' } });
    expect(await electron.ipcMain.handlers.get('myapps:proxyAuth.answer')!(from(dialog), { username: 'alice', password: 's3cret', extra: 1 })).toMatchObject({ ok: false, error: expect.stringMatching(/invalid request/) });
    expect(await electron.ipcMain.handlers.get('myapps:proxyAuth.answer')!(from(dialog), { username: 'alice', password: 's3cret' })).toEqual({ ok: true, value: { ok: true } });
    await vi.waitFor(() => expect(answers).toEqual([['alice', 's3cret'], ['alice', 's3cret']]));
    expect(dialog.destroyed).toBe(true);
    // kept encrypted for the next run (Linux without a Secret Service here: the local-key file)
    const file = await fs.readFile(path.join(dir, 'appData', 'innovaphone', 'myApps', 'proxy-credentials.json'), 'utf8');
    expect(file).not.toContain('s3cret');
  });

  it('app sharing: getDisplayMedia from the engine opens the picker; the choice goes back; other origins are denied', async () => {
    const app = await start([]);
    const ses = electron.session.defaultSession as FakeSession;
    expect(ses.displayMediaHandler).toBeTypeOf('function');
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    electron.desktopCapturer.sources = [
      { id: 'screen:1:0', name: 'Entire screen', display_id: '1', thumbnail: { isEmpty: () => false, toDataURL: () => png } },
      { id: 'window:42:0', name: 'Editor', display_id: '', thumbnail: { isEmpty: () => true, toDataURL: () => '' } },
    ];
    const engineOrigin = new URL(app!.services.server.config.http.replace('localhost', '127.0.0.1')).origin;
    let denied: unknown = 'pending';
    ses.displayMediaHandler!({ securityOrigin: 'https://evil.example.com', videoRequested: true }, (x: unknown) => (denied = x));
    expect(denied).toBeNull();
    let granted: unknown = 'pending';
    const before = FakeBrowserWindow.all.length;
    ses.displayMediaHandler!({ securityOrigin: engineOrigin, videoRequested: true }, (x: unknown) => (granted = x));
    await vi.waitFor(() => expect(FakeBrowserWindow.all.length).toBe(before + 1));
    const picker = FakeBrowserWindow.all.at(-1)!;
    expect(picker.loaded).toEqual(['myapps-launcher://pages/display-picker.html']);
    const from = { senderFrame: { url: 'myapps-launcher://pages/display-picker.html' }, sender: picker.webContents };
    const state = await electron.ipcMain.handlers.get('myapps:displayPicker.getState')!(from, undefined);
    expect(state).toEqual({ ok: true, value: { open: true, origin: engineOrigin, sources: [
      { id: 'screen:1:0', name: 'Entire screen', kind: 'screen', thumbnail: png, displayId: '1' },
      { id: 'window:42:0', name: 'Editor', kind: 'window', thumbnail: '' },
    ] } });
    expect(await electron.ipcMain.handlers.get('myapps:displayPicker.choose')!(from, { id: 'window:42:0' })).toEqual({ ok: true, value: { ok: true } });
    await vi.waitFor(() => expect(granted).toEqual({ video: { id: 'window:42:0', name: 'Editor' } }));
    expect(picker.destroyed).toBe(true);
    // closing the picker window cancels
    let cancelled: unknown = 'pending';
    ses.displayMediaHandler!({ securityOrigin: engineOrigin, videoRequested: true }, (x: unknown) => (cancelled = x));
    await vi.waitFor(() => expect(FakeBrowserWindow.all.length).toBe(before + 2));
    FakeBrowserWindow.all.at(-1)!.close();
    await vi.waitFor(() => expect(cancelled).toBeNull());
  });
});
