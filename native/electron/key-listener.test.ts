import { describe, it, expect, vi, beforeEach } from 'vitest';

const shortcuts = new Map<string, () => void>();
const taken = new Set<string>(['Control+F8']);
vi.mock('electron', () => ({
  globalShortcut: {
    register: (acc: string, cb: () => void) => {
      if (taken.has(acc)) return false;
      shortcuts.set(acc, cb);
      return true;
    },
    isRegistered: (acc: string) => shortcuts.has(acc),
    unregister: (acc: string) => shortcuts.delete(acc),
  },
}));

import { createKeyListener } from './key-listener';

describe('electron key listener (globalShortcut)', () => {
  beforeEach(() => shortcuts.clear());
  it('registers accelerators, reports refusals, fires onPress and unregisters', async () => {
    const kl = createKeyListener();
    const pressed: string[] = [];
    const st = await kl.setChords(
      [
        { id: 'dial', chord: { key: 'F9', mods: ['ctrl'] } },
        { id: 'accept', chord: { key: 'F8', mods: ['ctrl'] } },
        { id: 'reject', chord: { key: 'F10', mods: ['alt', 'win'] } },
      ],
      (id) => pressed.push(id),
    );
    expect(st).toEqual([
      { id: 'dial', active: true },
      { id: 'accept', active: false, reason: expect.stringMatching(/Control\+F8 is used by another program/) },
      { id: 'reject', active: true },
    ]);
    expect([...shortcuts.keys()]).toEqual(['Control+F9', 'Alt+Super+F10']);
    shortcuts.get('Control+F9')!();
    expect(pressed).toEqual(['dial']);
    await kl.setChords([{ id: 'dial', chord: { key: 'F2', mods: [] } }], () => {});
    expect([...shortcuts.keys()]).toEqual(['F2']);
    kl.close();
    expect(shortcuts.size).toBe(0);
  });
});
