/** Ports of the hot key service. */
import type { Chord } from '../../common/chord';

export interface ChordStatus {
  id: string;
  /** True when the OS accepted the registration and presses will be reported. */
  active: boolean;
  /** Why not, in words for the settings page. */
  reason?: string;
}

/**
 * Global key listener. Implementations must report ONLY presses of the given chords and must
 * neither keep nor trace any other key (a global listener sees every keystroke).
 */
export interface KeyListener {
  /** Replace the registered chords. onPress(id) fires on each press of a registered chord. */
  setChords(chords: readonly { id: string; chord: Chord }[], onPress: (id: string) => void): Promise<ChordStatus[]>;
  /** Optional: the listener stopped working after registration (key server crashed, display gone). */
  onFailure?(cb: (reason: string) => void): () => void;
  close(): void;
}

/** The text the user has selected (Linux: PRIMARY selection; Windows/macOS: copy-then-read, clipboard restored). */
export interface SelectionReader {
  readSelection(): Promise<string>;
}
