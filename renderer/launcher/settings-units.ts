/**
 * How the advanced settings page shows and reads settings whose stored unit is not the one users
 * think in (DOM-free, unit-tested): "Appear offline after" is stored in ms (PBX `offline` is ms)
 * but edited in whole minutes; the trace file size is stored in bytes but edited in MB; the
 * log-flag mask is explained by the categories it turns on (electron/log); hot keys are checked
 * with the parser of the hot-key service (common/chord). Every text is in the page's language
 * (a Translator of common/i18n; English when none is given).
 */
import { parseChord, type Modifier } from '../../common/chord';
import { CALL_PROBLEM_FLAGS } from '../../common/log-categories';
import { describeLogFlags, formatLogFlags } from '../../common/log-flags';
import { coerceSetting, descriptor } from '../../common/settings/schema';
import { english, type Translator } from '../../common/i18n';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const MINUTE_MS = 60_000;
/** 1 MB = 1,000,000 bytes (the default trace size, 10,000,000 bytes, reads as 10 MB). */
const MB = 1_000_000;

/** A number for the field (what the user types back): at most `digits` decimals, no trailing zeros. */
const short = (n: number, digits = 2): string => String(Number(n.toFixed(digits)));

// ---- Appear offline after: minutes on the page, ms underneath ---------------------------------

/** Largest value in minutes (the schema's ms maximum: 24 h). */
export const OFFLINE_MAX_MINUTES = Math.floor((descriptor('appearOfflineAfterMs').max ?? 86_400_000) / MINUTE_MS);

/** ms → minutes as shown in the field (a PBX value that is not a whole minute keeps its decimals). */
export function offlineMinutesText(ms: unknown): string {
  return typeof ms === 'number' && Number.isFinite(ms) ? short(ms / MINUTE_MS) : '';
}

/** Human words for a stored ms value: "Off: never appear offline", "5 minutes", "1 hour 30 minutes". */
export function describeOffline(ms: unknown, w: Translator = english): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  if (ms === 0) return w.t('units.offlineOff');
  const min = ms / MINUTE_MS;
  const h = Math.floor(min / 60);
  const m = Number((min - h * 60).toFixed(2));
  const parts: string[] = [];
  if (h) parts.push(w.t('units.hours', { count: h }));
  if (m || !h) parts.push(w.t('units.minutes', { count: m }).replace(String(m), w.number(m)));
  return w.t('units.offlineAfter', { duration: parts.join(' ') });
}

/** The field's text (minutes) → ms to store. Whole minutes 0..OFFLINE_MAX_MINUTES; 0 = off. */
export function parseOfflineMinutes(text: string, w: Translator = english): Parsed<number> {
  const s = text.trim();
  if (s === '') return { ok: false, error: w.t('units.enterMinutes') };
  if (/^-\s*\d/.test(s)) return { ok: false, error: w.t('units.minutesNegative') };
  if (!/^\d+$/.test(s)) return { ok: false, error: w.t('units.minutesWhole', { text: s }) };
  const min = Number(s);
  if (min > OFFLINE_MAX_MINUTES) return { ok: false, error: w.t('units.minutesMax', { max: OFFLINE_MAX_MINUTES }) };
  return { ok: true, value: min * MINUTE_MS };
}

// ---- sizes ---------------------------------------------------------------------------------

/** Trace file size: bytes → MB as shown in the field. */
export function bytesToMbText(bytes: unknown): string {
  return typeof bytes === 'number' && Number.isFinite(bytes) ? short(bytes / MB, 3) : '';
}

/** MB field → bytes to store, within the schema's byte range. */
export function parseLogSizeMb(text: string, w: Translator = english): Parsed<number> {
  const s = text.trim().replace(',', '.');
  const d = descriptor('logSizeBytes');
  const lo = (d.min ?? 0) / MB;
  const hi = (d.max ?? Number.MAX_SAFE_INTEGER) / MB;
  if (!/^\d+(\.\d{1,3})?$/.test(s)) return { ok: false, error: w.t('units.sizeEnter', { lo: w.number(lo, 3), hi: w.number(hi) }) };
  const mb = Number(s);
  if (mb < lo || mb > hi) return { ok: false, error: w.t('units.sizeOutside', { value: w.number(mb, 3), lo: w.number(lo, 3), hi: w.number(hi) }) };
  return { ok: true, value: Math.round(mb * MB) };
}

export function describeLogSize(bytes: unknown, w: Translator = english): string {
  if (typeof bytes !== 'number') return '';
  return w.t('units.logSize', { bytes: w.number(bytes) });
}

/** App proxy cache: already MB; say it in GB too where that helps. */
export function describeCacheMb(mb: unknown, w: Translator = english): string {
  if (typeof mb !== 'number') return '';
  const d = descriptor('appProxyCacheMb');
  const gb = mb >= 1000 ? w.t('units.cacheGb', { gb: w.number(mb / 1000) }) : '';
  return w.t('units.cache', { mb: w.number(mb), gb, lo: w.number(d.min ?? 0), hi: w.number((d.max ?? 0) / 1000) });
}

export function parseCacheMb(text: string, w: Translator = english): Parsed<number> {
  const s = text.trim();
  if (!/^\d+$/.test(s)) return { ok: false, error: w.t('units.cacheWhole', { text: s }) };
  const c = coerceSetting('appProxyCacheMb', Number(s));
  if (c.ok) return { ok: true, value: c.value };
  const d = descriptor('appProxyCacheMb');
  return { ok: false, error: w.t('units.cacheOutside', { value: w.number(Number(s)), lo: w.number(d.min ?? 0), hi: w.number(d.max ?? 0) }) };
}

// ---- log flags -------------------------------------------------------------------------------

/** The mask support asks for on call problems (App, Browser, ICE, TURN, Signaling, Audio). */
export const RECOMMENDED_LOG_FLAGS = formatLogFlags(CALL_PROBLEM_FLAGS);

/** The categories a mask turns on, e.g. "App, ICE, TURN, Audio, Browser, Signaling". */
export function logFlagCategories(text: string, w: Translator = english): Parsed<string> {
  const c = coerceSetting('logFlags', text);
  if (!c.ok) return { ok: false, error: c.error.replace(/^logFlags: /, '') };
  const d = describeLogFlags(BigInt(c.value));
  const names = d.text.slice(d.text.indexOf(' = ') + 3);
  return { ok: true, value: d.mask === 0n ? w.t('units.logFlagsNone') : w.t('units.logFlagsOn', { names }) };
}

// ---- hot keys --------------------------------------------------------------------------------

const SETTING_MOD: Record<Modifier, string> = { ctrl: 'CTRL', alt: 'ALT', shift: 'SHIFT', win: 'WIN' };
const SETTING_ORDER: Modifier[] = ['ctrl', 'alt', 'shift', 'win'];

/**
 * A hot-key field → the stored form ("CTRL + ALT + F9"), checked with the hot-key service's own
 * parser so the page refuses exactly what the service would refuse. '' = no hot key.
 */
export function parseHotkeyField(text: string, w: Translator = english): Parsed<string> {
  if (text.trim() === '') return { ok: true, value: '' };
  const p = parseChord(text);
  if (!p.ok) return { ok: false, error: w.t('units.notHotkey', { error: w.text(p.message) }) };
  const value = [...SETTING_ORDER.filter((m) => p.chord.mods.includes(m)).map((m) => SETTING_MOD[m]), p.chord.key].join(' + ');
  const c = coerceSetting('hotkeyDial', value);
  return c.ok ? { ok: true, value: c.value } : { ok: false, error: c.error.replace(/^hotkeyDial: /, '') };
}
