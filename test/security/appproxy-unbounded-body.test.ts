/**
 * Issue 12, finding 3 (appproxy-unbounded-body): `maxEntryBytes` was checked only against
 * Content-Length, so a chunked response on a cacheable path (`…/APPS/x.js`) was buffered whole
 * before it was served (a 512 MB one took the process to 1.6 GB RSS). Now the body is counted
 * while it is read; past the limit the proxy stops reading ahead and streams the rest through,
 * unstored, at the client's pace.
 *
 * Real HTTP origin on loopback (chunked, no Content-Length) that sends part of the body and then
 * waits until the client has seen the response: a proxy that buffers the whole body never
 * answers (the test says "still buffering" after 10 s instead of hanging).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppProxy, type AppProxy } from '../../electron/appproxy';
import { memoryLogger } from '../fixtures/memory-logger';

const CHUNK = Buffer.alloc(64 * 1024, 0x61);
const MB = 1024 * 1024;

let tmp: string;
let server: http.Server;
let origin: string;
let gate: () => void;
let waitingAtGate: Promise<void>;
let sent = 0;

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sec-appproxy-'));
  sent = 0;
  let atGate!: () => void;
  waitingAtGate = new Promise((r) => (atGate = r));
  const opened = new Promise<void>((r) => (gate = r));
  server = http.createServer((req, res) => {
    if (!req.url!.endsWith('.js')) { res.writeHead(404).end(); return; }
    // chunked: no Content-Length to refuse the body by
    res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'max-age=600' });
    void (async () => {
      const write = async (bytes: number) => {
        for (let n = 0; n < bytes; n += CHUNK.length) {
          if (!res.write(CHUNK)) await new Promise((r) => res.once('drain', r));
          sent += CHUNK.length;
        }
      };
      await write(3 * MB);
      atGate();
      await opened;
      await write(5 * MB);
      res.end();
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  gate();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('appproxy-unbounded-body: a chunked body past maxEntryBytes streams through unstored', () => {
  it('answers before the origin finished, passes every byte, stores nothing', async () => {
    const log = memoryLogger();
    const proxy: AppProxy = createAppProxy({ dir: path.join(tmp, 'appproxy'), upstream: (r, i) => fetch(r, i), logger: log, maxEntryBytes: 1 * MB, offlineHoldMs: 0 });
    const url = `${origin}/PBX0/APPS/big/x.js`;
    const answer = proxy.handle(new Request(url));
    await waitingAtGate;
    let timer: NodeJS.Timeout | undefined;
    const first = await Promise.race([
      answer,
      new Promise<'still buffering'>((r) => { timer = setTimeout(() => r('still buffering'), 10_000); }),
    ]);
    clearTimeout(timer);
    expect(first, 'the proxy waited for the whole body').not.toBe('still buffering');
    const res = first as Response;
    expect(res.status).toBe(200);
    // the origin is still waiting: the client gets the start of the body now
    const reader = res.body!.getReader();
    const hash = createHash('sha256');
    let got = 0;
    const firstChunk = await reader.read();
    expect(firstChunk.done).toBe(false);
    got += firstChunk.value!.byteLength;
    hash.update(firstChunk.value!);
    expect(sent).toBeLessThan(8 * MB);
    gate();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      got += value.byteLength;
      hash.update(value);
    }
    expect(got).toBe(8 * MB);
    const whole = createHash('sha256');
    for (let i = 0; i < (8 * MB) / CHUNK.length; i++) whole.update(CHUNK);
    expect(hash.digest('hex')).toBe(whole.digest('hex'));
    await proxy.idle();
    expect(await proxy.store.get(url)).toBeUndefined();
    expect(log.lines.find((l) => l.category === 'AppProxy' && l.data?.outcome === 'nostore')?.data).toMatchObject({ reason: 'too-big', status: 200 });
  });

  it('a body within the limit is still stored and served from the cache', async () => {
    const proxy = createAppProxy({ dir: path.join(tmp, 'appproxy'), upstream: (r, i) => fetch(r, i), maxEntryBytes: 16 * MB, offlineHoldMs: 0 });
    const url = `${origin}/PBX0/APPS/small/x.js`;
    const answer = proxy.handle(new Request(url));
    await waitingAtGate;
    gate();
    const res = await answer;
    expect((await res.arrayBuffer()).byteLength).toBe(8 * MB);
    await proxy.idle();
    expect((await proxy.store.get(url))?.body.length).toBe(8 * MB);
    const again = await proxy.handle(new Request(url));
    expect(again.headers.get('x-appproxy')).toBe('hit');
  });
});
