/**
 * The media relay's link to the engine (docs/media-protocol.md): the page and script the engine
 * host loads, the /media-engine WebSocket the engine connects to, and its authentication. The
 * engine proves itself with a per-start secret handed to its page in the URL fragment (the bus
 * token alone is known to every app, so it cannot identify the engine); a second engine that
 * authenticates replaces the first. Split out of ./relay.ts, which wires it to the app endpoints.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { WebSocket, RawData } from 'ws';
import { EngineFrameSchema, MEDIA_ENGINE_PAGE_PATH, MEDIA_PROTOCOL_VERSION, type EngineConfig, type RelayToEngine } from '../../common/media';
import type { Logger } from '../platform';
import type { HttpRouteHandler } from '../bus';

export type Service = 'media' | 'ringer';

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The engine page (auth: none; it holds no secret) and the engine bundle it loads. */
export function enginePageHandler(engineScript: () => string | Promise<string>): HttpRouteHandler {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (url.pathname === `${MEDIA_ENGINE_PAGE_PATH}/engine.js`) {
      const js = await engineScript();
      res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(js);
    } else if (url.pathname === `${MEDIA_ENGINE_PAGE_PATH}/` || url.pathname === MEDIA_ENGINE_PAGE_PATH) {
      res
        .writeHead(200, {
          ...headers,
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': "default-src 'none'; script-src 'self'; connect-src 'self' ws://127.0.0.1:*; media-src 'self' blob:; frame-ancestors 'none'",
        })
        .end(`<!doctype html><meta charset="utf-8"><title>myApps media engine</title><script src="${MEDIA_ENGINE_PAGE_PATH}/engine.js"></script>`);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  };
}

export interface EngineLinkOptions {
  logger: Logger;
  /** The configuration sent in EngineWelcome. */
  config: () => EngineConfig;
  /** An event of the authenticated engine, for one session ('*': every session of the service). */
  onEvent: (service: Service, session: string, msg: Record<string, unknown>) => void;
  /** Each time an engine has authenticated. */
  onConnected?: () => void;
  /** The authenticated engine's socket closed. */
  onGone: () => void;
}

/** The one authenticated engine connection (or none). */
export class EngineLink {
  /** Handed to the engine page in the URL fragment; the engine sends it back in EngineHello. */
  readonly secret = randomBytes(24).toString('base64url');
  private ws: WebSocket | null = null;
  private waiters: (() => void)[] = [];

  constructor(private readonly opts: EngineLinkOptions) {}

  get connected(): boolean {
    return this.ws !== null;
  }

  send(frame: RelayToEngine): boolean {
    const engine = this.ws;
    if (!engine || engine.readyState !== engine.OPEN) return false;
    engine.send(JSON.stringify(frame));
    return true;
  }

  waitFor(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws) return resolve();
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new Error('media engine not connected'));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(t);
        resolve();
      };
      this.waiters.push(done);
    });
  }

  /** The /media-engine WebSocket route: EngineHello within 5 s, then engine events. */
  accept(ws: WebSocket): void {
    const { logger } = this.opts;
    let authed = false;
    const helloTimer = setTimeout(() => {
      if (!authed) ws.close(4001, 'EngineHello expected');
    }, 5000);
    ws.on('message', (data: RawData, isBinary) => {
      if (isBinary) return void ws.close(1003, 'text frames only');
      let frame;
      try {
        frame = EngineFrameSchema.parse(JSON.parse(data.toString()));
      } catch (err) {
        logger.warn('media: malformed engine frame', { error: String(err).slice(0, 300) });
        return;
      }
      if (frame.mt === 'EngineHello') {
        if (!sameSecret(frame.secret, this.secret) || frame.version !== MEDIA_PROTOCOL_VERSION) {
          logger.warn('media: engine refused (wrong secret or version)');
          return void ws.close(4003, 'refused');
        }
        clearTimeout(helloTimer);
        authed = true;
        this.connect(ws);
        return;
      }
      if (!authed) return void ws.close(4001, 'EngineHello expected');
      this.opts.onEvent(frame.service, frame.session, frame.msg);
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      if (this.ws !== ws) return;
      this.ws = null;
      logger.warn('media engine disconnected');
      this.opts.onGone();
    });
  }

  close(): void {
    this.ws?.close(1001, 'closing');
  }

  /** An engine has authenticated: it replaces the previous one, gets its configuration, wakes the waiters. */
  private connect(ws: WebSocket): void {
    const { logger } = this.opts;
    if (this.ws && this.ws !== ws) this.ws.close(4000, 'replaced');
    this.ws = ws;
    ws.send(JSON.stringify({ mt: 'EngineWelcome', config: this.opts.config() } satisfies RelayToEngine));
    logger.trace('Media', 'media engine connected');
    try {
      this.opts.onConnected?.();
    } catch (err) {
      logger.warn('media: engine-connected handler failed', { error: String(err) });
    }
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }
}
