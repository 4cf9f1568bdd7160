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
 *
 * This file decides which answer a request gets; asking the origin is ./upstream.ts, answers from
 * the cache and the offline page ./serve.ts, the cache folder ./store.ts.
 */
import type { Logger } from '../platform';
import { silentLogger } from '../platform';
import { classifyRequest, classifyResponse, hasToken } from './classify';
import { EntryStore, type EntryMeta, type StoredEntry } from './store';
import type { AppProxySettings, UpstreamFetch } from './ports';
import { isDocumentRequest, offlineResponse, serveEntry, type Outcome } from './serve';
import { conditionalRequest, Origins, TimeoutError } from './upstream';

export type { Outcome } from './serve';

export const DEFAULT_MAX_BYTES = 500 * 1024 * 1024;
export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
export const DEFAULT_MAX_ENTRY_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;
/** After the origin failed, cached copies are served at once (without waiting) for this long. */
export const DEFAULT_OFFLINE_HOLD_MS = 10_000;

/** Response headers replayed from the cache (everything else, e.g. Set-Cookie, is dropped). */
export const STORED_HEADERS: ReadonlySet<string> = new Set([
  'content-type', 'content-language', 'content-disposition', 'etag', 'last-modified', 'cache-control',
  'expires', 'vary', 'link', 'content-security-policy', 'content-security-policy-report-only',
  'x-content-type-options', 'x-frame-options', 'referrer-policy', 'permissions-policy',
  'cross-origin-opener-policy', 'cross-origin-embedder-policy', 'cross-origin-resource-policy',
  'access-control-allow-origin', 'access-control-expose-headers', 'timing-allow-origin',
  'service-worker-allowed', 'x-xss-protection',
]);

export interface AppProxyOptions extends AppProxySettings {
  /** The cache folder, `<localData>/appproxy`. */
  dir: string;
  upstream: UpstreamFetch;
  logger?: Logger;
  /** Serve cached copies without asking an origin that failed less than this long ago [10 s]. */
  offlineHoldMs?: number;
}

export interface AppProxy {
  /** Answer one request (never throws for cacheable requests; pass-through errors propagate). */
  handle(req: Request): Promise<Response>;
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

type BoundedRead =
  | { complete: true; body: Buffer }
  | { complete: false; head: (Uint8Array | undefined)[]; reader: ReadableStreamDefaultReader<Uint8Array> };

/**
 * Reads a body, counting: the whole body when it ends within `max` bytes, else the chunks read
 * so far (at most `max` bytes plus one chunk) and the reader, still open, for the rest.
 */
async function readBounded(body: ReadableStream<Uint8Array> | null, max: number): Promise<BoundedRead> {
  if (!body) return { complete: true, body: Buffer.alloc(0) };
  const reader = body.getReader();
  const head: Uint8Array[] = [];
  let n = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { complete: true, body: Buffer.concat(head, n) };
      head.push(value);
      n += value.byteLength;
      if (n > max) return { complete: false, head, reader };
    }
  } catch (err) {
    reader.releaseLock();
    throw err;
  }
}

/** The chunks already read, then the rest of the reader, pulled as the client reads (each chunk freed once handed on). */
function passThrough(head: (Uint8Array | undefined)[], reader: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i < head.length) {
        controller.enqueue(head[i]!);
        head[i++] = undefined;
        return;
      }
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      head.length = 0;
      return reader.cancel(reason);
    },
  });
}

export function createAppProxy(opts: AppProxyOptions): AppProxy {
  const p = new CachingProxy(opts);
  return {
    handle: (req) => p.handle(req),
    store: p.store,
    settings: p.settings,
    idle: () => p.idle(),
  };
}

/** One cacheable request on its way: what the client asked, its cache key and entry, when it started. */
interface Ask {
  req: Request;
  url: URL;
  key: string;
  entry: StoredEntry | undefined;
  t0: number;
}

class CachingProxy {
  readonly settings: Required<AppProxySettings>;
  readonly store: EntryStore;
  private readonly logger: Logger;
  private readonly origins: Origins;
  private readonly pending = new Set<Promise<void>>();
  /** Entries being written: served from memory until the write is done. */
  private readonly writing = new Map<string, StoredEntry>();

  constructor(private readonly opts: AppProxyOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.settings = {
      maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES,
      connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      maxEntryBytes: opts.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES,
      memoryBytes: opts.memoryBytes ?? DEFAULT_MEMORY_BYTES,
    };
    this.origins = new Origins(opts.upstream, this.settings, opts.offlineHoldMs ?? DEFAULT_OFFLINE_HOLD_MS);
    this.store = new EntryStore(opts.dir, { maxBytes: this.settings.maxBytes, logger: this.logger, memoryBytes: this.settings.memoryBytes });
  }

  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  handle(req: Request): Promise<Response> {
    return this.memoryHit(req) ?? this.handleAny(req);
  }

