import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, it, expect } from 'vitest';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { SettingsStore } from '../settings';
import { createPlatformServices, type PlatformServices } from './index';
import type { KeyListener, ChordStatus } from '../hotkeys';
import type { Chord } from '../../common/chord';

class FakeKeys implements KeyListener {
  chords: readonly { id: string; chord: Chord }[] = [];
  async setChords(chords: readonly { id: string; chord: Chord }[]): Promise<ChordStatus[]> {
    this.chords = chords;
    return chords.map((c) => ({ id: c.id, active: true }));
  }
  close() {}
}

let dir: string;
let services: PlatformServices | undefined;
afterEach(async () => {
  await services?.close();
  services = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('desktop services in createPlatformServices (hot keys, links, launcher, notifications, external apps)', () => {
  it('skips services whose ports are missing and takes values and changes from the settings service', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wiring-desktop-'));
    const settings = await SettingsStore.open({ userData: dir, logger: memoryLogger() });
    await settings.set('hotkeyDial', 'ctrl+F9');
    await settings.set('notifications', false);
    const keys = new FakeKeys();
    services = await createPlatformServices({
      logger: memoryLogger(),
      settings,
      keyListener: keys,
      selectionReader: { readSelection: async () => '' },
      notifier: { show: async () => ({ close() {} }) },
      spawner: { spawn: async () => ({ pid: 1 }) },
    });
    const { instances, skipped, router } = services;
    expect(skipped.activity).toMatch(/idleClock/);
    expect(instances.links).toBeDefined();
    expect(keys.chords.map((c) => c.id)).toEqual(['dial']);
    await settings.set('hotkeyAccept', 'F7');
    await expect.poll(() => keys.chords.map((c) => c.id)).toEqual(['dial', 'accept']);
    expect(instances.hotkeys!.status().functions.accept).toMatchObject({ chord: 'F7', active: true });
    const launcher = router.consume('com.innovaphone.launcher');
    const name = instances.notifications!.launcher.providerName;
    expect(instances.launcher).toBe(instances.notifications!.launcher);
    expect(launcher.providers()[name]?.model).toEqual({ popupWindows: true, touch: false, notifications: false, videoAutostart: false });
    await settings.set('notifications', true);
    expect(launcher.providers()[name]?.model).toMatchObject({ notifications: true });
    await settings.set('externalApps', [{ id: 3, name: 'X', path: '/bin/true', param: '' }]);
    expect(instances.externalApps!.list()).toEqual([{ id: 3, name: 'X', startOnAccept: false }]);
    launcher.close();
  });
});
