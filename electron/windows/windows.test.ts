import { translator } from '../../common/i18n';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../platform';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import {
  buildTrayMenu, createWindowsService, dialogBounds, dockedBounds, EdgeReservationError, isVisible, placeWindow, TrayIds,
  WindowStateStore, workAreaWithoutOwnStrip,
  type AppWindowHandle, type EdgeReservation, type EdgeReservationRequest, type DisplayInfo, type Rect, type TrayMenuItem, type WindowHost, type WindowSettingKey, type WindowSettings,
  type WindowsService,
} from './index';
import { applyReactions } from '../wiring/reactions';

const D1: DisplayInfo = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
const D2: DisplayInfo = { id: 2, bounds: { x: 1920, y: 0, width: 1280, height: 1024 }, workArea: { x: 1920, y: 30, width: 1280, height: 994 } };

let dir: string;
beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'win-test-')); });
afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

describe('geometry', () => {
  it('places launcher dialogs centred, at the bottom right or the top centre of the work area', () => {
    expect(dialogBounds(D2.workArea, { width: 400, height: 200 })).toEqual({ x: 2360, y: 427, width: 400, height: 200 });
    expect(dialogBounds(D2.workArea, { width: 400, height: 200 }, 'bottom-right')).toEqual({ x: 2784, y: 808, width: 400, height: 200 });
    expect(dialogBounds(D2.workArea, { width: 400, height: 60 }, 'top-center')).toEqual({ x: 2360, y: 46, width: 400, height: 60 });
    // larger than the work area: shrunk, flush with it
    expect(dialogBounds(D2.workArea, { width: 3000, height: 2000 }, 'bottom-right')).toEqual({ x: 1920, y: 30, width: 1280, height: 994 });
  });
  it('docks to the work area edge', () => {
    expect(dockedBounds(D1.workArea, 'left', 400)).toEqual({ x: 0, y: 0, width: 400, height: 1040 });
    expect(dockedBounds(D1.workArea, 'right', 400)).toEqual({ x: 1520, y: 0, width: 400, height: 1040 });
    expect(dockedBounds(D2.workArea, 'right', 5000)).toEqual({ x: 2560, y: 30, width: 640, height: 994 }); // at most half
    expect(dockedBounds(D2.workArea, 'left', 10)).toEqual({ x: 1920, y: 30, width: 320, height: 994 }); // at least the minimum
  });
  it('docks on the display the window is on', () => {
    expect(placeWindow({ saved: { x: 2000, y: 100, width: 800, height: 600 }, docking: 'left', dockWidth: 400, displays: [D1, D2] })).toEqual({ x: 1920, y: 30, width: 400, height: 994 });
  });
  it('keeps visible bounds, recentres lost windows', () => {
    expect(placeWindow({ saved: { x: 100, y: 100, width: 800, height: 600 }, docking: 'none', displays: [D1] })).toEqual({ x: 100, y: 100, width: 800, height: 600 });
    // saved on a display that is gone
    expect(placeWindow({ saved: { x: 2500, y: 100, width: 800, height: 600 }, docking: 'none', displays: [D1] })).toEqual({ x: 448, y: 160, width: 1024, height: 720 });
    expect(isVisible({ x: 1870, y: 100, width: 800, height: 600 }, [D1])).toBe(false); // only 50 px visible
    expect(isVisible({ x: 1800, y: 100, width: 800, height: 600 }, [D1])).toBe(true);
    expect(isVisible({ x: NaN, y: 0, width: 10, height: 10 }, [D1])).toBe(false);
    expect(placeWindow({ docking: 'none', displays: [] })).toEqual({ x: 0, y: 0, width: 1024, height: 720 });
    // too big for the work area -> shrunk
    expect(placeWindow({ saved: { x: 0, y: 0, width: 4000, height: 3000 }, docking: 'none', displays: [D1] })).toEqual({ x: 0, y: 0, width: 1920, height: 1040 });
  });
});

