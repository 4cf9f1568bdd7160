/**
 * KeyListener with Electron globalShortcut: the OS grabs only the registered accelerators (no
 * key logging; other keys never reach us). Registration fails when another program owns the
 * chord; that is reported per chord. On Wayland Electron can use the desktop's global-shortcuts
 * portal when main.ts enables the `GlobalShortcutsPortal` feature before app ready.
 * Call setChords only after app 'ready'.
 */
import { globalShortcut } from 'electron';
import type { KeyListener, ChordStatus } from '../../electron/hotkeys/ports';
import { toAccelerator, type Chord } from '../../common/chord';

export function createKeyListener(): KeyListener {
  let registered: string[] = [];
  const unregisterAll = (): void => {
    for (const acc of registered) {
      try { globalShortcut.unregister(acc); } catch { /* already gone */ }
    }
    registered = [];
  };
  return {
    async setChords(chords: readonly { id: string; chord: Chord }[], onPress: (id: string) => void): Promise<ChordStatus[]> {
      unregisterAll();
      return chords.map(({ id, chord }) => {
        const acc = toAccelerator(chord);
        try {
          if (globalShortcut.isRegistered(acc)) return { id, active: false, reason: `${acc} is already registered` };
          const ok = globalShortcut.register(acc, () => onPress(id));
          if (!ok) return { id, active: false, reason: `${acc} is used by another program or the system` };
          registered.push(acc);
          return { id, active: true };
        } catch (err) {
          return { id, active: false, reason: `${acc} cannot be registered: ${err instanceof Error ? err.message : String(err)}` };
        }
      });
    },
    close() {
      unregisterAll();
    },
  };
}
