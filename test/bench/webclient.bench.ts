/**
 * Round trips from an in-process bus consumer through the hosted web client to an app iframe and
 * back (bus -> WebSocket -> stand-in web client in headless Chromium -> postMessage -> phone app
 * -> ApiResult the same way back), with pbx-sim and the real service graph. Side by side: the same
 * request to a provider that is a plain Node `ws` client of the bus (peer "node-ws-provider"), so
 * the ratio shows what the browser bridge costs. Sequential requests, bounded, loopback only.
 */
import WebSocket from 'ws';
import { Api } from '../../contract/bus';
import { startStack } from '../e2e/harness/stack';
import { percentile, type BenchContext } from './types';

const WARMUP = 50;
const ROUNDS = 200;

async function measure(send: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await send(i);
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = process.hrtime.bigint();
    await send(WARMUP + i);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times;
}

export default async function bench(ctx: BenchContext): Promise<void> {
  if (ctx.only && !'webclient.'.startsWith(ctx.only) && !ctx.only.startsWith('webclient')) return;
  const stack = await startStack();
  let peer: WebSocket | undefined;
  const phone = stack.services.router.consume(Api.phone);
  try {
    await stack.openWebClient({ ready: true });
    const echo = (provider: string) => (i: number) =>
      phone.request({ mt: 'SimEcho', i }, { provider, until: (m) => m.mt === 'SimEchoResult', timeoutMs: 10_000 });
    const ours = await measure(echo('phone'));

    // Peer: a provider that is a bare Node WebSocket client of the same bus.
    peer = new WebSocket(`${stack.config.bus}?token=${encodeURIComponent(stack.config.token)}&v=1`, { origin: stack.sim.origin });
    const ws = peer;
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (d) => {
        const f = JSON.parse(d.toString()) as { mt: string; api?: string; consumer?: string; src?: string; msg?: Record<string, unknown> };
        if (f.mt === 'Welcome') {
          ws.send(JSON.stringify({ mt: 'RegisterApi', api: Api.phone, provider: 'bench-peer', title: 'bench peer' }));
          resolve();
        } else if (f.mt === 'ApiRequest') {
          ws.send(JSON.stringify({ mt: 'ApiResult', api: f.api, provider: 'bench-peer', consumer: f.consumer, src: f.src, msg: { mt: 'SimEchoResult', echo: f.msg } }));
        }
      });
    });
    await phone.waitForProvider(10_000, 'bench-peer');
    const bare = await measure(echo('bench-peer'));

    const p50 = percentile(ours, 50);
    const p99 = percentile(ours, 99);
    const peer50 = percentile(bare, 50);
    const peer99 = percentile(bare, 99);
    const emit = (name: string, value: number, unit: string, target: string, peerValue?: number) => {
      if (!name.startsWith(ctx.only)) return;
      ctx.emit({ name, value: Math.round(value * 1000) / 1000, unit, target, ...(peerValue !== undefined ? { peer: 'node-ws-provider', ratio: Math.round((value / peerValue) * 100) / 100 } : {}) });
    };
    emit('webclient.roundtrip_p50_ms', p50, 'ms', '<= 5', peer50);
    emit('webclient.roundtrip_p99_ms', p99, 'ms', '<= 20', peer99);
    const total = ours.reduce((a, b) => a + b, 0);
    emit('webclient.sequential_msgs_per_s', (ROUNDS * 1000) / total, 'msg/s', '>= 200', (ROUNDS * 1000) / bare.reduce((a, b) => a + b, 0));
  } finally {
    phone.close();
    peer?.close();
    await stack.close();
  }
}
