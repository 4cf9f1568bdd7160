/**
 * The checks every request to the local services server passes, and its routes
 * (docs/local-services.md, docs/security.md): a loopback Host header (DNS-rebinding guard) on
 * HTTP and WebSocket alike; HTTP routes by path prefix, the longest first, with the per-start
 * token (query or Bearer) unless a route is public; WebSocket upgrades only on the bus or a
 * registered path, with an allowed Origin, the token, a supported protocol `v` and a free
 * connection slot. Refusals get an HTTP status and a trace line with the reason. Split out of
 * ./server.ts.
 */
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import type { WebSocketServer, WebSocket } from 'ws';
import { BUS_PATH, BUS_PROTOCOL_VERSION } from '../../common/bus';
import type { Logger } from '../platform';
import type { OriginAllowList } from './origins';

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

function tokenOf(req: http.IncomingMessage, url: URL): string | null {
  const q = url.searchParams.get('token');
  if (q) return q;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  return null;
}

/** The server's HTTP request handler. */
export function serveHttp(ctx: RouteContext, req: http.IncomingMessage, res: http.ServerResponse): void {
  const { logger } = ctx;
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    // e.g. `GET //` or `GET //[`: a throw here would be an uncaught exception in the main process.
    logger.warn('local services: HTTP request with malformed URL refused');
    res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
    return;
  }
  if (!isLoopbackHost(req.headers.host, ctx.port())) {
    logger.warn('local services: HTTP request with foreign Host refused', { host: req.headers.host ?? '' });
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
    const t = tokenOf(req, url);
    if (!t || !sameSecret(t, ctx.token)) {
      logger.warn('local services: HTTP request without valid token refused', { path: url.pathname });
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
  const { logger, sockets } = ctx;
  socket.on('error', () => socket.destroy());
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    logger.warn('local services: upgrade with malformed URL refused');
    refuseUpgrade(socket, 400, 'Bad Request');
    return;
  }
  const origin = req.headers.origin;
  const peer = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
  const refuse = (status: number, text: string, reason: string): void => {
    logger.warn(`local services: WebSocket refused: ${reason}`, { path: url.pathname, origin: origin ?? '', peer });
    refuseUpgrade(socket, status, text);
  };
  const isBus = url.pathname === BUS_PATH;
  const routeHandler = ctx.wsRoutes.get(url.pathname);
  if (!isBus && !routeHandler) return refuse(404, 'Not Found', 'unknown path');
  if (!isLoopbackHost(req.headers.host, ctx.port())) return refuse(421, 'Misdirected Request', 'foreign Host header');
  if (!ctx.origins.has(origin)) return refuse(403, 'Forbidden', `Origin ${origin ?? '(none)'} not allowed`);
  const t = tokenOf(req, url);
  if (!t || !sameSecret(t, ctx.token)) return refuse(401, 'Unauthorized', t ? 'wrong token' : 'missing token');
  const v = url.searchParams.get('v');
  if (v !== null && v !== String(BUS_PROTOCOL_VERSION)) return refuse(400, 'Bad Request', `unsupported protocol version ${v}`);
  if (sockets.size >= ctx.maxConnections) return refuse(503, 'Service Unavailable', `too many connections (at most ${ctx.maxConnections})`);
  ctx.wss.handleUpgrade(req, socket, head, (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    if (isBus) ctx.onBus(ws, origin ?? '', peer);
    else routeHandler!(ws, req);
  });
}
