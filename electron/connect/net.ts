/**
 * Node-side HTTPS from the main process (preflight, update downloads) that honours the OS proxy:
 * direct TCP or an HTTP CONNECT tunnel through the proxy the ProxyResolver names, with
 * `Proxy-Authorization: Basic` when the proxy answers 407 (credentials from the CredentialStore,
 * else asked once through the CredentialPrompt and then stored), then TLS with certificate
 * checking (a certificate that is not trusted is refused unless the user pinned it for this
 * origin, see certificates.ts).
 */
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Logger } from '../platform';
import { certificateDecision, certificateInfo, type CertificateInfo } from './certificates';
import type { CredentialPrompt, CredentialStore, ProxyCredentials, ProxyResolver, ProxyRoute } from './ports';
import type { CertificatePin } from '../../common/settings/schema';

export type NetworkErrorKind =
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'reset'
  | 'certificate'
  | 'tls'
  | 'proxy'
  | 'proxy-auth'
  | 'http'
  | 'other';

export class NetworkError extends Error {
  constructor(
    readonly kind: NetworkErrorKind,
    message: string,
    readonly details: { code?: string; status?: number; certificate?: CertificateInfo; proxy?: string } = {},
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

/** Map a Node socket/DNS error to a failure kind. */
export function classifyNodeError(err: unknown): NetworkError {
  if (err instanceof NetworkError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  const msg = e?.message ?? String(err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') return new NetworkError('dns', `The server name could not be resolved (${code}).`, { code });
  if (code === 'ECONNREFUSED') return new NetworkError('refused', 'The connection was refused.', { code });
  if (code === 'ETIMEDOUT' || code === 'ABORT_ERR' || e?.name === 'TimeoutError' || e?.name === 'AbortError') return new NetworkError('timeout', 'The connection timed out.', { code: code || 'ETIMEDOUT' });
  if (code === 'ECONNRESET' || code === 'EPIPE') return new NetworkError('reset', 'The connection was closed unexpectedly.', { code });
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new NetworkError('refused', `The server is unreachable (${code}).`, { code });
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /SSL|TLS/.test(msg)) return new NetworkError('tls', `TLS failed: ${msg}`, { code });
  return new NetworkError('other', msg, { code });
}

export interface Target {
  host: string;
  port: number;
}

function hostForAuthority(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function connectTcp(host: string, port: number, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(classifyNodeError(signal.reason));
    const sock = net.connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const onAbort = () => {
      sock.destroy();
      reject(new NetworkError('timeout', 'The connection timed out.', { code: 'ETIMEDOUT' }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    sock.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(classifyNodeError(err));
    });
  });
}

export interface ConnectResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
}

/**
 * Send `CONNECT host:port` on an open socket to a proxy and read the answer. On 200 the socket is
 * the tunnel; on anything else it is destroyed and the status returned.
 */
export function sendConnect(sock: net.Socket, target: Target, authorization: string | undefined, signal: AbortSignal): Promise<ConnectResponse> {
  return new Promise((resolve, reject) => {
    const authority = `${hostForAuthority(target.host)}:${target.port}`;
    let buf = Buffer.alloc(0);
    const cleanup = () => {
      sock.removeListener('data', onData);
      sock.removeListener('error', onError);
      sock.removeListener('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      cleanup();
      sock.destroy();
      reject(new NetworkError('timeout', 'The proxy did not answer in time.', { code: 'ETIMEDOUT' }));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(classifyNodeError(err));
    };
    const onClose = () => {
      cleanup();
      reject(new NetworkError('proxy', 'The proxy closed the connection before answering CONNECT.'));
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > 64 * 1024) {
          cleanup();
          sock.destroy();
          reject(new NetworkError('proxy', 'The proxy sent an oversized answer to CONNECT.'));
        }
        return;
      }
      cleanup();
      const head = buf.subarray(0, end).toString('latin1').split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(head[0] ?? '');
      if (!m) {
        sock.destroy();
        reject(new NetworkError('proxy', `The proxy answered CONNECT with "${(head[0] ?? '').slice(0, 100)}".`));
        return;
      }
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) {
          const k = line.slice(0, i).trim().toLowerCase();
          headers[k] = headers[k] ? `${headers[k]}, ${line.slice(i + 1).trim()}` : line.slice(i + 1).trim();
        }
      }
      const status = Number(m[1]);
      if (status === 200) {
        const rest = buf.subarray(end + 4);
        if (rest.length) sock.unshift(rest);
      } else sock.destroy();
      resolve({ status, statusText: m[2] ?? '', headers });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    sock.on('data', onData);
    sock.once('error', onError);
    sock.once('close', onClose);
    const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`, 'User-Agent: myApps'];
    if (authorization) lines.push(`Proxy-Authorization: ${authorization}`);
    sock.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

export function basicAuthorization(c: ProxyCredentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64')}`;
}

/**
 * The authentication schemes a Proxy-Authenticate header offers, lower case ("basic", "ntlm",
 * "negotiate", "digest"). Several challenges arrive joined with ", " (sendConnect); a challenge
 * starts with its scheme name, its parameters (name=value) follow.
 */
export function authSchemes(header: string | undefined): string[] {
  const out = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    // a scheme is a token followed by the end of the piece or by its parameters; "realm=…" is a parameter
    const m = /^\s*([A-Za-z][A-Za-z0-9!#$&'*+.^_`|~-]*)(?:\s*$|\s+(?!=))/.exec(part);
    if (m) out.add(m[1]!.toLowerCase());
  }
  return [...out];
}

function schemeName(s: string): string {
  return s === 'ntlm' ? 'NTLM' : s === 'negotiate' ? 'Negotiate (Kerberos)' : s.charAt(0).toUpperCase() + s.slice(1);
}

function realmOf(header: string | undefined): string | undefined {
  return header ? /realm="([^"]*)"/i.exec(header)?.[1] : undefined;
}

export interface ProxyConnectorOptions {
  resolver: ProxyResolver;
  credentials?: CredentialStore;
  prompt?: CredentialPrompt;
  logger: Logger;
  /** How often the user is asked again after refused credentials, per connection attempt. Default 2. */
  maxPrompts?: number;
}

/**
 * Opens TCP connections to targets, directly or through an HTTP CONNECT proxy. Proxy credentials
 * are asked at most once at a time per proxy (concurrent connections share one prompt) and kept
 * in the CredentialStore under the proxy host name.
 */
export class ProxyConnector {
  private readonly pendingPrompts = new Map<string, Promise<ProxyCredentials | null>>();
  /** Credentials known to work (or the latest entered), by proxy host. */
  private readonly cache = new Map<string, ProxyCredentials>();

