/**
 * vCard 2.1 / 3.0 / 4.0 reader (RFC 2426, RFC 6350 and the 2.1 spec still written by phones and
 * Outlook): unfolding of folded lines, quoted-printable soft line breaks, CHARSET, UTF-8/UTF-16
 * files, groups (`item1.TEL`), quoted and comma-separated parameter values, bare 2.1 parameters
 * (`TEL;WORK;VOICE:`), backslash escapes and structured values (N, ORG).
 *
 * A malformed card (no END, a property line without ':', an unsupported VERSION, no name and no
 * number) is skipped and reported in `skipped`; every other card of the input is kept.
 */
import { NUMBER_FIELDS, hasNumber, type NumberField, type PhonebookContact, type SkippedRecord } from './types';

export interface VCardParseResult {
  contacts: PhonebookContact[];
  skipped: SkippedRecord[];
}


interface Property {
  group?: string;
  name: string;
  params: ReadonlyMap<string, string[]>;
  /** Bare parameters (vCard 2.1 `TEL;WORK;VOICE`), upper-cased. */
  bare: readonly string[];
  raw: string;
  /** TEL read by `plainTel`: its TYPE values and bare parameters, upper-cased (params and bare are empty then). */
  types?: ReadonlySet<string>;
}

const SUPPORTED_VERSIONS = new Set(['2.1', '3.0', '4.0']);
/** Properties the phone book reads; the others are checked for syntax only. */
const USED_PROPERTIES = new Set(['VERSION', 'N', 'FN', 'ORG', 'TITLE', 'TEL', 'EMAIL', 'IMPP', 'X-SIP', 'URL']);

/** Decode file bytes: BOM-marked UTF-16/UTF-8, else UTF-8 when valid, else Windows-1252. */
export function decodeVCardBytes(buf: Uint8Array): { text: string; encoding: string } {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(buf.subarray(2)), encoding: 'utf-16le' };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(buf.subarray(2)), encoding: 'utf-16be' };
  let start = 0;
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(start)), encoding: 'utf-8' };
  } catch {
    return { text: decodeLegacy(buf.subarray(start), 'windows-1252'), encoding: 'windows-1252' };
  }
}

function decodeLegacy(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return Buffer.from(bytes).toString('latin1');
  }
}

function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  const cs = (charset ?? 'utf-8').toLowerCase();
  if (cs === 'utf-8' || cs === 'utf8') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return decodeLegacy(bytes, 'windows-1252');
    }
  }
  return decodeLegacy(bytes, cs);
}

/** Quoted-printable to bytes (soft line breaks are already removed by unfolding). */
export function decodeQuotedPrintable(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 0x3d /* = */ && i + 2 < s.length && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch < 0x80) {
      out.push(ch);
    } else {
      for (const b of Buffer.from(s[i]!, 'utf8')) out.push(b);
    }
  }
  return Uint8Array.from(out);
}

function isQuotedPrintableLine(text: string): boolean {
  const colon = text.indexOf(':');
  const head = (colon < 0 ? text : text.slice(0, colon)).toUpperCase();
  return head.includes('QUOTED-PRINTABLE');
}

/**
 * Physical lines to logical lines (RFC 6350 §3.2 folding, 2.1 quoted-printable soft breaks),
 * handed to `emit` one by one (no list of a whole file's lines outliving young-generation GC). The
 * pieces of a logical line are joined once at its end, and whether it is quoted-printable is
 * decided once, from its text up to the first colon: linear in the length of the file however
 * many physical lines a logical line has (found by reliability.fuzz_cases: 280 KB of soft line
 * breaks took 5 s).
 */