  /**
   * A fresh entry in memory for a plain GET: answered at once, without parsing the URL, classifying
   * it or waiting for a promise. `req.url` is already the WHATWG-serialised URL, so without its
   * fragment it is the entry's key exactly as stored; every stored URL was classified cacheable
   * when it was stored, and the request headers that change the answer (Authorization, Range,
   * Upgrade, Cache-Control, Pragma) send the request the long way. Same answer and trace as there.
   */
  private memoryHit(req: Request): Promise<Response> | undefined {
    if (req.method !== 'GET') return undefined;
    const raw = req.url;
    const hash = raw.indexOf('#');
    const key = hash < 0 ? raw : raw.slice(0, hash);
    const entry = this.writing.get(key) ?? this.store.peek(key);
    if (!entry || !(Date.now() - entry.validatedAt < (entry.meta.freshMs ?? 0))) return undefined;
    const h = req.headers;
    if (h.has('authorization') || h.has('range') || h.has('upgrade') || h.has('cache-control') || h.has('pragma')
      || hasToken(h.get('connection'), 'upgrade')) return undefined;
    const tracing = this.tracing();
    const t0 = tracing ? performance.now() : 0;
    const res = serveEntry(req, entry, 'hit');
    if (tracing) this.trace('hit', key, entry.meta.status, t0);
    return Promise.resolve(res);
  }

  private async handleAny(req: Request): Promise<Response> {
    const t0 = performance.now();
    let url: URL | undefined;
    try { url = new URL(req.url); } catch { /* classified as bad-url below */ }
    const verdict = classifyRequest(req, url);
    if (!verdict.cache || !url) {
      const res = await this.opts.upstream(req);
      this.trace('pass', url ?? req.url, res.status, t0, { reason: verdict.cache ? 'bad-url' : verdict.reason });
      return res;
    }
    url.hash = '';
    const key = url.href;
    return this.handleCacheable({ req, url, key, entry: this.writing.get(key) ?? await this.store.get(key), t0 });
  }

  /** Fresh entry: served; origin recently down: the entry served; else the origin is asked. */
  private async handleCacheable(q: Ask): Promise<Response> {
    const { req, url, entry, t0 } = q;
    const now = Date.now();
    const reqCc = parseCacheControl(req.headers.get('cache-control'));
    const forceRevalidate = reqCc.has('no-cache') || reqCc.get('max-age') === '0' || hasToken(req.headers.get('pragma'), 'no-cache');
    if (entry && !forceRevalidate && now - entry.validatedAt < (entry.meta.freshMs ?? 0)) {
      this.trace('hit', url, entry.meta.status, t0);
      return serveEntry(req, entry, 'hit');
    }
    if (entry && this.origins.isDown(url.origin, now)) {
      this.trace('offline', url, entry.meta.status, t0, { reason: 'origin recently unreachable' });
      return serveEntry(req, entry, 'offline');
    }
    let asked: { res: Response; done: () => void };
    try {
      asked = await this.origins.fetch(conditionalRequest(req, q.key, entry));
    } catch (err) {
      this.origins.markDown(url.origin);
      const reason = err instanceof TimeoutError ? err.message : `origin unreachable: ${String((err as Error)?.message ?? err)}`;
      return this.offline(q, reason, 0, reason);
    }
    return this.answer(q, asked.res, asked.done);
  }

  /** The origin answered: passed on, the entry revalidated or dropped, or the answer stored and served. */
  private async answer(q: Ask, res: Response, done: () => void): Promise<Response> {
    const { url, entry, t0 } = q;
    if (res.status >= 500) return this.serverError(q, res, done);
    this.origins.markUp(url.origin);
    if (res.status === 304 && entry) return this.notModified(q, entry, res, done);
    if (res.status === 404 || res.status === 410) {
      if (entry) this.background(this.store.delete(q.key));
      done();
      this.trace('gone', url, res.status, t0);
      return res;
    }
    const verdict = classifyResponse(res, this.settings.maxEntryBytes);
    if (!verdict.cache) {
      if (entry && res.status === 200) this.background(this.store.delete(q.key));
      done();
      this.trace(res.status === 200 ? 'nostore' : 'pass', url, res.status, t0, { reason: verdict.reason });
      return res;
    }
    return this.storeAndServe(q, res, done);
  }

