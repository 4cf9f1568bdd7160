/**
 * The app proxy core: a pure `(Request) => Promise<Response>` function over a cache folder and an
 * injectable upstream fetch. Electron plugs it into `protocol.handle('https', …)`
 * (native/electron/appproxy-protocol.ts), so every app keeps its own origin; tests and
 * the bench drive it with real HTTP servers and Chromium (playwright `route`).
 *
 * Per cacheable request (classify.ts):
 *  - fresh entry (origin gave max-age/Expires)          -> served from disk       ("hit")
 *  - entry without freshness, or stale                  -> conditional request:
 *      304 -> served from disk ("revalidated"); 200 -> stored and served ("updated");
 *      404/410 -> entry dropped, origin answer passed on;
 *      no answer within connectTimeoutMs, network error or 5xx -> served from disk ("offline")
 *  - no entry -> fetched, stored in the background, served ("miss"); origin unreachable/5xx ->
 *      offline page for documents ("offline-page"), 504 for sub-resources.
 * Everything else goes to the upstream untouched ("pass").
 */
import type { Logger } from '../platform';
import { silentLogger } from '../platform';
import { classifyRequest, classifyResponse, hasToken } from './classify';
import { EntryStore, type EntryMeta, type StoredEntry } from './store';
import { offlinePageHtml } from './offline-page';
import type { AppProxySettings, UpstreamFetch } from './ports';

export const DEFAULT_MAX_BYTES = 500 * 1024 * 1024;
export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
export const DEFAULT_MAX_ENTRY_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;
/** After the origin failed, cached copies are served at once (without waiting) for this long. */
export const DEFAULT_OFFLINE_HOLD_MS = 10_000;
/** Reading a response body may take this long after its headers arrived. */
const BODY_TIMEOUT_MS = 60_000;

/** Response headers replayed from the cache (everything else, e.g. Set-Cookie, is dropped). */
export const STORED_HEADERS: ReadonlySet<string> = new Set([
  'content-type', 'content-language', 'content-disposition', 'etag', 'last-modified', 'cache-control',
  'expires', 'vary', 'link', 'content-security-policy', 'content-security-policy-report-only',
  'x-content-type-options', 'x-frame-options', 'referrer-policy', 'permissions-policy',
  'cross-origin-opener-policy', 'cross-origin-embedder-policy', 'cross-origin-resource-policy',
  'access-control-allow-origin', 'access-control-expose-headers', 'timing-allow-origin',
  'service-worker-allowed', 'x-xss-protection',
]);

/** Request headers never forwarded on a cacheable request (hop-by-hop and the client's own conditionals). */
const DROP_REQUEST_HEADERS = new Set([
  'host', 'connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authorization',
  'proxy-connection', 'if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range', 'range',
]);

export type Outcome = 'hit' | 'miss' | 'revalidated' | 'updated' | 'offline' | 'offline-page' | 'pass' | 'gone' | 'nostore';

export interface AppProxyOptions extends AppProxySettings {
  /** The cache folder, `<localData>/appproxy`. */
  dir: string;
  upstream: UpstreamFetch;
  logger?: Logger;
  /** Serve cached copies without asking an origin that failed less than this long ago [10 s]. */
  offlineHoldMs?: number;
}

/** A fresh in-memory hit answered without Request/Response objects (see AppProxy.tryHit). */
export interface FastHit {
  status: number;
  /** Complete response headers (incl. content-length, x-appproxy). Shared: do not modify. */
  headers: Readonly<Record<string, string>>;
  /** The cached bytes themselves (null for 304). Shared: do not modify. */
  body: Buffer | null;
}

export interface AppProxy {
  /** Answer one request (never throws for cacheable requests; pass-through errors propagate). */
  handle(req: Request): Promise<Response>;
  /**
   * Fast path for HTTP fronts that do not have a WHATWG Request at hand (the bench's Node server):
   * answers synchronously when `handle` would answer a fresh `hit` from memory, else returns
   * undefined and the caller uses `handle`. `url` must be the absolute URL; anything that is not
   * exactly a stored (normalised) URL, and any request with Authorization, Range, Upgrade,
   * Cache-Control or Pragma, simply falls back. Same answer, same trace as `handle`.
   */
  tryHit(method: string, url: string, header: (name: string) => string | undefined): FastHit | undefined;
  /** Resolves once background cache writes have finished. */
  idle(): Promise<void>;
  readonly store: EntryStore;
  readonly settings: Required<AppProxySettings>;
}

