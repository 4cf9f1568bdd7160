/**
 * Issue 12, "Also fix" (bus-absolute-target): a request target in absolute-form
 * (`GET http://evil.example/bus?token=… HTTP/1.1`) passed the Host check, which looked at the Host
 * header only although such a target names its own authority (RFC 9112 3.2.2: the server then
 * ignores Host). Now only origin-form targets (`/path?query`) are served; absolute-form and
 * asterisk-form (`OPTIONS *`) are refused with 400, on HTTP and WebSocket alike.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalServicesServer, OriginAllowList, type LocalServicesServer } from '../../electron/bus';
import { memoryLogger, type MemoryLogger } from '../fixtures/memory-logger';
import { rawRequest, upgradeRequest, PBX } from './bus-peer';

describe('bus-absolute-target', () => {
  let server: LocalServicesServer;
  let log: MemoryLogger;

  beforeEach(async () => {
    log = memoryLogger();
    server = await startLocalServicesServer({ logger: log, origins: new OriginAllowList([PBX]) });
    server.addHttpRoute('/ping', (_req, res) => { res.end('pong'); });
  });
  afterEach(async () => {
    await server.close();
  });

  const http = (method: string, target: string) =>
    rawRequest(server.port, [`${method} ${target} HTTP/1.1`, `Host: 127.0.0.1:${server.port}`, 'Connection: close', '', ''].join('\r\n'));

  it('refuses WebSocket upgrades with an absolute-form target', async () => {
    for (const authority of ['evil.example', `127.0.0.1:${server.port}`]) {
      const r = await rawRequest(server.port, upgradeRequest(server.port, `http://${authority}/bus?token=${server.token}&v=1`), 1000);
      expect(r.text).toMatch(/^HTTP\/1\.1 400 /);
    }
    expect(server.connections()).toBe(0);
    expect(log.lines.some((l) => l.level === 'warn' && /WebSocket refused: request target not in origin-form/.test(l.message))).toBe(true);
  });

  it('refuses HTTP requests with absolute-form and asterisk-form targets', async () => {
    expect((await http('GET', `http://evil.example/ping?token=${server.token}`)).text).toMatch(/^HTTP\/1\.1 400 /);
    expect((await http('GET', `http://127.0.0.1:${server.port}/ping?token=${server.token}`)).text).toMatch(/^HTTP\/1\.1 400 /);
    expect((await http('OPTIONS', '*')).text).toMatch(/^HTTP\/1\.1 400 /);
    expect(log.lines.some((l) => l.level === 'warn' && /asterisk-form/.test(l.message))).toBe(true);
  });

  it('serves origin-form targets as before', async () => {
    expect((await http('GET', `/ping?token=${server.token}`)).text).toMatch(/^HTTP\/1\.1 200 [\s\S]*pong/);
    const ws = await rawRequest(server.port, upgradeRequest(server.port, `/bus?token=${server.token}&v=1`), 500);
    expect(ws.text).toMatch(/^HTTP\/1\.1 101 /);
  });
});
