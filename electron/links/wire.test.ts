import { describe, it, expect } from 'vitest';
import { ApiRouter } from '../bus';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { wireDesktopServices, type SettingsSource } from './wire';
import type { KeyListener, ChordStatus } from '../hotkeys/ports';
import type { Chord } from '../../common/chord';
import type { HotkeyService } from '../hotkeys/service';
import type { NotificationService } from '../notifications/service';
import type { ExternalAppsService } from '../externalapps/service';

class FakeKeys implements KeyListener {
  chords: readonly { id: string; chord: Chord }[] = [];
  async setChords(chords: readonly { id: string; chord: Chord }[]): Promise<ChordStatus[]> {
    this.chords = chords;
    return chords.map((c) => ({ id: c.id, active: true }));
  }
  close() {}
}

function settingsSource(values: Record<string, unknown>) {
  const listeners = new Set<(c: { key: string }[]) => void>();
  const s: SettingsSource & { set(k: string, v: unknown): void } = {
    get: (k) => values[k],
    onChange: (l) => { listeners.add(l); return () => listeners.delete(l); },
    set(k, v) { values[k] = v; listeners.forEach((l) => l([{ key: k }])); },
  };
  return s;
}

describe('wireDesktopServices', () => {
  it('skips services whose ports are missing and takes values and changes from the settings service', async () => {
    const router = new ApiRouter(memoryLogger());
    const keys = new FakeKeys();
    const settings = settingsSource({ hotkeyDial: 'ctrl+F9', notifications: false, externalApps: [] });
    const wired = await wireDesktopServices(router, memoryLogger(), {
      keyListener: keys,
      selectionReader: { readSelection: async () => '' },
      notifier: { show: async () => ({ close() {} }) },
      spawner: { spawn: async () => ({ pid: 1 }) },
      settings,
    }, {});
    const byName = Object.fromEntries(wired.map((w) => [w.name, w]));
    expect(byName.activity?.skipped).toMatch(/idleClock/);
    expect(byName.links?.instance).toBeDefined();
    const hotkeys = byName.hotkeys!.instance as HotkeyService;
    expect(keys.chords.map((c) => c.id)).toEqual(['dial']);
    settings.set('hotkeyAccept', 'F7');
    await expect.poll(() => keys.chords.map((c) => c.id)).toEqual(['dial', 'accept']);
    expect(hotkeys.status().functions.accept).toMatchObject({ chord: 'F7', active: true });
    const notifications = byName.notifications!.instance as NotificationService;
    const launcher = router.consume('com.innovaphone.launcher');
    const name = notifications.launcher.providerName;
    expect(byName.launcher?.instance).toBe(notifications.launcher);
    expect(launcher.providers()[name]?.model).toEqual({ popupWindows: true, touch: false, notifications: false });
    settings.set('notifications', true);
    expect(launcher.providers()[name]?.model).toMatchObject({ notifications: true });
    settings.set('externalApps', [{ id: 3, name: 'X', path: '/bin/true', param: '' }]);
    expect((byName.externalApps!.instance as ExternalAppsService).list()).toEqual([{ id: 3, name: 'X', startOnAccept: false }]);
    for (const w of wired.reverse()) await w.close?.();
  });
});
