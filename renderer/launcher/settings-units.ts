/**
 * How the advanced settings page shows and reads settings whose stored unit is not the one users
 * think in (DOM-free, unit-tested): "Appear offline after" is stored in ms (PBX `offline` is ms)
 * but edited in whole minutes; the trace file size is stored in bytes but edited in MB; the
 * log-flag mask is explained by the categories it turns on (electron/log); hot keys are checked
 * with the parser of the hot-key service (common/chord).
 */
import { parseChord, type Modifier } from '../../common/chord';
import { CALL_PROBLEM_FLAGS } from '../../common/log-categories';
import { describeLogFlags, formatLogFlags } from '../../common/log-flags';
import { coerceSetting, descriptor } from '../../common/settings/schema';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const MINUTE_MS = 60_000;
/** 1 MB = 1,000,000 bytes (the default trace size, 10,000,000 bytes, reads as 10 MB). */
const MB = 1_000_000;

const group = (n: number): string => n.toLocaleString('en-US');
/** A number for display with at most `digits` decimals, no trailing zeros. */
const short = (n: number, digits = 2): string => String(Number(n.toFixed(digits)));

// ---- Appear offline after: minutes on the page, ms underneath ---------------------------------

/** Largest value in minutes (the schema's ms maximum: 24 h). */
export const OFFLINE_MAX_MINUTES = Math.floor((descriptor('appearOfflineAfterMs').max ?? 86_400_000) / MINUTE_MS);

/** ms → minutes as shown in the field (a PBX value that is not a whole minute keeps its decimals). */
export function offlineMinutesText(ms: unknown): string {
  return typeof ms === 'number' && Number.isFinite(ms) ? short(ms / MINUTE_MS) : '';
}

/** Human words for a stored ms value: "Off: never appear offline", "5 minutes", "1 hour 30 minutes". */
export function describeOffline(ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  if (ms === 0) return 'Off: presence never switches to offline.';
  const min = ms / MINUTE_MS;
  const h = Math.floor(min / 60);
  const m = min - h * 60;
  const parts: string[] = [];
  if (h) parts.push(`${h} hour${h === 1 ? '' : 's'}`);
  if (m || !h) parts.push(`${short(m)} minute${m === 1 ? '' : 's'}`);
  return `Appears offline after ${parts.join(' ')} without input.`;
}

/** The field's text (minutes) → ms to store. Whole minutes 0..OFFLINE_MAX_MINUTES; 0 = off. */
export function parseOfflineMinutes(text: string): Parsed<number> {
  const s = text.trim();
  if (s === '') return { ok: false, error: 'Enter a number of minutes (0 = off).' };
  if (/^-\s*\d/.test(s)) return { ok: false, error: 'Minutes cannot be negative (0 = off).' };
  if (!/^\d+$/.test(s)) return { ok: false, error: `"${s}" is not a whole number of minutes (0 = off).` };
  const min = Number(s);
  if (min > OFFLINE_MAX_MINUTES) return { ok: false, error: `At most ${OFFLINE_MAX_MINUTES} minutes (24 hours).` };
  return { ok: true, value: min * MINUTE_MS };
}

// ---- sizes ---------------------------------------------------------------------------------

/** Trace file size: bytes → MB as shown in the field. */
export function bytesToMbText(bytes: unknown): string {
  return typeof bytes === 'number' && Number.isFinite(bytes) ? short(bytes / MB, 3) : '';
}

/** MB field → bytes to store, within the schema's byte range. */
export function parseLogSizeMb(text: string): Parsed<number> {
  const s = text.trim().replace(',', '.');
  const d = descriptor('logSizeBytes');
  const lo = (d.min ?? 0) / MB;
  const hi = (d.max ?? Number.MAX_SAFE_INTEGER) / MB;
  if (!/^\d+(\.\d{1,3})?$/.test(s)) return { ok: false, error: `Enter a size in MB between ${short(lo, 3)} and ${group(hi)}, e.g. 10.` };
  const mb = Number(s);
  if (mb < lo || mb > hi) return { ok: false, error: `${s} MB is outside ${short(lo, 3)}–${group(hi)} MB.` };
  return { ok: true, value: Math.round(mb * MB) };
}

export function describeLogSize(bytes: unknown): string {
  if (typeof bytes !== 'number') return '';
  return `${group(bytes)} bytes. Each trace file is started anew (rotated) when it reaches this size.`;
}

/** App proxy cache: already MB; say it in GB too where that helps. */
export function describeCacheMb(mb: unknown): string {
  if (typeof mb !== 'number') return '';
  const d = descriptor('appProxyCacheMb');
  const gb = mb >= 1000 ? ` (${short(mb / 1000)} GB)` : '';
  return `${group(mb)} MB${gb} of disk for apps kept for offline use; allowed ${group(d.min ?? 0)} MB – ${group((d.max ?? 0) / 1000)} GB.`;
}

export function parseCacheMb(text: string): Parsed<number> {
  const s = text.trim();
  if (!/^\d+$/.test(s)) return { ok: false, error: `"${s}" is not a whole number of MB.` };
  const c = coerceSetting('appProxyCacheMb', Number(s));
  return c.ok ? { ok: true, value: c.value } : { ok: false, error: c.error.replace(/^appProxyCacheMb: /, '').replace(/ is outside (\d+)\.\.(\d+)$/, ' MB is outside $1–$2 MB') };
}

// ---- log flags -------------------------------------------------------------------------------

/** The mask support asks for on call problems (App, Browser, ICE, TURN, Signaling, Audio). */
export const RECOMMENDED_LOG_FLAGS = formatLogFlags(CALL_PROBLEM_FLAGS);

/** The categories a mask turns on, e.g. "App, ICE, TURN, Audio, Browser, Signaling". */
export function logFlagCategories(text: string): Parsed<string> {
  const c = coerceSetting('logFlags', text);
  if (!c.ok) return { ok: false, error: c.error.replace(/^logFlags: /, '') };
  const d = describeLogFlags(BigInt(c.value));
  const names = d.text.slice(d.text.indexOf(' = ') + 3);
  return { ok: true, value: d.mask === 0n ? 'No trace categories (only warnings and errors are written).' : `Traces: ${names}.` };
}

// ---- hot keys --------------------------------------------------------------------------------

const SETTING_MOD: Record<Modifier, string> = { ctrl: 'CTRL', alt: 'ALT', shift: 'SHIFT', win: 'WIN' };
const SETTING_ORDER: Modifier[] = ['ctrl', 'alt', 'shift', 'win'];

/**
 * A hot-key field → the stored form ("CTRL + ALT + F9"), checked with the hot-key service's own
 * parser so the page refuses exactly what the service would refuse. '' = no hot key.
 */
export function parseHotkeyField(text: string): Parsed<string> {
  if (text.trim() === '') return { ok: true, value: '' };
  const p = parseChord(text);
  if (!p.ok) return { ok: false, error: `Not a hot key: ${p.error}.` };
  const value = [...SETTING_ORDER.filter((m) => p.chord.mods.includes(m)).map((m) => SETTING_MOD[m]), p.chord.key].join(' + ');
  const c = coerceSetting('hotkeyDial', value);
  return c.ok ? { ok: true, value: c.value } : { ok: false, error: c.error.replace(/^hotkeyDial: /, '') };
}