describe('tray menu model', () => {
  it('has the items of the spec with states', () => {
    const m = buildTrayMenu({ autostart: true, autostartLocked: false, showInTaskbar: false, showInTaskbarLocked: true, platform: 'win32' });
    expect(m.filter((i) => i.type !== 'separator').map((i) => i.id)).toEqual(['show', 'settings', 'autostart', 'show-in-taskbar', 'open-trace-folder', 'collect-logs', 'quit']);
    expect(m.find((i) => i.id === 'autostart')).toMatchObject({ type: 'checkbox', checked: true, enabled: true });
    expect(m.find((i) => i.id === 'show-in-taskbar')).toMatchObject({ checked: false, enabled: false });
    const mac = buildTrayMenu({ autostart: false, autostartLocked: true, showInTaskbar: true, showInTaskbarLocked: false, platform: 'darwin', collecting: true });
    expect(mac.some((i) => i.id === 'show-in-taskbar')).toBe(false);
    expect(mac.find((i) => i.id === 'collect-logs')?.enabled).toBe(false);
  });

  it('speaks the client language, shows long work as a first line and the collection progress', () => {
    const de = buildTrayMenu({ autostart: true, autostartLocked: false, showInTaskbar: true, showInTaskbarLocked: false, platform: 'linux', words: translator('de'), status: 'Build 2 wird heruntergeladen: 1 MB von 2 MB (50 %)', collecting: true, collectProgress: 0.42 });
    expect(de[0]).toMatchObject({ id: 'status', label: 'Build 2 wird heruntergeladen: 1 MB von 2 MB (50 %)', enabled: false });
    expect(de[1]!.type).toBe('separator');
    expect(de.filter((i) => i.type !== 'separator').map((i) => i.label)).toEqual([
      'Build 2 wird heruntergeladen: 1 MB von 2 MB (50 %)', 'myApps anzeigen', 'Erweiterte Einstellungen …', 'Bei der Anmeldung starten', 'In der Taskleiste anzeigen',
      'Trace-Ordner öffnen', 'Logs werden gesammelt … 42\u00a0%', 'myApps beenden',
    ]);
    const en = buildTrayMenu({ autostart: true, autostartLocked: false, showInTaskbar: true, showInTaskbarLocked: false, platform: 'linux', collecting: true });
    expect(en.find((i) => i.id === 'collect-logs')?.label).toBe('Collecting logs…');
    expect(en.some((i) => i.id === 'status')).toBe(false);
  });
});

describe('window state store', () => {
  it('round-trips and sets a corrupt file aside', async () => {
    const s = new WindowStateStore(dir, silentLogger);
    expect(await s.load()).toEqual({ version: 1, main: {}, detached: [] });
    await s.update((st) => { st.main.bounds = { x: 1, y: 2, width: 300, height: 400 }; });
    const s2 = new WindowStateStore(dir, silentLogger);
    expect((await s2.load()).main.bounds).toEqual({ x: 1, y: 2, width: 300, height: 400 });
    await fs.writeFile(s.file, '{"version":1,"main":{"bounds":{"x":"evil"}}}');
    const log = memoryLogger();
    const s3 = new WindowStateStore(dir, log);
    expect(await s3.load()).toEqual({ version: 1, main: {}, detached: [] });
    expect(log.lines.some((l) => l.level === 'warn' && /corrupt/.test(l.message))).toBe(true);
    const files = await fs.readdir(dir);
    expect(files.some((f) => f.startsWith('window-state.json.corrupt-'))).toBe(true);
  });
});

// ---- service with in-memory ports ---------------------------------------------------------

class FakeSettings implements WindowSettings {
  values: Record<string, unknown> = { autostart: false, showInTaskbar: true, docking: 'none' };
  forced = new Set<string>();
  /** The service a change drives, through the product's reaction table (electron/wiring/reactions.ts). */
  svc?: WindowsService;
  get(k: WindowSettingKey) { return this.values[k]; }
  isForced(k: WindowSettingKey) { return this.forced.has(k); }
  async set(k: WindowSettingKey, v: boolean | string) {
    this.values[k] = v;
    if (this.svc) applyReactions([k], { windows: this.svc }, { get: (key: string) => this.values[key] } as never, silentLogger);
  }
}