function unfold(text: string, emit: (text: string, line: number) => void): void {
  const len = text.length;
  // Without a lone CR (old Mac line ends) a line ends at the next LF, found natively.
  const lfOnly = !/\r(?!\n)/.test(text);
  // The logical line being joined, in plain locals (no object or list per physical line: a 100 000
  // contact folder has a million lines): its first physical line, the pieces that continue it
  // (a list only once a continuation comes), where it started, and its quoted-printable state.
  let first: string | undefined;
  let more: string[] | undefined;
  let firstLine = 0;
  let qp: boolean | undefined;
  let endsWithEq = false;
  const joined = (): string => (more ? first! + more.join('') : first!);
  let lineNo = 0;
  for (let pos = 0; pos <= len; ) {
    let end: number;
    let next: number;
    if (lfOnly) {
      end = text.indexOf('\n', pos);
      if (end < 0) end = len;
      next = end + 1;
      if (end > pos && text.charCodeAt(end - 1) === 0x0d) end--;
    } else {
      end = pos;
      while (end < len && text.charCodeAt(end) !== 0x0a && text.charCodeAt(end) !== 0x0d) end++;
      next = end + (text.charCodeAt(end) === 0x0d && text.charCodeAt(end + 1) === 0x0a ? 2 : 1);
    }
    lineNo++;
    const p = text.slice(pos, end);
    pos = next;
    const c0 = p.charCodeAt(0);
    if (first !== undefined && (c0 === 0x20 || c0 === 0x09)) {
      (more ??= []).push(p.slice(1));
      if (p.length > 1) endsWithEq = p.endsWith('=');
      continue;
    }
    if (first !== undefined && endsWithEq && (qp ??= isQuotedPrintableLine(joined()))) {
      // a quoted-printable soft line break: drop the '=' of the last non-empty piece
      let last = more ? more.length - 1 : -1;
      while (last >= 0 && more![last] === '') last--;
      if (last >= 0) more![last] = more![last]!.slice(0, -1);
      else first = first.slice(0, -1);
      (more ??= []).push(p);
      endsWithEq = p.endsWith('=');
      continue;
    }
    if (first !== undefined) emit(joined(), firstLine);
    first = p;
    more = undefined;
    firstLine = lineNo;
    qp = undefined;
    endsWithEq = p.endsWith('=');
  }
  if (first !== undefined) emit(joined(), firstLine);
}

/** Split at `sep` outside double quotes. */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const parts: string[] = [];
  let q = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') q = !q;
    else if (c === sep && !q) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

/** Parameters of a property that has none (shared; never modified). */
const NO_PARAMS: ReadonlyMap<string, string[]> = new Map();
const NO_BARE: readonly string[] = [];

function parseProperty(text: string): Property | undefined {
  // The name/params part ends at the first ':' outside quotes.
  let colon = text.indexOf(':');
  const quote = text.indexOf('"');
  if (quote >= 0 && quote < colon) {
    let q = false;
    colon = -1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '"') q = !q;
      else if (c === ':' && !q) {
        colon = i;
        break;
      }
    }
  }
  if (colon <= 0) return undefined;
  const semi = text.indexOf(';');
  const head = quote >= 0 && quote < colon ? splitOutsideQuotes(text.slice(0, colon), ';') : semi < 0 || semi > colon ? [text.slice(0, colon)] : text.slice(0, colon).split(';');
  let name = head[0]!.trim();
  let group: string | undefined;
  const dot = name.lastIndexOf('.');
  if (dot >= 0) {
    group = name.slice(0, dot);
    name = name.slice(dot + 1);
  }
  if (!/^[A-Za-z0-9-]+$/.test(name)) return undefined;
  if (head.length === 1) return { group, name: name.toUpperCase(), params: NO_PARAMS, bare: NO_BARE, raw: text.slice(colon + 1) };
  const params = new Map<string, string[]>();
  const bare: string[] = [];
  for (let i = 1; i < head.length; i++) {
    const p = head[i]!;
    const eq = p.indexOf('=');
    if (eq < 0) {
      if (p.trim()) bare.push(p.trim().toUpperCase());
      continue;
    }
    const key = p.slice(0, eq).trim().toUpperCase();
    const rest = p.slice(eq + 1);
    const values = rest.includes('"') ? splitOutsideQuotes(rest, ',').map((v) => v.trim().replace(/^"(.*)"$/, '$1')) : rest.split(',').map((v) => v.trim());
    const list = params.get(key);
    if (!list) params.set(key, values);
    else for (const v of values) list.push(v);
  }
  return { group, name: name.toUpperCase(), params, bare, raw: text.slice(colon + 1) };
}

