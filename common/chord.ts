/**
 * Hot key chords (docs/hotkeys.md): F1–F11, optionally with up to two of alt, ctrl, shift, win.
 * Written by users and PBX admins as "ctrl+F9", "CTRL + ALT + F9", "WIN + F10" or "F8".
 */
import { english, type Message, type MessageKey, type MessageParams } from './i18n';

export const MODIFIERS = ['alt', 'ctrl', 'shift', 'win'] as const;
export type Modifier = (typeof MODIFIERS)[number];
export type FunctionKey = 'F1' | 'F2' | 'F3' | 'F4' | 'F5' | 'F6' | 'F7' | 'F8' | 'F9' | 'F10' | 'F11';

export interface Chord {
  key: FunctionKey;
  /** Sorted, unique, at most two. */
  mods: Modifier[];
}

/** A refusal: `error` in English (traces), `message` for a page to put in its reader's language. */
export type ChordParseResult = { ok: true; chord: Chord; canonical: string } | { ok: false; error: string; message: Message };

function refuse(key: MessageKey, params?: MessageParams): ChordParseResult {
  const message: Message = params ? { key, params } : { key };
  return { ok: false, error: english.text(message), message };
}

const MOD_ALIASES: Record<string, Modifier> = {
  alt: 'alt', option: 'alt',
  ctrl: 'ctrl', control: 'ctrl', strg: 'ctrl',
  shift: 'shift',
  win: 'win', meta: 'win', super: 'win', cmd: 'win', command: 'win',
};

export function canonicalChord(c: Chord): string {
  return [...c.mods, c.key].join('+');
}

export function parseChord(input: unknown): ChordParseResult {
  if (typeof input !== 'string') return refuse('chord.notText');
  if (input.length > 64) return refuse('chord.tooLong');
  const parts = input.split('+').map((p) => p.trim());
  if (parts.length === 0 || parts.every((p) => p === '')) return refuse('chord.empty');
  if (parts.some((p) => p === '')) return refuse('chord.emptyPart', { input });
  const mods = new Set<Modifier>();
  let key: FunctionKey | undefined;
  for (const p of parts) {
    const lower = p.toLowerCase();
    const mod = MOD_ALIASES[lower];
    if (mod) {
      if (mods.has(mod)) return refuse('chord.twice', { mod });
      mods.add(mod);
      continue;
    }
    const f = /^f(\d{1,2})$/i.exec(p);
    if (f) {
      const n = Number(f[1]);
      if (n < 1 || n > 11) return refuse('chord.keyRange', { key: p.toUpperCase() });
      if (key) return refuse('chord.oneKey');
      key = `F${n}` as FunctionKey;
      continue;
    }
    return refuse('chord.part', { part: p });
  }
  if (!key) return refuse('chord.keyRequired');
  if (mods.size > 2) return refuse('chord.twoMods');
  const chord: Chord = { key, mods: MODIFIERS.filter((m) => mods.has(m)) };
  return { ok: true, chord, canonical: canonicalChord(chord) };
}

export function sameChord(a: Chord, b: Chord): boolean {
  return a.key === b.key && a.mods.length === b.mods.length && a.mods.every((m, i) => b.mods[i] === m);
}

/** Electron accelerator string ("Control+Alt+F9"; win → Super, which is Cmd on macOS). */
export function toAccelerator(c: Chord): string {
  const names: Record<Modifier, string> = { alt: 'Alt', ctrl: 'Control', shift: 'Shift', win: 'Super' };
  return [...c.mods.map((m) => names[m]), c.key].join('+');
}
