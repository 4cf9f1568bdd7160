/**
 * The one function that removes secrets from trace text and from data written to disk (trace
 * lines, the settings JSON of "collect logs"). Every trace line goes through `redact()`.
 *
 * What is removed:
 * - URL parameters and fragments `pwd=`, `password=`, `token=`, `access_token=`, `session=`,
 *   `sessionToken=`, `key=`, `secret=`, `auth=`, `sig=` (`?token=…&…`, `#pwd=…`), also
 *   URL-encoded inside another parameter (`redirect=%2Fx%3Fpwd%3Dgeheim%26a%3D1`);
 * - `Authorization:` / `Proxy-Authorization:` header values (Basic, Bearer, Digest, …) and
 *   `Cookie:` / `Set-Cookie:` header values;
 * - JSON / key=value pairs whose key names a secret (`"password":"…"`, `"appclient-password"`,
 *   `"token"`, `"sessionKey"`, `"pwd"`, `"usr"` is kept);
 * - URL user-info passwords (`https://user:secret@host`) and SIP/IM ones (`sip:alice:secret@host`);
 * - registered literal secrets (`registerSecret(busToken)`), wherever they appear.
 *
 * Cost: every pattern below runs in time linear in the text (issue 12, `redact-redos`): no
 * pattern has two unbounded quantifiers that can match the same characters, runs that may
 * repeat at many start positions are bounded, and JSON values are scanned by hand. `npm run
 * bench` measures it (`log.redact_1mb_ms`). Trace lines are cut before they are redacted
 * (`cutForTrace`, MAX_TRACE_TEXT).
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
// ?token=abc&x=1, #pwd=abc, ;password=abc  (starts only at a separator; the value run stops at the next one)
const URL_PARAM = new RegExp(`([?&#;](?:${PARAM_NAMES})=)([^&#\\s"'<>;]*)`, 'gi');
// the same parameter URL-encoded inside another one: redirect=%2Fapp%3Fpwd%3Dgeheim%26x%3D1
// (the value ends at an encoded & # ; or at anything URL_PARAM ends at)
const URL_PARAM_ENCODED = new RegExp(`((?:%3F|%26|%23|%3B|[?&#;]|\\b)(?:${PARAM_NAMES})%3D)((?:(?!%26|%23|%3B)[^&#\\s"'<>;])*)`, 'gi');
// Authorization: Bearer abc / Proxy-Authorization: Basic xyz (header lines or "key: value" text)
const AUTH_HEADER = /((?:proxy-)?authorization["']?[ \t]{0,16}[:=][ \t]{0,16}["']?(?:(?:basic|bearer|digest|negotiate|ntlm|token)[ \t]{1,16})?)([^"'\r\n,}]+)/gi;
// Cookie: a=b; c=d / Set-Cookie: sid=…; Path=/ (the whole header value)
const COOKIE_HEADER = /(\b(?:set-)?cookie["']?[ \t]{0,16}:[ \t]{0,16}["']?)([^"'\r\n}]+)/gi;
// "key": (a JSON member name) — the value is found by hand (redactJsonPairs), secret keys only
const JSON_KEY = /"([A-Za-z0-9_.-]+)"[ \t\r\n]{0,16}:[ \t\r\n]{0,16}/g;
/** Characters that end an unquoted JSON value: , } ] and white space. */
const VALUE_END = new Set([44, 125, 93, 32, 9, 10, 13, 12, 11]);
const JSON_SECRET_KEY = /pwd|passw(?:or)?d|secret|token|sessionkey|session-key|apikey|api_key|cookie|authorization|credential/i;
// key=value outside URLs: password=abc, pwd=abc (word boundary before the key)
const KV_PAIR = /(\b(?:pwd|password|passwd|secret|token|sessionkey|session_token|appclient-password)[ \t]{0,16}=[ \t]{0,16})([^\s&,;"']+)/gi;
// https://user:secret@host (scheme bounded: a run of "a.a.a." would otherwise be rescanned from every letter)
const USERINFO = /(\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s/:@]+:)([^\s/@]+)(@)/gi;
// sip:alice:secret@host, sips:…, im:… (RFC 3261: a SIP password holds no ':' and no '@')
const SIP_USERINFO = /(\b(?:sips?|im):[^\s:@/;?<>"']+:)([^\s:@/;?<>"']*)(?=@)/gi;

/**
 * A superset of what the patterns above match; lines without any of it skip them. Linear: plain
 * words, separators and `://`; the SIP user-info test is bounded. The words are grouped by their
 * first letters (pwd|passw, secret|session, apikey|api_key|authorization, cookie|credential), which
 * the regex engine tests once per position: 20 % faster on a bus frame trace line.
 */
const MAY_HOLD_SECRET = /p(?:wd|assw)|se(?:cret|ssion)|token|a(?:pi_?key|uthorization)|c(?:ookie|redential)|[?&#;](?:key|auth|sig|signature)=|%3D|:\/\/|\b(?:sips?|im):[^\s:@/;?<>"']{1,256}:/i;

/**
 * True when `text` may hold something `redact()` would change, apart from registered literals: a
 * cheap superset test. The trace writer asks it per piece of a line (message, each data key, each
 * string value) and skips `redact()` when no piece may; the pieces are joined by ` {"`, `":`, `,"`
 * which no pattern can match across.
 */
export function mayHoldSecret(text: string): boolean {
  return MAY_HOLD_SECRET.test(text);
}

/** Replace registered literal secrets only (a no-op without any). */
export function redactLiterals(text: string): string {
  if (!literals.size) return text;
  let hit = false;
  for (const l of literals) if (text.includes(l)) { hit = true; break; }
  return hit ? text.replace(literalPattern()!, MASK) : text;
}

/**
 * JSON members whose name holds a secret word get their value masked: `"password":"…"` →
 * `"password":"***"`, `"token":12345` → `"token":"***"`. The value is scanned by hand: a string
 * to its closing quote (escapes honoured; an unclosed one to the end of the text), anything else
 * to the next `,` `}` `]` or white space. Other members are skipped without reading their value,
 * so secrets nested inside them are still found. Linear.
 */
function redactJsonPairs(s: string): string {
  if (!s.includes('"')) return s;
  JSON_KEY.lastIndex = 0;
  const out: string[] = [];
  let from = 0;
  for (let m = JSON_KEY.exec(s); m; m = JSON_KEY.exec(s)) {
    if (!JSON_SECRET_KEY.test(m[1]!)) continue;
    const start = m.index + m[0].length;
    let end = start;
    if (s.charCodeAt(start) === 34 /* " */) {
      end = start + 1;
      while (end < s.length) {
        const c = s.charCodeAt(end);
        if (c === 92 /* \ */) end += 2;
        else if (c === 34) { end++; break; }
        else end++;
      }
      end = Math.min(end, s.length);
    } else {
      while (end < s.length && !VALUE_END.has(s.charCodeAt(end))) end++;
    }
    if (end === start) continue;
    out.push(s.slice(from, start), `"${MASK}"`);
    from = end;
    JSON_KEY.lastIndex = end;
  }
  if (!out.length) return s;
  out.push(s.slice(from));
  return out.join('');
}

/** Remove secrets from one piece of text. Never throws; time linear in the length of the text. */
export function redact(text: string): string {
  if (typeof text !== 'string' || text === '') return text;
  let s = redactLiterals(text);
  // Fast path: most trace lines carry no secret-looking text at all.
  if (!MAY_HOLD_SECRET.test(s)) return s;
  // string replacements (`$1***`), not callbacks: a line with 100 000 matches stays cheap
  // each pattern only where its literal part occurs (a plain substring search is cheaper)
  s = s.replace(URL_PARAM, `$1${MASK}`);
  if (/%3D/i.test(s)) s = s.replace(URL_PARAM_ENCODED, `$1${MASK}`);
  if (/authorization/i.test(s)) s = s.replace(AUTH_HEADER, `$1${MASK}`);
  if (/cookie/i.test(s)) s = s.replace(COOKIE_HEADER, `$1${MASK}`);
  s = redactJsonPairs(s);
  s = s.replace(KV_PAIR, `$1${MASK}`);
  if (s.includes('://')) s = s.replace(USERINFO, `$1${MASK}$3`);
  if (/(?:sips?|im):/i.test(s)) s = s.replace(SIP_USERINFO, `$1${MASK}`);
  return s;
}

/** Most characters of message and data a trace line carries; the rest is cut before redaction. */
export const MAX_TRACE_TEXT = 64 * 1024;

/**
 * Cut a trace line's text to `max` characters BEFORE it is redacted (a 400 KB value would
 * otherwise be redacted and written whole). Registered literals are replaced first, and the cut
 * drops the word it falls into (back to the last white space, `,`, `;`, `&` or quote), so no
 * secret is ever written half: what a pattern recognises only whole (`https://user:pw@`) is gone
 * with the rest of its word. The marker says how much was cut.
 */
export function cutForTrace(text: string, max = MAX_TRACE_TEXT): string {
  if (typeof text !== 'string' || text.length <= max) return text;
  const s = redactLiterals(text);
  if (s.length <= max) return s;
  let end = max;
  const floor = Math.max(0, max - 256);
  while (end > floor && !/[\s,;&"'<>{}[\]]/.test(s[end - 1]!)) end--;
  return `${s.slice(0, end)}… [${s.length - end} characters cut]`;
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
