/**
 * Answers of the app proxy that do not come from the origin (docs/appproxy.md): a cached entry
 * served (its stored headers plus content-length and `x-appproxy: <outcome>`, a 304 when the
 * client's If-None-Match matches, the body as views into the cached bytes; header lists made once
 * per entry), and the offline page or 504 when the origin is unreachable and nothing is cached.
 * Split out of ./core.ts, which decides which answer a request gets.
 */
import type { StoredEntry } from './store';
import { offlinePageHtml } from './offline-page';

export type Outcome = 'hit' | 'miss' | 'revalidated' | 'updated' | 'offline' | 'offline-page' | 'pass' | 'gone' | 'nostore';

/**
 * What an entry looks like when served, computed once per entry (entries are immutable once
 * stored; a revalidation that changes headers makes a new entry object): its ETag, its header list
 * per outcome (stored headers, content-length, `x-appproxy`) and for a 304.
 */
interface Served { etag: string | undefined; ok: Map<Outcome, [string, string][]>; notModified: Map<Outcome, [string, string][]> }
const servedCache = new WeakMap<StoredEntry, Served>();
function served(entry: StoredEntry): Served {
  let s = servedCache.get(entry);
  if (!s) {
    s = { etag: entry.meta.headers.find(([k]) => k === 'etag')?.[1], ok: new Map(), notModified: new Map() };
    servedCache.set(entry, s);
  }
  return s;
}
function entryHeaders(entry: StoredEntry, outcome: Outcome): [string, string][] {
  const s = served(entry);
  let list = s.ok.get(outcome);
  if (!list) {
    list = entry.meta.headers.filter(([k]) => k !== 'x-appproxy' && k !== 'content-length');
    list.push(['content-length', String(entry.body.length)], ['x-appproxy', outcome]);
    s.ok.set(outcome, list);
  }
  return list;
}
function notModifiedHeaders(entry: StoredEntry, outcome: Outcome): [string, string][] {
  const s = served(entry);
  let list = s.notModified.get(outcome);
  if (!list) {
    list = entry.meta.headers.filter(([k]) => k !== 'x-appproxy');
    list.push(['x-appproxy', outcome]);
    s.notModified.set(outcome, list);
  }
  return list;
}

export function inmMatches(inm: string | null | undefined, etag: string | undefined): boolean {
  return !!etag && !!inm && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*');
}

export function isDocumentRequest(req: Request, url: URL): boolean {
  const dest = req.headers.get('sec-fetch-dest');
  if (dest) return dest === 'document' || dest === 'iframe' || dest === 'frame';
  if ((req.headers.get('accept') ?? '').includes('text/html')) return true;
  return /\.html?$/i.test(url.pathname);
}

/** Slice size of bodies served from the cache. */
const BODY_CHUNK = 256 * 1024;

/**
 * The body as a stream of views into the cached buffer. `new Response(uint8array)` copies the
 * bytes (fetch spec); the stream hands the cached bytes themselves to the reader (Electron copies
 * them into Chromium; readers must not modify chunks), which makes memory hits of big files
 * several times cheaper.
 */
function bodyStream(body: Buffer): ReadableStream<Uint8Array> | null {
  if (!body.length) return null;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // Big bodies in slices (views, not copies), so that a reader writing to a socket lets other
      // responses through between them.
      for (let o = 0; o < body.length; o += BODY_CHUNK) controller.enqueue(body.subarray(o, Math.min(body.length, o + BODY_CHUNK)));
      controller.close();
    },
  });
}

/** A cached entry as the answer (304 when the client's If-None-Match matches it). */
export function serveEntry(req: Request, entry: StoredEntry, outcome: Outcome): Response {
  const inm = req.headers.get('if-none-match');
  if (inm && inmMatches(inm, served(entry).etag)) return new Response(null, { status: 304, headers: notModifiedHeaders(entry, outcome) });
  return new Response(bodyStream(entry.body), { status: entry.meta.status, headers: entryHeaders(entry, outcome) });
}

/** The origin is unreachable and nothing is cached: the offline page for documents, else 504. */
export function offlineResponse(req: Request, url: URL, reason: string): Response {
  const headers = { 'cache-control': 'no-store', 'x-appproxy': 'offline-page' };
  if (isDocumentRequest(req, url)) {
    return new Response(offlinePageHtml(url.href, reason), { status: 503, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } });
  }
  return new Response(`App proxy: ${url.host} is unreachable and nothing is cached (${reason})\n`, {
    status: 504, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
  });
}
