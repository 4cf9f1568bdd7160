import { describe, it, expect } from 'vitest';
import { parseChord, toAccelerator } from './chord';

describe('parseChord', () => {
  const ok: [string, string][] = [
    ['F8', 'F8'], ['f1', 'F1'], ['F11', 'F11'], ['ctrl+F9', 'ctrl+F9'], ['CTRL + ALT + F9', 'alt+ctrl+F9'],
    ['WIN + F10', 'win+F10'], ['shift+ctrl+F2', 'ctrl+shift+F2'], ['Control+F3', 'ctrl+F3'], ['meta+F4', 'win+F4'],
  ];
  for (const [input, canonical] of ok) it(`accepts ${input}`, () => expect(parseChord(input)).toMatchObject({ ok: true, canonical }));
  const bad: [unknown, RegExp][] = [
    ['', /empty/], ['F12', /only F1–F11/], ['F0', /only F1–F11/], ['ctrl+alt+shift+F9', /at most two/], ['ctrl+a', /not allowed/],
    ['a', /not allowed/], ['ctrl', /function key/], ['ctrl+ctrl+F1', /twice/], ['F1+F2', /one function key/], ['ctrl++F1', /empty part/],
    ['F24', /only F1–F11/], [42, /not a text/], ['ctrl+F9 ', /^$/],
  ];
  for (const [input, re] of bad) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      const r = parseChord(input);
      if (re.source === '^$') expect(r.ok).toBe(true); // trailing white space is fine
      else expect(r).toMatchObject({ ok: false, error: expect.stringMatching(re) });
    });
  }
});

describe('toAccelerator', () => {
  it('builds Electron accelerators', () => {
    expect(toAccelerator({ key: 'F9', mods: ['alt', 'ctrl'] })).toBe('Alt+Control+F9');
    expect(toAccelerator({ key: 'F1', mods: ['win'] })).toBe('Super+F1');
  });
});
