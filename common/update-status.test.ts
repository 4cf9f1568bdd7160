import { describe, expect, it } from 'vitest';
import { english, translator } from './i18n';
import { downloadFigures, updateStatusText } from './update-status';

describe('update status in words', () => {
  it('tells the download: received / total, percent, rate and time left', () => {
    const v = { state: 'downloading' as const, build: '137766', received: 20_000_000, total: 80_000_000, bytesPerSec: 262_144 };
    expect(downloadFigures(v)).toEqual({ fraction: 0.25, secondsLeft: 60_000_000 / 262_144 });
    expect(updateStatusText(v, english)).toBe('Downloading build 137766: 20 MB of 80 MB (25%) · 262 kB/s, 4 min left');
    expect(updateStatusText(v, translator('de'))).toBe('Build 137766 wird heruntergeladen: 20 MB von 80 MB (25\u00a0%) · 262 kB/s, noch 4 Min.');
    // before the first bytes: no rate, no time left
    expect(updateStatusText({ ...v, received: 0, bytesPerSec: 0 }, english)).toBe('Downloading build 137766: 0 byte of 80 MB (0%)');
  });

  it('tells every other state, with the reason updates are off in the reader language', () => {
    const de = translator('de');
    expect(updateStatusText({ state: 'off', reasonCode: 'noKey', detail: 'no update signing key built in' }, de)).toBe('Updates aus: kein Signaturschlüssel für Updates eingebaut');
    expect(updateStatusText({ state: 'off', reasonCode: 'unknown', detail: 'something new' }, english)).toBe('Updates off: something new');
    expect(updateStatusText({ state: 'idle' }, english)).toBe('Up to date');
    expect(updateStatusText({ state: 'checking', build: '5' }, de)).toBe('Build 5 wird geprüft …');
    expect(updateStatusText({ state: 'ready', build: '5' }, english)).toMatch(/^Build 5 is downloaded and verified/);
    expect(updateStatusText({ state: 'installing', build: '5' }, english)).toBe('Installing build 5…');
    expect(updateStatusText({ state: 'installed', build: '5' }, de)).toBe('Build 5 wurde an den Installer übergeben.');
    expect(updateStatusText({ state: 'refused', build: '5', detail: 'SHA-256 mismatch' }, english)).toBe('Build 5 was refused: SHA-256 mismatch');
    expect(updateStatusText({ state: 'error', detail: 'HTTP 404' }, de)).toBe('Update fehlgeschlagen: HTTP 404');
  });
});