function paramValues(p: Property, key: string): string[] {
  const out: string[] = [];
  const list = p.params.get(key);
  if (!list) return out;
  for (const v of list) {
    for (const part of v.includes(',') ? v.split(',') : [v]) {
      const t = part.trim();
      if (t) out.push(t);
    }
  }
  return out;
}

/** Decoded (encoding, charset) but still escaped value. */
function propertyValue(p: Property): string | undefined {
  if (!p.params.has('ENCODING') && p.bare.length === 0) return p.raw;
  const enc = (paramValues(p, 'ENCODING')[0] ?? p.bare.find((b) => b === 'QUOTED-PRINTABLE' || b === 'BASE64' || b === 'B') ?? '').toUpperCase();
  if (enc === 'B' || enc === 'BASE64') return undefined; // binary (PHOTO, KEY, SOUND): not needed
  if (enc === 'QUOTED-PRINTABLE') return decodeCharset(decodeQuotedPrintable(p.raw), paramValues(p, 'CHARSET')[0]);
  return p.raw;
}

/** Split a structured value at unescaped ';' and unescape each component. */
function components(value: string): string[] {
  if (!value.includes('\\')) return value.split(';').map((c) => c.trim());
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) {
      cur += c + value[i + 1];
      i++;
    } else if (c === ';') {
      out.push(unescapeText(cur));
      cur = '';
    } else cur += c;
  }
  out.push(unescapeText(cur));
  return out;
}

function unescapeText(s: string): string {
  if (!s.includes('\\')) return s.trim();
  return s.replace(/\\([nN,;:\\])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c)).trim();
}

/** Join the comma list of a 4.0 structured component ("Hans,Peter") with spaces. */
function compText(s: string | undefined): string {
  if (s === undefined) return '';
  if (!s.includes(',')) return s.trim();
  return s.split(/(?<!\\),/).map((x) => x.trim()).filter(Boolean).join(' ');
}

/** TEL value to a number string: strips `tel:` URIs and their parameters (`;ext=`, `;phone-context=`). */
function telNumber(value: string): string {
  let v = value.trim();
  if (/^tel:/i.test(v)) {
    v = v.slice(4);
    const semi = v.indexOf(';');
    if (semi >= 0) v = v.slice(0, semi);
    try { v = decodeURIComponent(v); } catch { /* keep as is */ }
  }
  return unescapeText(v);
}

const NO_TYPES: ReadonlySet<string> = new Set();

/**
 * A TEL line without group or quotes whose parameters are TYPE lists, bare types and parameters
 * the phone book does not read (`TEL;TYPE=WORK,VOICE:+49…`, `TEL;CELL:…`, `TEL;VALUE=uri;PREF=1:…`),
 * read without the parameter map and lists of parseProperty: the same property, its types
 * gathered as telTypes would gather them. The common TEL of a large folder; anything else
 * (an encoding or charset, quotes) returns undefined and goes through parseProperty.
 */
function plainTel(l: string, nameEnd: number): Property | undefined {
  const colon = l.indexOf(':', nameEnd);
  if (colon < 0) return undefined;
  const types = new Set<string>();
  for (let start = nameEnd + 1; start < colon; ) {
    let end = l.indexOf(';', start);
    if (end < 0 || end > colon) end = colon;
    const eq = l.indexOf('=', start);
    if (eq < 0 || eq > end) {
      const t = l.slice(start, end).trim().toUpperCase();
      if (t === 'QUOTED-PRINTABLE' || t === 'BASE64' || t === 'B' || t.includes('"')) return undefined;
      if (t) types.add(t);
    } else {
      const key = l.slice(start, eq).trim().toUpperCase();
      const rest = l.slice(eq + 1, end);
      if (rest.includes('"') || key === 'ENCODING' || key === 'CHARSET') return undefined;
      if (key === 'TYPE') addTypes(types, rest);
    }
    start = end + 1;
  }
  return { group: undefined, name: 'TEL', params: NO_PARAMS, bare: NO_BARE, raw: l.slice(colon + 1), types };
}