  constructor(private readonly opts: ProxyConnectorOptions) {}

  async connect(url: string, target: Target, signal: AbortSignal): Promise<{ socket: net.Socket; route: ProxyRoute }> {
    const routes = await this.opts.resolver.resolve(url);
    let lastErr: unknown;
    for (const route of routes) {
      try {
        if (route.kind === 'direct') {
          this.opts.logger.trace('TCP', 'connect direct', { host: target.host, port: target.port });
          return { socket: await connectTcp(target.host, target.port, signal), route };
        }
        return { socket: await this.viaProxy(route, target, signal), route };
      } catch (err) {
        lastErr = err;
        // A refused authentication or a timeout is final; other failures try the next route.
        if (err instanceof NetworkError && (err.kind === 'proxy-auth' || signal.aborted)) throw err;
      }
    }
    throw classifyNodeError(lastErr);
  }

  private async viaProxy(route: Extract<ProxyRoute, { kind: 'http' }>, target: Target, signal: AbortSignal): Promise<net.Socket> {
    const proxy = `${hostForAuthority(route.host)}:${route.port}`;
    let creds: ProxyCredentials | undefined =
      route.username !== undefined ? { username: route.username, password: route.password ?? '' } : this.cache.get(route.host);
    let from: 'url' | 'cache' | 'store' | 'prompt' | 'none' = route.username !== undefined ? 'url' : creds ? 'cache' : 'none';
    let prompts = 0;
    let triedStore = false;
    const maxPrompts = this.opts.maxPrompts ?? 2;
    for (;;) {
      let sock: net.Socket;
      try {
        sock = await connectTcp(route.host, route.port, signal);
      } catch (err) {
        const e = classifyNodeError(err);
        throw new NetworkError(e.kind === 'timeout' ? 'timeout' : 'proxy', `The proxy ${proxy} cannot be reached: ${e.message}`, { code: e.details.code, proxy });
      }
      this.opts.logger.trace('HTTPClient', 'CONNECT', { proxy, target: `${target.host}:${target.port}`, auth: creds ? 'basic' : 'none' });
      const res = await sendConnect(sock, target, creds ? basicAuthorization(creds) : undefined, signal);
      if (res.status === 200) {
        if (creds && from !== 'url') this.cache.set(route.host, creds);
        if (creds && from === 'prompt' && this.opts.credentials) {
          await this.opts.credentials.set(route.host, creds).catch((err: Error) => this.opts.logger.warn('proxy credentials not saved', { error: err.message }));
        }
        return sock;
      }
      if (res.status !== 407) {
        throw new NetworkError('proxy', `The proxy ${proxy} refused the tunnel: ${res.status} ${res.statusText}`.trim(), { status: res.status, proxy });
      }
      // 407: find credentials. Only Basic is spoken here (docs/update.md: Windows and macOS
      // download updates through Chromium's network stack, which does NTLM and Negotiate).
      const offered = authSchemes(res.headers['proxy-authenticate']);
      if (offered.length && !offered.includes('basic')) {
        throw new NetworkError('proxy-auth', `The proxy ${proxy} asks for ${offered.map(schemeName).join(' or ')} authentication; myApps can sign in to a proxy here with Basic authentication only. Ask your administrator to allow Basic authentication for this client, or a direct connection to the update store.`, { status: 407, proxy });
      }
      const failed = creds !== undefined;
      if (failed && this.cache.get(route.host) === creds) this.cache.delete(route.host);
      if (!triedStore && !failed && this.opts.credentials) {
        triedStore = true;
        const stored = await this.opts.credentials.get(route.host).catch(() => undefined);
        if (stored) {
          creds = stored;
          from = 'store';
          continue;
        }
      }
      triedStore = true;
      if (!this.opts.prompt || prompts >= maxPrompts) {
        throw new NetworkError('proxy-auth', `The proxy ${proxy} requires authentication${failed ? ' and refused the credentials' : ''}.`, { status: 407, proxy });
      }
      prompts++;
      const answer = await this.askOnce(route.host, route.port, realmOf(res.headers['proxy-authenticate']), failed, creds);
      if (!answer) throw new NetworkError('proxy-auth', `Authentication for the proxy ${proxy} was cancelled.`, { status: 407, proxy });
      creds = answer;
      from = 'prompt';
    }
  }

