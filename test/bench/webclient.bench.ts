/**
 * Round trips from an in-process bus consumer through the hosted web client to an app iframe and
 * back (bus -> WebSocket -> stand-in web client in headless Chromium -> postMessage -> phone app
 * -> ApiResult the same way back), with pbx-sim and the real service graph. Side by side: the same
 * request to a provider that is a plain Node `ws` client of the bus (peer "node-ws-provider"), so
 * the ratio shows what the browser bridge costs. Also the other direction: the phone app as a
 * consumer (app -> postMessage -> web client -> bus -> in-process provider -> back), timed inside
 * the app with performance.now(). Sequential requests, bounded, loopback only.
 */
import WebSocket from 'ws';
import { Api } from '../../common/bus';
import { startStack } from '../e2e/harness/stack';
import { percentile, type BenchContext } from './types';

const WARMUP = 50;
const BUS_TO_APP_PATH = 'in-process bus consumer -> local services server (createPlatformServices) -> stand-in web client in Chromium -> postMessage -> phone app iframe -> ApiResult back the same way (pbx-sim)';
const APP_CONSUMER_PATH = 'phone app iframe -> postMessage -> stand-in web client in Chromium -> bus -> in-process provider -> back (timed in the app)';
const ROUNDS = 200;
const ECHO_API = 'com.example.pbxsim.benchecho';

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
  const echoProvider = stack.services.router.provide(ECHO_API, '@bench-echo', (req, api) => api.send(req, { mt: 'EchoResult' }), { title: 'bench echo', model: {} });
  try {
    const page = await stack.openWebClient({ ready: true });
    const echo = (provider: string) => (i: number) =>
      phone.request({ mt: 'SimEcho', i }, { provider, until: (m) => m.mt === 'SimEchoResult', timeoutMs: 10_000 });
    const ours = await measure(echo('phone'));

    // Peer: a provider that is a bare Node WebSocket client of the same bus.
    peer = new WebSocket(`${stack.config.bus}?token=${encodeURIComponent(stack.config.token)}&v=1`, { origin: stack.sim.origin });
    const ws = peer;
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (d) => {
        const f = JSON.parse(d.toString()) as { mt: string; apiId?: string; consumer?: string; client?: string; src?: string; msg?: Record<string, unknown> };
        if (f.mt === 'Welcome') {
          ws.send(JSON.stringify({ mt: 'RegisterApi', api: Api.phone, provider: 'bench-peer', title: 'bench peer' }));
          resolve();
        } else if (f.mt === 'ApiRequest') {
          ws.send(JSON.stringify({ mt: 'ApiResult', api: f.apiId, provider: 'bench-peer', consumer: f.consumer, client: f.client, src: f.src, msg: { mt: 'SimEchoResult', echo: f.msg } }));
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
      ctx.emit({ name, value: Math.round(value * 1000) / 1000, unit, target, path: name.startsWith('webclient.app_consumer') ? APP_CONSUMER_PATH : BUS_TO_APP_PATH, ...(peerValue !== undefined ? { peer: 'node-ws-provider', peer_value: Math.round(peerValue * 1000) / 1000, ratio: Math.round((value / peerValue) * 100) / 100 } : {}) });
    };
    emit('webclient.roundtrip_p50_ms', p50, 'ms', '<= 5', peer50);
    emit('webclient.roundtrip_p99_ms', p99, 'ms', '<= 20', peer99);
    const total = ours.reduce((a, b) => a + b, 0);
    emit('webclient.sequential_msgs_per_s', (ROUNDS * 1000) / total, 'msg/s', '>= 200', (ROUNDS * 1000) / bare.reduce((a, b) => a + b, 0));

    // The app as consumer of a bus provider, timed in the app.
    if ('webclient.app_consumer'.startsWith(ctx.only) || ctx.only.startsWith('webclient.app_consumer')) {
      const frame = page.frames().find((f) => f.url().startsWith(`${stack.sim.appsOrigin}/PBX0/APPS/phone.htm`));
      if (!frame) throw new Error('phone app frame not found');
      // A string, not a function: tsx (esbuild keepNames) would wrap inner functions in a `__name` helper the page lacks.
      const app = (await frame.evaluate(`new Promise((resolve, reject) => {
        const c = globalThis.__start.consumeApi(${JSON.stringify(ECHO_API)});
        const warmup = ${WARMUP}, rounds = ${ROUNDS};
        const timer = setTimeout(() => reject(new Error('app consumer round trips timed out')), 60000);
        const times = [];
        let i = 0, started = false;
        function next() {
          if (i >= warmup + rounds) { clearTimeout(timer); resolve(times); return; }
          const t0 = performance.now();
          c.sendSrc({ mt: 'Echo', i }, '@bench-echo', () => {
            if (i++ >= warmup) times.push(performance.now() - t0);
            next();
          });
        }
        function go() {
          if (started || !c.providers.includes('@bench-echo')) return;
          started = true;
          next();
        }
        c.onupdate.attach(go);
        go();
      })`)) as number[];
      emit('webclient.app_consumer_roundtrip_p50_ms', percentile(app, 50), 'ms', '<= 5');
      emit('webclient.app_consumer_roundtrip_p99_ms', percentile(app, 99), 'ms', '<= 20');
    }
  } finally {
    echoProvider.close();
    phone.close();
    peer?.close();
    await stack.close();
  }
}
