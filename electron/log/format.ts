/**
 * The text of a trace line (docs/log-flags.md): `<local time with ms> [<tag>] <message> <data as
 * JSON>`, multi-line messages indented, the whole text redacted (./redact.ts). Fast paths keep a
 * busy trace cheap and write exactly what the careful path writes: flat data is built without
 * JSON.stringify, redaction is skipped when no piece of a line may hold a secret, the timestamp
 * is formatted once per second. Split out of ./writer.ts, which queues and writes the lines.
 */
import { redact, redactLiterals, mayHoldSecret, cutForTrace } from './redact';

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `2026-11-23 14:34:11.123` in local time. */
export function formatTimestamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** `20261123-143411-123` (local time), used in file names. */
export function fileTimestamp(d: Date): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}-${pad(d.getMilliseconds(), 3)}`;
}

/** `2026-11-23 14:34:11.123` for the clock's current ms, formatted once per second and completed with the ms. */
export class LineStamp {
  /** The formatted second and the ms it was made for. */
  private second = -1;
  private prefix = '';
  /** The last full timestamp and its ms. */
  private ms = -1;
  private text = '';

  constructor(private readonly nowMs: () => number) {}

  get(): string {
    const t = this.nowMs();
    if (t === this.ms) return this.text;
    this.ms = t;
    const sec = Math.floor(t / 1000);
    if (sec !== this.second) {
      this.second = sec;
      this.prefix = formatTimestamp(new Date(t)).slice(0, 19);
    }
    const ms = t - sec * 1000;
    this.text = `${this.prefix}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}`;
    return this.text;
  }
}

/**
 * `<message> <data>` of a line, redacted: the whole text goes through redact() unless no piece
 * of it may hold a secret (message, and with flat data each key and string value; see
 * mayHoldSecret). Text beyond MAX_TRACE_TEXT is cut before redaction (cutForTrace). Line breaks
 * in the message are indented. May throw (a message whose String()
 * throws): the caller drops the line.
 */
export function formatBody(message: string, data: Record<string, unknown> | undefined): string {
  let msg = typeof message === 'string' ? message : String(message);
  if (msg.includes('\n')) msg = msg.replace(/\r?\n/g, '\n    ');
  const flat = data ? formatFlat(data) : '';
  // cut before redaction (MAX_TRACE_TEXT): a 400 KB value is never redacted or written whole
  if (flat === undefined) return redact(cutForTrace(msg + formatData(data)));
  if ((data && flatRisky) || messageMayHoldSecret(msg)) return redact(cutForTrace(msg + flat));
  return cutForTrace(redactLiterals(msg + flat));
}

/** Data as compact JSON that never throws (BigInt as hex, cycles cut, errors as name+message). */
export function formatData(data: Record<string, unknown> | undefined): string {
  if (!data) return '';
  // Fast path: plain JSON data (no Error/typed array values at the top level, no BigInt, no cycle).
  let plain = true;
  for (const k in data) {
    const v = data[k];
    if (v !== null && typeof v === 'object' && (v instanceof Error || ArrayBuffer.isView(v))) { plain = false; break; }
  }
  if (plain) {
    try {
      return ` ${JSON.stringify(data)}`;
    } catch {
      // BigInt or a cycle: the careful path below
    }
  }
  const seen = new WeakSet<object>();
  try {
    return ` ${JSON.stringify(data, (_k, v: unknown) => {
      if (typeof v === 'bigint') return `0x${v.toString(16)}`;
      if (v instanceof Error) return { name: v.name, message: v.message, code: (v as NodeJS.ErrnoException).code };
      if (v && typeof v === 'object') {
        if (seen.has(v)) return '[cycle]';
        seen.add(v);
        if (ArrayBuffer.isView(v)) return `[${v.byteLength} bytes]`;
      }
      return v;
    })}`;
  } catch (err) {
    return ` [unprintable data: ${err instanceof Error ? err.message : String(err)}]`;
  }
}

/** `"key":` for a data key, and whether the key may name a secret (bounded cache). */
const keyCache = new Map<string, { json: string; risky: boolean }>();

/** Set by `formatFlat`: some key or string value may hold a secret (or was escaped). */
let flatRisky = false;

/** Strings JSON writes verbatim between quotes: no control character, `"`, `\\` or surrogate. */
function verbatimJsonString(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/**
 * ` {"k":v,…}` for a plain object whose values are all strings, finite/non-finite numbers,
 * booleans, null or undefined: the same text JSON.stringify makes, built without it. Returns
 * undefined for anything else (nested objects, BigInt, Errors, class instances): the caller takes
 * `formatData`. Sets `flatRisky` when a key or string value may hold a secret.
 */
export function formatFlat(data: Record<string, unknown>): string | undefined {
  const proto = Object.getPrototypeOf(data) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  let risky = false;
  let out = ' {';
  let first = true;
  for (const k in data) {
    const v = data[k];
    let val: string;
    switch (typeof v) {
      case 'string':
        if (v.length <= 256 && verbatimJsonString(v)) {
          val = `"${v}"`;
          if (!risky && mayHoldSecret(v)) risky = true;
        } else {
          val = JSON.stringify(v);
          risky = true;
        }
        break;
      case 'number':
        val = Number.isFinite(v) ? String(v) : 'null';
        break;
      case 'boolean':
        val = v ? 'true' : 'false';
        break;
      case 'undefined':
      case 'function':
      case 'symbol':
        continue;
      default:
        if (v !== null) return undefined;
        val = 'null';
    }
    let key = keyCache.get(k);
    if (!key) {
      key = { json: `${JSON.stringify(k)}:`, risky: !verbatimJsonString(k) || mayHoldSecret(k) };
      if (keyCache.size >= 512) keyCache.clear();
      keyCache.set(k, key);
    }
    if (key.risky) risky = true;
    out += first ? key.json + val : `,${key.json}${val}`;
    first = false;
  }
  flatRisky = risky;
  return `${out}}`;
}

/**
 * Whether a message text may hold a secret; the last answer is remembered (a constant message
 * traced in a loop is the same string). No map: messages that carry ids would only churn it.
 */
let lastMessage = '';
let lastMessageRisk = false;
function messageMayHoldSecret(msg: string): boolean {
  if (msg !== lastMessage) {
    lastMessageRisk = mayHoldSecret(msg);
    lastMessage = msg.length <= 512 ? msg : '';
  }
  return lastMessageRisk;
}
