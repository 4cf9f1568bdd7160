/**
 * The local services server: one loopback HTTP + WebSocket server on a random port.
 *
 * - Binds 127.0.0.1 only. The URL handed to the web client says `127.0.0.1` or `localhost`
 *   (DISABLELOCALHOST decides the form, never the bind address).
 * - Every start generates a new 256-bit token. WebSocket upgrades must carry it (`?token=`), an
 *   allowed Origin, a loopback Host header (DNS-rebinding guard) and a supported protocol `v`.
 * - Frames are JSON text, at most BUS_MAX_FRAME_BYTES, validated against contract/bus.ts.
 *   Refusals are answered with an Error frame (or an HTTP status at handshake) and traced with
 *   their reason; nothing a client sends can crash the server.
 */
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import {
  BUS_MAX_FRAME_BYTES,
  BUS_PATH,
  BUS_PROTOCOL_VERSION,
  ClientFrameSchema,
  type AppClientConfig,
  type BusErrorFrame,
  type ServerFrame,
} from '../../contract/bus';
import type { Logger } from '../platform';
import { ApiRouter, RouterError, defaultReservedNamePolicy, type Endpoint } from './router';
import { normalizeOrigin } from './origins';
import { OriginAllowList } from './origins';
import { registerSecret } from '../log/redact';

export interface LauncherIdentity {
  name: string;
  version: string;
  build: string;
  platform: string;
}

export interface LocalServicesOptions {
  logger: Logger;
  origins: OriginAllowList;
  /** URL form handed to clients; the server always binds 127.0.0.1. */
  host?: '127.0.0.1' | 'localhost';
  /** 0 (default) = random free port. */
  port?: number;
  launcher?: LauncherIdentity;
  maxFrameBytes?: number;
  /** Fixed token (tests only); a random one is generated otherwise. */
  token?: string;
  /** Origin of the PBX: only its web client gets its own `@client-<id>` provider (reserved '@' names). */
  pbxOrigin?: () => string | undefined;
  /** Most WebSocket connections open at once (bus and extra routes together). Default 64. */
  maxConnections?: number;
}

export type HttpRouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;
export type WebSocketRouteHandler = (ws: WebSocket, req: http.IncomingMessage) => void;

export interface LocalServicesServer {
  readonly port: number;
  readonly token: string;
  readonly config: AppClientConfig;
  readonly router: ApiRouter;
  readonly origins: OriginAllowList;
  /** Adds an HTTP route under a path prefix; `auth: 'token'` demands the token (query or Bearer). */
  addHttpRoute(prefix: string, handler: HttpRouteHandler, opts?: { auth?: 'token' | 'none' }): void;
  /** Adds another WebSocket endpoint with the same token, Origin and Host checks as the bus. */
  addWebSocketRoute(path: string, handler: WebSocketRouteHandler): void;
  /** Number of open bus connections. */
  connections(): number;
  close(): Promise<void>;
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

/** A client-chosen name as it appears in a trace line: plain when harmless, else quoted and cut. */
function traceName(v: unknown): string {
  if (typeof v !== 'string') return '?';
  if (v.length <= 80 && plainName(v)) return v;
  return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
}

/** Only `A-Z a-z 0-9 _ . @ : / + * -` (a loop: cheaper than a regex for these short names). */
function plainName(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x40 && c <= 0x5a) || (c >= 0x2a && c <= 0x3a && c !== 0x2c) || c === 0x5f)) return false;
  }
  return true;
}

/**
 * One bus frame as a trace line: direction (`<` from the client, `>` to it), client id, mt, api
 * (or apiId), provider, consumer, client, src, the mt of the carried msg and the length of the
 * JSON text (characters).
 * Never the rest of msg or model (app data), never the token (it is not in frames).
 */
export function frameLine(dir: '<' | '>', client: string, frame: unknown, length: number): string {
  return `bus ${dir} ${frameText(client, frame, length)}`;
}

type FrameFields = { mt?: unknown; api?: unknown; apiId?: unknown; provider?: unknown; consumer?: unknown; client?: unknown; src?: unknown; msg?: unknown; error?: unknown };

/**
 * What a received frame caused to be sent, appended to its line: ` => c1 len=160` when the frame
 * sent is the routed form of the one received (same mt, api and src: an ApiRequest forwarded to
 * its provider, an ApiResult to its consumer), else ` => ` and the sent frame in full.
 */
function causedTail(cause: unknown, client: string, frame: unknown, length: number): string {
  const c = cause as FrameFields | undefined;
  const f = frame as FrameFields;
  if (c && f.mt === c.mt && (f.api ?? f.apiId) === (c.api ?? c.apiId) && f.consumer === c.consumer && f.src === c.src) return ` => ${client} len=${length}`;
  return ` => ${frameText(client, frame, length)}`;
}

