/**
 * link.p50_ms: a tel: link handed over the local handoff socket (what the .desktop forwarder or a
 * second instance does, minus its process start) → LinkService → StartCall delivered to a phone
 * provider that is a real WebSocket client of the local services server. 300 links.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { startLocalServicesServer, OriginAllowList } from '../../electron/bus';
import { silentLogger } from '../../electron/platform';
import { LinkService, startLinkHandoffServer, sendLinkHandoff } from '../../electron/links';
import { percentile, type BenchContext } from './types';

const ORIGIN = 'https://pbx.bench.local';
const LINKS = Number(process.env.BENCH_LINKS ?? 300);

export default async function bench(ctx: BenchContext): Promise<void> {
  if (ctx.only && !'link.'.startsWith(ctx.only) && !ctx.only.startsWith('link')) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'link-bench-'));
  const cleanups: (() => unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    const server = await startLocalServicesServer({ logger: silentLogger, origins: new OriginAllowList([ORIGIN]), host: '127.0.0.1', port: 0 });
    cleanups.push(() => server.close());
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bus?token=${server.token}&v=1`, { origin: ORIGIN, perMessageDeflate: false });
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    cleanups.push(() => ws.close());
    const waiting = new Map<string, (t: number) => void>();
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { mt: string; msg?: { mt?: string; num?: string } };
      if (m.mt === 'ApiRequest' && m.msg?.mt === 'StartCall' && m.msg.num) waiting.get(m.msg.num)?.(performance.now());
    });
    ws.send(JSON.stringify({ mt: 'RegisterApi', api: 'com.innovaphone.phone', provider: 'phone' }));
    const links = new LinkService({ router: server.router, logger: silentLogger });
    cleanups.push(() => links.close());
    const phone = server.router.consume('com.innovaphone.phone');
    await phone.waitForProvider(5000, 'phone');
    phone.close();
    const handoff = await startLinkHandoffServer({ path: path.join(dir, 'links.sock'), logger: silentLogger, onArgv: (a) => links.handleArgv(a, 'handoff') });
    cleanups.push(() => handoff.close());
    const lat: number[] = [];
    for (let i = 0; i < LINKS + 10; i++) {
      const num = String(1000 + i);
      const got = new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`link ${i}: no StartCall within 5 s`)), 5000);
        waiting.set(`+49${num}`, (t1) => { clearTimeout(t); waiting.delete(`+49${num}`); resolve(t1); });
      });
      const t0 = performance.now();
      await sendLinkHandoff(handoff.path, [`tel:+49%20${num}`]);
      const t1 = await got;
      if (i >= 10) lat.push(t1 - t0);
    }
    ctx.emit({ name: 'link.p50_ms', value: +percentile(lat, 50).toFixed(2), unit: 'ms', target: '<= 50', links: lat.length });
    ctx.emit({ name: 'link.p99_ms', value: +percentile(lat, 99).toFixed(2), unit: 'ms', links: lat.length });
  } finally {
    for (const c of cleanups.reverse()) {
      try { await c(); } catch { /* keep cleaning */ }
    }
  }
}