  /** One prompt per proxy at a time; concurrent 407s wait for the same answer. */
  private askOnce(host: string, port: number, realm: string | undefined, retry: boolean, refused?: ProxyCredentials): Promise<ProxyCredentials | null> {
    // Someone else already got new credentials meanwhile: use them.
    const cached = this.cache.get(host);
    if (cached && cached !== refused) return Promise.resolve(cached);
    let p = this.pendingPrompts.get(host);
    if (!p) {
      this.opts.logger.trace('HTTPClient', 'asking for proxy credentials', { proxy: host, retry });
      p = this.opts.prompt!.ask({ proxyHost: host, proxyPort: port, ...(realm !== undefined ? { realm } : {}), retry }).then((c) => {
        if (c) this.cache.set(host, c);
        return c;
      });
      p.finally(() => this.pendingPrompts.delete(host)).catch(() => {});
      this.pendingPrompts.set(host, p);
    }
    return p;
  }
}

export interface HttpsGetOptions {
  connector: ProxyConnector;
  timeoutMs?: number;
  /** User-pinned certificates (settings `trustedCertificates`). */
  pins?: CertificatePin[];
  /**
   * Trusted CAs (PEM) in addition to Node's built-in roots: the OS certificate bundle on Linux
   * (native/linux/ca-bundle.ts), a test server's certificate in the tests.
   */
  ca?: string | string[];
  /** Largest body kept, bytes (default 1 MiB); the rest is read and dropped. */
  maxBodyBytes?: number;
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
}

export interface HttpsResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  certificate: CertificateInfo;
  /** True when the certificate is only trusted because the user pinned it. */
  pinned: boolean;
  route: ProxyRoute;
}

interface OpenedTls {
  sock: tls.TLSSocket;
  certificate: CertificateInfo;
  pinned: boolean;
  route: ProxyRoute;
}

/** Connect (direct or tunnelled), handshake TLS and decide on the certificate. */
async function openTls(u: URL, opts: HttpsGetOptions, signal: AbortSignal): Promise<OpenedTls> {
  if (u.protocol !== 'https:') throw new NetworkError('other', `Only https URLs are fetched, not ${u.protocol}`);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = u.port ? Number(u.port) : 443;
  const { socket, route } = await opts.connector.connect(u.href, { host, port }, signal);
  let tlsSock: tls.TLSSocket | undefined;
  try {
    tlsSock = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({
        socket,
        ...(net.isIP(host) ? {} : { servername: host }),
        host,
        rejectUnauthorized: false, // decided below, so that the details can be shown
        ALPNProtocols: ['http/1.1'],
        // Node's `ca` replaces its built-in roots: keep them and add ours.
        ...(opts.ca ? { ca: [...tls.rootCertificates, ...(Array.isArray(opts.ca) ? opts.ca : [opts.ca])] } : {}),
      });
      const onAbort = () => {
        s.destroy();
        reject(new NetworkError('timeout', 'The TLS handshake timed out.', { code: 'ETIMEDOUT' }));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      s.once('secureConnect', () => {
        signal.removeEventListener('abort', onAbort);
        resolve(s);
      });
      s.once('error', (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(classifyNodeError(err));
      });
    });
    const cert = certificateInfo(tlsSock.getPeerCertificate(true), tlsSock.authorized ? undefined : String(tlsSock.authorizationError ?? 'UNTRUSTED'));
    let pinned = false;
    if (!tlsSock.authorized) {
      if (certificateDecision({ origin: u.origin, certificate: cert }, opts.pins ?? []) !== 'allow') {
        throw new NetworkError('certificate', `The server's certificate is not trusted (${cert.error}).`, { code: cert.error, certificate: cert });
      }
      pinned = true;
    }
    return { sock: tlsSock, certificate: cert, pinned, route };
  } catch (err) {
    (tlsSock ?? socket).destroy();
    throw err;
  }
}

