/**
 * The server side of `reliability.slow_reader_rss_mb`: the local services server as the product
 * starts it (default limits) with a busy provider in process: a ~100 KB model replaced every
 * 20 ms, so every consumer gets an ApiUpdate of that size 50 times a second. Its own process, so
 * that the RSS measured is the server's. IPC: `stats` (RSS, bus connections), `close`.
 */
import { startLocalServicesServer, OriginAllowList } from '../../../electron/bus';
import { silentLogger } from '../../../electron/platform';
import { SLOW_READER_API, SLOW_READER_ORIGIN } from './slow-reader';

async function main(): Promise<void> {
  const server = await startLocalServicesServer({ logger: silentLogger, origins: new OriginAllowList([SLOW_READER_ORIGIN]) });
  let n = 0;
  const blob = 'x'.repeat(100_000);
  const provider = server.router.provide(SLOW_READER_API, 'busy', () => {}, { model: { n, blob } });
  const timer = setInterval(() => provider.setModel({ n: ++n, blob }), 20);
  process.send!({ url: `ws://127.0.0.1:${server.port}/bus?token=${server.token}&v=1` });
  process.on('message', (m: { id: number; op: 'stats' | 'gc' | 'close' }) => {
    if (m.op === 'gc') return void (globalThis as { gc?: () => void }).gc?.();
    if (m.op === 'close') {
      clearInterval(timer);
      provider.close();
      void server.close().then(() => process.exit(0));
      return;
    }
    process.send!({ id: m.id, rss: process.memoryUsage().rss, connections: server.connections(), updates: n });
  });
}

main().catch((err: unknown) => {
  process.send!({ fatal: String(err instanceof Error ? err.stack : err) });
  process.exit(1);
});
