import { describe, expect, it } from 'vitest';
import { parseChord } from '../../common/chord';
import { coerceSetting } from '../../common/settings/schema';
import { translator } from '../../common/i18n';
import {
  OFFLINE_MAX_MINUTES,
  RECOMMENDED_LOG_FLAGS,
  bytesToMbText,
  describeCacheMb,
  describeLogSize,
  describeOffline,
  logFlagCategories,
  offlineMinutesText,
  parseCacheMb,
  parseHotkeyField,
  parseLogSizeMb,
  parseOfflineMinutes,
} from './settings-units';

describe('settings page units', () => {
  it('appear offline: minutes on the page, ms stored; whole minutes 0..1440', () => {
    expect(OFFLINE_MAX_MINUTES).toBe(1440);
    expect(offlineMinutesText(300_000)).toBe('5');
    expect(offlineMinutesText(90_000)).toBe('1.5'); // a PBX value that is not a whole minute
    expect(offlineMinutesText(0)).toBe('0');
    expect(parseOfflineMinutes('5')).toEqual({ ok: true, value: 300_000 });
    expect(parseOfflineMinutes(' 0 ')).toEqual({ ok: true, value: 0 });
    expect(parseOfflineMinutes('1440')).toEqual({ ok: true, value: 86_400_000 });
    expect(parseOfflineMinutes('1441')).toMatchObject({ ok: false, error: /At most 1440 minutes/ });
    expect(parseOfflineMinutes('-5')).toMatchObject({ ok: false, error: /negative/ });
    expect(parseOfflineMinutes('2.5')).toMatchObject({ ok: false, error: /whole number of minutes/ });
    expect(parseOfflineMinutes('')).toMatchObject({ ok: false });
    expect(parseOfflineMinutes('abc')).toMatchObject({ ok: false });
    // what the page stores is valid for the schema
    const p = parseOfflineMinutes('1440');
    expect(p.ok && coerceSetting('appearOfflineAfterMs', p.value).ok).toBe(true);
    expect(describeOffline(0)).toMatch(/^Off/);
    expect(describeOffline(300_000)).toBe('Appears offline after 5 minutes without input.');
    expect(describeOffline(60_000)).toBe('Appears offline after 1 minute without input.');
    expect(describeOffline(5_400_000)).toBe('Appears offline after 1 hour 30 minutes without input.');
    expect(describeOffline(7_200_000)).toBe('Appears offline after 2 hours without input.');
  });

  it('trace file size: MB on the page, bytes stored, within the schema range', () => {
    expect(bytesToMbText(10_000_000)).toBe('10');
    expect(bytesToMbText(10_485_760)).toBe('10.486');
    expect(parseLogSizeMb('25')).toEqual({ ok: true, value: 25_000_000 });
    expect(parseLogSizeMb('0,5')).toEqual({ ok: true, value: 500_000 });
    expect(parseLogSizeMb('0.1')).toEqual({ ok: true, value: 100_000 });
    expect(parseLogSizeMb('0.05')).toMatchObject({ ok: false, error: /outside 0.1–2,000 MB/ });
    expect(parseLogSizeMb('3000')).toMatchObject({ ok: false });
    expect(parseLogSizeMb('ten')).toMatchObject({ ok: false, error: /size in MB/ });
  });

  it('app proxy cache: MB with GB for big values and the allowed range', () => {
    expect(describeCacheMb(500)).toBe('500 MB of disk for apps kept for offline use; allowed 10 MB – 100 GB.');
    expect(describeCacheMb(2000)).toMatch(/^2,000 MB \(2 GB\)/);
    expect(parseCacheMb('750')).toEqual({ ok: true, value: 750 });
    expect(parseCacheMb('5')).toMatchObject({ ok: false, error: '5 MB is outside 10–100,000 MB.' });
    expect(parseCacheMb('1.5')).toMatchObject({ ok: false, error: /whole number of MB/ });
  });

  it('log flags: the categories the mask turns on, from electron/log', () => {
    expect(RECOMMENDED_LOG_FLAGS).toBe('0x856000001');
    const r = logFlagCategories('0x856000001');
    expect(r.ok).toBe(true);
    const names = r.ok ? r.value.replace(/^Traces: |\.$/g, '').split(', ') : [];
    expect(names.sort()).toEqual(['App', 'Audio', 'Browser', 'ICE', 'Signaling', 'TURN']);
    expect(logFlagCategories('1')).toEqual({ ok: true, value: 'Traces: App.' });
    expect(logFlagCategories('0x0')).toMatchObject({ ok: true, value: /No trace categories/ });
    expect(logFlagCategories('0x3')).toMatchObject({ ok: true, value: 'Traces: App, unknown bits 0x2.' });
    expect(logFlagCategories('0xzz')).toMatchObject({ ok: false, error: /hex string/ });
    expect(logFlagCategories('0x1000000000')).toMatchObject({ ok: false, error: /bits above 35/ });
  });

  it('hot keys: the hot-key service parser decides, the stored form is the schema one', () => {
    expect(parseHotkeyField('')).toEqual({ ok: true, value: '' });
    expect(parseHotkeyField('ctrl+alt+f9')).toEqual({ ok: true, value: 'CTRL + ALT + F9' });
    expect(parseHotkeyField('F9 + strg')).toEqual({ ok: true, value: 'CTRL + F9' }); // the service accepts both
    expect(parseHotkeyField('cmd+F10')).toEqual({ ok: true, value: 'WIN + F10' });
    for (const bad of ['ctrl+F12', 'ctrl+alt+shift+F9', 'ctrl+', 'a', 'F1+F2']) {
      const p = parseHotkeyField(bad);
      const service = parseChord(bad);
      expect(p.ok).toBe(false);
      expect(service.ok).toBe(false);
      if (!p.ok && !service.ok) expect(p.error).toBe(`Not a hot key: ${service.error}.`);
    }
    // every accepted field round-trips through the service parser to the same chord
    for (const good of ['F1', 'shift+F11', 'WIN + ALT + F3']) {
      const p = parseHotkeyField(good);
      expect(p.ok && parseChord(p.value)).toMatchObject({ ok: true, canonical: (parseChord(good) as { canonical: string }).canonical });
    }
  });

  it('says all of it in German for a German reader', () => {
    const de = translator('de');
    expect(describeOffline(90 * 60_000, de)).toBe('Erscheint nach 1 Stunde 30 Minuten ohne Eingabe offline.');
    expect(describeOffline(60_000, de)).toBe('Erscheint nach 1 Minute ohne Eingabe offline.');
    expect(describeOffline(0, de)).toMatch(/^Aus:/);
    expect(parseOfflineMinutes('-5', de)).toMatchObject({ ok: false, error: 'Minuten können nicht negativ sein (0 = aus).' });
    expect(parseLogSizeMb('0.01', de)).toMatchObject({ ok: false, error: '0,01 MB liegt außerhalb von 0,1–2.000 MB.' });
    expect(describeLogSize(10_000_000, de)).toMatch(/^10\.000\.000 Bytes\./);
    expect(describeCacheMb(2000, de)).toMatch(/^2\.000 MB \(2 GB\) Speicherplatz/);
    expect(logFlagCategories('0x0', de)).toMatchObject({ ok: true, value: /^Keine Trace-Kategorien/ });
    expect(parseHotkeyField('ctrl+F12', de)).toEqual({ ok: false, error: 'Kein gültiges Tastenkürzel: F12 ist nicht erlaubt (nur F1–F11).' });
  });
});
