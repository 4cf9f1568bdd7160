/**
 * Runs the real build (scripts/build.mjs, esbuild) into a temp folder and checks the bundles;
 * then runs the built sandboxed preload (dist/preload.cjs) in a VM context with a fake
 * 'electron' module (the only module a sandboxed preload may require) to check what pages see.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPCLIENT_CONFIG_KEY } from '../common/bus';
import { APPCLIENT_CONFIG_STORAGE_KEY, PRELOAD_METHOD_NAMES, PreloadMethods, PRELOAD_EVENT_NAMES, PreloadEvents } from '../common/preload';

const root = path.resolve(__dirname, '..');
let out: string;

beforeAll(async () => {
  out = await fs.mkdtemp(path.join(os.tmpdir(), 'myapps-build-'));
  await promisify(execFile)(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--out', out], { cwd: root, env: { ...process.env, MYAPPS_BUILD: 'test-build-1' } });
}, 120_000);
afterAll(async () => {
  if (out) await fs.rm(out, { recursive: true, force: true });
});

describe('build', () => {
  it('writes main, preload, launcher pages and icons', async () => {
    const files = (await fs.readdir(out)).sort();
    expect(files).toEqual(expect.arrayContaining(['icons', 'main.cjs', 'preload.cjs', 'renderer', 'THIRD-PARTY-NOTICES.txt']));
    const main = await fs.readFile(path.join(out, 'main.cjs'), 'utf8');
    expect(main).toContain('"test-build-1"'); // build id stamped
    // Only Node built-ins, electron and the modules the build leaves out on purpose (loaded in
    // try/catch or by a development path) are loaded at run time: everything else is bundled.
    const { MAIN_EXTERNALS } = (await import(path.join(root, 'scripts', 'build.mjs'))) as { MAIN_EXTERNALS: string[] };
    const required = new Set([...main.matchAll(/\b(?:require|import)\("([^"]+)"\)/g)].map((m) => m[1]!));
    const builtins = new Set(require('node:module').builtinModules as string[]);
    const foreign = [...required].filter((r) => !r.startsWith('node:') && !builtins.has(r));
    expect(foreign).toContain('electron');
    for (const f of foreign) expect(MAIN_EXTERNALS).toContain(f);
    // the Linux adapters' packages are inside (x11, dbus-next), and their licences are listed
    expect(main).toContain('MIT-SCREEN-SAVER');
    const notices = await fs.readFile(path.join(out, 'THIRD-PARTY-NOTICES.txt'), 'utf8');
    for (const p of ['x11', 'dbus-next', 'ws', 'zod', 'libphonenumber-js']) expect(notices).toMatch(new RegExp(`^${p} \\d+\\.\\d+\\.\\d+ \\(`, 'm'));
    const pages = await fs.readdir(path.join(out, 'renderer'));
    for (const p of ['connect', 'error', 'settings']) {
      if (!pages.includes(`${p}.html`)) continue;
      expect(pages).toContain(`${p}.js`);
      const html = await fs.readFile(path.join(out, 'renderer', `${p}.html`), 'utf8');
      expect(html).toContain(`src="${p}.js"`);
      expect(html).not.toMatch(/src="[^"]+\.ts"/);
    }
    expect(await fs.readdir(path.join(out, 'icons'))).toEqual(expect.arrayContaining(['icon.png', 'tray.png']));
  });

  it('keeps the demo API out of the launcher pages (it is a script of its own, built with --demo only)', async () => {
    const pages = await fs.readdir(path.join(out, 'renderer'));
    expect(pages).not.toContain('demo-api.js');
    for (const p of pages.filter((f) => f.endsWith('.js'))) {
      const js = await fs.readFile(path.join(out, 'renderer', p), 'utf8');
      expect(js, p).not.toContain('Quarterly report.xlsx'); // a string of the demo API's picker
      expect(js, p).toContain('__myAppsLauncherDemoApi'); // the page looks for it, nothing more
    }
  });

  it('keeps the sandboxed preload a single small CJS file that only requires electron', async () => {
    const preload = await fs.readFile(path.join(out, 'preload.cjs'), 'utf8');
    const required = new Set([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]));
    expect([...required]).toEqual(['electron']);
    expect(preload.length).toBeLessThan(20_000); // no zod inside
  });
});

// ---- the built preload in a VM -----------------------------------------------------------------

interface Harness {
  exposed: Record<string, any>;
  storage: Map<string, string>;
  invoked: { channel: string; payload: unknown }[];
  emit(event: string, payload: unknown): void;
  /** The page's main world (the VM's global): console, open, … as the page sees them. */
  page: Record<string, any>;
}

