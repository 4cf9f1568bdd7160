/**
 * Issue 12, "Also fix" (refusal-flood): every refusal of the local services server wrote a warning
 * line, and warnings are always kept; anyone on the machine (no token needed) could flood the trace
 * files with refusals and push the useful lines out of rotation. Now refusal lines are rate-limited
 * per reason: the first lines of a window are written, the rest counted, and at the end of the
 * window one line says how many more were refused. Clients still get every answer (status, Error
 * frame).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalServicesServer, OriginAllowList, type LocalServicesServer } from '../../electron/bus';
import { memoryLogger, type MemoryLogger } from '../fixtures/memory-logger';
import { openPeer, rawRequest, upgradeRequest, until, PBX } from './bus-peer';

const WINDOW_MS = 1500;
const PER_WINDOW = 5;

describe('refusal-flood', () => {
  let server: LocalServicesServer;
  let log: MemoryLogger;

  beforeEach(async () => {
    log = memoryLogger();
    server = await startLocalServicesServer({ logger: log, origins: new OriginAllowList([PBX]), refusals: { perWindow: PER_WINDOW, windowMs: WINDOW_MS } });
    server.addHttpRoute('/ping', (_req, res) => { res.end('pong'); });
  });
  afterEach(async () => {
    await server.close();
  });

  const warns = (re: RegExp) => log.lines.filter((l) => l.level === 'warn' && re.test(l.message));
  /** `n` requests, 10 at a time; resolves with how many were answered with `status`. */
  async function flood(n: number, request: () => string, status: number): Promise<number> {
    let answered = 0;
    for (let i = 0; i < n; i += 10) {
      const batch = await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => rawRequest(server.port, request())));
      answered += batch.filter((r) => r.text.startsWith(`HTTP/1.1 ${status} `)).length;
    }
    return answered;
  }

  it('writes a few lines per reason and counts the rest, in one summary line per reason', async () => {
    const t0 = Date.now();
    const badToken = await flood(200, () => upgradeRequest(server.port, '/bus?token=wrong&v=1'), 401);
    const noToken = await flood(200, () => `GET /ping HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`, 401);
    expect([badToken, noToken]).toEqual([200, 200]);
    // The flood may straddle a window boundary (a slow machine): then a second window's lines too.
    const windows = Math.floor((Date.now() - t0) / WINDOW_MS) + 1;
    expect(warns(/WebSocket refused: wrong token/).length).toBeLessThanOrEqual(PER_WINDOW * windows);
    expect(warns(/HTTP request without valid token refused/).length).toBeLessThanOrEqual(PER_WINDOW * windows);

    await until(() => warns(/more refused/).length >= 2, 'summary lines at the end of the window', WINDOW_MS * 4);
    const counted = (kind: string) => warns(new RegExp(`more refused \\(${kind}\\)`)).reduce((n, l) => n + (l.data?.count as number), 0);
    expect(warns(/WebSocket refused: wrong token/).length + counted('wrong token')).toBe(200);
    expect(warns(/HTTP request without valid token refused/).length + counted('token')).toBe(200);
  });

  it('rate-limits refused bus frames too; every frame still gets its Error', async () => {
    const c = await openPeer(server);
    for (let i = 0; i < 300; i++) c.send('not json');
    await until(() => c.frames.filter((f) => f.mt === 'Error').length === 300, 'an Error frame for each refused frame');
    expect(warns(/frame refused \(malformed\)/).length).toBeLessThanOrEqual(2 * PER_WINDOW);
    await server.close(); // closing writes what is pending
    const summary = warns(/more refused \(frame malformed\)/).reduce((n, l) => n + (l.data?.count as number), 0);
    expect(warns(/frame refused \(malformed\)/).length + summary).toBe(300);
    c.ws.terminate();
    server = await startLocalServicesServer({ logger: log, origins: new OriginAllowList([PBX]) });
  });
});