function fakeHost() {
  const log: string[] = [];
  const wins = new Map<string, { closed?: (byUser: boolean) => void; bounds?: (r: Rect) => void; h: AppWindowHandle }>();
  let bounds: Rect = { x: 0, y: 0, width: 800, height: 600 };
  let displaysCb: (() => void) | undefined;
  const host: WindowHost & { displays: DisplayInfo[] } = {
    displays: [D1],
    showMain: () => log.push('show'),
    hideMain: () => log.push('hide'),
    isMainVisible: () => true,
    setShowInTaskbar: (s) => log.push(`taskbar:${s}`),
    getMainBounds: () => bounds,
    setMainBounds: (r) => { bounds = r; log.push(`bounds:${r.x},${r.y},${r.width},${r.height}`); },
    setAlwaysOnTop: (on) => log.push(`top:${on}`),
    getDisplays: () => host.displays,
    onDisplaysChanged: (cb) => { displaysCb = cb; return () => { displaysCb = undefined; }; },
    openAppWindow: ({ app, url, bounds: b }) => {
      log.push(`open:${app}:${url}:${b ? `${b.x},${b.y}` : '-'}`);
      const entry: { closed?: (byUser: boolean) => void; bounds?: (r: Rect) => void; h: AppWindowHandle } = {} as never;
      entry.h = {
        app,
        focus: () => log.push(`focus:${app}`),
        close: () => { log.push(`close:${app}`); entry.closed?.(false); },
        getBounds: () => ({ x: 0, y: 0, width: 1, height: 1 }),
        onClosed: (cb) => { entry.closed = cb; },
        onBoundsChanged: (cb) => { entry.bounds = cb; },
      };
      wins.set(app, entry);
      return entry.h;
    },
    setBadge: (c) => log.push(`badge:${c}`),
  };
  return { host, log, wins, fireDisplays: () => displaysCb?.() };
}

