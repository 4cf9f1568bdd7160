/**
 * The appsharing encoder choice (issue 15, docs/decisions.md "Appsharing encoder"): every option of
 * test/bench/appsharing-encoders.ts (codec VP8/VP9/H264, contentHint, degradationPreference,
 * scaleResolutionDownBy, 1080p and 720p) on a known UI/text screen, run inside `unshare -n`.
 * One figure per option: media.appsharing_option_fps (decoded frames per second) with the
 * legibility of a received frame against the source (psnr_db, ssim), the encoded size and bitrate.
 * The engine's choice is measured on the product path by media.appsharing_fps (media.bench.ts).
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { resolve } from 'node:path';
import type { EncoderResult } from './appsharing-encoders';
import type { BenchContext } from './types';

export const prefixes = ['media.appsharing_option'];

const PATH = 'canvas screen (UI text) -> captureStream -> RTCPeerConnection encoder (Chromium) -> loopback -> decoder -> canvas compare';

export default async function bench(ctx: BenchContext): Promise<void> {
  const name = 'media.appsharing_option_fps';
  if (ctx.only && !name.startsWith(ctx.only) && !ctx.only.startsWith(name)) return;
  const loadBefore = os.loadavg()[0]!;
  const run = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec node_modules/.bin/tsx test/bench/appsharing-encoders.ts'], {
    cwd: resolve(__dirname, '../..'),
    encoding: 'utf8',
    timeout: 400_000,
  });
  const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('APPSHARING_ENCODERS '));
  if (!line) throw new Error(`appsharing encoder bench did not run: ${(run.stdout ?? '').slice(-500)} ${(run.stderr ?? '').slice(-500)}`);
  const loadavg = Math.round(Math.max(loadBefore, os.loadavg()[0]!) * 100) / 100;
  for (const r of JSON.parse(line.slice('APPSHARING_ENCODERS '.length)) as EncoderResult[]) {
    ctx.emit({
      name,
      option: r.name,
      value: Math.round(r.fps * 10) / 10,
      unit: 'fps',
      target: 'report',
      psnr_db: Math.round(r.psnr * 10) / 10,
      ssim: Math.round(r.ssim * 10000) / 10000,
      source: `${r.width}x${r.height}`,
      encoded: `${r.encodedWidth}x${r.encodedHeight}`,
      kbps: Math.round(r.kbps),
      quality_limitation: r.qualityLimitation,
      ...(r.error ? { error: r.error } : {}),
      loadavg,
      path: PATH,
    });
  }
}
