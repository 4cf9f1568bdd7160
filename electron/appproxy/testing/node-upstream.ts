/**
 * An `UpstreamFetch` over `node:http(s)` for tests and the bench: unlike Node's global `fetch` it
 * can trust a given CA (the pbx-sim's self-signed certificate), which the product gets from the
 * Electron session instead. Asks for `identity` encoding, so bodies arrive as stored.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';
import type { UpstreamFetch } from '../ports';

const DROP = new Set(['host', 'connection', 'keep-alive', 'upgrade', 'transfer-encoding', 'te', 'trailer', 'accept-encoding', 'proxy-connection']);

export function createNodeUpstream(opts: { ca?: string | Buffer } = {}): UpstreamFetch & { close(): void } {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true, ca: opts.ca }) };
  const fetchFn = async (req: Request, init?: { signal?: AbortSignal }): Promise<Response> => {
    const u = new URL(req.url);
    const secure = u.protocol === 'https:';
    if (!secure && u.protocol !== 'http:') throw new TypeError(`unsupported scheme ${u.protocol}`);
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    req.headers.forEach((v, k) => { if (!DROP.has(k)) headers[k] = v; });
    const body = req.method === 'GET' || req.method === 'HEAD' || !req.body ? undefined : Buffer.from(await req.arrayBuffer());
    const signal = init?.signal ?? req.signal;
    signal?.throwIfAborted();
    return new Promise<Response>((resolve, reject) => {
      const r = (secure ? https : http).request(u, { method: req.method, headers, agent: secure ? agents.https : agents.http }, (res) => {
        const h = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        const status = res.statusCode ?? 502;
        const nullBody = req.method === 'HEAD' || status === 204 || status === 304;
        if (nullBody) res.resume();
        const onAbort = () => res.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        signal?.addEventListener('abort', onAbort, { once: true });
        res.once('close', () => signal?.removeEventListener('abort', onAbort));
        resolve(new Response(nullBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage, headers: h }));
      });
      const onAbort = () => r.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      r.once('response', () => signal?.removeEventListener('abort', onAbort));
      r.once('error', (err) => { signal?.removeEventListener('abort', onAbort); reject(err); });
      r.end(body);
    });
  };
  return Object.assign(fetchFn, { close() { agents.http.destroy(); agents.https.destroy(); } });
}
