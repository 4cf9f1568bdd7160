/**
 * Media benchmarks (issue 6, issue 15): AllocChannel -> first audio packet received at both ends,
 * p50 over 20 calls, with where that time goes (the step medians of CallSteps in
 * test/e2e/media-scenario.ts: alloc, offer = gathering, answer, select, ice, dtls, firstPacket;
 * app_seen_p50_ms: when the app's GetStats polling saw the bytes), and the Chromium CPU
 * one connected audio call costs. Runs test/e2e/media-scenario.ts in bench mode inside
 * `unshare -n` (only loopback), which starts and stops its own server and Chromium.
 * media.appsharing_fps: a presenter channel capturing a 1920x1080 X11 screen (private Xvfb, headed
 * Chromium, UI text scrolling in front) to a consumer channel, decoded frames per second.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { resolve } from 'node:path';
import type { CallSteps } from '../e2e/media-scenario';
import { percentile, type BenchContext } from './types';

/** What the figures measure: the product's relay and engine, driven as the softphone drives them. */
const PATH = 'Media protocol client -> local services server /media -> relay -> engine (Chromium RTCPeerConnection) -> loopback RTP';

type ScenarioResult = { times: number[]; steps: CallSteps[]; cpuPctPerCall: number; share: { fps: number; width: number; height: number; captureFps: number; encodedFps: number; qualityLimitation: string; source: string } };

/** test/e2e/media-scenario.ts in bench mode inside `unshare -n`; its MEDIA_BENCH line. */
function runScenario(env: Record<string, string>): ScenarioResult {
  const run = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec node_modules/.bin/tsx test/e2e/media-scenario.ts'], {
    cwd: resolve(__dirname, '../..'),
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, ...env },
  });
  const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('MEDIA_BENCH '));
  if (!line) throw new Error(`media bench did not run: ${(run.stdout ?? '').slice(-500)} ${(run.stderr ?? '').slice(-500)}`);
  return JSON.parse(line.slice('MEDIA_BENCH '.length)) as ScenarioResult;
}

/** One-minute load average, two decimals. */
const load = (): number => Math.round(os.loadavg()[0]! * 100) / 100;

/** media.appsharing_720p_fps: the scenario's appsharing alone on a 1280x720 X11 screen. */
function emit720p(ctx: BenchContext, loadBefore: number): void {
  const small = runScenario({ MEDIA_BENCH_SHARE_ONLY: '1', MEDIA_BENCH_SCREEN: '1280x720' }).share;
  ctx.emit({ name: 'media.appsharing_720p_fps', value: Math.round(small.fps * 10) / 10, unit: 'fps', target: '>= 30 (the capture rate; frames decoded per second over 4 s)', width: small.width, height: small.height, capture_fps: small.captureFps, encoded_fps: Math.round(small.encodedFps * 10) / 10, quality_limitation: small.qualityLimitation, source: small.source, loadavg: Math.max(loadBefore, load()), path: PATH });
}

export default async function bench(ctx: BenchContext): Promise<void> {
  if (ctx.only && !'media.'.startsWith(ctx.only) && !ctx.only.startsWith('media')) return;
  const loadBefore = load();
  const want = (n: string) => !ctx.only || n.startsWith(ctx.only);
  if (want('media.appsharing_720p_fps') && !['media.alloc_to_audio_ms', 'media.appsharing_fps', 'media.cpu_pct_per_call'].some(want)) return emit720p(ctx, loadBefore);
  const r = runScenario({ MEDIA_BENCH_CALLS: '20' });
  const loadavg = Math.max(loadBefore, load());
  if (want('media.alloc_to_audio_ms')) {
    // total: AllocChannel sent -> first RTP packet received at both ends (engine events);
    // app_seen: the app's GetStats polling saw bytes at both ends (adds the poll and Chromium's stats cache)
    const p50 = (k: keyof CallSteps): number => percentile(r.steps.map((s) => s[k]), 50);
    const steps = Object.fromEntries((['alloc', 'offer', 'answer', 'select', 'ice', 'dtls', 'firstPacket'] as const).map((k) => [k, p50(k)]));
    ctx.emit({ name: 'media.alloc_to_audio_ms', value: p50('total'), unit: 'ms', target: '<= 100', p90: percentile(r.steps.map((s) => s.total), 90), calls: r.steps.length, steps_p50_ms: steps, app_seen_p50_ms: percentile(r.times, 50), loadavg, path: PATH });
  }
  if (want('media.appsharing_fps')) ctx.emit({ name: 'media.appsharing_fps', value: Math.round(r.share.fps * 10) / 10, unit: 'fps', target: '>= 15', width: r.share.width, height: r.share.height, capture_fps: r.share.captureFps, encoded_fps: Math.round(r.share.encodedFps * 10) / 10, quality_limitation: r.share.qualityLimitation, source: r.share.source, loadavg, path: PATH });
  if (want('media.appsharing_720p_fps')) emit720p(ctx, loadavg);
  if (want('media.cpu_pct_per_call')) ctx.emit({ name: 'media.cpu_pct_per_call', value: Math.round(r.cpuPctPerCall * 10) / 10, unit: '% of one core', target: 'report', loadavg, path: PATH });
}
