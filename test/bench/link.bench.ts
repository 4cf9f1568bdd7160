/**
 * link.p50_ms: a tel: link given to a second start of the client → the product's handoff from that
 * second process (parseLauncherArgv + claimOrHandOff, as electron/main.ts does; the process is
 * started once beforehand, so its start is not in the figure: test/bench/link-second-start.ts)
 * over the local socket at the product's endpoint → the running instance's LinkService →
 * StartCall delivered to a phone provider that is a real WebSocket client of the local services
 * server. Measured from the moment the link is written to the second process until the phone
 * provider has the StartCall. 300 links.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { startLocalServicesServer, OriginAllowList } from '../../electron/bus';
import { silentLogger } from '../../electron/platform';
import { LinkService, linkHandoffEndpoint, startLinkHandoffServer } from '../../electron/links';
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
    // the endpoint the product computes for a profile, in a private runtime folder
    const runtime = path.join(dir, 'run');
    mkdirSync(runtime, { mode: 0o700 });
    const endpoint = linkHandoffEndpoint({ platform: process.platform, env: { XDG_RUNTIME_DIR: runtime }, userData: path.join(dir, 'profile'), tmpdir: dir });
    const handoff = await startLinkHandoffServer({ path: endpoint, logger: silentLogger, onArgv: (a) => links.handleArgv(a, 'handoff') });
    cleanups.push(() => handoff.close());
    const second = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'link-second-start.ts'), endpoint], { stdio: ['pipe', 'pipe', 'inherit'] });
    cleanups.push(() => second.kill());
    const answers = createInterface({ input: second.stdout! });
    const answered: ((line: string) => void)[] = [];
    answers.on('line', (l) => answered.shift()?.(l));
    const lat: number[] = [];
    const inSecond: number[] = [];
    for (let i = 0; i < LINKS + 10; i++) {
      const num = String(1000 + i);
      const got = new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`link ${i}: no StartCall within 10 s`)), 10_000);
        waiting.set(`+49${num}`, (t1) => { clearTimeout(t); waiting.delete(`+49${num}`); resolve(t1); });
      });
      const answer = new Promise<string>((r) => answered.push(r));
      const t0 = performance.now();
      second.stdin!.write(`${JSON.stringify(['--', `tel:+49%20${num}`])}\n`);
      const t1 = await got;
      const [ok, ms] = (await answer).split(' ');
      if (ok !== 'true') throw new Error(`link ${i}: the second start's handoff failed`);
      if (i >= 10) {
        lat.push(t1 - t0);
        inSecond.push(Number(ms));
      }
    }
    const linkPath = 'second process: argv → parseLauncherArgv → claimOrHandOff → local socket → LinkService → StartCall on the bus → phone WebSocket';
    ctx.emit({ name: 'link.p50_ms', value: +percentile(lat, 50).toFixed(2), unit: 'ms', target: '<= 50', links: lat.length, path: linkPath });
    ctx.emit({ name: 'link.p99_ms', value: +percentile(lat, 99).toFixed(2), unit: 'ms', links: lat.length, path: linkPath });
    ctx.emit({ name: 'link.second_start_handoff_p50_ms', value: +percentile(inSecond, 50).toFixed(2), unit: 'ms', links: inSecond.length, path: 'inside the second process: parse, connect, send, answer' });
  } finally {
    for (const c of cleanups.reverse()) {
      try { await c(); } catch { /* keep cleaning */ }
    }
  }
}
