import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiRouter } from '../bus';
import { silentLogger } from '../platform';
import { SettingsStore, type SettingChange } from '../settings';
import { feedAdminSettings } from './settings';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('feedAdminSettings', () => {
  it('applies adminSettings of the web client @client-<id> model on the bus and keeps them when the provider goes away', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'settings-wiring-'));
    const router = new ApiRouter(silentLogger);
    const store = await SettingsStore.open({ userData: dir, logger: silentLogger });
    await store.set('docking', 'left');
    const changes: SettingChange[][] = [];
    store.onChange((c) => changes.push(c));
    const stop = feedAdminSettings(router, store, silentLogger);
    const p = router.provide('com.innovaphone.client', '@client-1', () => {}, { model: { launcher: true, adminSettings: { docking: { value: 2, force: true }, autostart: { value: true } } } });
    await new Promise((r) => setTimeout(r, 20));
    expect(store.resolve('docking')).toMatchObject({ value: 'right', source: 'pbx-forced', locked: true, userValue: 'left' });
    expect(store.resolve('autostart')).toMatchObject({ value: true, source: 'pbx' });
    p.setModel({ launcher: true, adminSettings: { docking: { value: 2, force: false } } });
    await new Promise((r) => setTimeout(r, 20));
    expect(store.resolve('docking')).toMatchObject({ value: 'left', source: 'user', locked: false });
    p.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(store.resolve('docking').source).toBe('user');
    expect(changes.length).toBe(2);
    stop();
  });
});
