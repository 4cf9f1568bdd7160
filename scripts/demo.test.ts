/**
 * The demo's pieces (scripts/demo.ts, scripts/demo/): command line, Electron binary detection,
 * the launcher bridge's URL mapping and page ids, the preload API object it exposes, the screen
 * capture's PNG encoding, the tour's chord typing. The whole tour runs in test/e2e/demo.e2e.test.ts.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { findElectronBinary, parseDemoArgs } from './demo';
import { TOUR_STEP_IDS, xdotoolChord } from './demo/steps';
import { DEMO_LAUNCHER_ORIGIN, demoUrlOf, pageIds, productUrlOf, senderOf } from './demo/launcher-bridge';
import { encodePng, rgbFromZPixmap } from './demo/screen';
import { DemoStartError } from './demo/start-error';
import { createPreloadApi } from '../renderer/preload-api';
import { classifySender } from '../electron/security';
import { LAUNCHER_ORIGIN } from '../common/preload';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('demo: Electron binary detection (never requires electron)', () => {
  it('reports why the binary is missing, finds it when present', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'demo-'));
    expect(findElectronBinary(dir, {}).reason).toMatch(/not installed/);
    const pkg = path.join(dir, 'node_modules', 'electron');
    await fs.mkdir(path.join(pkg, 'dist'), { recursive: true });
    expect(findElectronBinary(dir, {}).reason).toMatch(/path\.txt is missing/);
    await fs.writeFile(path.join(pkg, 'path.txt'), 'electron');
    expect(findElectronBinary(dir, {}).reason).toMatch(/binary is missing/);
    await fs.writeFile(path.join(pkg, 'dist', 'electron'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findElectronBinary(dir, {})).toEqual({ path: path.join(pkg, 'dist', 'electron') });
    expect(findElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: path.join(dir, 'nowhere') }).reason).toMatch(/ELECTRON_OVERRIDE_DIST_PATH/);
  });
  it('on this machine: the binary it finds exists, or it says why there is none (`--electron` then refuses)', async () => {
    const r = findElectronBinary(path.resolve(__dirname, '..'), {});
    if (r.path !== undefined) expect((await fs.stat(r.path)).isFile()).toBe(true);
    else expect(r.reason).toMatch(/not installed|missing|ELECTRON_OVERRIDE_DIST_PATH/);
  });
});

describe('demo: command line', () => {
  it('defaults: the whole tour into demo-output/, not interactive', () => {
    const a = parseDemoArgs([], TOUR_STEP_IDS);
    expect(a).toMatchObject({ interactive: false, keep: false, electron: false });
    expect(a.only).toBeUndefined();
    expect(a.out).toBe(path.resolve(__dirname, '..', 'demo-output'));
  });
  it('--interactive, --keep, --out and --only with known steps', () => {
    const a = parseDemoArgs(['--interactive', '--keep', '--out', 'x', '--only', 'dial, call'], TOUR_STEP_IDS);
    expect(a).toMatchObject({ interactive: true, keep: true, out: path.resolve('x'), only: ['dial', 'call'] });
  });
  it('refuses unknown steps and options with what is allowed', () => {
    expect(() => parseDemoArgs(['--only', 'dial,fly'], TOUR_STEP_IDS)).toThrow(/unknown step fly \(steps: dial, link, call, sharing, search, outage, forced, logs\)/);
    expect(() => parseDemoArgs(['--no-fallback'], TOUR_STEP_IDS)).toThrow(/no-fallback/);
  });
  it('a part that cannot start says which and why', () => {
    expect(new DemoStartError('pbx-sim', 'port in use').message).toBe('pbx-sim cannot start: port in use');
  });
});

describe('demo: the tour types the dial hot key as the user configured it', () => {
  it('settings and PBX spellings become xdotool key names', () => {
    expect(xdotoolChord('CTRL + F9')).toBe('ctrl+F9');
    expect(xdotoolChord('shift+alt+F8')).toBe('alt+shift+F8');
    expect(xdotoolChord('WIN + F10')).toBe('super+F10');
    expect(() => xdotoolChord('ctrl+X')).toThrow(/no chord/);
  });
});

describe('demo: launcher bridge', () => {
  it('maps the demo origin to myapps-launcher://pages and back, nothing else', () => {
    expect(productUrlOf(`${DEMO_LAUNCHER_ORIGIN}/settings.html?lang=de`)).toBe(`${LAUNCHER_ORIGIN}/settings.html?lang=de`);
    expect(demoUrlOf(`${LAUNCHER_ORIGIN}/connect.html`)).toBe(`${DEMO_LAUNCHER_ORIGIN}/connect.html`);
    expect(productUrlOf('https://127.0.0.1:8443/PBX0/APPCLIENT/appclient.htm')).toBe('https://127.0.0.1:8443/PBX0/APPCLIENT/appclient.htm');
    // a look-alike host is not the launcher origin
    expect(productUrlOf(`${DEMO_LAUNCHER_ORIGIN}.evil.example/settings.html`)).toBe(`${DEMO_LAUNCHER_ORIGIN}.evil.example/settings.html`);
  });
  it('the dispatcher classifies a launcher page of the demo as the product\'s launcher page, a subframe as nothing trusted', () => {
    const origins = { pbxOrigin: () => 'https://pbx.example', appOrigins: () => [], engineOrigins: () => [] };
    const top = senderOf({ url: () => `${DEMO_LAUNCHER_ORIGIN}/settings.html`, parentFrame: () => null });
    expect(top).toEqual({ url: `${LAUNCHER_ORIGIN}/settings.html`, top: true });
    expect(classifySender(top, origins)).toBe('launcher');
    const sub = senderOf({ url: () => `${DEMO_LAUNCHER_ORIGIN}/settings.html`, parentFrame: () => ({}) as never });
    expect(classifySender(sub, origins)).not.toBe('launcher');
    expect(classifySender(senderOf({ url: () => 'https://evil.example/', parentFrame: () => null }), origins)).toBeNull();
  });
  it('numbers pages as Electron numbers webContents: stable, never reused, reserved ids bound later', () => {
    const fakePage = () => {
      const closers: (() => void)[] = [];
      return { once: (_e: string, f: () => void) => void closers.push(f), close: () => closers.forEach((f) => f()) };
    };
    const ids = pageIds();
    const a = fakePage();
    const b = fakePage();
    const ia = ids.idOf(a as never);
    expect(ids.idOf(a as never)).toBe(ia);
    const reserved = ids.reserve();
    const ib = ids.idOf(b as never);
    expect(new Set([ia, reserved, ib]).size).toBe(3);
    const c = fakePage();
    ids.bind(reserved, c as never);
    expect(ids.pageOf(reserved)).toBe(c);
    a.close();
    expect(ids.pageOf(ia)).toBeUndefined();
  });
});

describe('preload API object (the product\'s preload and the demo\'s bridge)', () => {
  it('methods by name and through call(); {ok:false} rejects with its error; unknown names refused', async () => {
    const seen: [string, unknown][] = [];
    const o = createPreloadApi(async (method, req) => {
      seen.push([method, req]);
      return method === 'settings.get' ? { ok: true, value: { a: 1 } } : { ok: false, error: 'refused' };
    });
    const api = o.api as { settings: { get(): Promise<unknown> }; call(m: string, r?: unknown): Promise<unknown> };
    await expect(api.settings.get()).resolves.toEqual({ a: 1 });
    await expect(api.call('getInfo')).rejects.toThrow('refused');
    await expect(api.call('no.such')).rejects.toThrow(/unknown method/);
    expect(seen.map(([m]) => m)).toEqual(['settings.get', 'getInfo']);
    await expect(createPreloadApi(async () => undefined).api.call && (createPreloadApi(async () => undefined).api.call as (m: string) => Promise<unknown>)('getInfo')).rejects.toThrow(/no answer/);
  });
  it('events reach their listeners; a failing listener does not stop the others; unknown events refused', () => {
    const o = createPreloadApi(async () => ({ ok: true, value: null }));
    const on = o.api.on as (e: string, cb: (p: unknown) => void) => () => void;
    const got: unknown[] = [];
    on('settingsChanged', () => {
      throw new Error('listener bug');
    });
    const off = on('settingsChanged', (p) => got.push(p));
    o.deliver('settingsChanged', { n: 1 });
    off();
    o.deliver('settingsChanged', { n: 2 });
    o.deliver(42, {});
    expect(got).toEqual([{ n: 1 }]);
    expect(() => on('nope', () => undefined)).toThrow(/unknown event/);
  });
});

describe('demo: screen capture as PNG', () => {
  it('X11 BGRX pixels become an RGB PNG that decodes to the same pixels', () => {
    // 2x1: blue, then red (BGRX)
    const rgb = rgbFromZPixmap(Buffer.from([255, 0, 0, 0, 0, 0, 255, 0]), 2, 1);
    expect([...rgb]).toEqual([0, 0, 255, 255, 0, 0]);
    const png = encodePng(2, 1, rgb);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const idatAt = png.indexOf('IDAT');
    const len = png.readUInt32BE(idatAt - 4);
    const raw = zlib.inflateSync(png.subarray(idatAt + 4, idatAt + 4 + len));
    expect([...raw]).toEqual([0, 0, 0, 255, 255, 0, 0]);
    expect(() => encodePng(2, 2, rgb)).toThrow(/expected 12 bytes/);
    expect(() => rgbFromZPixmap(Buffer.alloc(4), 2, 1)).toThrow(/32 bits a pixel/);
  });
});
