/**
 * SelectionReader with Electron's clipboard (Electron >= 44: async readText; the X11/Wayland
 * PRIMARY selection is `clipboard.selection`, undefined on Windows/macOS, where the clipboard is
 * read instead: the user selects and copies, or the hot-key service copies first).
 */
import { clipboard } from 'electron';
import type { SelectionReader } from '../../electron/hotkeys/ports';

export function createSelectionReader(): SelectionReader {
  return {
    async readSelection() {
      const primary = clipboard.selection;
      if (primary) {
        const text = await primary.readText();
        if (text) return text;
      }
      return clipboard.readText();
    },
  };
}
