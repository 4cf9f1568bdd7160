/**
 * The one settings reaction table (./reactions.ts): every setting the settings page shows has a
 * reaction or says why it has none, and each live reaction is driven here through the real
 * service graph (createPlatformServices with a real settings store; in-memory or real ports).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SETTINGS, type SettingDescriptor } from '../../common/settings/schema';
import { rowsFrom } from '../../renderer/launcher/api';
import { Api } from '../../common/bus';
import type { Chord } from '../../common/chord';
import { TRACE_CATEGORIES } from '../../common/log-categories';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { publishBuild, startStoreServer, TEST_KEY, type StoreServer } from '../../test/fixtures/update/store-server';
import { SettingsStore } from '../settings';
import { createTraceFiles } from '../log';
import { OutlookSource } from '../../native/win/outlook-source';
import { createWindowsService, WindowStateStore, type DisplayInfo, type Rect, type WindowHost } from '../windows';
import type { ChordStatus, KeyListener } from '../hotkeys';
import type { DialogHost } from '../windows';
import type { IdleClock } from '../activity';
import type { InstallerPort, UpdateFetch } from '../update';
import { silentLogger, type FileLocations } from '../platform';
import { createPlatformServices, type PlatformConfig, type PlatformPorts, type PlatformServices } from './index';
import { SETTING_REACTIONS } from './reactions';

let dir: string;
let services: PlatformServices | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reactions-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await services?.close();
  services = undefined;
  await fs.rm(dir, { recursive: true, force: true });
});

async function graph(ports: PlatformPorts = {}, config: PlatformConfig = {}) {
  const store = await SettingsStore.open({ userData: path.join(dir, 'user'), logger: silentLogger });
  services = await createPlatformServices({ logger: memoryLogger(), settings: store, ...ports }, config);
  return { store, services };
}

describe('the settings reaction table', () => {
  it('gives every setting the settings page shows a reaction, or says why it has none', () => {
    const shown = rowsFrom([]).map((r) => r.key);
    expect(shown.length).toBeGreaterThan(20);
    const missing: string[] = [];
    for (const key of shown) {
      const r = SETTING_REACTIONS[key as SettingDescriptor['key']];
      expect(r, key).toBeDefined();
      if (r.kind === 'live') expect(r.drives, key).toMatch(/^[a-zA-Z]+\.[a-zA-Z]+/);
      else expect(r.why.length, `${key}: why ${r.kind}`).toBeGreaterThan(20);
      if (r.kind === 'missing') missing.push(key);
    }
    // a behaviour not built is said so; no other setting may join this list silently
    expect(missing).toEqual(['officePresence']);
    // and the table has nothing that is not a setting
    expect(Object.keys(SETTING_REACTIONS).sort()).toEqual((SETTINGS as readonly SettingDescriptor[]).map((d) => d.key).sort());
  });

  it('hot key chords change the key listener', async () => {
    const keys: { id: string; chord: Chord }[][] = [];
    const listener: KeyListener = {
      async setChords(chords): Promise<ChordStatus[]> {
        keys.push([...chords]);
        return chords.map((c) => ({ id: c.id, active: true }));
      },
      close() {},
    };
    const { store } = await graph({ keyListener: listener, selectionReader: { readSelection: async () => '' } });
    expect(keys.at(-1)).toEqual([]);
    await store.set('hotkeyDial', 'ctrl + F9');
    await expect.poll(() => keys.at(-1)?.map((c) => c.id)).toEqual(['dial']);
    await store.set('hotkeyAccept', 'F7');
    await store.set('hotkeyReject', 'shift+F8');
    await expect.poll(() => keys.at(-1)?.map((c) => c.id)).toEqual(['dial', 'accept', 'reject']);
    // the PBX changing all three at once: configured once, with the three new chords
    const before = keys.length;
    store.setAdminSettings({ hotkeyDial: { value: 'F1', force: true }, hotkeyAccept: { value: 'F2', force: true }, hotkeyReject: { value: 'F3', force: true } });
    await expect.poll(() => services!.instances.hotkeys!.status().functions.reject.chord).toBe('F3');
    expect(keys.length).toBe(before + 1);
  });

  it('"Desktop notifications" off stops OS notifications', async () => {
    const shown: string[] = [];
    const { store, services: s } = await graph({ notifier: { show: async (n) => (shown.push(n.title), { close() {} }) } });
    const app = s.router.consume(Api.launcher);
    cleanups.push(() => app.close());
    app.send({ mt: 'AddLocalNotification', type: 'ChatMessage', title: 'first', text: 'hi' }, { provider: '*', src: 'n1' });
    await expect.poll(() => shown).toEqual(['first']);
    await store.set('notifications', false);
    app.send({ mt: 'AddLocalNotification', type: 'ChatMessage', title: 'second', text: 'hi' }, { provider: '*', src: 'n2' });
    await expect.poll(() => s.instances.notifications!.stats.suppressed).toBe(1);
    await store.set('notifications', true);
    app.send({ mt: 'AddLocalNotification', type: 'ChatMessage', title: 'third', text: 'hi' }, { provider: '*', src: 'n3' });
    await expect.poll(() => shown).toEqual(['first', 'third']);
  });

  it('"Desktop notifications" off closes the incoming-call window; on opens it again for a call still ringing', async () => {
    const opened: string[] = [];
    let open = 0;
    const dialogs: DialogHost = {
      open(spec) {
        opened.push(spec.page);
        open++;
        let closed = false;
        return { id: opened.length, emit() {}, focus() {}, setHeight() {}, close: () => void (closed ? undefined : ((closed = true), open--)), onClosed() {} };
      },
    };
    const { store, services: s } = await graph({ dialogs });
    expect(s.skipped.incomingCallWindow).toBeUndefined();
    const phone = s.router.provide(Api.phone, '@phone-1', () => {}, { model: { calls: [{ id: 1, dir: 'i', state: 'Alerting', dn: 'Bob', num: '210' }] } });
    cleanups.push(() => phone.close());
    await expect.poll(() => open).toBe(1);
    await store.set('notifications', false);
    await expect.poll(() => open).toBe(0);
    await store.set('notifications', true);
    await expect.poll(() => open).toBe(1);
    expect(opened).toEqual(['incoming-call.html', 'incoming-call.html']);
  });

  it('"Appear offline after" changes the activity threshold', async () => {
    const clock: IdleClock = { idleSeconds: async () => 120, onSystemEvent: () => () => {}, close() {} };
    const { store, services: s } = await graph({ idleClock: clock });
    const model = () => {
      const c = s.router.consume(Api.launcher);
      try {
        return Object.values(c.providers())[0]?.model as { userActivity?: { inactive: boolean } } | undefined;
      } finally {
        c.close();
      }
    };
    await new Promise((r) => setTimeout(r, 50));
    expect(model()?.userActivity).toEqual({ inactive: false }); // 0 = never
    await store.set('appearOfflineAfterMs', 60_000); // idle for 120 s > 1 min
    await expect.poll(() => model()?.userActivity).toEqual({ inactive: true });
    await store.set('appearOfflineAfterMs', 300_000);
    await expect.poll(() => model()?.userActivity).toEqual({ inactive: false });
  });

  it('log flags change the trace masks; the file size cap follows logSizeBytes', async () => {
    const traces = createTraceFiles({ dir: path.join(dir, 'logs'), flushOnExit: false });
    cleanups.push(() => traces.close());
    const { store } = await graph({ traces });
    expect(traces.mask).toEqual({ mask: 0x1n, source: 'settings' });
    await store.set('logFlags', `0x${(TRACE_CATEGORIES.App | TRACE_CATEGORIES.Media).toString(16)}`);
    expect(traces.main.getMask()).toBe(TRACE_CATEGORIES.App | TRACE_CATEGORIES.Media);
    await store.set('logSizeBytes', 200_000);
    expect(traces.main.maxFileSize).toBe(200_000);
  });

  it('"Disable Outlook search" stops and restarts the Outlook source', async () => {
    const powershell = path.join(dir, 'powershell');
    await fs.writeFile(powershell, `#!/bin/sh\ncat '${path.resolve(__dirname, '../../native/win/fixtures/outlook-search-ok.json')}'\n`, { mode: 0o755 });
    const outlookLog = memoryLogger();
    const outlook = new OutlookSource({ script: 'outlook-search.ps1', logger: outlookLog, powershell });
    const { store, services: s } = await graph({ phonebookSources: [outlook] });
    await s.instances.phonebook!.phonebook.ready();
    expect(s.instances.phonebook!.phonebook.providing).toBe(true);
    await store.set('disableOutlookSearch', true);
    await expect.poll(() => s.instances.phonebook!.phonebook.providing).toBe(false);
    store.setAdminSettings({ disableOutlookSearch: { value: false, force: true } });
    await expect.poll(() => s.instances.phonebook!.phonebook.providing).toBe(true);
    expect(outlookLog.lines.map((l) => l.message)).toEqual(expect.arrayContaining(['Outlook search disabled by setting', 'Outlook search enabled by setting']));
  });

  it('exclude VPN, EXCLUDEINTERFACES, ring in headset and DISABLEHEADSETS reach the media engine config; the headset permission follows', async () => {
    const vpn = () => ({ tun0: [{ address: '10.8.0.2', netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: '10.8.0.2/24' } as const] });
    const { store, services: s } = await graph({}, { media: { engineScript: () => '', networkInterfaces: vpn } });
    let headsetsOff: boolean | undefined;
    s.instances.reactions!.attach({ headsets: { setDisabled: (off) => void (headsetsOff = off) } });
    const { port, token } = s.server;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/media-engine?token=${token}`, { headers: { origin: `http://127.0.0.1:${port}` } });
    cleanups.push(() => ws.close());
    const frames: Record<string, any>[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    ws.send(JSON.stringify({ mt: 'EngineHello', secret: new URLSearchParams(s.instances.media!.relay.engineUrl().split('#')[1]).get('secret'), version: 1 }));
    const config = () => [...frames].reverse().find((f) => f.mt === 'EngineConfig' || f.mt === 'EngineWelcome')?.config;
    await expect.poll(config).toMatchObject({ excludeAddresses: [], excludePrefixes: [], ringInHeadset: false, disableHeadsets: false });
    // the PBX's "Audio/Video/AppSharing outside VPN" (adminSettings noVpnAddresses)
    store.setAdminSettings({ noVpnAddresses: { value: true, force: true } });
    await expect.poll(config).toMatchObject({ excludeAddresses: ['10.8.0.2'] });
    await store.set('ringInHeadset', true);
    await expect.poll(config).toMatchObject({ ringInHeadset: true });
    store.setManaged({ EXCLUDEINTERFACES: '172,192.168', DISABLEHEADSETS: 1 });
    await expect.poll(config).toMatchObject({ excludePrefixes: ['172', '192.168'], disableHeadsets: true });
    expect(headsetsOff).toBe(true);
  });

  it('"Autostart video" and the notification setting are in the com.innovaphone.launcher model', async () => {
    const { store, services: s } = await graph({ notifier: { show: async () => ({ close() {} }) } });
    const c = s.router.consume(Api.launcher);
    cleanups.push(() => c.close());
    const model = () => Object.values(c.providers())[0]?.model;
    expect(model()).toMatchObject({ videoAutostart: false, notifications: true });
    store.setAdminSettings({ video: { value: true, force: false } });
    await expect.poll(model).toMatchObject({ videoAutostart: true });
    await store.set('videoAutostart', false);
    await expect.poll(model).toMatchObject({ videoAutostart: false });
  });

  it('the external applications list follows the setting', async () => {
    const { store, services: s } = await graph({ spawner: { spawn: async () => ({ pid: 1 }) } });
    expect(s.instances.externalApps!.list()).toEqual([]);
    await store.set('externalApps', [{ id: 1, name: 'CRM', path: '/bin/true', param: '$n', startOnAccept: true }]);
    expect(s.instances.externalApps!.list()).toEqual([{ id: 1, name: 'CRM', startOnAccept: true }]);
  });

  it('docking moves the window host, show in taskbar and autostart reach their ports; the pages are told', async () => {
    const log: string[] = [];
    const display: DisplayInfo = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
    let bounds: Rect = { x: 0, y: 0, width: 800, height: 600 };
    const host: WindowHost = {
      showMain: () => {}, hideMain: () => {}, isMainVisible: () => true,
      setShowInTaskbar: (v) => void log.push(`taskbar:${v}`),
      getMainBounds: () => bounds,
      setMainBounds: (r) => void log.push(`bounds:${(bounds = r).x},${r.width}`),
      setAlwaysOnTop: (v) => void log.push(`top:${v}`),
      getDisplays: () => [display], onDisplaysChanged: () => () => {},
      openAppWindow: () => { throw new Error('not used'); }, setBadge: () => {},
    };
    const autostart: boolean[] = [];
    const { store, services: s } = await graph();
    const { windowSettingsOf } = await import('./windows');
    const windows = createWindowsService({
      host, settings: windowSettingsOf(store), store: new WindowStateStore(dir, silentLogger), logger: silentLogger, platform: 'linux', traceFolder: dir,
      autostart: { isEnabled: async () => false, setEnabled: async (on) => void autostart.push(on) },
      isPbxUrl: () => true, actions: { quit: () => {}, openSettings: () => {} },
    });
    cleanups.push(() => windows.close());
    let pages = 0;
    s.instances.reactions!.attach({ windows, pages: { settingsChanged: () => void pages++ } });
    await windows.start();
    log.length = 0;
    await store.set('docking', 'right');
    expect(log).toEqual(['bounds:1500,420', 'top:true', 'taskbar:true']);
    await store.set('showInTaskbar', false);
    expect(log.at(-1)).toBe('taskbar:false');
    await store.set('autostart', true);
    await expect.poll(() => autostart).toEqual([true]);
    // a PBX force changes the lock only: the tray is rebuilt, the OS entry stays as it is
    store.setAdminSettings({ autostart: { value: true, force: true } });
    await new Promise((r) => setTimeout(r, 20));
    expect(autostart).toEqual([true]);
    expect(pages).toBe(4);
  });

  it('updatePolicy off stops updates and on resumes them; FASTERDOWNLOADS lifts the throttle', async () => {
    const store: StoreServer = await startStoreServer();
    cleanups.push(() => store.close());
    const pkg = Buffer.alloc(64 * 1024, 7);
    publishBuild(store, '1001', [{ os: 'linux', arch: 'x64', kind: 'appimage', name: 'myApps-1001-x86_64.AppImage', data: pkg }]);
    // the store is https, as the product requires; the product's fetch trusts the store's certificate
    const storeUrl = store.storeUrl;
    const fetched: string[] = [];
    const fetchFn: UpdateFetch = (url, init) => {
      fetched.push(url);
      return store.fetch(url, init);
    };
    const installer: InstallerPort = { kind: 'appimage', install: async () => ({ next: 'quit', detail: 'test' }) };
    const updateLog = memoryLogger();
    const files: FileLocations = { userData: path.join(dir, 'user'), localData: path.join(dir, 'local'), logs: path.join(dir, 'logs') };
    const { store: settings, services: s } = await graph({
      update: {
        fetch: fetchFn, installer, logger: updateLog,
        ui: { askInstall: async () => 'later', showInstallProgress: () => ({ update() {}, close() {} }) },
        currentBuild: '1000', os: 'linux', arch: 'x64', installKind: 'appimage', downloadDir: path.join(files.localData, 'updates'),
        publicKeys: [{ keyId: TEST_KEY.keyId, publicKey: TEST_KEY.publicKey }], adminDisabled: false, fasterDownloads: false,
        throttleClock: { now: () => performance.now(), sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 2))) },
      },
    });
    const update = s.instances.update!;
    await settings.set('updatePolicy', 'off');
    expect(update.status).toEqual({ state: 'off', code: 'admin', reason: 'turned off by admin policy' });
    const web = s.router.provide(Api.client, '@client-1', () => {}, { model: { launcherUpdateBuild: '1001', appStoreUrl: storeUrl } });
    cleanups.push(() => web.close());
    await new Promise((r) => setTimeout(r, 30));
    expect(fetched).toEqual([]);
    settings.setManaged({ FASTERDOWNLOADS: 1 });
    await settings.set('updatePolicy', 'auto');
    await expect.poll(() => update.status.state, { timeout: 10_000 }).toBe('ready');
    expect(fetched[0]).toBe(`${storeUrl}software.json`);
    expect(updateLog.lines.map((l) => l.message).join('\n')).toContain('full speed (FASTERDOWNLOADS)');
  });
});
