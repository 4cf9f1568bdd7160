/**
 * Issue 6, "consumer renders the peer's stream": an app embeds the launcher's viewer page and
 * shows the remote video/appsharing the engine decodes (docs/media-protocol.md, "Viewing remote
 * video"). The scenario (test/e2e/media-view-scenario.ts) runs in a network namespace with only
 * `lo` (`unshare -n`); this file asserts on what it printed.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
type R = Record<string, any>;
let r: R;

beforeAll(() => {
  const run = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec node_modules/.bin/tsx test/e2e/media-view-scenario.ts'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
  });
  const out = `${run.stdout ?? ''}`;
  const line = out.split('\n').find((l) => l.startsWith('MEDIA_VIEW_RESULT '));
  if (!line) throw new Error(`media view scenario failed (status ${run.status}):\n${out}\n${run.stderr ?? ''}`);
  r = JSON.parse(line.slice('MEDIA_VIEW_RESULT '.length)) as R;
}, 300_000);

describe('B\'s softphone shows the incoming video and appsharing in the launcher\'s viewer page (unshare -n)', () => {
  it('the viewer iframes decode frames of the appsharing and video channels', () => {
    expect(r.frameNames).toEqual(['view-appsharing', 'view-video']);
    for (const [kind, v] of [['appsharing', r.appsharing], ['video', r.video]] as const) {
      expect(v.state).toBe('playing');
      expect(v.kind).toBe(kind);
      expect(v.quality).toBeGreaterThanOrEqual(10); // getVideoPlaybackQuality().totalVideoFrames
      expect(v.frames).toBeGreaterThanOrEqual(0); // requestVideoFrameCallback count: only composited frames (0 while scrolled out of view)
      expect(v.width).toBeGreaterThan(0);
      expect(v.height).toBeGreaterThan(0);
      // token and ticket were removed from the URL once read
      expect(v.href).toBe(`http://127.0.0.1:${r.port}/media/view`);
    }
  });

  it('the loopback connection uses 127.0.0.1 candidates only', () => {
    for (const v of [r.appsharing, r.video]) expect(v.pair).toEqual({ local: '127.0.0.1', remote: '127.0.0.1' });
    expect(r.viewsDuring).toEqual({ views: 2, tickets: 0 });
    expect(r.engineViews.map((v: R) => v.state)).toEqual(['connected', 'connected']);
  });

  it('refuses views of another session\'s channel, wrong tokens, forged and reused tickets', () => {
    expect(r.foreignCreate.error).toMatch(/CreateView: no channel/);
    expect(r.refused.badToken).toMatchObject({ state: 'refused', frames: 0, reason: 'media service refused the connection' });
    expect(r.refused.badTicket).toMatchObject({ state: 'refused', frames: 0, reason: expect.stringMatching(/unknown, used or expired view ticket/) });
    expect(r.refused.otherServer).toMatchObject({ state: 'refused', frames: 0 });
    expect(r.refused.reused).toMatchObject({ state: 'refused', frames: 0 });
  });

  it('hang-up closes every view and frees the loopback connections', () => {
    expect(r.afterHangup.appsharing).toMatchObject({ state: 'closed', reason: 'channel-closed' });
    expect(r.afterHangup.video).toMatchObject({ state: 'closed', reason: 'channel-closed' });
    expect(r.after).toEqual({ relay: { views: 0, tickets: 0 }, engine: [], channels: 0 });
  });

  it('an https page can embed the viewer (loopback is potentially trustworthy)', () => {
    expect(r.https.origin).toMatch(/^https:\/\/127\.0\.0\.1:/);
    expect(r.https.status).toMatchObject({ state: 'playing', kind: 'video' });
    expect(r.https.status.quality).toBeGreaterThan(0);
    expect(r.https.status.width).toBeGreaterThan(0);
  });

  it('only the expected refusals are logged; no softphone errors', () => {
    expect(r.errors).toEqual({ a: [], b: [] });
    for (const w of r.warnings) expect(w).toMatch(/^media: (view refused|CreateView for a channel)|WebSocket refused|without valid token/);
  });
});
