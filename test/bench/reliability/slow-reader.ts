/**
 * `reliability.slow_reader_rss_mb`: ten bus clients that never read (their sockets paused) keep
 * subscribing and unsubscribing the busy API of ./slow-reader-child.ts while one client reads
 * normally. A non-reading client the server disconnects is replaced at once, so there are ten
 * all the time. The figure is the server process's RSS growth over its baseline (after a GC,
 * before the attack), the largest sample during the attack.
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import WebSocket from 'ws';

export const SLOW_READER_API = 'com.example.bench.busy';
export const SLOW_READER_ORIGIN = 'https://pbx.bench.local';

export interface SlowReaderResult {
  rss_baseline_mb: number;
  rss_max_mb: number;
  rss_growth_mb: number;
  non_readers: number;
  disconnected: number;
  reader_updates: number;
  duration_ms: number;
}

export async function slowReaders(durationMs: number, nonReaders = 10): Promise<SlowReaderResult> {
  const child = fork(path.join(path.dirname(new URL(import.meta.url).pathname), 'slow-reader-child.ts'), [], {
    execArgv: [...process.execArgv, '--expose-gc'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url?: string; fatal?: string }) => (m.url ? resolve(m.url) : reject(new Error(m.fatal))));
  });
  let nextId = 1;
  const waiting = new Map<number, (s: { rss: number; connections: number }) => void>();
  child.on('message', (m: { id?: number; rss: number; connections: number }) => {
    if (m.id !== undefined) waiting.get(m.id)?.(m);
  });
  const stats = (): Promise<{ rss: number; connections: number }> =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      child.send({ id, op: 'stats' });
    });
  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { origin: SLOW_READER_ORIGIN, perMessageDeflate: false });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });

  const reader = await open();
  let readerUpdates = 0;
  reader.on('message', (d) => {
    if ((JSON.parse(d.toString()) as { mt: string }).mt === 'ApiUpdate') readerUpdates++;
  });
  reader.send(JSON.stringify({ mt: 'ConsumeApi', api: SLOW_READER_API }));
  await new Promise((r) => setTimeout(r, 500));
  child.send({ id: 0, op: 'gc' });
  await new Promise((r) => setTimeout(r, 200));
  const baseline = (await stats()).rss;

  let running = true;
  let disconnected = 0;
  const attackers = new Set<WebSocket>();
  const attack = async (): Promise<void> => {
    if (!running) return;
    const ws = await open().catch(() => undefined);
    if (!ws) return void setTimeout(() => void attack(), 50);
    attackers.add(ws);
    ws.pause(); // never reads again
    const flood = setInterval(() => {
      if (ws.readyState !== ws.OPEN) return;
      for (let i = 0; i < 5; i++) {
        ws.send(JSON.stringify({ mt: 'ConsumeApi', api: SLOW_READER_API }));
        ws.send(JSON.stringify({ mt: 'UnconsumeApi', api: SLOW_READER_API }));
      }
      ws.send(JSON.stringify({ mt: 'ConsumeApi', api: SLOW_READER_API }));
    }, 10);
    const gone = (): void => {
      clearInterval(flood);
      if (!attackers.delete(ws)) return;
      disconnected++;
      ws.terminate();
      void attack(); // always ten of them
    };
    ws.on('close', gone);
    ws.on('error', gone);
  };
  for (let i = 0; i < nonReaders; i++) await attack();

  let max = baseline;
  const t0 = Date.now();
  while (Date.now() - t0 < durationMs) {
    await new Promise((r) => setTimeout(r, 100));
    max = Math.max(max, (await stats()).rss);
  }
  running = false;
  for (const ws of attackers) ws.terminate();
  attackers.clear();
  reader.terminate();
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 10_000);
    child.once('exit', () => { clearTimeout(t); resolve(); });
    child.send({ id: 0, op: 'close' });
  });
  const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
  return { rss_baseline_mb: mb(baseline), rss_max_mb: mb(max), rss_growth_mb: mb(max - baseline), non_readers: nonReaders, disconnected, reader_updates: readerUpdates, duration_ms: durationMs };
}
