/**
 * Issue 6's headline test: two clients (two platform service graphs + two Chromium web client
 * pages with fake devices) call each other through pbx-sim with the stand-in softphone app. The
 * scenario (test/e2e/media-call-scenario.ts) runs in a network namespace with only `lo`
 * (`unshare -n`), so no RTP packet leaves loopback; this file asserts on what it printed.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
type R = Record<string, any>;
let r: R;

beforeAll(() => {
  const run = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec node_modules/.bin/tsx test/e2e/media-call-scenario.ts'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
  });
  const out = `${run.stdout ?? ''}`;
  const line = out.split('\n').find((l) => l.startsWith('MEDIA_CALL_RESULT '));
  if (!line) throw new Error(`media call scenario failed (status ${run.status}):\n${out}\n${run.stderr ?? ''}`);
  r = JSON.parse(line.slice('MEDIA_CALL_RESULT '.length)) as R;
}, 300_000);

describe('two clients call each other through pbx-sim (unshare -n, loopback only)', () => {
  it('the launcher (@local-<id>) publishes the Media/Ringer URLs and token; each softphone finds them and registers as its own user', () => {
    expect(r.launcherModel).toEqual({
      popupWindows: true,
      touch: false,
      notifications: true,
      launcherServices: {
        media: { url: `ws://127.0.0.1:${r.busPort}/media`, token: r.token },
        ringer: { url: `ws://127.0.0.1:${r.busPort}/ringer`, token: r.token },
      },
    });
    expect(r.sessions.sort()).toEqual(['atlantis', 'bob']);
    expect(r.ready).toEqual([{ user: 'atlantis', media: 'open' }, { user: 'bob', media: 'open' }]);
  });

  it('StartCall on A alerts B, ConnectCall on B connects both (com.innovaphone.phone models)', () => {
    const c = r.first;
    expect(c.alerting).toMatchObject({ dir: 'i', state: 'Alerting', sip: 'atlantis', kinds: ['audio', 'video', 'appsharing'] });
    expect(c.ringback).toMatchObject({ id: c.alerting.id, dir: 'o', state: 'Ringback', sip: 'bob' });
    expect(c.connected.map((x: R) => x.state)).toEqual(['Connected', 'Connected']);
    expect(c.enginesDuring).toEqual([3, 3]);
  });

  it('the softphones signal in PbxSignal through the sim, media as one Signal channels object per call (PROPOSAL/SELECT/REQUEST)', () => {
    expect(r.signalLog.slice(0, 11)).toEqual([
      'atlantis setup PROPOSAL [audio,video,collab] to bob (1 registration(s))',
      'bob alert',
      'bob conn SELECT [audio,video,collab]',
      'atlantis channels REQUEST',
      'bob channels PROPOSAL [audio,video,collab]',
      'atlantis channels SELECT [audio,video,collab]',
      'atlantis rel',
      'bob setup PROPOSAL [audio] to atlantis (1 registration(s))',
      'atlantis alert',
      'atlantis conn SELECT [audio]',
      'atlantis rel',
    ]);
    expect(r.first.renegotiated).toBe(true);
    expect(r.simCalls).toBe(0);
  });

  it('audio flows both ways: packets and audio energy received on each side', () => {
    for (const call of [r.first, r.second]) {
      for (const side of ['a', 'b']) {
        const s = call.stats[side].audio;
        expect(s.packetsReceived).toBeGreaterThan(50);
        expect(s.bytesReceived).toBeGreaterThan(0);
        expect(s.audioEnergy).toBeGreaterThan(0.001);
      }
    }
    expect(r.second.alerting).toMatchObject({ sip: 'bob', kinds: ['audio'] }); // the other way round
  });

  it('video frames are decoded both ways and the appsharing presenter\'s frames are decoded by the peer', () => {
    const { a, b } = r.first.stats;
    expect(a.video.framesDecoded).toBeGreaterThan(0);
    expect(b.video.framesDecoded).toBeGreaterThan(0);
    expect(b.appsharing.framesDecoded).toBeGreaterThan(0);
    expect(b.appsharing.packetsSent).toBe(0); // the consumer only receives
    expect(a.appsharing.packetsReceived).toBe(0);
  });

  it('hang-up frees every channel, also after 50 more calls (no leaked RTCPeerConnection)', () => {
    for (const call of [r.first, r.second]) {
      expect(call.after.engines).toEqual([[], []]);
      expect(call.after.relays.map((x: R) => x.channels)).toEqual([0, 0]);
    }
    expect(r.loop.calls).toBe(50);
    expect(r.loop.engines).toEqual([[], []]);
    expect(r.loop.relays.map((x: R) => x.channels)).toEqual([0, 0]);
  });

  it('no softphone errors and no service warnings', () => {
    expect(r.errors).toEqual({ a: [], b: [] });
    expect(r.warnings).toEqual([]);
    expect(r.signal).toBeGreaterThan(0);
  });
});
