/** The tour's steps in order (scripts/demo/tour.ts runs them; `--only` names them) and small helpers of the tour. */
import { parseChord } from '../../common/chord';

export const TOUR_STEP_IDS = ['dial', 'link', 'call', 'sharing', 'search', 'outage', 'forced', 'logs'] as const;
export type TourStepId = (typeof TOUR_STEP_IDS)[number];

/** A hot-key setting as xdotool types it ("CTRL + F9" → "ctrl+F9", win → super). */
export function xdotoolChord(chord: string): string {
  const c = parseChord(chord);
  if (!c.ok) throw new Error(`the dial hot key "${chord}" is no chord: ${c.error}`);
  return [...c.chord.mods.map((m) => (m === 'win' ? 'super' : m)), c.chord.key].join('+');
}
