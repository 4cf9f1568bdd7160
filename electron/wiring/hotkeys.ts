/**
 * Global hot keys (electron/hotkeys, docs/hotkeys.md): dial the selected number, accept, reject.
 * Needs the key listener and selection reader ports; the chords come from the settings.
 */
import { HotkeyService } from '../hotkeys';
import type { Wiring } from './context';

export async function wireHotkeys(w: Wiring): Promise<HotkeyService | undefined> {
  const { ports, config } = w;
  if (!ports.keyListener || !ports.selectionReader) {
    w.skip('hotkeys', 'no keyListener/selectionReader port');
    return undefined;
  }
  const hotkeys = new HotkeyService({ router: w.router, logger: w.logger, keys: ports.keyListener, selection: ports.selectionReader, session: ports.displaySession });
  w.onClose(() => hotkeys.close());
  await hotkeys.configure({ dial: w.setting('hotkeyDial', config.hotkeyDial), accept: w.setting('hotkeyAccept', config.hotkeyAccept), reject: w.setting('hotkeyReject', config.hotkeyReject) });
  return hotkeys;
}
