/**
 * Remote video in an app (issue 6, "consumer renders the peer's stream"): the viewer page an app
 * embeds, fed over the engine's loopback RTCPeerConnection. Runs test/e2e/media-view-scenario.ts
 * inside `unshare -n` (loopback only; it starts and stops its own sim, service graphs and
 * Chromium) and reports:
 *  - media.view_first_frame_ms: CreateView (softphone openView) → first frame decoded in the viewer;
 *  - media.view_appsharing_fps: frames the appsharing viewer decodes per second (fake 1080p screen).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { BenchContext } from './types';

export const prefixes = ['media.view'];

export default async function bench(ctx: BenchContext): Promise<void> {
  const names = ['media.view_first_frame_ms', 'media.view_appsharing_fps'];
  if (ctx.only && !names.some((n) => n.startsWith(ctx.only) || ctx.only.startsWith(n))) return;
  const run = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec node_modules/.bin/tsx test/e2e/media-view-scenario.ts'], {
    cwd: resolve(__dirname, '../..'),
    encoding: 'utf8',
    timeout: 240_000,
  });
  const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('MEDIA_VIEW_RESULT '));
  if (!line) throw new Error(`media view bench did not run: ${(run.stdout ?? '').slice(-500)} ${(run.stderr ?? '').slice(-500)}`);
  const r = JSON.parse(line.slice('MEDIA_VIEW_RESULT '.length)) as { firstFrameMs: number; appsharingFps: number; appsharingSize: { width: number; height: number } };
  const emit = (f: Parameters<BenchContext['emit']>[0]): void => {
    if (!ctx.only || f.name.startsWith(ctx.only) || ctx.only.startsWith(f.name)) ctx.emit(f);
  };
  emit({ name: 'media.view_first_frame_ms', value: r.firstFrameMs, unit: 'ms', target: 'report', path: 'Media protocol CreateView (softphone openView) -> relay -> engine loopback RTCPeerConnection -> viewer page (test/e2e/media-view-scenario.ts, unshare -n)' });
  emit({ name: 'media.view_appsharing_fps', value: Math.round(r.appsharingFps * 10) / 10, unit: 'fps', target: 'report', width: r.appsharingSize.width, height: r.appsharingSize.height, path: 'Media protocol CreateView (softphone openView) -> relay -> engine loopback RTCPeerConnection -> viewer page (test/e2e/media-view-scenario.ts, unshare -n)' });
}
