/**
 * Launcher dialogs (Electron-free): update UI, proxy credentials, display picker, with a
 * recording DialogHost, a real credential store (encrypted file + local key) and the real
 * DisplayPickerModel-shaped state machine; the install-facts helpers.
 */
import { translator } from '../../common/i18n';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDisplayPickerUi, createProxyAuth, createUpdateUi, type PickerModelLike } from './dialogs';
import type { DialogHost, DialogSpec, DialogWindow } from './ports';
import { EncryptedFileCredentialStore, LocalKeyCipher } from '../connect/credentials';
import { silentLogger } from '../platform';
import type { NativeNotification, NotificationEvents, Notifier } from '../notifications/ports';

class FakeDialog implements DialogWindow {
  static nextId = 100;
  readonly id = FakeDialog.nextId++;
  events: { event: string; payload: unknown }[] = [];
  closed = false;
  focused = 0;
  private cbs: (() => void)[] = [];
  constructor(readonly spec: DialogSpec) {}
  emit(event: string, payload: unknown) { this.events.push({ event, payload }); }
  focus() { this.focused++; }
  heights: number[] = [];
  setHeight(h: number) { this.heights.push(h); }
  close() {
    if (this.closed) return;
    this.closed = true;
    for (const cb of this.cbs.splice(0)) cb();
  }
  onClosed(cb: () => void) { this.cbs.push(cb); }
}
class Host implements DialogHost {
  opened: FakeDialog[] = [];
  open(spec: DialogSpec) {
    const d = new FakeDialog(spec);
    this.opened.push(d);
    return d;
  }
}
const caller = (id: number) => ({ kind: 'launcher' as const, url: 'myapps-launcher://pages/x.html', webContentsId: id });

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dialogs-test-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('update UI', () => {
  class RecNotifier implements Notifier {
    shown: { n: NativeNotification; ev: NotificationEvents }[] = [];
    fail = false;
    async show(n: NativeNotification, ev: NotificationEvents) {
      if (this.fail) throw new Error('not supported');
      this.shown.push({ n, ev });
      return { close() {} };
    }
  }
  it('asks "install now / later" with a notification; dismissing or failing means later', async () => {
    const notifier = new RecNotifier();
    const ui = createUpdateUi({ dialogs: new Host(), notifier, logger: silentLogger, productName: 'myApps' });
    const a = ui.askInstall({ build: '137766' });
    await new Promise((r) => setImmediate(r));
    expect(notifier.shown[0]!.n).toMatchObject({ title: 'myApps update ready', buttons: [{ action: 'accept', label: 'Install now' }, { action: 'reject', label: 'Later' }] });
    // only the signed build number is shown (the manifest's label is not signed)
    expect(notifier.shown[0]!.n.body).toBe('Build 137766 is downloaded and verified. Installing restarts myApps.');
    notifier.shown[0]!.ev.onAction('accept');
    expect(await a).toBe('now');
    const b = ui.askInstall({ build: '137766' });
    await new Promise((r) => setImmediate(r));
    notifier.shown[1]!.ev.onClosed();
    expect(await b).toBe('later');
    const c = ui.askInstall({ build: '137766' });
    await new Promise((r) => setImmediate(r));
    notifier.shown[2]!.ev.onAction(''); // body click
    expect(await c).toBe('later');
    notifier.fail = true;
    expect(await ui.askInstall({ build: '1' })).toBe('later');
    expect(await createUpdateUi({ dialogs: new Host(), logger: silentLogger, productName: 'x' }).askInstall({ build: '1' })).toBe('later');
    // in German for a German user
    const de = new RecNotifier();
    const deUi = createUpdateUi({ dialogs: new Host(), notifier: de, logger: silentLogger, productName: 'myApps', words: translator('de') });
    void deUi.askInstall({ build: '137766' });
    await new Promise((r) => setImmediate(r));
    expect(de.shown[0]!.n).toMatchObject({
      title: 'myApps-Update bereit',
      body: 'Build 137766 ist heruntergeladen und geprüft. Bei der Installation startet myApps neu.',
      buttons: [{ action: 'accept', label: 'Jetzt installieren' }, { action: 'reject', label: 'Später' }],
    });
  });

  it('shows install progress in its own window; only that window reads the state', async () => {
    const host = new Host();
    const ui = createUpdateUi({ dialogs: host, logger: silentLogger, productName: 'myApps' });
    const p = ui.showInstallProgress({ build: '137766' });
    const win = host.opened[0]!;
    expect(win.spec).toMatchObject({ page: 'update.html', modal: true });
    const get = ui.handlers['update.getState']!;
    expect(await get(undefined as never, caller(win.id))).toEqual({ build: '137766', fraction: null, phase: 'installing' });
    await expect(async () => get(undefined as never, caller(win.id + 1000))).rejects.toThrow(/not the window/);
    p.update(0.5);
    p.update(7);
    p.update(undefined);
    expect(win.events.map((e) => (e.payload as { fraction: unknown }).fraction)).toEqual([0.5, 1, null]);
    p.close();
    expect(win.closed).toBe(true);
    p.update(0.9); // after close: ignored
    expect(win.events).toHaveLength(3);
  });
});