function requestOn(o: OpenedTls, u: URL, opts: HttpsGetOptions, signal: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        method: opts.method ?? 'GET',
        host: u.hostname,
        port: u.port ? Number(u.port) : 443,
        path: `${u.pathname}${u.search}`,
        headers: { Host: u.host, 'User-Agent': 'myApps', Accept: '*/*', Connection: 'close', ...opts.headers },
        createConnection: () => o.sock,
        signal,
      },
      resolve,
    );
    req.on('error', (err) => {
      o.sock.destroy();
      reject(classifyNodeError(err));
    });
    req.end();
  });
}

/** One HTTPS request (no redirects followed) through the proxy-aware connector; the body is buffered. */
export async function httpsGet(url: string, opts: HttpsGetOptions): Promise<HttpsResponse> {
  const u = new URL(url);
  const signal = AbortSignal.timeout(opts.timeoutMs ?? 15_000);
  const o = await openTls(u, opts, signal);
  try {
    const res = await requestOn(o, u, opts, signal);
    const max = opts.maxBodyBytes ?? 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const c of res as AsyncIterable<Buffer>) {
        if (size < max) chunks.push(c.subarray(0, max - size));
        size += c.length;
      }
    } catch (err) {
      throw classifyNodeError(err);
    }
    return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), certificate: o.certificate, pinned: o.pinned, route: o.route };
  } finally {
    o.sock.destroy();
  }
}

export interface ProxyFetchResponse {
  status: number;
  url: string;
  headers: { get(name: string): string | null };
  /** The body as an AsyncIterable<Uint8Array> (streamed, not buffered). */
  body: AsyncIterable<Uint8Array> | null;
}

/**
 * A small fetch for the main process (update downloads): GET/HEAD over https through the
 * proxy-aware connector, streaming body, redirects followed (https only, at most 5) unless
 * `redirect: 'error'`. `timeoutMs` bounds connecting; `init.signal` aborts the whole transfer.
 */
export function createProxyFetch(base: Omit<HttpsGetOptions, 'method' | 'headers'>) {
  return async function proxyFetch(
    url: string,
    init: { method?: 'GET' | 'HEAD'; headers?: Record<string, string>; signal?: AbortSignal; redirect?: 'follow' | 'error' } = {},
  ): Promise<ProxyFetchResponse> {
    let current = new URL(url);
    for (let hop = 0; ; hop++) {
      const connectSignal = AbortSignal.any([AbortSignal.timeout(base.timeoutMs ?? 15_000), ...(init.signal ? [init.signal] : [])]);
      const opts: HttpsGetOptions = { ...base, method: init.method ?? 'GET', ...(init.headers ? { headers: init.headers } : {}) };
      const o = await openTls(current, opts, connectSignal);
      const res = await requestOn(o, current, opts, init.signal ?? new AbortController().signal).catch((err: unknown) => {
        o.sock.destroy();
        throw err;
      });
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location && init.redirect !== 'error') {
        res.resume();
        o.sock.destroy();
        if (hop >= 5) throw new NetworkError('http', `Too many redirects (last: ${location}).`, { status });
        const next = new URL(location, current);
        if (next.protocol !== 'https:') throw new NetworkError('http', `Refusing a redirect to ${next.protocol}`, { status });
        current = next;
        continue;
      }
      res.on('end', () => o.sock.destroy());
      res.on('error', () => o.sock.destroy());
      init.signal?.addEventListener('abort', () => res.destroy(new NetworkError('timeout', 'aborted')), { once: true });
      const headers = res.headers;
      return {
        status,
        url: current.href,
        headers: {
          get(name: string) {
            const v = headers[name.toLowerCase()];
            return v === undefined ? null : Array.isArray(v) ? v.join(', ') : String(v);
          },
        },
        body: opts.method === 'HEAD' ? (res.resume(), null) : (res as AsyncIterable<Uint8Array>),
      };
    }
  };
}
