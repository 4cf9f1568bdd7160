/**
 * The in-memory index over all contacts of all sources: name search (docs/phonebook.md) and
 * reverse lookup by number. Immutable once built; the phone book swaps in a new one when a
 * source changes, so requests never see a half-built index.
 */
import { NUMBER_FIELDS, displayNameOf, type PhonebookContact } from './types';
import { contextKey, dialStringKeys, storedNumberKeys, type DialContext } from './normalize';

export interface IndexEntry {
  /** Name of the source the contact came from (vcard-folder, eds, macos-contacts, outlook). */
  source: string;
  contact: PhonebookContact;
}

export interface SearchHit {
  dn: string;
  contact: PhonebookContact;
  source: string;
  /** 0–9999, lower is more relevant (docs/phonebook.md). */
  relevance: number;
}

export interface LookupHit {
  dn: string;
  contact: PhonebookContact;
  source: string;
}

/**
 * Relevance of a contact that matches every search word as a whole name word (lower is better):
 * 2000, what innovaphone's published example answers for "john doe" → John Doe (docs/phonebook.md).
 */
export const RELEVANCE_ALL_WORDS = 2000;
/** Relevance of a contact that matches some of the search words. */
export const RELEVANCE_SOME_WORDS = 3000;

/** Lower case, accents removed ("Müller" → "muller", "Ångström" → "angstrom", "Straße" → "strasse"). */
export function foldText(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/æ/g, 'ae')
    .replace(/œ/g, 'oe')
    .replace(/ø/g, 'o')
    .replace(/đ/g, 'd')
    .replace(/ł/g, 'l');
}