async function runPreload(location: { protocol: string; origin: string }, syncReply: unknown, invokeReply: (ch: string, payload: unknown) => unknown = () => ({ ok: true, value: { ok: true } })): Promise<Harness> {
  const code = await fs.readFile(path.join(out, 'preload.cjs'), 'utf8');
  const storage = new Map<string, string>();
  const exposed: Record<string, any> = {};
  const invoked: { channel: string; payload: unknown }[] = [];
  let eventListener: ((e: unknown, msg: unknown) => void) | undefined;
  const electron = {
    contextBridge: {
      exposeInMainWorld: (name: string, api: unknown) => { exposed[name] = api; },
      // one world here: run the function as the main world would
      executeInMainWorld: ({ func, args }: { func: (...a: unknown[]) => unknown; args?: unknown[] }) => func(...(args ?? [])),
    },
    ipcRenderer: {
      sendSync: (ch: string) => (ch === 'myapps:appclient-config-sync' ? syncReply : undefined),
      invoke: async (channel: string, payload: unknown) => { invoked.push({ channel, payload }); return invokeReply(channel, payload); },
      on: (ch: string, cb: (e: unknown, msg: unknown) => void) => { if (ch === 'myapps:event') eventListener = cb; },
    },
  };
  const window = { location, localStorage: { setItem: (k: string, v: string) => storage.set(k, v), getItem: (k: string) => storage.get(k) ?? null } };
  const pageLog: unknown[][] = [];
  const pageConsole = { log: (...a: unknown[]) => pageLog.push(a), warn: (...a: unknown[]) => pageLog.push(a), error: (...a: unknown[]) => pageLog.push(a), info: () => {}, debug: () => {}, table: () => 'table' };
  const ctx = vm.createContext({ window, URL, console: pageConsole, open: () => 'native open', document: { baseURI: `${location.origin}/PBX0/APPCLIENT/appclient.htm` }, pageLog, require: (m: string) => { if (m === 'electron') return electron; throw new Error(`sandboxed preload may not require ${m}`); }, module: { exports: {} }, exports: {} });
  vm.runInContext(code, ctx, { filename: 'preload.cjs' });
  return { exposed, storage, invoked, emit: (event, payload) => eventListener?.({}, { event, payload }), page: ctx };
}

const config = { version: 1, protocol: 1, bus: 'ws://127.0.0.1:4000/bus', http: 'http://127.0.0.1:4000', token: 'x'.repeat(43), services: ['api'], launcher: { name: 'myApps', version: '0.1.0', build: '1', platform: 'linux' } };

