/**
 * Media benchmarks (issue 6): AllocChannel -> first audio packet received, p50 over 20 calls, and
 * the Chromium CPU one connected audio call costs. Runs test/e2e/media-scenario.ts in bench mode
 * inside `unshare -n` (only loopback), which starts and stops its own server and Chromium.
 * media.appsharing_fps: a presenter channel (Chromium's fake screen capture, 1920x1080) to a
 * consumer channel, decoded frames per second.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { percentile, type BenchContext } from './types';

export default async function bench(ctx: BenchContext): Promise<void> {
  if (ctx.only && !'media.'.startsWith(ctx.only) && !ctx.only.startsWith('media')) return;
  const run = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec node_modules/.bin/tsx test/e2e/media-scenario.ts'], {
    cwd: resolve(__dirname, '../..'),
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, MEDIA_BENCH_CALLS: '20' },
  });
  const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('MEDIA_BENCH '));
  if (!line) throw new Error(`media bench did not run: ${(run.stdout ?? '').slice(-500)} ${(run.stderr ?? '').slice(-500)}`);
  const r = JSON.parse(line.slice('MEDIA_BENCH '.length)) as { times: number[]; cpuPctPerCall: number; share: { fps: number; width: number; height: number } };
  const want = (n: string) => !ctx.only || n.startsWith(ctx.only);
  if (want('media.alloc_to_audio_ms')) ctx.emit({ name: 'media.alloc_to_audio_ms', value: percentile(r.times, 50), unit: 'ms', target: '<= 300', p90: percentile(r.times, 90), calls: r.times.length });
  if (want('media.appsharing_fps')) ctx.emit({ name: 'media.appsharing_fps', value: Math.round(r.share.fps * 10) / 10, unit: 'fps', target: '>= 15', width: r.share.width, height: r.share.height });
  if (want('media.cpu_pct_per_call')) ctx.emit({ name: 'media.cpu_pct_per_call', value: Math.round(r.cpuPctPerCall * 10) / 10, unit: '% of one core', target: 'report' });
}
