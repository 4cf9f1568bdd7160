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

// ---- copy-then-read (Windows, macOS; copy-selection.ts): the clipboard and the copy keystroke ----

/**
 * The system clipboard. `S` is the adapter's own snapshot type (opaque to the logic here).
 * `changeCount` is a number that changes whenever any application writes the clipboard
 * (Windows GetClipboardSequenceNumber, macOS NSPasteboard.changeCount).
 */
export interface ClipboardAccess<S = unknown> {
  changeCount(): Promise<number>;
  snapshot(): Promise<S>;
  restore(snapshot: S): Promise<void>;
  readText(): Promise<string>;
  /** Optional: formats the snapshot could not keep (for the trace only). */
  describe?(snapshot: S): { formats: string[]; lost: string[] };
}

export type CopyKeystrokeFailure = 'permission-denied' | 'send-failed' | 'unavailable';

/** Why the copy keystroke could not be sent; `message` is written for the user (settings page, trace). */
export class CopyKeystrokeError extends Error {
  constructor(readonly kind: CopyKeystrokeFailure, message: string) {
    super(message);
    this.name = 'CopyKeystrokeError';
  }
}

/** Sends the copy shortcut to the focused application. Rejects with CopyKeystrokeError. */
export interface CopyKeystroke {
  send(): Promise<void>;
}