describe('proxy credentials', () => {
  const store = () => new EncryptedFileCredentialStore(path.join(dir, 'creds.json'), new LocalKeyCipher(path.join(dir, 'creds.key')), silentLogger);

  it('asks once for concurrent requests to the same proxy, queues another proxy, stores the answer', async () => {
    const host = new Host();
    const s = store();
    const auth = createProxyAuth({ dialogs: host, store: s, logger: silentLogger, productName: 'myApps' });
    const a1 = auth.prompt.ask({ proxyHost: 'proxy.corp', proxyPort: 3128, realm: 'corp', retry: false });
    const a2 = auth.prompt.ask({ proxyHost: 'proxy.corp', proxyPort: 3128, realm: 'corp', retry: false });
    const b = auth.prompt.ask({ proxyHost: 'other.corp', proxyPort: 8080, retry: false });
    expect(host.opened).toHaveLength(1);
    expect(auth.pending).toBe(2);
    const win = host.opened[0]!;
    const getReq = auth.handlers['proxyAuth.getRequest']!;
    const answer = auth.handlers['proxyAuth.answer']!;
    expect(await getReq(undefined as never, caller(win.id))).toEqual({ pending: true, host: 'proxy.corp', port: 3128, realm: 'corp', retry: false });
    // another launcher page cannot answer
    expect(await answer({ username: 'x', password: 'y' }, caller(win.id + 1))).toEqual({ ok: false, error: 'not the window of this dialog' });
    expect(await answer({ username: 'alice', password: 's3cret' }, caller(win.id))).toEqual({ ok: true });
    expect(await a1).toEqual({ username: 'alice', password: 's3cret' });
    expect(await a2).toEqual({ username: 'alice', password: 's3cret' });
    // the same window now shows the next proxy
    expect(win.events.at(-1)).toEqual({ event: 'proxyAuthRequest', payload: { pending: true, host: 'other.corp', port: 8080, retry: false } });
    expect(await answer({ cancel: true }, caller(win.id))).toEqual({ ok: true });
    expect(await b).toBeNull();
    expect(win.closed).toBe(true);
    expect(await s.get('proxy.corp')).toEqual({ username: 'alice', password: 's3cret' });
    expect(await fs.readFile(path.join(dir, 'creds.json'), 'utf8')).not.toContain('s3cret');
  });

  it("Electron's login: stored credentials first, the dialog when refused (retry), servers' own auth is not answered", async () => {
    const host = new Host();
    const s = store();
    await s.set('proxy.corp', { username: 'bob', password: 'old' });
    const auth = createProxyAuth({ dialogs: host, store: s, logger: silentLogger, productName: 'myApps' });
    expect(await auth.login({ host: 'www.example.com', port: 443, isProxy: false })).toBeNull();
    expect(await auth.login({ host: 'proxy.corp', port: 3128, isProxy: true })).toEqual({ username: 'bob', password: 'old' });
    expect(host.opened).toHaveLength(0);
    // Chromium asks again: the stored password was refused
    const again = auth.login({ host: 'proxy.corp', port: 3128, realm: 'corp', isProxy: true });
    await new Promise((r) => setImmediate(r));
    const win = host.opened[0]!;
    expect(await auth.handlers['proxyAuth.getRequest']!(undefined as never, caller(win.id))).toMatchObject({ host: 'proxy.corp', retry: true });
    await auth.handlers['proxyAuth.answer']!({ username: 'bob', password: 'new' }, caller(win.id));
    expect(await again).toEqual({ username: 'bob', password: 'new' });
    expect(await s.get('proxy.corp')).toEqual({ username: 'bob', password: 'new' });
  });

  it('closing the dialog or the timeout cancels what waits', async () => {
    const host = new Host();
    const auth = createProxyAuth({ dialogs: host, logger: silentLogger, productName: 'myApps', timeoutMs: 50 });
    const a = auth.prompt.ask({ proxyHost: 'p', proxyPort: 1, retry: false });
    host.opened[0]!.close();
    expect(await a).toBeNull();
    const b = auth.prompt.ask({ proxyHost: 'p', proxyPort: 1, retry: false });
    expect(await b).toBeNull(); // timed out
    expect(host.opened[1]!.closed).toBe(true);
    expect(auth.pending).toBe(0);
  });
});

