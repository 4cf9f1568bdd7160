/**
 * The local services server: one loopback HTTP + WebSocket server on a random port.
 *
 * - Binds 127.0.0.1 only. The URL handed to the web client says `127.0.0.1` or `localhost`
 *   (DISABLELOCALHOST decides the form, never the bind address).
 * - Every start generates a new 256-bit token. WebSocket upgrades must carry it (`?token=`), an
 *   allowed Origin, a loopback Host header (DNS-rebinding guard) and a supported protocol `v`.
 * - Frames are JSON text, at most BUS_MAX_FRAME_BYTES, validated against common/bus.ts.
 *   Refusals are answered with an Error frame (or an HTTP status at handshake) and traced with
 *   their reason (rate-limited per reason); nothing a client sends can crash the server.
 * - Limits (docs/local-services.md): WebSocket connections, HTTP connections that have not
 *   upgraded, the time to send request headers, the bytes queued for a client that does not read.
 *
 * This file starts the server and hands out its face; the checks and routes are ./routes.ts, a
 * bus client and its frame traces ./bus-client.ts, the routing of APIs ./router.ts.
 */
import * as http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { BUS_MAX_FRAME_BYTES, BUS_PATH, BUS_PROTOCOL_VERSION, type AppClientConfig } from '../../common/bus';
import type { Logger } from '../platform';
import { ApiRouter, defaultReservedNamePolicy } from './router';
import { webOrigin } from '../../common/origin';
import { OriginAllowList } from './origins';
import { registerSecret } from '../log';
import { attachBusClient, FrameTracer, BUS_SEND_BUDGET_BYTES } from './bus-client';
import { RefusalLog, type RefusalLogOptions } from './refusals';
import { acceptUpgrade, serveHttp, type HttpRoute, type HttpRouteHandler, type RouteContext, type WebSocketRouteHandler } from './routes';

export type { HttpRouteHandler, WebSocketRouteHandler } from './routes';

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
  /** Most HTTP connections open at once that have not become WebSockets. Default 64. */
  maxHttpConnections?: number;
  /** Time a connection has to send a request's headers (also a silent new connection). Default 10 s. */
  headersTimeoutMs?: number;
  /** Bytes queued for a bus client that does not read before it is disconnected. Default 4 MiB. */
  sendBudgetBytes?: number;
  /** Rate limit of refusal lines (tests shorten the window). */
  refusals?: RefusalLogOptions;
}

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

export async function startLocalServicesServer(opts: LocalServicesOptions): Promise<LocalServicesServer> {
  const { logger, origins } = opts;
  const token = opts.token ?? randomBytes(32).toString('base64url');
  // Whatever a trace line carries (a URL, an error text), the token is masked in it.
  const forgetToken = registerSecret(token);
  const maxFrame = opts.maxFrameBytes ?? BUS_MAX_FRAME_BYTES;
  const maxConnections = opts.maxConnections ?? 64;
  const maxHttpConnections = opts.maxHttpConnections ?? 64;
  const headersTimeout = opts.headersTimeoutMs ?? 10_000;
  const sendBudget = opts.sendBudgetBytes ?? BUS_SEND_BUDGET_BYTES;
  const refusals = new RefusalLog(logger, opts.refusals);
  const router = new ApiRouter(logger, defaultReservedNamePolicy(() => {
    const o = opts.pbxOrigin?.();
    return o ? webOrigin(o) ?? undefined : undefined;
  }));
  const httpRoutes: HttpRoute[] = [];
  const wsRoutes = new Map<string, WebSocketRouteHandler>();
  const sockets = new Set<WebSocket>();
  /** Connections that are (still) HTTP: not upgraded to a WebSocket. */
  const httpConnections = new Set<Duplex>();
  let port = 0;

  const tracer = new FrameTracer(logger);
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrame, perMessageDeflate: false });
  const ctx: RouteContext = {
    logger,
    token,
    origins,
    port: () => port,
    httpRoutes,
    wsRoutes,
    wss,
    sockets,
    maxConnections,
    refusals,
    upgraded: (socket) => httpConnections.delete(socket),
    onBus: (ws, origin, peer) => attachBusClient(ws, origin, peer, { router, logger, tracer, refusals, sendBudget }),
  };
  // headersTimeout also ends a connection that sends nothing; Node checks it every
  // connectionsCheckingInterval. requestTimeout: the whole request (our routes take no bodies).
  const server = http.createServer(
    { headersTimeout, requestTimeout: Math.max(headersTimeout, 30_000), connectionsCheckingInterval: Math.min(1000, headersTimeout) },
    (req, res) => serveHttp(ctx, req, res),
  );
  server.on('connection', (socket: Socket) => {
    if (httpConnections.size >= maxHttpConnections) {
      refusals.refused('too many HTTP connections', `local services: connection refused: more than ${maxHttpConnections} HTTP connections open`, { peer: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}` });
      socket.destroy();
      return;
    }
    httpConnections.add(socket);
    socket.once('close', () => httpConnections.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => acceptUpgrade(ctx, req, socket, head));

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
      refusals.flush();
      for (const ws of sockets) ws.terminate();
      wss.close();
      return new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}
