/**
 * idle.bytes_per_min: what the client and the PBX exchange while nobody does anything. The e2e
 * stack (pbx-sim over HTTPS with its default 60 s keepalive, the real service graph, the stand-in
 * web client and its apps in Chromium, as the product's main window loads them) is started and
 * logged in; after a settling pause the sim's socket counters are read, and read again after
 * BENCH_IDLE_MS (3 minutes). The figure is the TCP payload of every connection to the sim (TLS
 * records included) per minute; the myApps WebSocket messages of the window are listed by `mt`
 * beside it. Target (innovaphone wiki "Reference16r1:Concept myApps"): Ping/Pong only — a real
 * myApps session sends nothing else while idle (the PBX pings after 60 s without traffic, the
 * client answers).
 */
import * as os from 'node:os';
import { startStack } from '../e2e/harness/stack';
import type { BenchContext } from './types';

const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 180_000);
const SETTLE_MS = 5_000;
/** What idle may carry on the myApps WebSocket. */
const KEEPALIVE = new Set(['Ping', 'Pong']);

export default async function bench(ctx: BenchContext): Promise<void> {
  if (ctx.only && !'idle.'.startsWith(ctx.only) && !ctx.only.startsWith('idle')) return;
  const stack = await startStack();
  try {
    await stack.openWebClient({ ready: true });
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const t0 = stack.sim.control.traffic();
    const start = performance.now();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const t1 = stack.sim.control.traffic();
    const minutes = (performance.now() - start) / 60_000;
    const diff = (a: Record<string, { count: number; bytes: number }>, b: Record<string, { count: number; bytes: number }>) => {
      const out: Record<string, { count: number; bytes: number }> = {};
      for (const [mt, v] of Object.entries(b)) {
        const count = v.count - (a[mt]?.count ?? 0);
        if (count) out[mt] = { count, bytes: v.bytes - (a[mt]?.bytes ?? 0) };
      }
      return out;
    };
    const fromClient = diff(t0.myappsIn, t1.myappsIn);
    const toClient = diff(t0.myappsOut, t1.myappsOut);
    const other = [...Object.keys(fromClient), ...Object.keys(toClient)].filter((mt) => !KEEPALIVE.has(mt));
    const bytes = t1.tcpBytesIn - t0.tcpBytesIn + (t1.tcpBytesOut - t0.tcpBytesOut);
    ctx.emit({
      name: 'idle.bytes_per_min', value: Math.round(bytes / minutes), unit: 'bytes/min', target: 'Ping/Pong only (a real session: PBX Ping every 60 s, Pong)',
      path: 'e2e stack: pbx-sim (HTTPS, 60 s keepalive) <-> stand-in web client and apps in Chromium with the real service graph; TCP payload of every connection to the sim, TLS included',
      keepalive_only: other.length === 0, other_messages: other,
      myapps_from_client: fromClient, myapps_to_client: toClient,
      tcp_bytes_in: t1.tcpBytesIn - t0.tcpBytesIn, tcp_bytes_out: t1.tcpBytesOut - t0.tcpBytesOut, new_connections: t1.connections - t0.connections,
      idle_min: +minutes.toFixed(2), loadavg: +os.loadavg()[0]!.toFixed(2),
    });
  } finally {
    await stack.close();
  }
}