/** The words of a search string (folded, split at white space and punctuation except '-'). */
export function searchWords(s: string): string[] {
  return [...new Set(foldText(s).split(/[\s,;]+/).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')).filter(Boolean))];
}

/** The search tokens of one name: the folded name and its parts. */
function tokensOfName(name: string): string[] {
  const f = foldText(name).trim();
  if (!f) return [];
  const tokens = [f];
  for (const part of f.split(/[\s\-'’.]+/)) if (part && !tokens.includes(part)) tokens.push(part);
  return tokens;
}

/**
 * The search tokens of a contact (first and last name; the display name when it has neither),
 * through `cache` (names repeat: many contacts share a first or a last name), given to `add`
 * once each, without building a list per contact.
 */
function forEachNameToken(c: PhonebookContact, cache: Map<string, string[]>, add: (token: string) => void): void {
  const given = c.givenname?.trim() ? c.givenname : undefined;
  const sn = c.sn?.trim() ? c.sn : undefined;
  // A contact without first and last name (FN only) is searched by its display name.
  const first = given || sn ? given : c.displayname;
  const t1 = first ? tokensOf(first, cache) : undefined;
  if (t1) for (const t of t1) add(t);
  const t2 = sn ? tokensOf(sn, cache) : undefined;
  if (t2 && t2 !== t1) for (const t of t2) if (!t1?.includes(t)) add(t);
}

function tokensOf(name: string, cache: Map<string, string[]>): string[] {
  let t = cache.get(name);
  if (!t) cache.set(name, (t = tokensOfName(name)));
  return t;
}

/** Most search words taken into account (one bit each). */
const MAX_WORDS = 30;

export class ContactIndex {
  /** The entries, their display names and their position in display-name order (tie-break of equal relevance), by row id. */
  private readonly rows: readonly IndexEntry[];
  private readonly dns: string[];
  private readonly rank: Uint32Array;
  /** Sorted unique name tokens, and the rows holding each (prefix search by binary search). */
  private readonly tokens: string[];
  private readonly tokenRows: Uint32Array[];
  /** Row id by display-name rank. */
  private readonly byRank: Uint32Array;
  private readonly matchMask: Uint32Array;
  private readonly exactMask: Uint32Array;
  private readonly touched: Uint32Array;
  private readonly lookupMaps = new Map<string, Map<string, number[]>>();
  private static readonly MAX_CONTEXTS = 4;

  constructor(entries: readonly IndexEntry[]) {
    const byToken = new Map<string, number[]>();
    const cache = new Map<string, string[]>();
    const folded: string[] = [];
    this.rows = entries.slice();
    this.dns = new Array<string>(entries.length);
    let id = 0;
    const add = (t: string): void => {
      const list = byToken.get(t);
      if (list) list.push(id);
      else byToken.set(t, [id]);
    };
    for (; id < entries.length; id++) {
      const dn = displayNameOf(entries[id]!.contact);
      this.dns[id] = dn;
      folded.push(foldText(dn));
      forEachNameToken(entries[id]!.contact, cache, add);
    }
    const order = this.rows.map((_, i) => i).sort((a, b) => (folded[a]! < folded[b]! ? -1 : folded[a]! > folded[b]! ? 1 : a - b));
    this.rank = new Uint32Array(order.length);
    order.forEach((rowId, rank) => (this.rank[rowId] = rank));
    this.byRank = Uint32Array.from(order);
    this.matchMask = new Uint32Array(this.rows.length);
    this.exactMask = new Uint32Array(this.rows.length);
    this.touched = new Uint32Array(this.rows.length);
    this.tokens = [...byToken.keys()].sort();
    this.tokenRows = this.tokens.map((t) => Uint32Array.from(byToken.get(t)!));
  }

  get size(): number {
    return this.rows.length;
  }

  private lowerBound(w: string): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tokens[mid]! < w) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Contacts where any search word is a prefix of a first-name or last-name word (case and
   * accent insensitive). Matching every word ranks above matching some; exact words above prefixes.
   */
  search(text: string, max: number): SearchHit[] {
    const words = searchWords(text).slice(0, MAX_WORDS);
    if (!words.length || max <= 0) return [];
    // Per-row bit masks of matched / exactly matched words, in buffers reused across searches
    // (no garbage per query: searches run synchronously, one at a time).
    const matched = this.matchMask;
    const exact = this.exactMask;
    const touched = this.touched;
    let nTouched = 0;
    words.forEach((w, bit) => {
      const flag = 1 << bit;
      for (let i = this.lowerBound(w); i < this.tokens.length && this.tokens[i]!.startsWith(w); i++) {
        const isExact = this.tokens[i] === w;
        const rows = this.tokenRows[i]!;
        for (let j = 0; j < rows.length; j++) {
          const id = rows[j]!;
          if (matched[id] === 0) touched[nTouched++] = id;
          matched[id] |= flag;
          if (isExact) exact[id] |= flag;
        }
      }
    });
    const n = this.rows.length;
    const keys = new Float64Array(nTouched);
    for (let t = 0; t < nTouched; t++) {
      const id = touched[t]!;
      const m = popcount(matched[id]!);
      const e = popcount(exact[id]!);
      // +10 per word that matched only the beginning of a name word
      const relevance = (m === words.length ? RELEVANCE_ALL_WORDS : RELEVANCE_SOME_WORDS + Math.min(900, (words.length - m) * 100)) + Math.min(90, (m - e) * 10);
      keys[t] = relevance * n + this.rank[id]!;
      matched[id] = 0;
      exact[id] = 0;
    }
    const best = smallest(keys, max);
    const out: SearchHit[] = [];
    for (let i = 0; i < best.length; i++) {
      const key = best[i]!;
      const relevance = Math.floor(key / n);
      const id = this.byRank[key - relevance * n]!;
      const entry = this.rows[id]!;
      out.push({ dn: this.dns[id]!, contact: entry.contact, source: entry.source, relevance });
    }
    return out;
  }

  /** Contacts holding the number the PBX sent in dialling form. */
  lookup(dialString: string, ctx: DialContext, max: number): LookupHit[] {
    const keys = dialStringKeys(dialString, ctx);
    if (!keys.length || max <= 0) return [];
    const map = this.lookupMap(ctx);
    const ids = new Set<number>();
    for (const k of keys) for (const id of map.get(k) ?? []) ids.add(id);
    return [...ids]
      .sort((a, b) => a - b)
      .slice(0, max)
      .map((id) => {
        const entry = this.rows[id]!;
        return { dn: this.dns[id]!, contact: entry.contact, source: entry.source };
      });
  }

  /** Build (or reuse) the number map for a dialling context; call ahead of time to warm it. */
  lookupMap(ctx: DialContext): Map<string, number[]> {
    const key = contextKey(ctx);
    const hit = this.lookupMaps.get(key);
    if (hit) {
      this.lookupMaps.delete(key);
      this.lookupMaps.set(key, hit);
      return hit;
    }
    const map = new Map<string, number[]>();
    this.rows.forEach((row, id) => {
      for (const f of NUMBER_FIELDS) {
        for (const n of row.contact[f]) {
          for (const k of storedNumberKeys(n, ctx)) {
            const list = map.get(k);
            if (!list) map.set(k, [id]);
            else if (list[list.length - 1] !== id) list.push(id);
          }
        }
      }
    });
    this.lookupMaps.set(key, map);
    while (this.lookupMaps.size > ContactIndex.MAX_CONTEXTS) this.lookupMaps.delete(this.lookupMaps.keys().next().value!);
    return map;
  }
}

/**
 * The `k` smallest of `keys`, ascending: a bounded max-heap (O(n log k)) instead of sorting every
 * key, since a short prefix can touch tens of thousands of rows and only `max` are answered.
 */
function smallest(keys: Float64Array, k: number): Float64Array {
  if (keys.length <= k * 4) return keys.sort().subarray(0, k);
  const heap = new Float64Array(k);
  let n = 0;
  for (let i = 0; i < keys.length; i++) {
    const v = keys[i]!;
    if (n < k) {
      // sift up
      let j = n++;
      while (j > 0) {
        const parent = (j - 1) >> 1;
        if (heap[parent]! >= v) break;
        heap[j] = heap[parent]!;
        j = parent;
      }
      heap[j] = v;
    } else if (v < heap[0]!) {
      // replace the largest, sift down
      let j = 0;
      for (;;) {
        const l = 2 * j + 1;
        if (l >= k) break;
        const c = l + 1 < k && heap[l + 1]! > heap[l]! ? l + 1 : l;
        if (heap[c]! <= v) break;
        heap[j] = heap[c]!;
        j = c;
      }
      heap[j] = v;
    }
  }
  return heap.subarray(0, n).sort();
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x >>> 0; v; v &= v - 1) c++;
  return c;
}
