/**
 * Issue 12, "Also fix" (bus-idle-http): HTTP connections to the local services server that never
 * send a request or never upgrade were unlimited and stayed open (Node's 60 s header timeout, checked
 * every 30 s). Now at most `maxHttpConnections` connections that are not WebSockets are open at once
 * (a new one beyond is closed at once), and a connection has `headersTimeoutMs` to send its request
 * headers (silent and byte-by-byte ones alike). WebSockets do not count against the HTTP limit.
 */
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalServicesServer, OriginAllowList, type LocalServicesServer, type LocalServicesOptions } from '../../electron/bus';
import { memoryLogger } from '../fixtures/memory-logger';
import { openPeer, rawRequest, until, PBX, type BusPeer } from './bus-peer';

interface Conn {
  socket: net.Socket;
  closed: boolean;
}

function connect(port: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const c: Conn = { socket, closed: false };
    socket.on('close', () => (c.closed = true));
    socket.on('error', () => {});
    socket.resume(); // read (and drop) what the server sends, so that its end is seen
    socket.once('connect', () => resolve(c));
    socket.once('error', reject);
  });
}

describe('bus-idle-http', () => {
  let server: LocalServicesServer | undefined;
  const conns: Conn[] = [];
  const peers: BusPeer[] = [];

  const start = async (o: Partial<LocalServicesOptions>) => {
    server = await startLocalServicesServer({ logger: memoryLogger(), origins: new OriginAllowList([PBX]), ...o });
    server.addHttpRoute('/ping', (_req, res) => { res.end('pong'); }, { auth: 'none' });
    return server;
  };
  const ping = (s: LocalServicesServer) => rawRequest(s.port, `GET /ping HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nConnection: close\r\n\r\n`);
  afterEach(async () => {
    conns.splice(0).forEach((c) => c.socket.destroy());
    peers.splice(0).forEach((p) => p.ws.terminate());
    await server?.close();
    server = undefined;
  });

  it('closes a connection beyond the limit of HTTP connections at once', async () => {
    const s = await start({ maxHttpConnections: 4, headersTimeoutMs: 10_000 });
    for (let i = 0; i < 4; i++) conns.push(await connect(s.port));
    const extra = await connect(s.port);
    conns.push(extra);
    await until(() => extra.closed, 'the fifth connection is closed', 3000);
    expect(conns.slice(0, 4).every((c) => !c.closed)).toBe(true);
    // Once the idle ones are gone, requests are served again.
    conns.slice(0, 4).forEach((c) => c.socket.destroy());
    await until(() => conns.every((c) => c.closed), 'client sockets closed');
    await new Promise((r) => setTimeout(r, 50));
    expect((await ping(s)).text).toMatch(/^HTTP\/1\.1 200 [\s\S]*pong/);
  });

  it('closes connections that send no request, or their headers too slowly, after the header timeout', async () => {
    const s = await start({ headersTimeoutMs: 400 });
    const silent = await connect(s.port);
    const slow = await connect(s.port);
    conns.push(silent, slow);
    slow.socket.write('GET /ping HTTP/1.1\r\n');
    const drip = setInterval(() => { if (!slow.closed) slow.socket.write('X-Drip: 1\r\n'); }, 50);
    try {
      await until(() => silent.closed && slow.closed, 'idle and slow connections are closed', 5000);
    } finally {
      clearInterval(drip);
    }
    expect((await ping(s)).text).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('WebSockets do not count against the HTTP connection limit', async () => {
    const s = await start({ maxHttpConnections: 2 });
    for (let i = 0; i < 5; i++) peers.push(await openPeer(s));
    expect(s.connections()).toBe(5);
    expect((await ping(s)).text).toMatch(/^HTTP\/1\.1 200 /);
  });
});
