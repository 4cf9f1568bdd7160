/**
 * Which proxy to use for a URL: environment variables on Linux (HTTPS_PROXY, https_proxy,
 * ALL_PROXY, NO_PROXY, as curl reads them) and the PAC-style answer of Electron's
 * `session.resolveProxy()` in the product (parsePacResult).
 */
import type { ProxyResolver, ProxyRoute } from './ports';

export const DIRECT: ProxyRoute = { kind: 'direct' };

/** Parse `http://[user:pass@]host[:port]` (a bare `host:port` is taken as http). Only http proxies (CONNECT) are supported. */
export function parseProxyUrl(value: string): ProxyRoute | { error: string } {
  let v = value.trim();
  if (v === '') return { error: 'empty proxy setting' };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) v = `http://${v}`;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return { error: `proxy "${value}" is not a URL` };
  }
  if (u.protocol !== 'http:') return { error: `proxy "${value}": only http:// proxies (HTTP CONNECT) are supported` };
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = u.port ? Number(u.port) : 80;
  return {
    kind: 'http',
    host,
    port,
    ...(u.username ? { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } : {}),
  };
}

/** Does NO_PROXY exclude this host/port? Entries: `*`, `host`, `.domain`/`domain` (suffix), `host:port`, IP literals. */
export function noProxyMatches(noProxy: string, host: string, port: number): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  for (let entry of noProxy.split(/[\s,]+/)) {
    entry = entry.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    let ePort: number | undefined;
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (m) {
      entry = m[1]!;
      ePort = Number(m[2]);
    }
    entry = entry.replace(/^\[|\]$/g, '').replace(/^\*?\./, '.');
    if (ePort !== undefined && ePort !== port) continue;
    if (entry.startsWith('.')) {
      if (h.endsWith(entry) || h === entry.slice(1)) return true;
    } else if (h === entry || h.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/** Proxy from environment variables (Linux, and tests). */
export class EnvProxyResolver implements ProxyResolver {
  constructor(private readonly env: Record<string, string | undefined> = process.env) {}

  async resolve(url: string): Promise<ProxyRoute[]> {
    const u = new URL(url);
    const port = u.port ? Number(u.port) : u.protocol === 'https:' || u.protocol === 'wss:' ? 443 : 80;
    const noProxy = this.env.no_proxy ?? this.env.NO_PROXY ?? '';
    if (noProxyMatches(noProxy, u.hostname, port)) return [DIRECT];
    const secure = u.protocol === 'https:' || u.protocol === 'wss:';
    const value = secure
      ? (this.env.https_proxy ?? this.env.HTTPS_PROXY ?? this.env.all_proxy ?? this.env.ALL_PROXY)
      : (this.env.http_proxy ?? this.env.HTTP_PROXY ?? this.env.all_proxy ?? this.env.ALL_PROXY);
    if (!value) return [DIRECT];
    const p = parseProxyUrl(value);
    if ('error' in p) throw new Error(p.error);
    return [p];
  }
}

/**
 * Parse a PAC-style result (`DIRECT`, `PROXY host:port; DIRECT`, `HTTPS host:port`, …) as Electron's
 * `session.resolveProxy(url)` returns it. SOCKS entries are skipped (not supported).
 */
export function parsePacResult(pac: string): ProxyRoute[] {
  const routes: ProxyRoute[] = [];
  for (const part of pac.split(';')) {
    const [kind, hostPort] = part.trim().split(/\s+/);
    if (!kind) continue;
    const k = kind.toUpperCase();
    if (k === 'DIRECT') routes.push(DIRECT);
    else if ((k === 'PROXY' || k === 'HTTP') && hostPort) {
      const p = parseProxyUrl(`http://${hostPort}`);
      if (!('error' in p)) routes.push(p);
    }
  }
  return routes.length ? routes : [DIRECT];
}

/** A fixed answer (tests, or a proxy configured in settings). */
export class StaticProxyResolver implements ProxyResolver {
  constructor(private readonly routes: ProxyRoute[]) {}
  async resolve(): Promise<ProxyRoute[]> {
    return this.routes;
  }
}
