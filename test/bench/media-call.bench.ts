/**
 * Two clients through pbx-sim (issue 6): StartCall on A's softphone → alerting at B → ConnectCall
 * → audio packets received on both sides, per call, over the 50 audio calls of
 * test/e2e/media-call-scenario.ts (run inside `unshare -n`, loopback only; it starts and stops
 * its own sim, service graphs and Chromium). Includes the sim's signalling relay, both web
 * clients' postMessage bridges and the tests' polling (alerting every 5 ms, stats every 50 ms).
 * Compare with media.alloc_to_audio_ms (the same engines driven directly by Media protocol clients).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { percentile, type BenchContext } from './types';

/** Figures are named media.call_*, not media-call.*. */
export const prefixes = ['media.call'];

export default async function bench(ctx: BenchContext): Promise<void> {
  const name = 'media.call_start_to_audio_ms';
  if (ctx.only && !name.startsWith(ctx.only) && !ctx.only.startsWith(name)) return;
  const run = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec node_modules/.bin/tsx test/e2e/media-call-scenario.ts'], {
    cwd: resolve(__dirname, '../..'),
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, MEDIA_CALL_LOOP: '50' },
  });
  const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('MEDIA_CALL_RESULT '));
  if (!line) throw new Error(`media call bench did not run: ${(run.stdout ?? '').slice(-500)} ${(run.stderr ?? '').slice(-500)}`);
  const r = JSON.parse(line.slice('MEDIA_CALL_RESULT '.length)) as { loop: { times: number[] } };
  ctx.emit({ name, value: percentile(r.loop.times, 50), unit: 'ms', target: 'report', p90: percentile(r.loop.times, 90), calls: r.loop.times.length, path: 'two clients through pbx-sim (test/e2e/media-call-scenario.ts, unshare -n): softphone StartCall -> PbxSignal channels -> Media protocol -> relay -> engines (Chromium RTCPeerConnection) -> audio packets received on both sides' });
}