/** Adds the items of one TYPE value (`work,voice`), trimmed and upper-cased, to `types`. */
function addTypes(types: Set<string>, value: string): void {
  for (const v of value.split(',')) {
    const t = v.trim();
    if (t) types.add(t.toUpperCase());
  }
}

/** TYPE values and bare parameters of a TEL, upper-cased. */
function telTypes(p: Property): Set<string> {
  const types = new Set<string>();
  for (const v of p.params.get('TYPE') ?? []) addTypes(types, v);
  for (const t of p.bare) types.add(t);
  return types;
}

function telField(types: ReadonlySet<string>): keyof Pick<PhonebookContact, 'telephonenumber' | 'homephone' | 'mobile' | 'facsimiletelephonenumber'> {
  if (types.has('FAX')) return 'facsimiletelephonenumber';
  if (types.has('CELL') || types.has('MOBILE') || types.has('IPHONE')) return 'mobile';
  if (types.has('HOME') && !types.has('WORK')) return 'homephone';
  return 'telephonenumber';
}

interface CardState {
  line: number;
  props: Property[];
  error?: string;
}

/**
 * The empty number list every contact without numbers of a kind shares (frozen: a contact is
 * never changed once parsed). 100 000 contacts with four fresh lists each, and a pushed list
 * growing to 17 slots, cost ≈ 0.5 KB per contact (issue 15).
 */
const NO_NUMBERS = Object.freeze([]) as unknown as string[];

/** `list` with `v` appended: a new one-element list first (exact size, not the 17 slots of a push). */
function appended(list: string[] | undefined, v: string): string[] {
  if (!list) return [v];
  list.push(v);
  return list;
}

/** A list at its exact size (a pushed list keeps spare slots). */
function exact(list: string[] | undefined): string[] {
  if (!list) return NO_NUMBERS;
  return list.length === 1 ? list : list.slice();
}

function buildContact(card: CardState): { contact?: PhonebookContact; reason?: string } {
  const c: PhonebookContact = { telephonenumber: NO_NUMBERS, homephone: NO_NUMBERS, mobile: NO_NUMBERS, facsimiletelephonenumber: NO_NUMBERS };
  const nums: Partial<Record<NumberField, string[]>> = {};
  let email: string[] | undefined;
  let sip: string[] | undefined;
  let version: string | undefined;
  for (const p of card.props) {
    const value = propertyValue(p);
    if (value === undefined) continue;
    switch (p.name) {
      case 'VERSION':
        version = value.trim();
        break;
      case 'N': {
        const parts = components(value);
        const sn = compText(parts[0]);
        const given = compText(parts[1]);
        if (sn) c.sn = sn;
        if (given) c.givenname = given;
        break;
      }
      case 'FN':
        if (!c.displayname) c.displayname = unescapeText(value);
        break;
      case 'ORG': {
        const parts = components(value);
        if (parts[0]) c.company = parts[0];
        if (parts[1]) c.department = parts[1];
        break;
      }
      case 'TITLE':
        if (!c.position) c.position = unescapeText(value);
        break;
      case 'TEL': {
        const num = telNumber(value);
        if (!num) break;
        const types = p.types ?? (p.params.size || p.bare.length ? telTypes(p) : NO_TYPES);
        const field = telField(types);
        nums[field] = appended(nums[field], num);
        break;
      }
      case 'EMAIL': {
        const e = unescapeText(value);
        if (e) email = appended(email, e);
        break;
      }
      case 'IMPP':
      case 'X-SIP': {
        const v = unescapeText(value);
        if (p.name === 'X-SIP' || /^sip:/i.test(v)) sip = appended(sip, v.replace(/^sip:/i, ''));
        break;
      }
      case 'URL':
        if (!c.url) c.url = unescapeText(value);
        break;
      default:
        break;
    }
  }
  if (version !== undefined && !SUPPORTED_VERSIONS.has(version)) return { reason: `unsupported VERSION ${version}` };
  for (const f of NUMBER_FIELDS) if (nums[f]) c[f] = exact(nums[f]);
  if (email) c.email = exact(email);
  if (sip) c.sip = exact(sip);
  const hasName = !!(c.sn || c.givenname || c.displayname || c.company);
  if (!hasName && !hasNumber(c)) return { reason: 'card has neither a name nor a number' };
  return { contact: c };
}

