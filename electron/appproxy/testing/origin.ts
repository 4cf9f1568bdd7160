/**
 * A real HTTP(S) origin for the app proxy's tests and bench: serves files from memory with ETag /
 * Last-Modified / Cache-Control, answers conditional requests, logs every request, and can be
 * stopped, restarted on the same port, made to hang or to answer 5xx.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createHash } from 'node:crypto';

export interface OriginFile {
  body: Buffer | string;
  type?: string;
  /** Cache-Control sent with the file [no-cache]. */
  cacheControl?: string;
  status?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Send no ETag/Last-Modified. */
  noValidators?: boolean;
}

export interface OriginLogLine { method: string; path: string; headers: http.IncomingHttpHeaders; status: number }

export type OriginMode = 'normal' | 'hang' | 'error500';

export class TestOrigin {
  readonly files = new Map<string, OriginFile>();
  readonly log: OriginLogLine[] = [];
  mode: OriginMode = 'normal';
  /** Served for any path that has no file (hostile-URL tests). */
  fallback: OriginFile | undefined;
  private server: http.Server | https.Server | undefined;
  private sockets = new Set<Socket>();
  private hung: http.ServerResponse[] = [];
  port = 0;
  private lastModified = new Date(Date.now() - 3600_000).toUTCString();

  constructor(private readonly tls?: { key: string; cert: string }) {}

  get origin(): string { return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`; }

  set(path: string, file: OriginFile | string): void {
    this.files.set(path, typeof file === 'string' ? { body: file } : file);
    this.lastModified = new Date().toUTCString();
  }

  private onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0]!;
    const line: OriginLogLine = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, status: 0 };
    this.log.push(line);
    if (this.mode === 'hang') { this.hung.push(res); return; }
    if (this.mode === 'error500') { line.status = 500; res.writeHead(500, { 'content-type': 'text/plain' }).end('boom'); return; }
    const f = this.files.get(path) ?? this.fallback;
    if (!f) { line.status = 404; res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
    const body = typeof f.body === 'string' ? Buffer.from(f.body) : f.body;
    const headers: Record<string, string> = {
      'content-type': f.type ?? guessType(path),
      'cache-control': f.cacheControl ?? 'no-cache',
      ...(f.headers ?? {}),
    };
    if (!f.noValidators) {
      headers.etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
      headers['last-modified'] = this.lastModified;
    }
    const status = f.status ?? 200;
    if (status === 200 && headers.etag && req.headers['if-none-match'] === headers.etag) {
      line.status = 304;
      res.writeHead(304, { etag: headers.etag, 'cache-control': headers['cache-control']! }).end();
      return;
    }
    line.status = status;
    headers['content-length'] = String(body.length);
    res.writeHead(status, headers).end(req.method === 'HEAD' ? undefined : body);
  };

  async start(port = this.port): Promise<void> {
    const server = this.tls ? https.createServer({ key: this.tls.key, cert: this.tls.cert }, this.onRequest) : http.createServer(this.onRequest);
    server.keepAliveTimeout = 1000;
    server.on('connection', (s: Socket) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Stop listening and drop every connection (the port then refuses connections). */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    for (const r of this.hung.splice(0)) r.destroy();
    for (const sock of this.sockets) sock.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

export function guessType(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return ({
    htm: 'text/html; charset=utf-8', html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8',
    css: 'text/css; charset=utf-8', png: 'image/png', svg: 'image/svg+xml', json: 'application/json',
  } as Record<string, string>)[ext] ?? 'application/octet-stream';
}
