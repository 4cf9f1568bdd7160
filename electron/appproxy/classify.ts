/**
 * Which requests and responses the app proxy may cache (docs/appproxy.md "What is cached").
 *
 * App files are cached; everything else passes straight through to the origin:
 *  - only GET over http(s), without `Authorization`, `Range`, `Upgrade` (WebSocket) or a request
 *    `Cache-Control: no-store`;
 *  - on a PBX (`/PBX0/…`, DynPBX `/PBX0-1/…`): only below `APPCLIENT/` (the web client) and
 *    `APPS/` (PBX apps); `…/websocket` endpoints and every other PBX path (`/PBX0/session`,
 *    `/PBX0/session.xml`, `/PBX0/ADMIN/…`, SOAP, …) are API and pass through;
 *  - anywhere (PBX app folders and App Platforms, `/<domain>/<app>/…`): only files whose name ends
 *    in a static-file extension (htm, js, css, png, …). A path without such an extension is
 *    treated as an API call and passes through.
 */

export type Verdict = { cache: true } | { cache: false; reason: string };

/** File extensions of app code and assets (lower case, without the dot). */
export const STATIC_EXTENSIONS: ReadonlySet<string> = new Set([
  'htm', 'html', 'js', 'mjs', 'css', 'map', 'json', 'wasm',
  'png', 'jpg', 'jpeg', 'gif', 'svg', 'ico', 'webp', 'avif', 'bmp',
  'woff', 'woff2', 'ttf', 'otf', 'eot',
  'mp3', 'wav', 'ogg', 'oga', 'opus', 'm4a', 'webm', 'mp4',
]);

const PBX_PREFIX = /^\/PBX\d+(?:-\d+)?(?:\/|$)/i;

function extensionOf(segment: string): string {
  const dot = segment.lastIndexOf('.');
  return dot > 0 ? segment.slice(dot + 1).toLowerCase() : '';
}

/** Classify a URL path (percent-encoded, as in `URL.pathname`). */
export function classifyPath(pathname: string): Verdict {
  const segments = pathname.split('/').filter((s) => s !== '');
  const last = segments[segments.length - 1] ?? '';
  if (PBX_PREFIX.test(pathname)) {
    const area = (segments[1] ?? '').toUpperCase();
    if (area !== 'APPCLIENT' && area !== 'APPS') return { cache: false, reason: 'pbx-api' };
    if (last.toLowerCase() === 'websocket') return { cache: false, reason: 'pbx-api' };
  }
  if (!STATIC_EXTENSIONS.has(extensionOf(last))) return { cache: false, reason: 'not-a-file' };
  return { cache: true };
}

function hasToken(headerValue: string | null, token: string): boolean {
  if (!headerValue) return false;
  return headerValue.toLowerCase().split(',').some((t) => t.trim().split('=')[0] === token);
}

/** May this request be answered from / stored into the cache? */
export function classifyRequest(req: Request, parsed?: URL): Verdict {
  if (req.method !== 'GET') return { cache: false, reason: 'method' };
  let url: URL;
  try { url = parsed ?? new URL(req.url); } catch { return { cache: false, reason: 'bad-url' }; }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { cache: false, reason: 'scheme' };
  const h = req.headers;
  if (h.has('upgrade') || hasToken(h.get('connection'), 'upgrade')) return { cache: false, reason: 'upgrade' };
  if (h.has('authorization')) return { cache: false, reason: 'authorization' };
  if (h.has('range')) return { cache: false, reason: 'range' };
  if (hasToken(h.get('cache-control'), 'no-store')) return { cache: false, reason: 'no-store' };
  return classifyPath(url.pathname);
}

/** May this origin response be stored? */
export function classifyResponse(res: Response, maxEntryBytes: number): Verdict {
  if (res.status !== 200) return { cache: false, reason: `status-${res.status}` };
  const h = res.headers;
  if (h.has('set-cookie')) return { cache: false, reason: 'set-cookie' };
  if (hasToken(h.get('cache-control'), 'no-store')) return { cache: false, reason: 'no-store' };
  const vary = (h.get('vary') ?? '').toLowerCase().split(',').map((s) => s.trim());
  if (vary.includes('*') || vary.includes('cookie') || vary.includes('authorization')) return { cache: false, reason: 'vary' };
  if (h.has('content-range')) return { cache: false, reason: 'partial' };
  const len = Number(h.get('content-length') ?? NaN);
  if (Number.isFinite(len) && len > maxEntryBytes) return { cache: false, reason: 'too-big' };
  return { cache: true };
}

export { hasToken };
