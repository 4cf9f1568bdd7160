/**
 * The checks every request to the local services server passes, and its routes
 * (docs/local-services.md, docs/security.md): an origin-form request target (`/path?query`;
 * absolute-form `http://other/…` and asterisk-form `*` are refused, so the Host header is the
 * authority) and a loopback Host header (DNS-rebinding guard) on HTTP and WebSocket alike; HTTP
 * routes by path prefix, the longest first, with the per-start token (query or Bearer) unless a
 * route is public; WebSocket upgrades only on the bus or a registered path, with an allowed
 * Origin, the token in the query (`?token=`, nothing else), a supported protocol `v` and a free
 * connection slot. Refusals get an HTTP status and a trace line with the reason, rate-limited per
 * reason (./refusals.ts). Split out of ./server.ts.
 */
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import type { WebSocketServer, WebSocket } from 'ws';
import { BUS_PATH, BUS_PROTOCOL_VERSION } from '../../common/bus';
import type { Logger } from '../platform';
import type { OriginAllowList } from './origins';
import type { RefusalLog } from './refusals';

export type HttpRouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;
export type WebSocketRouteHandler = (ws: WebSocket, req: http.IncomingMessage) => void;
export interface HttpRoute {
  prefix: string;
  handler: HttpRouteHandler;
  auth: 'token' | 'none';
}

/** What the checks and routes need of the server. */
export interface RouteContext {
  logger: Logger;
  token: string;
  origins: OriginAllowList;
  /** The port listened on (0 until listening). */
  port(): number;
  httpRoutes: readonly HttpRoute[];
  wsRoutes: ReadonlyMap<string, WebSocketRouteHandler>;
  wss: WebSocketServer;
  /** Open WebSocket connections (bus and extra routes). */
  sockets: Set<WebSocket>;
  maxConnections: number;
  /** Refusal lines, rate-limited per reason. */
  refusals: RefusalLog;
  /** A socket became a WebSocket (it no longer counts as an HTTP connection). */
  upgraded(socket: Duplex): void;
  /** An accepted bus connection. */
  onBus(ws: WebSocket, origin: string, peer: string): void;
}

function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  try {
    socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  } catch {
    // socket already gone
  }
  socket.destroy();
}

function isLoopbackHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const h = hostHeader.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}` || h === `[::1]:${port}`;
}

/** The token of an HTTP request: `?token=` or `Authorization: Bearer`. WebSocket upgrades take the query only. */
function httpToken(req: http.IncomingMessage, url: URL): string | null {
  const q = url.searchParams.get('token');
  if (q) return q;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  return null;
}

/** A client-chosen string as trace data: cut, so a long path costs nothing to redact. */
function cut(v: string): string {
  return v.length > 200 ? `${v.slice(0, 200)}… (${v.length} characters)` : v;
}

/**
 * The request target as a URL on the server, or why it is refused. Only origin-form (`/path`) is
 * accepted: an absolute-form target (`http://evil.example/bus`) names another authority than the
 * Host header that was checked, and the asterisk-form (`OPTIONS *`) names none. The path is read
 * as a path (`//x` stays the path `//x`, never the host `x`).
 */
function requestTarget(req: http.IncomingMessage): { url: URL } | { refused: string } {
  const target = req.url ?? '';
  if (!target.startsWith('/')) return { refused: target === '*' ? 'asterisk-form request target' : 'request target not in origin-form (/path)' };
  try {
    return { url: new URL(`http://127.0.0.1${target}`) };
  } catch {
    return { refused: 'malformed request target' };
  }
}

/** The server's HTTP request handler. */
export function serveHttp(ctx: RouteContext, req: http.IncomingMessage, res: http.ServerResponse): void {
  const { logger, refusals } = ctx;
  const target = requestTarget(req);
  if ('refused' in target) {
    refusals.refused('request target', `local services: HTTP request refused: ${target.refused}`, { target: cut(req.url ?? '') });
    res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
    return;
  }
  const { url } = target;
  if (!isLoopbackHost(req.headers.host, ctx.port())) {
    refusals.refused('foreign Host', 'local services: HTTP request with foreign Host refused', { host: cut(req.headers.host ?? '') });
    res.writeHead(421, { 'content-type': 'text/plain' }).end('misdirected request');
    return;
  }
  const route = ctx.httpRoutes
    .filter((r) => url.pathname === r.prefix || url.pathname.startsWith(r.prefix.endsWith('/') ? r.prefix : `${r.prefix}/`))
    .sort((a, b) => b.prefix.length - a.prefix.length)[0];
  if (!route) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  if (route.auth === 'token') {
    const t = httpToken(req, url);
    if (!t || !sameSecret(t, ctx.token)) {
      refusals.refused('token', 'local services: HTTP request without valid token refused', { path: cut(url.pathname) });
      res.writeHead(401, { 'content-type': 'text/plain' }).end('token required');
      return;
    }
  }
  Promise.resolve()
    .then(() => route.handler(req, res))
    .catch((err: unknown) => {
      logger.error('local services: HTTP route failed', { path: url.pathname, error: String(err) });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    });
}

/** The server's 'upgrade' handler: the checks, then the bus or the route's handler. */
export function acceptUpgrade(ctx: RouteContext, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  const { sockets, refusals } = ctx;
  socket.on('error', () => socket.destroy());
  const origin = req.headers.origin;
  const peer = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
  const target = requestTarget(req);
  const path = 'url' in target ? target.url.pathname : '';
  /** `kind` names the reason for the rate limit; `reason` may carry client data for the line. */
  const refuse = (status: number, text: string, kind: string, reason: string = kind): void => {
    refusals.refused(kind, `local services: WebSocket refused: ${reason}`, { path: cut(path || (req.url ?? '')), origin: cut(origin ?? ''), peer });
    refuseUpgrade(socket, status, text);
  };
  if ('refused' in target) return refuse(400, 'Bad Request', 'request target', target.refused);
  const { url } = target;
  const isBus = url.pathname === BUS_PATH;
  const routeHandler = ctx.wsRoutes.get(url.pathname);
  if (!isBus && !routeHandler) return refuse(404, 'Not Found', 'unknown path');
  if (!isLoopbackHost(req.headers.host, ctx.port())) return refuse(421, 'Misdirected Request', 'foreign Host header');
  if (!ctx.origins.has(origin)) return refuse(403, 'Forbidden', 'Origin not allowed', `Origin ${cut(origin ?? '(none)')} not allowed`);
  // The token travels in the query only (docs/local-services.md): a browser cannot set
  // Authorization on a WebSocket, so a header token would come from something that is not a page.
  const t = url.searchParams.get('token');
  if (!t || !sameSecret(t, ctx.token)) {
    const why = t ? 'wrong token' : req.headers.authorization ? 'missing token (?token=; an Authorization header is not accepted on WebSocket upgrades)' : 'missing token';
    return refuse(401, 'Unauthorized', t ? 'wrong token' : 'missing token', why);
  }
  const v = url.searchParams.get('v');
  if (v !== null && v !== String(BUS_PROTOCOL_VERSION)) return refuse(400, 'Bad Request', 'protocol version', `unsupported protocol version ${cut(v)}`);
  if (sockets.size >= ctx.maxConnections) return refuse(503, 'Service Unavailable', 'too many connections', `too many connections (at most ${ctx.maxConnections})`);
  ctx.wss.handleUpgrade(req, socket, head, (ws) => {
    ctx.upgraded(socket);
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    if (isBus) ctx.onBus(ws, origin ?? '', peer);
    else routeHandler!(ws, req);
  });
}
