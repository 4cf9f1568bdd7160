/**
 * The client's own links: tel:, callto:, sip:, sips:, im: (docs/links.md; callto: is read as
 * tel:). One list of schemes, one length
 * limit, one set of refused characters and one parser for every place a link arrives: the
 * command line (electron/security/argv.ts), pages (electron/security/links.ts), the links service
 * and the OS registration. Pure and total: any string in, either a bus request out or a refusal
 * with a reason. Nothing a link contains can ever become a command-line switch: results never
 * start with '-', and control characters, quotes, white space (after removing tel: visual
 * separators) and over-long input are refused. A password in a SIP/IM address
 * (`sip:alice:secret@host`) is dropped; links are traced by scheme and length only
 * (`linkForTrace`).
 */
import { Api } from './bus';

/** The schemes the client handles (and registers with the OS, build/electron-builder.yml). */
export const LINK_SCHEMES = ['tel', 'callto', 'sip', 'sips', 'im'] as const;
export type LinkScheme = (typeof LINK_SCHEMES)[number];

/** Longest link accepted anywhere (a SIP address or a number is far shorter). */
export const MAX_LINK_LENGTH = 256;

/**
 * Characters refused in a link: C0 and C1 controls, DEL, line and paragraph separators, and the
 * bidirectional marks, embeddings, overrides and isolates (which can disguise what a link says).
 */
export const LINK_REFUSED_CHARS = /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

const SCHEME_PREFIX = new RegExp(`^(${LINK_SCHEMES.join('|')}):`, 'i');

export type LinkRequest =
  | { api: typeof Api.phone; msg: { mt: 'StartCall'; num: string; adjust: true } }
  | { api: typeof Api.phone; msg: { mt: 'StartCall'; sip: string; adjust: true } }
  | { api: typeof Api.chat; msg: { mt: 'StartChat'; sip: string } };

export type LinkParseResult = { ok: true; scheme: LinkScheme; request: LinkRequest } | { ok: false; error: string };
/** Characters a SIP/IM address may keep after decoding (RFC 3261 user/host chars, no quotes, no white space). */
const SIP_ADDRESS = /^[A-Za-z0-9\-_.!~*&=+,:@\[\]%\u00c0-\uffff]+$/;

function refuse(error: string): LinkParseResult {
  return { ok: false, error };
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** The link scheme a string starts with (case-insensitive), whatever follows; undefined when none. */
export function linkScheme(s: string): LinkScheme | undefined {
  const m = SCHEME_PREFIX.exec(s);
  return m ? (m[1]!.toLowerCase() as LinkScheme) : undefined;
}

/**
 * How a link (or anything that may be one) appears in a trace: our links by scheme and length only
 * (they may carry a password or a number the user dialled), anything else cut at `max`.
 */
export function linkForTrace(s: string, max = 200): string {
  const scheme = linkScheme(s);
  return scheme ? `${scheme}:… (${s.length} characters)` : s.slice(0, max);
}

/** True when a string looks like one of our link schemes (case-insensitive), whatever follows. */
export function hasLinkScheme(s: string): boolean {
  return linkScheme(s) !== undefined;
}

/**
 * The checks every link passes wherever it arrives, before anything else reads it: not empty, at
 * most MAX_LINK_LENGTH characters, none of LINK_REFUSED_CHARS. Returns the reason, or undefined.
 */
export function linkProblem(raw: string): string | undefined {
  if (raw.length === 0) return 'empty';
  if (raw.length > MAX_LINK_LENGTH) return `longer than ${MAX_LINK_LENGTH} characters`;
  if (LINK_REFUSED_CHARS.test(raw)) return 'contains control characters';
  return undefined;
}

export function parseLink(raw: unknown): LinkParseResult {
  if (typeof raw !== 'string') return refuse('not a string');
  const problem = linkProblem(raw);
  if (problem) return refuse(problem);
  const scheme = linkScheme(raw);
  if (!scheme) return refuse('not a tel:, callto:, sip:, sips: or im: link');
  let rest = raw.slice(scheme.length + 1);
  if (rest.startsWith('//')) rest = rest.slice(2); // tel://4711 as some apps write it
  if (scheme === 'tel' || scheme === 'callto') return parseTel(scheme, rest);
  const addr = parseAddress(rest);
  if (!addr.ok) return addr;
  if (scheme === 'im') return { ok: true, scheme, request: { api: Api.chat, msg: { mt: 'StartChat', sip: addr.value } } };
  return { ok: true, scheme, request: { api: Api.phone, msg: { mt: 'StartCall', sip: addr.value, adjust: true } } };
}

function parseTel(scheme: 'tel' | 'callto', rest: string): LinkParseResult {
  // RFC 3966: tel:<number>[;param=value]* — parameters (phone-context, ext, isub) are dropped;
  // the phone app adjusts the number (adjust:true) to the PBX's dialling rules.
  const decoded = safeDecode(rest);
  if (decoded === undefined) return refuse('bad percent-encoding');
  if (LINK_REFUSED_CHARS.test(decoded)) return refuse('contains control characters');
  const number = decoded.split(';', 1)[0]!;
  if (number.includes('?')) return refuse('tel: link with query');
  // Visual separators (RFC 3966): - . ( ) and white space as written by humans.
  const compact = number.replace(/[\s\-.()\u00a0\/]/g, '');
  if (compact.length === 0) return refuse('no number');
  if (!/^\+?[0-9*#]+$/.test(compact)) return refuse('tel: number has characters other than digits, * and #');
  if (compact.length > 64) return refuse('number too long');
  return { ok: true, scheme, request: { api: Api.phone, msg: { mt: 'StartCall', num: compact, adjust: true } } };
}

function parseAddress(rest: string): { ok: true; value: string } | { ok: false; error: string } {
  // sip:user@host;uri-params?headers  /  im:user@host?headers
  let s = rest.split('?', 1)[0]!;
  const at = s.lastIndexOf('@');
  const semi = s.indexOf(';', at < 0 ? 0 : at);
  if (semi >= 0) s = s.slice(0, semi);
  let user = at >= 0 ? s.slice(0, at) : '';
  const host = at >= 0 ? s.slice(at + 1) : s;
  // user-params (sip:+1555;isub=1@host) are not part of the address the phone app wants
  user = user.split(';', 1)[0]!;
  // sip:alice:secret@host (RFC 3261 userinfo = user [":" password]): the password is dropped
  // here, before anything else sees the address, and never forwarded (issue 12, sip-password)
  user = user.split(':', 1)[0]!;
  const decUser = safeDecode(user);
  const decHost = safeDecode(host);
  if (decUser === undefined || decHost === undefined) return { ok: false, error: 'bad percent-encoding' };
  if (at >= 0 && decUser.length === 0) return { ok: false, error: 'empty user part' };
  if (decHost.length === 0) return { ok: false, error: 'no address' };
  const value = at >= 0 ? `${decUser}@${decHost}` : decHost;
  if (LINK_REFUSED_CHARS.test(value) || !SIP_ADDRESS.test(value)) return { ok: false, error: 'address has characters not allowed in a SIP URI' };
  if (value.startsWith('-')) return { ok: false, error: 'address starts with "-"' };
  if (value.length > MAX_LINK_LENGTH) return { ok: false, error: 'address too long' };
  return { ok: true, value };
}