describe('preload (built, in a VM)', () => {
  it('writes appclient-config and exposes the API only on the PBX origin', async () => {
    const h = await runPreload({ protocol: 'https:', origin: 'https://pbx.example.com' }, { origin: 'https://pbx.example.com', config, hooks: true });
    expect(APPCLIENT_CONFIG_STORAGE_KEY).toBe(APPCLIENT_CONFIG_KEY);
    expect(JSON.parse(h.storage.get('appclient-config')!)).toEqual(config);
    const api = h.exposed.myAppsLauncher;
    expect(api.version).toBe(1);
    expect(api.methods).toEqual([...PRELOAD_METHOD_NAMES]);
    expect(typeof api.settings.get).toBe('function');
    expect(typeof api.detachApp).toBe('function');
  });
  it('does nothing for a page of another origin (main gave no config, or one for another origin)', async () => {
    const a = await runPreload({ protocol: 'https:', origin: 'https://evil.example.com' }, null);
    expect(a.storage.size).toBe(0);
    expect(a.exposed).toEqual({});
    const b = await runPreload({ protocol: 'https:', origin: 'https://evil.example.com' }, { origin: 'https://pbx.example.com', config, hooks: true });
    expect(b.storage.size).toBe(0);
    expect(b.exposed).toEqual({});
    expect(b.page.console.custom).toBeUndefined();
  });
  it("installs lib1's launcher hooks in the web client and in app frames, nothing else there", async () => {
    const web = await runPreload({ protocol: 'https:', origin: 'https://pbx.example.com' }, { origin: 'https://pbx.example.com', config, hooks: true });
    const app = await runPreload({ protocol: 'https:', origin: 'https://apps.example.com' }, { origin: 'https://apps.example.com', hooks: true });
    expect(app.exposed).toEqual({}); // no API, no config in app frames
    expect(app.storage.size).toBe(0);
    for (const h of [web, app]) {
      expect(h.page.console.custom).toBe(true);
      expect(h.page.custom_saved_window_open_()).toBe('native open');
      h.page.console.warn('hello', { n: 1 }, 2);
      expect(h.page.console.table()).toBe('table'); // other methods still work
      expect(h.page.open('/PBX0/APPS/notes.htm')).toBeNull();
    }
    expect(web.page.pageLog).toEqual([['hello', { n: 1 }, 2]]); // the console still logs
    expect(web.invoked).toEqual([
      { channel: 'myapps:consoleLine', payload: { level: 'warn', text: 'hello {"n":1} 2' } },
      { channel: 'myapps:openWindow', payload: { url: 'https://pbx.example.com/PBX0/APPS/notes.htm' } },
    ]);
    expect(app.invoked.map((i) => i.channel)).toEqual(['myapps:consoleLine', 'myapps:openWindow']);
    const none = await runPreload({ protocol: 'https:', origin: 'https://ads.example.net' }, null);
    expect(none.page.console.custom).toBeUndefined();
  });
  it('exposes the API on launcher pages without asking for the config', async () => {
    const h = await runPreload({ protocol: 'myapps-launcher:', origin: 'myapps-launcher://pages' }, { origin: 'myapps-launcher://pages', config, hooks: false });
    expect(h.storage.size).toBe(0);
    expect(h.exposed.myAppsLauncher.version).toBe(1);
  });
  it('maps calls to channels and rejects refusals with the reason', async () => {
    const h = await runPreload({ protocol: 'myapps-launcher:', origin: 'myapps-launcher://pages' }, null, (ch) =>
      ch === 'myapps:settings.set' ? { ok: false, error: 'not allowed from pbx pages' } : { ok: true, value: { server: 'pbx', locked: false } },
    );
    const api = h.exposed.myAppsLauncher;
    expect(await api.getConnectState()).toEqual({ server: 'pbx', locked: false });
    await expect(api.settings.set({ key: 'docking', value: 'left' })).rejects.toThrow('not allowed from pbx pages');
    await expect(api.call('nope')).rejects.toThrow('unknown method');
    expect(h.invoked.map((i) => i.channel)).toEqual(['myapps:getConnectState', 'myapps:settings.set']);
    const got: unknown[] = [];
    const off = api.on('settingsChanged', (p: unknown) => got.push(p));
    h.emit('settingsChanged', { settings: [] });
    off();
    h.emit('settingsChanged', { settings: [1] });
    expect(got).toEqual([{ settings: [] }]);
    expect(() => api.on('bogus', () => {})).toThrow('unknown event');
  });
  it('name lists match the declarations', () => {
    expect([...PRELOAD_METHOD_NAMES].sort()).toEqual(Object.keys(PreloadMethods).sort());
    expect([...PRELOAD_EVENT_NAMES].sort()).toEqual(Object.keys(PreloadEvents).sort());
  });
});