describe('display picker UI', () => {
  // The same contract as DisplayPickerModel (native/electron/display-media.ts, which
  // imports Electron); its own tests cover the model.
  function model(): PickerModelLike & { pick(ids: string[]): Promise<string | null> } {
    let pending: { resolve: (x: string | null) => void; ids: string[] } | null = null;
    const ls = new Set<(s: ReturnType<PickerModelLike['state']>) => void>();
    const st = () => ({ open: !!pending, origin: pending ? 'http://127.0.0.1:1' : '', sources: (pending?.ids ?? []).map((id) => ({ id, name: id, kind: 'screen' as const, thumbnail: '' })) });
    const emit = () => ls.forEach((l) => l(st()));
    return {
      pick(ids) {
        pending?.resolve(null);
        return new Promise((resolve) => { pending = { resolve, ids }; emit(); });
      },
      state: st,
      choose(id) { const p = pending; if (!p || !p.ids.includes(id)) return false; pending = null; p.resolve(id); emit(); return true; },
      cancel() { const p = pending; pending = null; p?.resolve(null); emit(); },
      onChange(cb) { ls.add(cb); return () => ls.delete(cb); },
    };
  }
  it('opens the picker window for a request, chooses from it only, closes when done; closing cancels', async () => {
    const host = new Host();
    const m = model();
    const ui = createDisplayPickerUi({ dialogs: host, model: m, productName: 'myApps' });
    const r = m.pick(['screen:1:0', 'window:2:0']);
    const win = host.opened[0]!;
    expect(win.spec.page).toBe('display-picker.html');
    expect((await ui.handlers['displayPicker.getState']!(undefined as never, caller(win.id))).sources).toHaveLength(2);
    expect(await ui.handlers['displayPicker.choose']!({ id: 'window:2:0' }, caller(win.id + 1))).toMatchObject({ ok: false });
    expect(await ui.handlers['displayPicker.choose']!({ id: 'nope' }, caller(win.id))).toEqual({ ok: false, error: 'That screen or window is not on offer.' });
    expect(await ui.handlers['displayPicker.choose']!({ id: 'window:2:0' }, caller(win.id))).toEqual({ ok: true });
    expect(await r).toBe('window:2:0');
    expect(win.closed).toBe(true);
    const r2 = m.pick(['screen:1:0']);
    host.opened[1]!.close(); // the user closes the window
    expect(await r2).toBeNull();
    const r3 = m.pick(['screen:1:0']);
    ui.dispose();
    expect(host.opened[2]!.closed).toBe(true);
    expect(await r3).toBeNull();
  });
});
