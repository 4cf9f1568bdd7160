/**
 * Issue 12, "Also fix" (bus-bearer-token): WebSocket upgrades accepted the token in an
 * `Authorization: Bearer` header although docs/local-services.md says `?token=` only. A browser
 * page cannot set that header on a WebSocket, so a header token only ever comes from something that
 * is not the web client. Now an upgrade takes the token from the query only; HTTP routes keep
 * `?token=` or `Authorization: Bearer`, as documented.
 */
import { describe, expect, it } from 'vitest';
import { rawRequest, upgradeRequest, useBusServer } from './bus-peer';

describe('bus-bearer-token', () => {
  const t = useBusServer({}, (s) => s.addHttpRoute('/ping', (_req, res) => { res.end('pong'); }));

  it('refuses a WebSocket upgrade that carries the token only in an Authorization header', async () => {
    for (const path of ['/bus?v=1', '/bus']) {
      const r = await rawRequest(t.server.port, upgradeRequest(t.server.port, path, [`Authorization: Bearer ${t.server.token}`]));
      expect(r.text).toMatch(/^HTTP\/1\.1 401 /);
    }
    expect(t.server.connections()).toBe(0);
    const line = t.log.lines.find((l) => l.level === 'warn' && /WebSocket refused/.test(l.message));
    expect(line?.message).toMatch(/an Authorization header is not accepted on WebSocket upgrades/);
  });

  it('accepts the token as ?token= on upgrades, and both forms on HTTP routes', async () => {
    const ws = await rawRequest(t.server.port, upgradeRequest(t.server.port, `/bus?token=${t.server.token}&v=1`), 500);
    expect(ws.text).toMatch(/^HTTP\/1\.1 101 /);
    const get = (headers: string[], target = '/ping') =>
      rawRequest(t.server.port, [`GET ${target} HTTP/1.1`, `Host: 127.0.0.1:${t.server.port}`, 'Connection: close', ...headers, '', ''].join('\r\n'));
    expect((await get([`Authorization: Bearer ${t.server.token}`])).text).toMatch(/^HTTP\/1\.1 200 [\s\S]*pong/);
    expect((await get([], `/ping?token=${t.server.token}`)).text).toMatch(/^HTTP\/1\.1 200 /);
    expect((await get(['Authorization: Bearer wrong'])).text).toMatch(/^HTTP\/1\.1 401 /);
  });
});
