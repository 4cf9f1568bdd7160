/**
 * Ports of the app proxy. The proxy core is a pure `(Request) => Promise<Response>` function; the
 * only thing it needs from outside besides a folder is a way to reach the origin.
 */

/**
 * Reaches the remote origin (PBX or App Platform). The product passes Electron's `net.fetch`
 * (with `bypassCustomProtocolHandlers`, so it does not loop back into the proxy); tests and the
 * bench pass Node's `fetch` or `createNodeUpstream()`. Must honour `init.signal`.
 */
export type UpstreamFetch = (request: Request, init?: { signal?: AbortSignal }) => Promise<Response>;

/** Settings of the app proxy (all optional; defaults in brackets). */
export interface AppProxySettings {
  /** Size cap of the cache folder in bytes; least recently used entries are evicted [500 MB]. */
  maxBytes?: number;
  /** How long to wait for the origin's response headers before serving the cached copy [3000 ms]. */
  connectTimeoutMs?: number;
  /** Largest single response that is stored; bigger ones pass through unstored [64 MB]. */
  maxEntryBytes?: number;
  /** Memory for the most recently used entries, served without disk reads [64 MB; 0 = none]. */
  memoryBytes?: number;
}
