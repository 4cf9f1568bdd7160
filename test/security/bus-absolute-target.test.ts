/**
 * Issue 12, "Also fix" (bus-absolute-target): a request target in absolute-form
 * (`GET http://evil.example/bus?token=… HTTP/1.1`) passed the Host check, which looked at the Host
 * header only although such a target names its own authority (RFC 9112 3.2.2: the server then
 * ignores Host). Now only origin-form targets (`/path?query`) are served; absolute-form and
 * asterisk-form (`OPTIONS *`) are refused with 400, on HTTP and WebSocket alike.
 */
import { describe, expect, it } from 'vitest';
import { rawRequest, upgradeRequest, useBusServer } from './bus-peer';

describe('bus-absolute-target', () => {
  const t = useBusServer({}, (s) => s.addHttpRoute('/ping', (_req, res) => { res.end('pong'); }));

  const http = (method: string, target: string) =>
    rawRequest(t.server.port, [`${method} ${target} HTTP/1.1`, `Host: 127.0.0.1:${t.server.port}`, 'Connection: close', '', ''].join('\r\n'));

  it('refuses WebSocket upgrades with an absolute-form target', async () => {
    for (const authority of ['evil.example', `127.0.0.1:${t.server.port}`]) {
      const r = await rawRequest(t.server.port, upgradeRequest(t.server.port, `http://${authority}/bus?token=${t.server.token}&v=1`), 1000);
      expect(r.text).toMatch(/^HTTP\/1\.1 400 /);
    }
    expect(t.server.connections()).toBe(0);
    expect(t.log.lines.some((l) => l.level === 'warn' && /WebSocket refused: request target not in origin-form/.test(l.message))).toBe(true);
  });

  it('refuses HTTP requests with absolute-form and asterisk-form targets', async () => {
    expect((await http('GET', `http://evil.example/ping?token=${t.server.token}`)).text).toMatch(/^HTTP\/1\.1 400 /);
    expect((await http('GET', `http://127.0.0.1:${t.server.port}/ping?token=${t.server.token}`)).text).toMatch(/^HTTP\/1\.1 400 /);
    expect((await http('OPTIONS', '*')).text).toMatch(/^HTTP\/1\.1 400 /);
    expect(t.log.lines.some((l) => l.level === 'warn' && /asterisk-form/.test(l.message))).toBe(true);
  });

  it('serves origin-form targets as before', async () => {
    expect((await http('GET', `/ping?token=${t.server.token}`)).text).toMatch(/^HTTP\/1\.1 200 [\s\S]*pong/);
    const ws = await rawRequest(t.server.port, upgradeRequest(t.server.port, `/bus?token=${t.server.token}&v=1`), 500);
    expect(ws.text).toMatch(/^HTTP\/1\.1 101 /);
  });
});
