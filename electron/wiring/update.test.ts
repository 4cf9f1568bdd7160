import { describe, expect, it } from 'vitest';
import { ApiRouter } from '../bus';
import { silentLogger } from '../platform';
import { feedClientModel } from './update';
import { Api } from '../../common/bus';
import type { ClientUpdateModel, UpdateTrigger } from '../update';

describe('feedClientModel', () => {
  it('passes the web client @client-<id> model with login / model / reconnect triggers', async () => {
    const router = new ApiRouter(silentLogger);
    const calls: [ClientUpdateModel | undefined, UpdateTrigger | undefined][] = [];
    const fake = { onClientModel: (m: ClientUpdateModel | undefined, t?: UpdateTrigger) => void calls.push([m, t]) };
    const stop = feedClientModel(router, fake);
    expect(calls).toEqual([]);
    const tick = () => new Promise((r) => setTimeout(r, 10));
    let p = router.provide(Api.client, '@client-1', () => {}, { title: 'myApps', model: { launcherUpdateBuild: '1001', appStoreUrl: 'https://s/', connInfo: { up: true } } });
    await tick();
    expect(calls.at(-1)).toEqual([expect.objectContaining({ launcherUpdateBuild: '1001' }), 'login']);
    p.setModel({ launcherUpdateBuild: '1002', appStoreUrl: 'https://s/', connInfo: { up: false } });
    await tick();
    expect(calls.at(-1)).toEqual([expect.objectContaining({ launcherUpdateBuild: '1002' }), 'model']);
    p.setModel({ launcherUpdateBuild: '1002', appStoreUrl: 'https://s/', connInfo: { up: true } });
    await tick();
    expect(calls.at(-1)?.[1]).toBe('reconnect');
    p.close();
    await tick();
    const n = calls.length;
    p = router.provide(Api.client, '@client-2', () => {}, { title: 'myApps', model: { launcherUpdateBuild: '1003', appStoreUrl: 'https://s/' } });
    await tick();
    expect(calls.length).toBe(n + 1);
    expect(calls.at(-1)).toEqual([expect.objectContaining({ launcherUpdateBuild: '1003' }), 'reconnect']);
    stop.stop();
    p.setModel({ launcherUpdateBuild: '1004' });
    await tick();
    expect(calls.length).toBe(n + 1);
    p.close();
  });
});