function frameText(client: string, frame: unknown, length: number): string {
  if (typeof frame !== 'object' || frame === null) return `${client} (no JSON object) len=${length}`;
  const f = frame as FrameFields;
  let s = `${client} ${traceName(f.mt)}`;
  if (f.api !== undefined) s += ` api=${traceName(f.api)}`;
  if (f.apiId !== undefined) s += ` apiId=${traceName(f.apiId)}`;
  if (f.provider !== undefined) s += ` provider=${traceName(f.provider)}`;
  if (f.consumer !== undefined) s += ` consumer=${traceName(f.consumer)}`;
  if (f.client !== undefined && f.mt !== 'Welcome') s += ` client=${traceName(f.client)}`;
  if (f.src !== undefined) s += ` src=${traceName(f.src)}`;
  if (typeof f.msg === 'object' && f.msg !== null) s += ` msg.mt=${traceName((f.msg as { mt?: unknown }).mt)}`;
  if (f.error !== undefined) s += ` error=${traceName(f.error)}`;
  return `${s} len=${length}`;
}

export async function startLocalServicesServer(opts: LocalServicesOptions): Promise<LocalServicesServer> {
  const { logger, origins } = opts;
  const token = opts.token ?? randomBytes(32).toString('base64url');
  // Whatever a trace line carries (a URL, an error text), the token is masked in it.
  const forgetToken = registerSecret(token);
  const maxFrame = opts.maxFrameBytes ?? BUS_MAX_FRAME_BYTES;
  const maxConnections = opts.maxConnections ?? 64;
  const router = new ApiRouter(logger, defaultReservedNamePolicy(() => {
    const o = opts.pbxOrigin?.();
    return o ? normalizeOrigin(o) ?? undefined : undefined;
  }));
  const httpRoutes: { prefix: string; handler: HttpRouteHandler; auth: 'token' | 'none' }[] = [];
  const wsRoutes = new Map<string, WebSocketRouteHandler>();
  const sockets = new Set<WebSocket>();
  let port = 0;

  const isLoopbackHost = (hostHeader: string | undefined): boolean => {
    if (!hostHeader) return false;
    const h = hostHeader.toLowerCase();
    return h === `127.0.0.1:${port}` || h === `localhost:${port}` || h === `[::1]:${port}`;
  };

  const tokenOf = (req: http.IncomingMessage, url: URL): string | null => {
    const q = url.searchParams.get('token');
    if (q) return q;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return auth.slice(7);
    return null;
  };

  const server = http.createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      // e.g. `GET //` or `GET //[`: a throw here would be an uncaught exception in the main process.
      logger.warn('local services: HTTP request with malformed URL refused');
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
      return;
    }
    if (!isLoopbackHost(req.headers.host)) {
      logger.warn('local services: HTTP request with foreign Host refused', { host: req.headers.host ?? '' });
      res.writeHead(421, { 'content-type': 'text/plain' }).end('misdirected request');
      return;
    }
    const route = httpRoutes
      .filter((r) => url.pathname === r.prefix || url.pathname.startsWith(r.prefix.endsWith('/') ? r.prefix : `${r.prefix}/`))
      .sort((a, b) => b.prefix.length - a.prefix.length)[0];
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (route.auth === 'token') {
      const t = tokenOf(req, url);
      if (!t || !sameSecret(t, token)) {
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
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrame, perMessageDeflate: false });

  server.on('upgrade', (req, socket, head) => {
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
    const routeHandler = wsRoutes.get(url.pathname);
    if (!isBus && !routeHandler) return refuse(404, 'Not Found', 'unknown path');
    if (!isLoopbackHost(req.headers.host)) return refuse(421, 'Misdirected Request', 'foreign Host header');
    if (!origins.has(origin)) return refuse(403, 'Forbidden', `Origin ${origin ?? '(none)'} not allowed`);
    const t = tokenOf(req, url);
    if (!t || !sameSecret(t, token)) return refuse(401, 'Unauthorized', t ? 'wrong token' : 'missing token');
    const v = url.searchParams.get('v');
    if (v !== null && v !== String(BUS_PROTOCOL_VERSION)) return refuse(400, 'Bad Request', `unsupported protocol version ${v}`);
    if (sockets.size >= maxConnections) return refuse(503, 'Service Unavailable', `too many connections (at most ${maxConnections})`);
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      if (isBus) attachBusClient(ws, origin ?? '', peer);
      else routeHandler!(ws, req);
    });
  });

  // Frame traces (AppWebSocket): asked per frame, so a live mask change applies at once; nothing
  // is built when the category is off.
  const frameTraces = (): boolean => (logger.enabled ? logger.enabled('AppWebSocket') : true);
  // While a received frame is handled with frame traces on: the frames it caused to be sent (to
  // any client), appended to its line as ` => c1 …`; undefined otherwise.
  let caused: string | undefined;
  let cause: unknown;
  let causeLength = 0;

  const attachBusClient = (ws: WebSocket, origin: string, peer: string): void => {
    const send = (frame: ServerFrame): void => {
      if (ws.readyState !== ws.OPEN) return;
      const text = JSON.stringify(frame);
      ws.send(text);
      if (caused !== undefined) caused += causedTail(cause, endpoint.id, frame, text.length);
      else if (frameTraces()) logger.trace('AppWebSocket', frameLine('>', endpoint.id, frame, text.length));
    };
    const id = router.newClientId();
    const endpoint: Endpoint = { id, client: id, label: `ws ${peer} ${origin}`, origin: normalizeOrigin(origin) ?? origin, deliver: send };
    router.attach(endpoint);
    logger.trace('AppWebSocket', 'bus: client connected', { client: endpoint.id, origin, peer });
    send({ mt: 'Welcome', protocol: BUS_PROTOCOL_VERSION, client: endpoint.id });

    const refuse = (error: BusErrorFrame['error'], reason: string, src?: string): void => {
      logger.warn(`bus: frame refused (${error}): ${reason}`, { client: endpoint.id });
      const frame: BusErrorFrame = { mt: 'Error', error, reason };
      if (src !== undefined) frame.src = src;
      send(frame);
    };

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!frameTraces()) return receive(data, isBinary);
      caused = '';
      cause = undefined;
      causeLength = 0;
      try {
        receive(data, isBinary);
      } finally {
        const tail = caused;
        caused = undefined;
        logger.trace('AppWebSocket', frameLine('<', endpoint.id, cause, causeLength) + tail);
        cause = undefined;
      }
    });

    const receive = (data: RawData, isBinary: boolean): void => {
      if (isBinary) return refuse('malformed', 'binary frames are not accepted');
      let parsed: unknown;
      let text: string;
      try {
        text = data.toString();
        causeLength = text.length;
        parsed = JSON.parse(text);
      } catch (err) {
        return refuse('malformed', `not JSON: ${(err as Error).message}`);
      }
      if (caused !== undefined) cause = parsed;
      const result = ClientFrameSchema.safeParse(parsed);
      if (!result.success) {
        const mt = typeof parsed === 'object' && parsed !== null ? (parsed as { mt?: unknown }).mt : undefined;
        const src = typeof parsed === 'object' && parsed !== null && typeof (parsed as { src?: unknown }).src === 'string' ? (parsed as { src: string }).src : undefined;
        const issue = result.error.issues[0];
        return refuse('invalid', `${typeof mt === 'string' ? mt : 'frame'}: ${issue ? `${issue.path.join('.') || 'mt'}: ${issue.message}` : 'invalid'}`, src);
      }
      try {
        router.handle(endpoint, result.data);
      } catch (err) {
        if (err instanceof RouterError) {
          const src = 'src' in result.data && typeof result.data.src === 'string' ? result.data.src : undefined;
          refuse(err.code, err.message, src);
        } else {
          logger.error('bus: routing failed', { error: String(err) });
          refuse('invalid', 'internal error');
        }
      }
    };
    ws.on('error', (err) => {
      // ws closes with 1009 on oversized frames and reports it here.
      logger.warn(`bus: connection error: ${err.message}`, { client: endpoint.id });
    });
    ws.on('close', (code) => {
      router.detach(endpoint.id);
      logger.trace('AppWebSocket', 'bus: client closed', { client: endpoint.id, code });
    });
  };

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => { forgetToken(); reject(err); };
    server.once('error', onError);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;
  const host = opts.host ?? '127.0.0.1';
  const launcher = opts.launcher ?? { name: 'myApps', version: '0.0.0', build: '0', platform: process.platform };
  const config: AppClientConfig = {
    version: 1,
    protocol: BUS_PROTOCOL_VERSION,
    bus: `ws://${host}:${port}${BUS_PATH}`,
    http: `http://${host}:${port}`,
    token,
    services: ['api', 'media', 'ringer'],
    launcher,
  };
  logger.trace('Webserver', `local services listening on 127.0.0.1:${port}`, { url: config.bus });

  return {
    port,
    token,
    config,
    router,
    origins,
    addHttpRoute(prefix, handler, o = {}) {
      httpRoutes.push({ prefix, handler, auth: o.auth ?? 'token' });
    },
    addWebSocketRoute(path, handler) {
      if (path === BUS_PATH) throw new Error(`${BUS_PATH} is the bus`);
      wsRoutes.set(path, handler);
    },
    connections: () => sockets.size,
    close() {
      forgetToken();
      for (const ws of sockets) ws.terminate();
      wss.close();
      return new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}
