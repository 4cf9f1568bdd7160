import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { createPreloadDispatcher, fixedOriginPolicy } from './index';
import { PRELOAD_METHOD_NAMES, PreloadMethods, channelOf } from '../../common/preload';

const PBX = 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm';
const LAUNCHER = 'myapps-launcher://pages/settings.html';

function make() {
  const logger = memoryLogger();
  const calls: unknown[] = [];
  const d = createPreloadDispatcher({
    logger,
    origins: fixedOriginPolicy(PBX),
    handlers: {
      getInfo: () => ({ api: 1, name: 'myApps', version: '0.1.0', build: '1', platform: 'linux' }),
      'settings.set': (req) => { calls.push(req); return req.key === 'forced' ? { ok: false, error: 'forced by the PBX' } : { ok: true }; },
      setBadge: (req, caller) => { calls.push([req, caller.kind, caller.webContentsId]); return { ok: true }; },
      collectLogs: () => ({ path: 42 as unknown as string }),
      openTraceFolder: () => { throw new Error('no file manager'); },
    },
  });
  return { d, logger, calls };
}

describe('preload dispatcher', () => {
  it('every method has a channel', () => {
    expect(channelOf('settings.get')).toBe('myapps:settings.get');
    expect(PRELOAD_METHOD_NAMES.length).toBe(Object.keys(PreloadMethods).length);
  });
  it('answers trusted senders with validated values', async () => {
    const { d, calls } = make();
    expect(await d.dispatch('getInfo', PBX, 1, undefined)).toEqual({ ok: true, value: { api: 1, name: 'myApps', version: '0.1.0', build: '1', platform: 'linux' } });
    expect(await d.dispatch('getInfo', LAUNCHER, 2, {})).toMatchObject({ ok: true });
    expect(await d.dispatch('settings.set', LAUNCHER, 2, { key: 'docking', value: 'left' })).toEqual({ ok: true, value: { ok: true } });
    expect(await d.dispatch('settings.set', LAUNCHER, 2, { key: 'forced', value: 1 })).toEqual({ ok: true, value: { ok: false, error: 'forced by the PBX' } });
    expect(await d.dispatch('setBadge', PBX, 7, { count: 3 })).toMatchObject({ ok: true });
    expect(calls).toContainEqual([{ count: 3 }, 'pbx', 7]);
  });
  it('refuses untrusted origins, wrong kinds, unknown methods and bad requests, with a logged reason', async () => {
    const { d, logger, calls } = make();
    expect(await d.dispatch('getInfo', 'https://evil.example.com/', 1, undefined)).toEqual({ ok: false, error: 'sender origin not trusted' });
    expect(await d.dispatch('getInfo', undefined, 1, undefined)).toEqual({ ok: false, error: 'sender origin not trusted' });
    expect(await d.dispatch('settings.set', PBX, 1, { key: 'docking', value: 'left' })).toEqual({ ok: false, error: 'not allowed from pbx pages' });
    expect(await d.dispatch('setBadge', LAUNCHER, 1, { count: 1 })).toEqual({ ok: false, error: 'not allowed from launcher pages' });
    expect(await d.dispatch('__proto__', PBX, 1, undefined)).toEqual({ ok: false, error: 'unknown method' });
    expect(await d.dispatch('detachApp', PBX, 1, { app: 'x', url: 'https://pbx.example.com/a' })).toEqual({ ok: false, error: 'not available' });
    const bad = await d.dispatch('settings.set', LAUNCHER, 1, { key: '../x', value: 1 });
    expect(bad.ok).toBe(false);
    expect(await d.dispatch('settings.set', LAUNCHER, 1, { key: 'a', value: 1, extra: true })).toMatchObject({ ok: false });
    expect(await d.dispatch('setBadge', PBX, 1, { count: -1 })).toMatchObject({ ok: false });
    expect(await d.dispatch('getInfo', PBX, 1, { sneaky: 1 })).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
    expect(logger.lines.filter((l) => l.level === 'warn' && l.message === 'preload call refused').length).toBe(10);
  });
  it('contains handler failures and out-of-contract answers', async () => {
    const { d, logger } = make();
    expect(await d.dispatch('openTraceFolder', PBX, 1, undefined)).toEqual({ ok: false, error: 'failed: no file manager' });
    expect(await d.dispatch('collectLogs', PBX, 1, undefined)).toEqual({ ok: false, error: 'internal error: response outside the contract' });
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(2);
  });
});
