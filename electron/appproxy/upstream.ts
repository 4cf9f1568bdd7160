/**
 * How the app proxy asks the origin (docs/appproxy.md): a cacheable request is sent without the
 * hop-by-hop headers and the client's own conditionals, and as a conditional request (ETag,
 * Last-Modified) when an entry exists; the response headers must come within connectTimeoutMs and
 * the body within BODY_TIMEOUT_MS after them. An origin that failed counts as down for
 * offlineHoldMs, during which cached copies are served without asking it. Split out of ./core.ts.
 */
import type { StoredEntry } from './store';
import type { UpstreamFetch } from './ports';

/** Reading a response body may take this long after its headers arrived. */
const BODY_TIMEOUT_MS = 60_000;

/** Request headers never forwarded on a cacheable request (hop-by-hop and the client's own conditionals). */
const DROP_REQUEST_HEADERS = new Set([
  'host', 'connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authorization',
  'proxy-connection', 'if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range', 'range',
]);

/** The origin gave no answer in time (its message says which deadline). */
export class TimeoutError extends Error {}

/** The request sent to the origin for `key`: the client's headers minus the dropped ones, conditional on `entry`. */
export function conditionalRequest(req: Request, key: string, entry: StoredEntry | undefined): Request {
  const headers = new Headers();
  req.headers.forEach((v, k) => { if (!DROP_REQUEST_HEADERS.has(k)) headers.set(k, v); });
  if (entry) {
    const etag = entry.meta.headers.find(([k]) => k === 'etag')?.[1];
    const lm = entry.meta.headers.find(([k]) => k === 'last-modified')?.[1];
    if (etag) headers.set('if-none-match', etag);
    if (lm) headers.set('if-modified-since', lm);
  }
  return new Request(key, { method: 'GET', headers, redirect: 'manual' });
}

/** The origins: fetch with deadlines, and which ones failed recently. */
export class Origins {
  /** origin -> time until which it counts as down. */
  private readonly downUntil = new Map<string, number>();

  constructor(
    private readonly upstream: UpstreamFetch,
    private readonly settings: { readonly connectTimeoutMs: number },
    private readonly offlineHoldMs: number,
  ) {}

  /** Fetch with a deadline for the response headers; the body then has BODY_TIMEOUT_MS (call `done` once it is read). */
  async fetch(upReq: Request): Promise<{ res: Response; done: () => void }> {
    const ac = new AbortController();
    let timer = setTimeout(() => ac.abort(new TimeoutError('origin timeout')), this.settings.connectTimeoutMs);
    try {
      const res = await this.upstream(upReq, { signal: ac.signal });
      clearTimeout(timer);
      timer = setTimeout(() => ac.abort(new TimeoutError('body timeout')), BODY_TIMEOUT_MS);
      return { res, done: () => clearTimeout(timer) };
    } catch (err) {
      clearTimeout(timer);
      throw ac.signal.aborted ? new TimeoutError(`no answer within ${this.settings.connectTimeoutMs} ms`) : err;
    }
  }

  isDown(origin: string, now: number): boolean {
    return (this.downUntil.get(origin) ?? 0) > now;
  }

  markDown(origin: string): void {
    this.downUntil.set(origin, Date.now() + this.offlineHoldMs);
  }

  markUp(origin: string): void {
    this.downUntil.delete(origin);
  }
}
