/**
 * Log-flag masks (docs/log-flags.md): hex strings such as `0x856000001`, `856000001` or the PBX's
 * 16-digit `00000000d6800001`, parsed into a BigInt (the bits go up to 35, beyond 32-bit `|`/`&`).
 * Unknown bits are kept: they are shown next to the category names, never dropped.
 */
import { TRACE_CATEGORIES, TRACE_CATEGORY_LABELS, type TraceCategory } from './log-categories';

/** Largest mask we accept: 64 bits (the PBX sends 16 hex digits). */
export const MAX_LOG_FLAGS = (1n << 64n) - 1n;

/** Every known category bit OR-ed together. */
export const KNOWN_LOG_FLAGS: bigint = Object.values(TRACE_CATEGORIES).reduce((a, b) => a | b, 0n);

export class LogFlagsError extends Error {
  constructor(readonly input: string, reason: string) {
    super(`Invalid log flags ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}: ${reason}. ` +
      'Expected a hexadecimal mask such as 0x856000001 (up to 16 hex digits).');
    this.name = 'LogFlagsError';
  }
}

/**
 * Parse a log-flag mask. Accepts a hex string with or without `0x`, in any case, with surrounding
 * and inner whitespace (`0x8 5600 0001`) or `_` digit separators; an empty string is 0 (no
 * traces). Numbers and BigInts are taken as they are. Throws LogFlagsError on anything else.
 */
export function parseLogFlags(input: string | number | bigint): bigint {
  if (typeof input === 'bigint') {
    if (input < 0n || input > MAX_LOG_FLAGS) throw new LogFlagsError(String(input), 'out of range (0 … 2^64-1)');
    return input;
  }
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input < 0) throw new LogFlagsError(String(input), 'not a non-negative integer');
    return BigInt(input);
  }
  if (typeof input !== 'string') throw new LogFlagsError(String(input), 'not a string');
  let s = input.replace(/[\s_]+/g, '');
  if (s === '') return 0n;
  if (/^0x/i.test(s)) s = s.slice(2);
  if (s === '') throw new LogFlagsError(input, 'no digits after 0x');
  if (!/^[0-9a-f]+$/i.test(s)) {
    const bad = /[^0-9a-f]/i.exec(s)?.[0] ?? '?';
    throw new LogFlagsError(input, `${JSON.stringify(bad)} is not a hexadecimal digit`);
  }
  // docs/log-flags.md: more than 16 hex digits are refused, leading zeros included (the PBX's
  // form is exactly 16); the same limit as the settings field and the command line.
  if (s.length > 16) throw new LogFlagsError(input, `${s.length} hex digits (at most 16)`);
  return BigInt(`0x${s}`);
}

/** Parse without throwing: `{ ok: true, mask }` or `{ ok: false, error }` (for settings forms). */
export function tryParseLogFlags(input: string | number | bigint): { ok: true; mask: bigint } | { ok: false; error: string } {
  try {
    return { ok: true, mask: parseLogFlags(input) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** `0x856000001` (lower case, no padding; `0x0` for none). */
export function formatLogFlags(mask: bigint): string {
  return `0x${mask.toString(16)}`;
}

/** The PBX's form: 16 hex digits, zero-padded, no prefix (`0000000856000001`). */
export function formatLogFlagsPbx(mask: bigint): string {
  return mask.toString(16).padStart(16, '0');
}

export interface LogFlagsDescription {
  mask: bigint;
  hex: string;
  /** Known categories whose bit is set, in bit order. */
  categories: TraceCategory[];
  /** Bits set that no category uses (kept, shown, never dropped). */
  unknownBits: bigint;
  /** e.g. `0x856000001 = App, ICE, TURN, Audio, Browser, Signaling` or `… + unknown 0x6` */
  text: string;
}

export function describeLogFlags(mask: bigint): LogFlagsDescription {
  const categories = (Object.keys(TRACE_CATEGORIES) as TraceCategory[])
    .filter((c) => (mask & TRACE_CATEGORIES[c]) !== 0n)
    .sort((a, b) => (TRACE_CATEGORIES[a] < TRACE_CATEGORIES[b] ? -1 : 1));
  const unknownBits = mask & ~KNOWN_LOG_FLAGS;
  const parts = categories.map((c) => TRACE_CATEGORY_LABELS[c]);
  if (unknownBits) parts.push(`unknown bits ${formatLogFlags(unknownBits)}`);
  const hex = formatLogFlags(mask);
  return { mask, hex, categories, unknownBits, text: `${hex} = ${parts.length ? parts.join(', ') : 'no traces'}` };
}

/** Build a mask from category names (keys of TRACE_CATEGORIES or their labels). */
export function maskOf(...categories: string[]): bigint {
  let m = 0n;
  for (const c of categories) {
    const bit = categoryBit(c);
    if (bit === undefined) throw new Error(`Unknown trace category ${JSON.stringify(c)}`);
    m |= bit;
  }
  return m;
}

const BY_NAME = new Map<string, bigint>();
for (const [k, v] of Object.entries(TRACE_CATEGORIES)) {
  BY_NAME.set(k.toLowerCase(), v);
  BY_NAME.set(TRACE_CATEGORY_LABELS[k as TraceCategory].toLowerCase(), v);
}

/** The bit of a category given by key (`HTTPClient`) or label (`HTTP client`), any case. */
export function categoryBit(category: string): bigint | undefined {
  return BY_NAME.get(category.toLowerCase());
}

/**
 * The mask in effect, from its sources. A `--log-flags=` command-line mask (a support session)
 * wins over the settings value (user field or PBX `logFlags`, already resolved with `force` by the
 * settings service). Neither set: no category traces (warnings and errors are always written).
 */
export function effectiveLogFlags(sources: { commandLine?: bigint; settings?: bigint }): { mask: bigint; source: 'command-line' | 'settings' | 'default' } {
  if (sources.commandLine !== undefined) return { mask: sources.commandLine, source: 'command-line' };
  if (sources.settings !== undefined) return { mask: sources.settings, source: 'settings' };
  return { mask: 0n, source: 'default' };
}

/** Default size cap per trace file (`--log-size`, read by electron/security/argv.ts): 10 MB. */
export const DEFAULT_LOG_SIZE = 10 * 1024 * 1024;
/** Smallest accepted `--log-size`: 64 KiB (smaller caps would rotate on every few lines). */
export const MIN_LOG_SIZE = 64 * 1024;