/** `line` is `word` (upper case ASCII) in any case, without allocating. */
function isWord(line: string, word: string): boolean {
  if (line.length !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== word.charCodeAt(i) && (c < 0x61 || c > 0x7a || c - 0x20 !== word.charCodeAt(i))) return false;
  }
  return true;
}

/** Index of the first ';' or ':' (the end of the property name), or -1. */
function nameEndOf(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x3b || c === 0x3a) return i;
  }
  return -1;
}

/** Parse every vCard in `input` (bytes of a .vcf file, or already decoded text). */
export function parseVCards(input: Uint8Array | string, origin: string): VCardParseResult {
  const text = typeof input === 'string' ? input.replace(/^\uFEFF/, '') : decodeVCardBytes(input).text;
  const contacts: PhonebookContact[] = [];
  const skipped: SkippedRecord[] = [];
  let card: CardState | undefined;
  let strayReported = false;
  unfold(text, (raw, line) => {
    if (!raw) return;
    const c0 = raw.charCodeAt(0);
    const l = c0 === 0x20 || c0 === 0x09 || raw.charCodeAt(raw.length - 1) <= 0x20 ? raw.trim() : raw;
    if (!l) return;
    if (isWord(l, 'BEGIN:VCARD')) {
      if (card) skipped.push({ origin, at: card.line, reason: `card has no END:VCARD (next BEGIN at line ${line})` });
      card = { line, props: [] };
      strayReported = false;
      return;
    }
    if (isWord(l, 'END:VCARD')) {
      if (!card) {
        skipped.push({ origin, at: line, reason: 'END:VCARD without BEGIN:VCARD' });
        return;
      }
      if (card.error) skipped.push({ origin, at: card.line, reason: card.error });
      else {
        const r = buildContact(card);
        if (r.contact) contacts.push(r.contact);
        else skipped.push({ origin, at: card.line, reason: r.reason ?? 'malformed' });
      }
      card = undefined;
      return;
    }
    if (!card) {
      if (!strayReported) skipped.push({ origin, at: line, reason: 'text outside BEGIN:VCARD/END:VCARD' });
      strayReported = true;
      return;
    }
    if (card.error) return;
    // Only the properties the phone book uses are parsed in full; the others need a ':' to be valid.
    const nameEnd = nameEndOf(l);
    const dot = nameEnd > 0 ? l.lastIndexOf('.', nameEnd) : -1;
    const name = nameEnd > 0 ? l.slice(dot + 1, nameEnd).toUpperCase() : '';
    if (nameEnd > 0 && !USED_PROPERTIES.has(name) && /^[A-Za-z0-9-]+$/.test(name) && l.indexOf(':', nameEnd) >= 0) return;
    // A used property without group and parameters (`FN:…`, `N:…`, `EMAIL:…`): what parseProperty
    // would make, without splitting its head again.
    const p =
      dot < 0 && l.charCodeAt(nameEnd) === 0x3a && USED_PROPERTIES.has(name)
        ? { group: undefined, name, params: NO_PARAMS, bare: NO_BARE, raw: l.slice(nameEnd + 1) }
        : ((dot < 0 && name === 'TEL' ? plainTel(l, nameEnd) : undefined) ?? parseProperty(l));
    if (!p) {
      card.error = `line ${line}: not a vCard property (expected NAME[;params]:value)`;
      return;
    }
    card.props.push(p);
  });
  if (card) skipped.push({ origin, at: card.line, reason: 'card has no END:VCARD (end of input)' });
  return { contacts, skipped };
}