describe('windows service', () => {
  async function make(extra: { tray?: boolean } = {}) {
    const h = fakeHost();
    const settings = new FakeSettings();
    const menus: TrayMenuItem[][] = [];
    let click: ((id: string) => void) | undefined;
    const autostartCalls: boolean[] = [];
    let autostartOn = false;
    const opened: string[] = [];
    const actions = { quit: () => opened.push('quit'), openSettings: () => opened.push('settings'), collectLogs: async () => '/tmp/logs.zip' };
    const svc = createWindowsService({
      host: h.host,
      tray: extra.tray === false ? undefined : { setMenu: (items, cb) => { menus.push(items); click = cb; }, setToolTip: () => {}, onActivate: () => {}, destroy: () => opened.push('tray-destroyed') },
      autostart: { isEnabled: async () => autostartOn, setEnabled: async (on) => { autostartOn = on; autostartCalls.push(on); } },
      shell: { openPath: async (p) => { opened.push(`open:${p}`); }, showItemInFolder: (p) => opened.push(`reveal:${p}`) },
      settings,
      store: new WindowStateStore(dir, silentLogger),
      logger: silentLogger,
      platform: 'linux',
      traceFolder: '/var/log/myapps',
      isPbxUrl: (u) => u.startsWith('https://pbx.example.com/'),
      actions,
    });
    settings.svc = svc;
    await svc.start();
    return { svc, h, settings, menus, click: (id: string) => click?.(id), autostartCalls, opened };
  }

  it('places, docks and re-docks on display and setting changes', async () => {
    const { svc, h, settings } = await make();
    expect(h.log).toContain('bounds:448,160,1024,720');
    expect(h.log).toContain('taskbar:true');
    await settings.set('docking', 'right');
    expect(h.log.at(-3)).toBe('bounds:1500,0,420,1040');
    expect(h.log).toContain('top:true');
    h.host.displays = [{ ...D1, workArea: { x: 0, y: 0, width: 1280, height: 1000 } }];
    h.fireDisplays();
    expect(h.log).toContain('bounds:860,0,420,1000');
    expect(svc.closeAction(false)).toBe('hide');
    expect(svc.closeAction(true)).toBe('quit');
    await svc.close();
  });

  it('routes tray clicks and toggles settings', async () => {
    const { svc, settings, menus, click, autostartCalls, opened } = await make();
    expect(menus.at(-1)!.find((i) => i.id === 'autostart')?.checked).toBe(false);
    click(TrayIds.autostart);
    await new Promise((r) => setTimeout(r, 10));
    expect(settings.values.autostart).toBe(true);
    expect(autostartCalls).toEqual([true]);
    expect(menus.at(-1)!.find((i) => i.id === 'autostart')?.checked).toBe(true);
    await svc.trayClick(TrayIds.showInTaskbar);
    expect(settings.values.showInTaskbar).toBe(false);
    settings.forced.add('autostart');
    await svc.trayClick(TrayIds.autostart);
    expect(settings.values.autostart).toBe(true); // forced: unchanged
    await svc.trayClick(TrayIds.openTraceFolder);
    await svc.trayClick(TrayIds.collectLogs);
    await svc.trayClick(TrayIds.settings);
    await svc.trayClick(TrayIds.quit);
    expect(opened).toEqual(['open:/var/log/myapps', 'reveal:/tmp/logs.zip', 'settings', 'quit']);
    await svc.close();
  });

  it('shows the update status in the tray tooltip and menu, the log collection progress, and a failed collection', async () => {
    const h = fakeHost();
    const menus: TrayMenuItem[][] = [];
    const tips: string[] = [];
    const notes: string[] = [];
    let progress: ((f: number) => void) | undefined;
    let finish: (() => void) | undefined;
    let fail = false;
    const svc = createWindowsService({
      host: h.host,
      tray: { setMenu: (items) => menus.push(items), setToolTip: (t) => tips.push(t), onActivate: () => {}, destroy: () => {} },
      settings: new FakeSettings(),
      store: new WindowStateStore(dir, silentLogger),
      logger: silentLogger,
      platform: 'linux',
      traceFolder: '/t',
      isPbxUrl: () => true,
      words: translator('de'),
      notify: (title, body) => notes.push(`${title}|${body}`),
      actions: {
        quit: () => {}, openSettings: () => {},
        collectLogs: (onProgress) => new Promise<string>((resolve, reject) => {
          progress = onProgress;
          finish = () => (fail ? reject(new Error('disk full')) : resolve('/tmp/x.zip'));
        }),
      },
    });
    await svc.start();
    svc.setTrayStatus('Build 7 wird heruntergeladen');
    await new Promise((r) => setTimeout(r, 5));
    expect(tips.at(-1)).toBe('myApps\nBuild 7 wird heruntergeladen');
    expect(menus.at(-1)![0]).toMatchObject({ id: 'status', label: 'Build 7 wird heruntergeladen' });
    svc.setTrayStatus(undefined);
    await new Promise((r) => setTimeout(r, 5));
    expect(tips.at(-1)).toBe('myApps');
    expect(menus.at(-1)!.some((i) => i.id === 'status')).toBe(false);
    const running = svc.trayClick(TrayIds.collectLogs);
    await new Promise((r) => setTimeout(r, 5));
    const before = menus.length;
    progress!(0.5);
    progress!(0.501); // same whole percent: no new menu
    await new Promise((r) => setTimeout(r, 5));
    expect(menus.length).toBe(before + 1);
    expect(menus.at(-1)!.find((i) => i.id === 'collect-logs')).toMatchObject({ label: 'Logs werden gesammelt … 50\u00a0%', enabled: false });
    fail = true;
    finish!();
    await running;
    expect(notes).toEqual(['Logs sammeln fehlgeschlagen|Logs sammeln fehlgeschlagen: disk full']);
    expect(menus.at(-1)!.find((i) => i.id === 'collect-logs')).toMatchObject({ label: 'Logs sammeln', enabled: true });
    await svc.close();
  });

  it('detaches apps, persists them, restores them and reports user closes', async () => {
    const { svc, h } = await make();
    const attached: string[] = [];
    svc.onAppAttached((a) => attached.push(a));
    expect(svc.detachApp({ app: 'chat', url: 'https://evil.example.com/x' })).toEqual({ ok: false, error: 'app url is not of the PBX origin' });
    expect(svc.detachApp({ app: 'chat', url: 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm?app=chat' })).toEqual({ ok: true });
    expect(svc.detachApp({ app: 'chat', url: 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm?app=chat' })).toEqual({ ok: true });
    expect(h.log.filter((l) => l.startsWith('open:'))).toHaveLength(1);
    expect(h.log).toContain('focus:chat');
    h.wins.get('chat')!.bounds!({ x: 50, y: 60, width: 700, height: 500 });
    expect(svc.getDetachedApps()).toEqual([{ app: 'chat', url: 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm?app=chat' }]);
    await svc.close();

    // next start: restored with its bounds
    const second = await make();
    second.svc.restoreDetached();
    expect(second.h.log).toContain('open:chat:https://pbx.example.com/PBX0/APPCLIENT/appclient.htm?app=chat:50,60');
    second.svc.onAppAttached((a) => attached.push(a));
    second.h.wins.get('chat')!.closed!(true); // user closed it
    expect(attached).toEqual(['chat']);
    expect(second.svc.getDetachedApps()).toEqual([]);
    second.svc.detachApp({ app: 'phone', url: 'https://pbx.example.com/p' });
    second.svc.attachApp('phone');
    expect(second.h.log).toContain('close:phone');
    expect(second.svc.getDetachedApps()).toEqual([]);
    await second.svc.close();
  });

  it('quits on close when there is no tray', async () => {
    const { svc } = await make({ tray: false });
    expect(svc.closeAction(false)).toBe('quit');
    svc.setBadge(3);
    await svc.close();
  });
});

// ---- docking reserves its strip (EdgeReservation port) -----------------------------------

describe('docking edge reservation', () => {
  function fakeReservation(opts: { unsupported?: string; fail?: EdgeReservationError } = {}) {
    const calls: string[] = [];
    const reqs: EdgeReservationRequest[] = [];
    const r: EdgeReservation = {
      unsupported: () => opts.unsupported,
      async reserve(req) {
        reqs.push(req);
        calls.push(`reserve:${req.edge}:${req.width}:${req.window.readUInt32LE(0)}`);
        if (opts.fail) throw opts.fail;
        return { x: req.edge === 'left' ? req.display.x : req.display.x + req.display.width - req.width, y: req.display.y, width: req.width, height: req.display.height };
      },
      async release(w) { calls.push(`release:${w.readUInt32LE(0)}`); },
    };
    return { r, calls, reqs };
  }

  async function make(res: EdgeReservation, scale = 1) {
    const h = fakeHost();
    const handle = Buffer.alloc(8);
    handle.writeUInt32LE(0x2a00007);
    h.host.nativeMain = () => ({ handle, toScreen: (r: Rect) => ({ x: r.x * scale, y: r.y * scale, width: r.width * scale, height: r.height * scale }) });
    const settings = new FakeSettings();
    const log = memoryLogger();
    const svc = createWindowsService({
      host: h.host, settings, store: new WindowStateStore(dir, silentLogger), logger: log, platform: 'linux', traceFolder: '/t',
      isPbxUrl: () => true, actions: { quit: () => {}, openSettings: () => {} }, edgeReservation: res,
    });
    settings.svc = svc;
    await svc.start();
    return { svc, h, settings, log };
  }

  it('reserves the docked strip, ignores the work-area change it causes, and releases on undock and quit', async () => {
    const f = fakeReservation();
    const { svc, h, settings } = await make(f.r, 2);
    expect(svc.dockingStatus()).toEqual({ docking: 'none', reserved: false });
    expect(f.calls).toEqual([]);
    await settings.set('docking', 'right');
    await svc.settled();
    // screen pixels at scale 2: strip 840 px, display 3840x2160, all displays listed
    expect(f.reqs[0]).toMatchObject({ edge: 'right', width: 840, display: { x: 0, y: 0, width: 3840, height: 2160 }, displays: [{ x: 0, y: 0, width: 3840, height: 2160 }] });
    expect(svc.dockingStatus()).toEqual({ docking: 'right', reserved: true, granted: { x: 3000, y: 0, width: 840, height: 2160 } });
    expect(h.host.getMainBounds()).toEqual({ x: 1500, y: 0, width: 420, height: 1040 });
    // the window manager shrinks the work area by our strip: the window stays where it is
    h.host.displays = [{ ...D1, workArea: { x: 0, y: 0, width: 1500, height: 1040 } }];
    h.fireDisplays();
    await svc.settled();
    expect(h.host.getMainBounds()).toEqual({ x: 1500, y: 0, width: 420, height: 1040 });
    expect(f.calls).toHaveLength(1); // same request: not repeated
    // a real display change (resolution) moves the strip and re-reserves
    h.host.displays = [{ id: 1, bounds: { x: 0, y: 0, width: 1280, height: 1024 }, workArea: { x: 0, y: 0, width: 1280, height: 984 } }];
    h.fireDisplays();
    await svc.settled();
    expect(h.host.getMainBounds()).toEqual({ x: 860, y: 0, width: 420, height: 984 });
    expect(f.reqs.at(-1)!.display).toEqual({ x: 0, y: 0, width: 2560, height: 2048 });
    // the user makes the docked window wider: re-docked and the strip follows
    h.host.setMainBounds({ x: 760, y: 0, width: 520, height: 984 });
    svc.rememberMainBounds();
    await svc.settled();
    expect(h.host.getMainBounds()).toEqual({ x: 760, y: 0, width: 520, height: 984 });
    expect(f.calls.at(-1)).toBe(`reserve:right:1040:${0x2a00007}`);
    const n = f.calls.length;
    svc.rememberMainBounds(); // same width: nothing
    await svc.settled();
    expect(f.calls).toHaveLength(n);
    // switching sides re-reserves, undocking releases
    await settings.set('docking', 'left');
    await svc.settled();
    expect(f.calls.at(-1)).toBe(`reserve:left:1040:${0x2a00007}`);
    await settings.set('docking', 'none');
    await svc.settled();
    expect(f.calls.at(-1)).toBe(`release:${0x2a00007}`);
    expect(svc.dockingStatus()).toEqual({ docking: 'none', reserved: false });
    await settings.set('docking', 'right');
    await svc.close();
    expect(f.calls.slice(-2)).toEqual([`reserve:right:1040:${0x2a00007}`, `release:${0x2a00007}`]);
  });

  it('keeps snapping when the OS refuses, says why, and does not retry the same request', async () => {
    const f = fakeReservation({ fail: new EdgeReservationError('inner-edge', 'the left edge of this display borders another display') });
    const { svc, h, settings, log } = await make(f.r);
    await settings.set('docking', 'left');
    await svc.settled();
    expect(h.host.getMainBounds()).toEqual({ x: 0, y: 0, width: 420, height: 1040 });
    expect(svc.dockingStatus()).toEqual({ docking: 'left', reserved: false, reason: 'the left edge of this display borders another display' });
    expect(log.lines.some((l) => l.level === 'warn' && /only snaps/.test(l.message))).toBe(true);
    // whatever was reserved before is given back; the same request is not retried
    expect(f.calls).toEqual([`reserve:left:420:${0x2a00007}`, `release:${0x2a00007}`]);
    h.fireDisplays();
    await svc.settled();
    expect(f.calls).toHaveLength(2);
    await settings.set('docking', 'none');
    await svc.close();
    expect(f.calls).toHaveLength(2);
  });

  it('gives the strip back when undocked while the reservation is still running', async () => {
    const f = fakeReservation();
    let finish: (() => void) | undefined;
    const slow: EdgeReservation = { ...f.r, reserve: async (req) => { await new Promise<void>((r) => { finish = r; }); return f.r.reserve(req); } };
    const { svc, settings } = await make(slow);
    await settings.set('docking', 'right');
    await new Promise((r) => setTimeout(r, 5));
    await settings.set('docking', 'left'); // queued behind the running call: superseded before it starts
    await settings.set('docking', 'none');
    finish!();
    await svc.settled();
    expect(f.calls).toEqual([`reserve:right:420:${0x2a00007}`, `release:${0x2a00007}`]);
    expect(svc.dockingStatus()).toEqual({ docking: 'none', reserved: false });
    await svc.close();
  });

  it('gives the strip back while the window is hidden in the tray or minimised', async () => {
    const f = fakeReservation();
    const h0 = fakeHost();
    let visible = false; // started with --hidden
    let visCb: ((v: boolean) => void) | undefined;
    const handle = Buffer.alloc(8, 0);
    handle.writeUInt32LE(9);
    Object.assign(h0.host, {
      isMainVisible: () => visible,
      onMainVisibilityChanged: (cb: (v: boolean) => void) => { visCb = cb; return () => { visCb = undefined; }; },
      nativeMain: () => ({ handle, toScreen: (r: Rect) => r }),
    });
    const settings = new FakeSettings();
    settings.values.docking = 'left';
    const svc = createWindowsService({
      host: h0.host, settings, store: new WindowStateStore(dir, silentLogger), logger: silentLogger, platform: 'win32', traceFolder: '/t',
      isPbxUrl: () => true, actions: { quit: () => {}, openSettings: () => {} }, edgeReservation: f.r,
    });
    await svc.start();
    await svc.settled();
    expect(f.calls).toEqual([]);
    expect(svc.dockingStatus()).toEqual({ docking: 'left', reserved: false, reason: 'the window is hidden' });
    visible = true;
    visCb!(true);
    await svc.settled();
    expect(f.calls).toEqual(['reserve:left:420:9']);
    visCb!(true); // no change
    visCb!(false);
    await svc.settled();
    expect(f.calls).toEqual(['reserve:left:420:9', 'release:9']);
    visCb!(true);
    await svc.settled();
    expect(f.calls.at(-1)).toBe('reserve:left:420:9');
    await svc.close();
    expect(visCb).toBeUndefined();
    expect(f.calls.at(-1)).toBe('release:9');
  });

  it('reports an unsupported session (Wayland) and a host without native handles', async () => {
    const f = fakeReservation({ unsupported: 'Wayland does not let an application reserve a screen edge' });
    const a = await make(f.r);
    await a.settings.set('docking', 'right');
    expect(a.svc.dockingStatus()).toEqual({ docking: 'right', reserved: false, reason: 'Wayland does not let an application reserve a screen edge' });
    expect(f.calls).toEqual([]);
    await a.svc.close();

    const g = fakeReservation();
    const b = await make(g.r);
    b.h.host.nativeMain = () => undefined;
    await b.settings.set('docking', 'right');
    expect(b.svc.dockingStatus().reason).toBe('the window has no native handle');
    expect(g.calls).toEqual([]);
    await b.svc.close();
  });

  it('takes only its own strip back out of the work area', () => {
    const own = { edge: 'left' as const, strip: { x: 0, y: 0, width: 420, height: 1040 } };
    expect(workAreaWithoutOwnStrip({ x: 420, y: 0, width: 1500, height: 1040 }, own)).toEqual({ x: 0, y: 0, width: 1920, height: 1040 });
    expect(workAreaWithoutOwnStrip({ x: 0, y: 0, width: 1920, height: 1040 }, own)).toEqual({ x: 0, y: 0, width: 1920, height: 1040 }); // not shrunk (no WM)
    expect(workAreaWithoutOwnStrip({ x: 470, y: 0, width: 1450, height: 1040 }, own)).toEqual({ x: 470, y: 0, width: 1450, height: 1040 }); // someone else's panel
    const right = { edge: 'right' as const, strip: { x: 1500, y: 30, width: 420, height: 994 } };
    expect(workAreaWithoutOwnStrip({ x: 0, y: 30, width: 1501, height: 994 }, right)).toEqual({ x: 0, y: 30, width: 1920, height: 994 });
  });

});