/** URL for traces: the query may carry session data, so only its presence is shown. */
export function traceUrl(raw: string | URL): string {
  try {
    const u = typeof raw === 'string' ? new URL(raw) : raw;
    return `${u.origin}${u.pathname.length > 300 ? `${u.pathname.slice(0, 300)}…` : u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(bad url)';
  }
}

function parseCacheControl(v: string | null): Map<string, string> {
  const m = new Map<string, string>();
  if (!v) return m;
  for (const part of v.split(',')) {
    const [k, ...rest] = part.trim().split('=');
    if (k) m.set(k.toLowerCase(), rest.join('=').replace(/^"|"$/g, ''));
  }
  return m;
}

/** Freshness lifetime a response grants (private cache; no heuristic freshness: without explicit
 *  max-age/Expires an entry is revalidated on every use, so app code is never served stale online). */
export function freshnessMs(h: Headers, now: number): number {
  const cc = parseCacheControl(h.get('cache-control'));
  if (cc.has('no-cache') || cc.has('no-store')) return 0;
  const age = Math.max(0, Number(h.get('age') ?? 0) || 0) * 1000;
  if (cc.has('max-age')) {
    const n = Number(cc.get('max-age'));
    return Number.isFinite(n) && n > 0 ? Math.max(0, n * 1000 - age) : 0;
  }
  const expires = h.get('expires');
  if (expires) {
    const exp = Date.parse(expires);
    const date = Date.parse(h.get('date') ?? '');
    if (!Number.isFinite(exp)) return 0;
    return Math.max(0, exp - (Number.isFinite(date) ? date : now));
  }
  return 0;
}

function storedHeaders(h: Headers): [string, string][] {
  const out: [string, string][] = [];
  h.forEach((value, name) => { if (STORED_HEADERS.has(name)) out.push([name, value]); });
  return out;
}

/** Header lists of an entry as served, computed once per entry and outcome (entries are immutable
 *  once stored; a revalidation that changes headers makes a new entry object). */
const headerCache = new WeakMap<StoredEntry, Map<string, [string, string][]>>();
function entryHeaders(entry: StoredEntry, outcome: Outcome): [string, string][] {
  let m = headerCache.get(entry);
  if (!m) headerCache.set(entry, (m = new Map()));
  let list = m.get(outcome);
  if (!list) {
    list = entry.meta.headers.filter(([k]) => k !== 'x-appproxy' && k !== 'content-length');
    list.push(['content-length', String(entry.body.length)], ['x-appproxy', outcome]);
    m.set(outcome, list);
  }
  return list;
}
const fastCache = new WeakMap<StoredEntry, { ok: FastHit; notModified: FastHit; etag: string | undefined }>();
function fastHits(entry: StoredEntry): { ok: FastHit; notModified: FastHit; etag: string | undefined } {
  let f = fastCache.get(entry);
  if (!f) {
    const ok = Object.freeze(Object.fromEntries(entryHeaders(entry, 'hit')));
    const nm = Object.freeze(Object.fromEntries(entry.meta.headers.filter(([k]) => k !== 'content-length' && k !== 'x-appproxy').concat([['x-appproxy', 'hit']])));
    f = {
      ok: { status: entry.meta.status, headers: ok, body: entry.body },
      notModified: { status: 304, headers: nm, body: null },
      etag: entry.meta.headers.find(([k]) => k === 'etag')?.[1],
    };
    fastCache.set(entry, f);
  }
  return f;
}

function inmMatches(inm: string | null | undefined, etag: string | undefined): boolean {
  return !!etag && !!inm && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*');
}

function isDocumentRequest(req: Request, url: URL): boolean {
  const dest = req.headers.get('sec-fetch-dest');
  if (dest) return dest === 'document' || dest === 'iframe' || dest === 'frame';
  if ((req.headers.get('accept') ?? '').includes('text/html')) return true;
  return /\.html?$/i.test(url.pathname);
}

class TimeoutError extends Error {}

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

export function createAppProxy(opts: AppProxyOptions): AppProxy {
  const logger = opts.logger ?? silentLogger;
  const settings: Required<AppProxySettings> = {
    maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES,
    connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    maxEntryBytes: opts.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES,
    memoryBytes: opts.memoryBytes ?? DEFAULT_MEMORY_BYTES,
  };
  const offlineHoldMs = opts.offlineHoldMs ?? DEFAULT_OFFLINE_HOLD_MS;
  const store = new EntryStore(opts.dir, { maxBytes: settings.maxBytes, logger, memoryBytes: settings.memoryBytes });
  const pending = new Set<Promise<void>>();
  /** Entries being written: served from memory until the write is done. */
  const writing = new Map<string, StoredEntry>();
  /** origin -> time until which it counts as down. */
  const downUntil = new Map<string, number>();

  function trace(outcome: Outcome, url: string | URL, status: number, t0: number, extra?: Record<string, unknown>): void {
    if (logger === silentLogger) return;
    const ms = Math.round((performance.now() - t0) * 100) / 100;
    const u = traceUrl(url);
    logger.trace('AppProxy', `${outcome} ${status} ${u} ${ms}ms`, { url: u, outcome, status, ms, ...extra });
  }

  function background(p: Promise<void>): void {
    const q = p.catch((err) => logger.warn('AppProxy: cannot store cache entry', { error: String(err) })).finally(() => pending.delete(q));
    pending.add(q);
  }

  function serveEntry(req: Request, entry: StoredEntry, outcome: Outcome): Response {
    const inm = req.headers.get('if-none-match');
    if (inm && inmMatches(inm, fastHits(entry).etag)) {
      const headers = new Headers(entry.meta.headers);
      headers.set('x-appproxy', outcome);
      return new Response(null, { status: 304, headers });
    }
    return new Response(bodyStream(entry.body), { status: entry.meta.status, headers: entryHeaders(entry, outcome) });
  }

  function tryHit(method: string, rawUrl: string, header: (name: string) => string | undefined): FastHit | undefined {
    if (method !== 'GET') return undefined;
    if (header('authorization') !== undefined || header('range') !== undefined || header('upgrade') !== undefined
      || header('cache-control') !== undefined || header('pragma') !== undefined || hasToken(header('connection') ?? null, 'upgrade')) return undefined;
    const t0 = performance.now();
    const hash = rawUrl.indexOf('#');
    const key = hash >= 0 ? rawUrl.slice(0, hash) : rawUrl;
    // Only exact stored URLs match; every stored URL passed classifyRequest when it was stored,
    // and the request-side checks that depend on headers are above.
    const entry = writing.get(key) ?? store.peek(key);
    if (!entry || !(Date.now() - entry.validatedAt < (entry.meta.freshMs ?? 0))) return undefined;
    const f = fastHits(entry);
    trace('hit', key, entry.meta.status, t0);
    return inmMatches(header('if-none-match'), f.etag) ? f.notModified : f.ok;
  }

  function offlineResponse(req: Request, url: URL, reason: string): Response {
    const headers = { 'cache-control': 'no-store', 'x-appproxy': 'offline-page' };
    if (isDocumentRequest(req, url)) {
      return new Response(offlinePageHtml(url.href, reason), { status: 503, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } });
    }
    return new Response(`App proxy: ${url.host} is unreachable and nothing is cached (${reason})\n`, {
      status: 504, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
    });
  }

  /** Fetch with a deadline for the response headers; the body then has BODY_TIMEOUT_MS. */
  async function fetchUpstream(upReq: Request): Promise<{ res: Response; done: () => void }> {
    const ac = new AbortController();
    let timer = setTimeout(() => ac.abort(new TimeoutError('origin timeout')), settings.connectTimeoutMs);
    try {
      const res = await opts.upstream(upReq, { signal: ac.signal });
      clearTimeout(timer);
      timer = setTimeout(() => ac.abort(new TimeoutError('body timeout')), BODY_TIMEOUT_MS);
      return { res, done: () => clearTimeout(timer) };
    } catch (err) {
      clearTimeout(timer);
      throw ac.signal.aborted ? new TimeoutError(`no answer within ${settings.connectTimeoutMs} ms`) : err;
    }
  }

  async function handleCacheable(req: Request, url: URL, t0: number): Promise<Response> {
    url.hash = '';
    const key = url.href;
    const entry = writing.get(key) ?? await store.get(key);
    const now = Date.now();
    const reqCc = parseCacheControl(req.headers.get('cache-control'));
    const forceRevalidate = reqCc.has('no-cache') || reqCc.get('max-age') === '0' || hasToken(req.headers.get('pragma'), 'no-cache');
    if (entry && !forceRevalidate && now - entry.validatedAt < (entry.meta.freshMs ?? 0)) {
      trace('hit', url, entry.meta.status, t0);
      return serveEntry(req, entry, 'hit');
    }
    if (entry && (downUntil.get(url.origin) ?? 0) > now) {
      trace('offline', url, entry.meta.status, t0, { reason: 'origin recently unreachable' });
      return serveEntry(req, entry, 'offline');
    }

    const headers = new Headers();
    req.headers.forEach((v, k) => { if (!DROP_REQUEST_HEADERS.has(k)) headers.set(k, v); });
    if (entry) {
      const etag = entry.meta.headers.find(([k]) => k === 'etag')?.[1];
      const lm = entry.meta.headers.find(([k]) => k === 'last-modified')?.[1];
      if (etag) headers.set('if-none-match', etag);
      if (lm) headers.set('if-modified-since', lm);
    }
    const upReq = new Request(key, { method: 'GET', headers, redirect: 'manual' });

    let res: Response;
    let done: () => void;
    try {
      ({ res, done } = await fetchUpstream(upReq));
    } catch (err) {
      downUntil.set(url.origin, Date.now() + offlineHoldMs);
      const reason = err instanceof TimeoutError ? err.message : `origin unreachable: ${String((err as Error)?.message ?? err)}`;
      if (entry) {
        trace('offline', url, entry.meta.status, t0, { reason });
        return serveEntry(req, entry, 'offline');
      }
      trace('offline-page', url, 0, t0, { reason });
      return offlineResponse(req, url, reason);
    }

    if (res.status >= 500) {
      downUntil.set(url.origin, Date.now() + offlineHoldMs);
      if (entry || isDocumentRequest(req, url)) {
        await res.body?.cancel().catch(() => {});
        done();
        if (entry) {
          trace('offline', url, entry.meta.status, t0, { reason: `origin status ${res.status}` });
          return serveEntry(req, entry, 'offline');
        }
        trace('offline-page', url, res.status, t0, { reason: `origin status ${res.status}` });
        return offlineResponse(req, url, `origin answered ${res.status}`);
      }
      done();
      trace('pass', url, res.status, t0);
      return res;
    }
    downUntil.delete(url.origin);

    if (res.status === 304 && entry) {
      await res.body?.cancel().catch(() => {});
      done();
      const merged = new Headers(entry.meta.headers);
      for (const [k, v] of storedHeaders(res.headers)) merged.set(k, v);
      const freshMs = freshnessMs(merged, Date.now());
      const newHeaders = storedHeaders(merged);
      const changed = JSON.stringify(newHeaders) !== JSON.stringify(entry.meta.headers) || freshMs !== (entry.meta.freshMs ?? 0);
      const updated: StoredEntry = { ...entry, meta: { ...entry.meta, headers: newHeaders, freshMs } };
      background(changed ? store.put(updated.meta, entry.body) : store.touch(key));
      trace('revalidated', url, entry.meta.status, t0);
      return serveEntry(req, updated, 'revalidated');
    }

    if (res.status === 404 || res.status === 410) {
      if (entry) background(store.delete(key));
      done();
      trace('gone', url, res.status, t0);
      return res;
    }

    const verdict = classifyResponse(res, settings.maxEntryBytes);
    if (!verdict.cache) {
      if (entry && res.status === 200) background(store.delete(key));
      done();
      trace(res.status === 200 ? 'nostore' : 'pass', url, res.status, t0, { reason: verdict.reason });
      return res;
    }

    let body: Buffer;
    try {
      body = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      if (entry) {
        trace('offline', url, entry.meta.status, t0, { reason: `body failed: ${String(err)}` });
        return serveEntry(req, entry, 'offline');
      }
      trace('offline-page', url, 0, t0, { reason: `body failed: ${String(err)}` });
      return offlineResponse(req, url, 'the origin broke off the transfer');
    } finally {
      done();
    }
    const meta: EntryMeta = {
      v: 1, url: key, status: 200, headers: storedHeaders(res.headers), storedAt: Date.now(),
      bodyLength: body.length, freshMs: freshnessMs(res.headers, Date.now()),
    };
    if (body.length <= settings.maxEntryBytes) {
      const stored: StoredEntry = { meta, body, validatedAt: Date.now() };
      writing.set(key, stored);
      background(store.put(meta, body).finally(() => { if (writing.get(key) === stored) writing.delete(key); }));
    }
    const outcome: Outcome = entry ? 'updated' : 'miss';
    trace(outcome, url, 200, t0);
    return serveEntry(req, { meta, body, validatedAt: Date.now() }, outcome);
  }

  async function handle(req: Request): Promise<Response> {
    const t0 = performance.now();
    let url: URL | undefined;
    try { url = new URL(req.url); } catch { /* classified as bad-url below */ }
    const verdict = classifyRequest(req, url);
    if (!verdict.cache || !url) {
      const res = await opts.upstream(req);
      trace('pass', url ?? req.url, res.status, t0, { reason: verdict.cache ? 'bad-url' : verdict.reason });
      return res;
    }
    return handleCacheable(req, url, t0);
  }

  return {
    handle,
    tryHit,
    store,
    settings,
    async idle() { while (pending.size) await Promise.all([...pending]); },
  };
}