  /** 5xx: the origin counts as down; the cached copy (or the offline page for documents) instead. */
  private async serverError(q: Ask, res: Response, done: () => void): Promise<Response> {
    this.origins.markDown(q.url.origin);
    if (q.entry || isDocumentRequest(q.req, q.url)) {
      await res.body?.cancel().catch(() => {});
      done();
      return this.offline(q, `origin status ${res.status}`, res.status, `origin answered ${res.status}`);
    }
    done();
    this.trace('pass', q.url, res.status, q.t0);
    return res;
  }

  /** 304: the entry is served, with the headers the origin sent merged in (stored again if they changed). */
  private async notModified(q: Ask, entry: StoredEntry, res: Response, done: () => void): Promise<Response> {
    await res.body?.cancel().catch(() => {});
    done();
    const merged = new Headers(entry.meta.headers);
    for (const [k, v] of storedHeaders(res.headers)) merged.set(k, v);
    const freshMs = freshnessMs(merged, Date.now());
    const newHeaders = storedHeaders(merged);
    const changed = JSON.stringify(newHeaders) !== JSON.stringify(entry.meta.headers) || freshMs !== (entry.meta.freshMs ?? 0);
    const updated: StoredEntry = { ...entry, meta: { ...entry.meta, headers: newHeaders, freshMs } };
    this.background(changed ? this.store.put(updated.meta, entry.body) : this.store.touch(q.key));
    this.trace('revalidated', q.url, entry.meta.status, q.t0);
    return serveEntry(q.req, updated, 'revalidated');
  }

  /**
   * A cacheable 200: read, stored in the background (served from memory meanwhile) and served.
   * The body is counted while it is read: past `maxEntryBytes` (a chunked body has no
   * Content-Length to refuse it by) reading stops, and what was read plus the rest stream
   * through to the client unstored, at the client's pace (issue 12, appproxy-unbounded-body).
   */
  private async storeAndServe(q: Ask, res: Response, done: () => void): Promise<Response> {
    const { key } = q;
    let read: BoundedRead;
    try {
      read = await readBounded(res.body, this.settings.maxEntryBytes);
    } catch (err) {
      done();
      return this.offline(q, `body failed: ${String(err)}`, 0, 'the origin broke off the transfer');
    }
    done();
    if (!read.complete) {
      if (q.entry) this.background(this.store.delete(key));
      this.trace('nostore', q.url, res.status, q.t0, { reason: 'too-big' });
      return new Response(passThrough(read.head, read.reader), { status: res.status, statusText: res.statusText, headers: res.headers });
    }
    const body = read.body;
    const meta: EntryMeta = {
      v: 1, url: key, status: 200, headers: storedHeaders(res.headers), storedAt: Date.now(),
      bodyLength: body.length, freshMs: freshnessMs(res.headers, Date.now()),
    };
    const stored: StoredEntry = { meta, body, validatedAt: Date.now() };
    this.writing.set(key, stored);
    this.background(this.store.put(meta, body).finally(() => { if (this.writing.get(key) === stored) this.writing.delete(key); }));
    const outcome: Outcome = q.entry ? 'updated' : 'miss';
    this.trace(outcome, q.url, 200, q.t0);
    return serveEntry(q.req, { meta, body, validatedAt: Date.now() }, outcome);
  }

  /** The origin failed: the cached copy ("offline"), else the offline page or 504 ("offline-page"). */
  private offline(q: Ask, reason: string, pageStatus: number, pageReason: string): Response {
    if (q.entry) {
      this.trace('offline', q.url, q.entry.meta.status, q.t0, { reason });
      return serveEntry(q.req, q.entry, 'offline');
    }
    this.trace('offline-page', q.url, pageStatus, q.t0, { reason });
    return offlineResponse(q.req, q.url, pageReason);
  }

  private background(p: Promise<void>): void {
    const q = p.catch((err) => this.logger.warn('AppProxy: cannot store cache entry', { error: String(err) })).finally(() => this.pending.delete(q));
    this.pending.add(q);
  }

  /** Whether AppProxy lines are written (asked per request, so a live mask change applies at once). */
  private tracing(): boolean {
    return this.logger !== silentLogger && (this.logger.enabled?.('AppProxy') ?? true);
  }

  private trace(outcome: Outcome, url: string | URL, status: number, t0: number, extra?: Record<string, unknown>): void {
    if (!this.tracing()) return;
    const ms = Math.round((performance.now() - t0) * 100) / 100;
    const u = traceUrl(url);
    this.logger.trace('AppProxy', `${outcome} ${status} ${u} ${ms}ms`, { url: u, outcome, status, ms, ...extra });
  }
}
