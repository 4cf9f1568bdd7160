/**
 * Issue 12, finding 5 (window-open-links): `window.open('tel:+1900…')` from a cross-origin iframe
 * inside an app was judged by the main frame's URL and reached the link service, which sent
 * `StartCall` at once; lib1's `custom_saved_window_open_` hook (app frames) and navigations of any
 * frame were other ways in.
 *
 * Now a link that comes from page content is shown to the user before anything is dialled, naming
 * the frame that asked where Electron says (setWindowOpenHandler's referrer, will-frame-navigate's
 * frame/initiator, the hook's sending frame) and "An unknown page" otherwise; the popup decision is
 * judged by that frame too. Links from the OS dial directly as before. Through the composition
 * root (electron/main.ts, Electron mocked): real bus router, real link service, real dialog
 * handlers of the launcher page's preload contract.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { electron, FakeBrowserWindow } from '../fixtures/fake-electron';
import type { RunningApp } from '../../electron/main';
import { quitProduct, secondStart, startProduct } from './product';

vi.mock('electron', async () => (await import('../fixtures/fake-electron')).electron);

const PBX = 'https://pbx.example.com';
let dir: string;
let app: RunningApp;
let calls: Record<string, unknown>[];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sec-links-'));
  app = await startProduct(dir, ['--server=pbx.example.com']);
  calls = [];
  // the phone app (as the web client's app would provide it)
  app.services.router.provide('com.innovaphone.phone', 'phone', (req) => { calls.push(req.msg); });
});
afterEach(async () => {
  await quitProduct();
  await fs.rm(dir, { recursive: true, force: true });
});

const main = () => app.mainWindow as unknown as FakeBrowserWindow;
const dialogs = () => FakeBrowserWindow.all.filter((w) => w.loaded.includes('myapps-launcher://pages/link-confirm.html'));
const ipc = (method: string, win: FakeBrowserWindow, payload?: unknown) =>
  electron.ipcMain.handlers.get(`myapps:${method}`)!({ senderFrame: { url: 'myapps-launcher://pages/link-confirm.html' }, sender: win.webContents }, payload);
const tick = () => new Promise((r) => setTimeout(r, 50));

describe('window-open-links: links from page content are confirmed by the user first', () => {
  it('window.open("tel:…") from a cross-origin iframe: nothing dialled; the dialog names the iframe; Cancel dials nothing', async () => {
    const r = main().webContents.windowOpenHandler!({ url: 'tel:+19005550123', frameName: '', features: '', disposition: 'new-window', referrer: { url: 'https://ads.example.net/banner.html', policy: 'strict-origin-when-cross-origin' } });
    expect(r).toEqual({ action: 'deny' });
    await tick();
    expect(calls).toEqual([]);
    await vi.waitFor(() => expect(dialogs()).toHaveLength(1));
    const dlg = dialogs()[0]!;
    expect(await ipc('linkConfirm.getRequest', dlg)).toEqual({ ok: true, value: { pending: true, action: 'call', target: '+19005550123', from: 'https://ads.example.net' } });
    // the main window (a launcher page too, or the web client) cannot answer for the dialog
    expect(await ipc('linkConfirm.answer', main(), { confirm: true })).toMatchObject({ ok: true, value: { ok: false } });
    expect(await ipc('linkConfirm.answer', dlg, { confirm: false })).toEqual({ ok: true, value: { ok: true } });
    await tick();
    expect(calls).toEqual([]);
    expect(dlg.destroyed).toBe(true);
  });

  it('without a referrer the requester is unknown: no PBX popup, the link is asked as from an unknown page', async () => {
    const popup = main().webContents.windowOpenHandler!({ url: `${PBX}/PBX0/APPS/x.htm`, frameName: '', features: '', disposition: 'new-window', referrer: { url: '', policy: 'no-referrer' } });
    expect(popup).toEqual({ action: 'deny' });
    main().webContents.windowOpenHandler!({ url: 'tel:0900123', frameName: '', features: '', disposition: 'new-window', referrer: { url: '', policy: 'no-referrer' } });
    await vi.waitFor(() => expect(dialogs()).toHaveLength(1));
    expect(await ipc('linkConfirm.getRequest', dialogs()[0]!)).toMatchObject({ value: { pending: true, target: '0900123' } });
    expect((await ipc('linkConfirm.getRequest', dialogs()[0]!)).value.from).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('lib1\'s window.open hook in an app frame: confirmed with the app\'s origin; "Call" dials', async () => {
    const appFrame = { senderFrame: { url: `${PBX}/PBX0/APPS/crm/index.htm`, parent: {} }, sender: main().webContents };
    expect(await electron.ipcMain.handlers.get('myapps:openWindow')!(appFrame, { url: 'sip:alice:secret@example.com' })).toEqual({ ok: true, value: { action: 'internal' } });
    await tick();
    expect(calls).toEqual([]);
    await vi.waitFor(() => expect(dialogs()).toHaveLength(1));
    const dlg = dialogs()[0]!;
    expect(await ipc('linkConfirm.getRequest', dlg)).toEqual({ ok: true, value: { pending: true, action: 'call', target: 'alice@example.com', from: PBX } });
    expect(await ipc('linkConfirm.answer', dlg, { confirm: true })).toEqual({ ok: true, value: { ok: true } });
    await vi.waitFor(() => expect(calls).toEqual([{ mt: 'StartCall', sip: 'alice@example.com', adjust: true }]));
  });

  it('a subframe navigating to sip:/im: is stopped and confirmed; a main-frame navigation too', async () => {
    const sub = { url: 'im:bob@example.com', isMainFrame: false, isSameDocument: false, frame: { url: 'https://widget.example.org/chat.html' }, initiator: null, prevented: false, preventDefault() { this.prevented = true; } };
    main().webContents.emit('will-frame-navigate', sub);
    expect(sub.prevented).toBe(true);
    const top = { url: 'callto:+4970317300', isMainFrame: true, isSameDocument: false, frame: null, initiator: { url: `${PBX}/PBX0/APPCLIENT/appclient.htm` }, prevented: false, preventDefault() { this.prevented = true; } };
    main().webContents.emit('will-navigate', top);
    expect(top.prevented).toBe(true);
    await vi.waitFor(() => expect(dialogs()).toHaveLength(1));
    const dlg = dialogs()[0]!;
    expect(await ipc('linkConfirm.getRequest', dlg)).toEqual({ ok: true, value: { pending: true, action: 'chat', target: 'bob@example.com', from: 'https://widget.example.org', more: 1 } });
    await ipc('linkConfirm.answer', dlg, { confirm: false });
    expect(await ipc('linkConfirm.getRequest', dlg)).toEqual({ ok: true, value: { pending: true, action: 'call', target: '+4970317300', from: PBX } });
    await tick();
    expect(calls).toEqual([]);
  });

  it('a page cannot stack up questions: at most 5 wait, repeats wait once', async () => {
    for (let i = 0; i < 50; i++) main().webContents.windowOpenHandler!({ url: `tel:0900${i % 10}`, frameName: '', features: '', disposition: 'new-window', referrer: { url: 'https://ads.example.net/', policy: 'default' } });
    await vi.waitFor(() => expect(dialogs()).toHaveLength(1));
    expect((await ipc('linkConfirm.getRequest', dialogs()[0]!)).value.more).toBe(4);
    expect(calls).toEqual([]);
  });

  it('links from the OS (a second start, open-url) still dial directly', async () => {
    expect(await secondStart(dir, ['--', 'tel:4711'])).toBe(0);
    electron.app.emit('open-url', { preventDefault() {} }, 'sip:carol@example.com');
    await vi.waitFor(() => expect(calls).toEqual([{ mt: 'StartCall', num: '4711', adjust: true }, { mt: 'StartCall', sip: 'carol@example.com', adjust: true }]));
    expect(dialogs()).toHaveLength(0);
  });
});
