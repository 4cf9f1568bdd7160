/**
 * The one function that removes secrets from trace text and from data written to disk (trace
 * lines, the settings JSON of "collect logs"). Every trace line goes through `redact()`.
 *
 * What is removed:
 * - URL parameters and fragments `pwd=`, `password=`, `token=`, `access_token=`, `session=`,
 *   `sessionToken=`, `key=`, `secret=`, `auth=`, `sig=` (`?token=…&…`, `#pwd=…`);
 * - `Authorization:` / `Proxy-Authorization:` header values (Basic, Bearer, Digest, …);
 * - JSON / key=value pairs whose key names a secret (`"password":"…"`, `"appclient-password"`,
 *   `"token"`, `"sessionKey"`, `"pwd"`, `"usr"` is kept);
 * - URL user-info passwords (`https://user:secret@host`);
 * - registered literal secrets (`registerSecret(busToken)`), wherever they appear.
 */

const MASK = '***';

/** Key names whose values are secrets (case-insensitive, exact or as a word part). */
const SECRET_KEY = /(?:^|[-_.])?(?:pwd|passw(?:or)?d|passphrase|secret|token|sessionkey|session[-_]?token|authorization|proxy-authorization|cookie|set-cookie|apikey|api[-_]key|private[-_]?key|credentials?)$/i;

/** True when a property/parameter name denotes a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || /password/i.test(key);
}

const literals = new Set<string>();

/**
 * Register a secret known at run time (the bus token, a session key): every later occurrence in a
 * trace line is replaced. Short strings (< 6 characters) are refused, they would mangle normal
 * text. Returns a function that unregisters it.
 */
export function registerSecret(secret: string): () => void {
  if (typeof secret !== 'string' || secret.length < 6) return () => {};
  literals.add(secret);
  literalRe = undefined;
  return () => { literals.delete(secret); literalRe = undefined; };
}

let literalRe: RegExp | undefined;
function literalPattern(): RegExp | undefined {
  if (!literals.size) return undefined;
  if (!literalRe) {
    const parts = [...literals].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    literalRe = new RegExp(parts.join('|'), 'g');
  }
  return literalRe;
}

const PARAM_NAMES = 'pwd|password|passwd|token|access_token|refresh_token|id_token|session|sessiontoken|session_token|sessionkey|key|secret|auth|sig|signature|appclient-password';
// ?token=abc&x=1, #pwd=abc, ;password=abc
const URL_PARAM = new RegExp(`([?&#;](?:${PARAM_NAMES})=)([^&#\\s"'<>;]*)`, 'gi');
// Authorization: Bearer abc / Proxy-Authorization: Basic xyz (header lines or "key: value" text)
const AUTH_HEADER = /((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(basic|bearer|digest|negotiate|ntlm|token)\s+)?([^"'\r\n,}]+)/gi;
// JSON "password":"…", "appclient-password": "…", "token":123
const JSON_PAIR = /("([A-Za-z0-9_.-]*(?:pwd|passw(?:or)?d|secret|token|sessionkey|session-key|apikey|api_key|cookie|authorization|credential)[A-Za-z0-9_.-]*)"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\]\s]+)/gi;
// key=value outside URLs: password=abc, pwd=abc (word boundary before the key)
const KV_PAIR = /(\b(?:pwd|password|passwd|secret|token|sessionkey|session_token|appclient-password)\s*=\s*)([^\s&,;"']+)/gi;
// https://user:secret@host
const USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)([^\s/@]+)(@)/gi;

/** A superset of what the patterns below match; lines without any of it skip them. */
const MAY_HOLD_SECRET = /pwd|passw|secret|token|session|apikey|api_key|cookie|authorization|credential|[?&#;](?:key|auth|sig|signature)=|:\/\/[^\s/@]+:[^\s/@]*@/i;

/**
 * True when `text` may hold something `redact()` would change, apart from registered literals: a
 * cheap superset test. The trace writer asks it per piece of a line (message, each data key, each
 * string value) and skips `redact()` when no piece may; the pieces are joined by ` {"`, `":`, `,"`
 * which no pattern can match across (the `://…@` one is caught by the `://` test per piece).
 */
export function mayHoldSecret(text: string): boolean {
  return MAY_HOLD_SECRET.test(text) || text.includes('://');
}

/** Replace registered literal secrets only (a no-op without any). */
export function redactLiterals(text: string): string {
  if (!literals.size) return text;
  let hit = false;
  for (const l of literals) if (text.includes(l)) { hit = true; break; }
  return hit ? text.replace(literalPattern()!, MASK) : text;
}

/** Remove secrets from one piece of text. Never throws. */
export function redact(text: string): string {
  if (typeof text !== 'string' || text === '') return text;
  let s = redactLiterals(text);
  // Fast path: most trace lines carry no secret-looking text at all.
  if (!MAY_HOLD_SECRET.test(s)) return s;
  s = s.replace(URL_PARAM, (_m, p: string) => `${p}${MASK}`);
  s = s.replace(AUTH_HEADER, (_m, p: string, scheme: string | undefined) => `${p}${scheme ? `${scheme} ` : ''}${MASK}`);
  s = s.replace(JSON_PAIR, (_m, p: string) => `${p}"${MASK}"`);
  s = s.replace(KV_PAIR, (_m, p: string) => `${p}${MASK}`);
  s = s.replace(USERINFO, (_m, p: string, _pw: string, at: string) => `${p}${MASK}${at}`);
  return s;
}

/**
 * A deep copy of a JSON-like value with secret-named properties masked and every string passed
 * through `redact()`. Cycles become "[cycle]", BigInts become hex strings, functions are dropped.
 */
export function redactData<T>(value: T): T {
  return walk(value, new WeakSet()) as T;
}

function walk(v: unknown, seen: WeakSet<object>, key?: string): unknown {
  if (key !== undefined && isSecretKey(key) && v !== undefined && v !== null && v !== '') return MASK;
  if (typeof v === 'string') return redact(v);
  if (typeof v === 'bigint') return `0x${v.toString(16)}`;
  if (typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (v === null || typeof v !== 'object') return v;
  if (seen.has(v)) return '[cycle]';
  seen.add(v);
  try {
    if (v instanceof Error) return { name: v.name, message: redact(v.message) };
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.map((x) => walk(x, seen));
    if (v instanceof Map) return walk(Object.fromEntries(v), seen);
    if (v instanceof Set) return walk([...v], seen);
    if (ArrayBuffer.isView(v)) return `[${v.byteLength} bytes]`;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const w = walk(x, seen, k);
      if (w !== undefined) out[k] = w;
    }
    return out;
  } finally {
    seen.delete(v);
  }
}
