/**
 * Real peers of the local services server for the attack regressions: a `ws` bus client that
 * collects the frames it gets, a raw TCP request, and a wait for a condition. Loopback only.
 */
import * as net from 'node:net';
import { afterEach, beforeEach } from 'vitest';
import { startLocalServicesServer, OriginAllowList, type LocalServicesOptions, type LocalServicesServer } from '../../electron/bus';
import { memoryLogger, type MemoryLogger } from '../fixtures/memory-logger';
import { connectBus, type BusTestClient } from '../fixtures/bus-client';

export const PBX = 'https://pbx.example.com';

export interface BusPeer extends BusTestClient {
  /** This connection's @client-<id>. */
  client: string;
}

/**
 * A server per test (PBX origin allowed, a memory logger, `opts` on top) and the bus peers opened
 * with `open()`, all closed after the test. Call inside `describe`.
 */
export function useBusServer(opts: Partial<LocalServicesOptions> = {}, setup?: (server: LocalServicesServer) => void) {
  const ctx = { server: undefined as unknown as LocalServicesServer, log: undefined as unknown as MemoryLogger, peers: [] as BusPeer[] };
  beforeEach(async () => {
    ctx.log = memoryLogger();
    ctx.server = await startLocalServicesServer({ logger: ctx.log, origins: new OriginAllowList([PBX]), ...opts });
    setup?.(ctx.server);
  });
  afterEach(async () => {
    ctx.peers.splice(0).forEach((p) => p.ws.terminate());
    await ctx.server.close();
  });
  return {
    get server(): LocalServicesServer { return ctx.server; },
    get log(): MemoryLogger { return ctx.log; },
    /** A bus peer of this test's server, closed after the test. */
    async open(): Promise<BusPeer> {
      const p = await openPeer(ctx.server);
      ctx.peers.push(p);
      return p;
    },
  };
}

export function busUrl(server: LocalServicesServer): string {
  return `ws://127.0.0.1:${server.port}/bus?token=${server.token}&v=1`;
}

/** Opens a bus client and waits for its Welcome. */
export async function openPeer(server: LocalServicesServer, origin = PBX): Promise<BusPeer> {
  const c = await connectBus(server, { origin });
  const welcome = await c.next((f) => f.mt === 'Welcome');
  return { ...c, client: welcome.client };
}

/**
 * Writes `request` on a fresh TCP connection and resolves with everything the server sent until
 * it closed the connection (or `ms` passed: then with what came so far and `closed: false`).
 */
export function rawRequest(port: number, request: string, ms = 3000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request));
    let text = '';
    const t = setTimeout(() => { s.destroy(); resolve({ text, closed: false }); }, ms);
    s.on('data', (d) => (text += d.toString('latin1')));
    s.on('close', () => { clearTimeout(t); resolve({ text, closed: true }); });
    s.on('error', (err) => { clearTimeout(t); if ((err as NodeJS.ErrnoException).code === 'ECONNRESET') resolve({ text, closed: true }); else reject(err); });
  });
}

/** The upgrade request a browser sends, with `target` as request target and extra header lines. */
export function upgradeRequest(port: number, target: string, headers: string[] = []): string {
  return [
    `GET ${target} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    `Origin: ${PBX}`,
    ...headers,
    '',
    '',
  ].join('\r\n');
}

/** Polls `cond` every 20 ms until it holds; rejects with `what` after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
