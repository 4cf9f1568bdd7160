/**
 * Media in the renderer, end to end: the real local services server + media relay, the engine in
 * Debian Chromium with fake devices, the softphone played by Media/Ringer protocol WebSocket
 * clients. Everything runs in a network namespace with only `lo` (test/e2e/media-scenario.ts),
 * so RTP never leaves loopback.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChannelsSchema } from '../../common/media';

const root = resolve(__dirname, '../..');
type R = Record<string, any>;
let r: R;

beforeAll(() => {
  const run = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec node_modules/.bin/tsx test/e2e/media-scenario.ts'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 150_000,
  });
  const out = `${run.stdout ?? ''}`;
  const line = out.split('\n').find((l) => l.startsWith('MEDIA_RESULT '));
  if (!line) throw new Error(`media scenario failed (status ${run.status}):\n${out}\n${run.stderr ?? ''}`);
  r = JSON.parse(line.slice('MEDIA_RESULT '.length)) as R;
}, 180_000);

describe('media engine over the Media protocol (unshare -n, loopback only)', () => {
  it('boots the engine from the local services server and removes the secrets from its URL', () => {
    expect(r.pageUrlAfterBoot).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media-engine-page\/$/);
  });

  it('refuses a malformed request with a clear error and keeps the session', () => {
    expect(r.invalidRefused).toMatchObject({ mt: 'Error', error: 'invalid', ref: 'AllocChannel' });
    expect(r.alloc[0]).toEqual({ mt: 'AllocChannelResult', channel: 'ch-a', kind: 'audio', type: 'RemoteRtp' });
  });

  it('lists microphones, speakers, cameras and ringers', () => {
    const kinds = new Set((r.devices as { kind: string }[]).map((d) => d.kind));
    expect([...kinds].sort()).toEqual(['camera', 'mic', 'ringer', 'speaker']);
    expect(r.devices.some((d: R) => d.kind === 'mic' && /Fake/.test(d.name))).toBe(true);
  });

  it('exchanges Signal channels (audio block, coder names, complete candidate lists) with our codec order and only loopback candidates', () => {
    expect(ChannelsSchema.parse(r.offer)).toEqual(r.offer);
    expect(ChannelsSchema.parse(r.answer)).toEqual(r.answer);
    expect(Object.keys(r.offer).sort()).toEqual(['audio_ice', 'audio_rtcp_mux', 'audio_setup_role', 'ch']);
    expect(r.offer.ch.map((c: R) => c.coder)).toEqual(['G722', 'OPUS-WB', 'G711A', 'DTMF', 'DTMF']);
    expect(r.offer.ch[0]).toMatchObject({ coder: 'G722', pt: 9, xmit: 20, rate: 20 });
    expect(r.offer.audio_setup_role).toBe('actpass');
    expect(r.answer.audio_setup_role).toMatch(/^(active|passive)$/);
    expect(r.offer.audio_ice.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const all = [...r.offer.audio_ice.candidate, ...r.answer.audio_ice.candidate];
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const c of all) expect(c).toMatchObject({ addr: '127.0.0.1', type: 'host', rtp: expect.any(Number) });
    // gathering was complete before the description went out: only the end of candidates trickles
    expect(r.candidates.a).toEqual(['end']);
    expect(r.candidates.b).toEqual(['end']);
  });

  it('channels_cmd REQUEST renegotiates a running call (new PROPOSAL, SELECT applied, media keeps flowing)', () => {
    expect(r.renegotiated).toMatchObject({ offer: 'PROPOSAL', answer: 'SELECT', select: 'RemoteDescriptionResult' });
    expect(r.renegotiated.packetsAfter).toBeGreaterThan(5);
  });

  it('connects and RTP flows both ways with audio energy', () => {
    expect(r.selectResult).toBe('RemoteDescriptionResult');
    expect(r.connected.map((m: R) => m.state)).toEqual(['connected', 'connected']);
    for (const s of r.stats) {
      expect(s.bytesReceived).toBeGreaterThan(0);
      expect(s.packetsReceived).toBeGreaterThan(0);
      expect(s.audioEnergy).toBeGreaterThan(0);
    }
    expect(r.allocToFirstAudioMs).toBeGreaterThan(0);
  });

  it('Stats.timeline says when each setup step happened (ms after AllocChannel)', () => {
    const [ta, tb] = r.stats.map((s: R) => s.timeline as R);
    // A offered, B answered: each side's steps in the order they must happen
    for (const [t, order] of [
      [ta, ['captured', 'described', 'remote', 'connected']],
      [tb, ['captured', 'remote', 'described', 'connected']],
    ] as const) {
      expect(t.allocAt).toBeGreaterThan(1.6e12); // epoch ms
      const times = order.map((k) => t[k] as number);
      for (const x of times) expect(x).toBeGreaterThanOrEqual(0);
      expect([...times].sort((x, y) => x - y)).toEqual(times);
      expect(t.iceConnected).toBeLessThanOrEqual(t.connected);
      // media needs both descriptions (the connected event and the first packet may come in either order)
      expect(t.firstPacket).toBeGreaterThanOrEqual(Math.max(t.described, t.remote));
    }
  });

  it('sends DTMF, mutes, reports unknown channels', () => {
    expect(r.dtmf).toEqual({ mt: 'SendDtmfResult', channel: 'ch-a' });
    expect(r.mute).toEqual({ mt: 'SetMuteResult', mic: true });
    expect(r.unknownChannel).toMatchObject({ mt: 'ChannelError', channel: 'nope', code: 0x50101 });
  });

  it('frees every channel on CloseChannel and when the app socket goes away', () => {
    expect(r.closed).toMatchObject({ mt: 'ChannelClosed', channel: 'ch-a', reason: 'closed' });
    expect(r.snapshotAfterClose.channels).toEqual([]);
    expect(r.relaySessions.channels).toBe(0);
  });

  it('video: captures 1920x1080 (30 or 15 fps) from the fake camera and decodes VP8 frames both ways', () => {
    expect(r.video.allocA.capture).toMatchObject({ width: 1920, height: 1080 });
    expect(r.video.allocA.capture.frameRate).toBeGreaterThanOrEqual(15);
    expect(r.video.offerCoders.filter((c: string) => c !== 'RTX')).toEqual(['VP8', 'VP9', 'VP9']);
    expect(r.video.receiverStats.framesDecoded).toBeGreaterThan(0);
    expect(r.video.senderStats.framesDecoded).toBeGreaterThan(0);
    expect(r.video.receiverStats.coder).toBe('VP8');
  });

  it('appsharing: presenter sends the screen as video, the consumer decodes it', () => {
    expect(r.appsharing.answerDirection).toBe('recvonly');
    expect(r.appsharing.allocA.capture.width).toBeGreaterThan(0);
    expect(r.appsharing.receiverStats.framesDecoded).toBeGreaterThan(0);
    expect(r.appsharing.receiverStats.packetsSent).toBe(0);
  });

  it('interop: a launcher channel completes a call with a plain browser RTCPeerConnection whose answer carries published fields only', () => {
    expect(JSON.stringify(r.interopAnswer)).not.toMatch(/"(media|clock|fmtp|audio_direction)"/);
    expect(r.interop.answerCoders[0]).toBe('G711A');
    expect(r.interop.ours.bytesReceived).toBeGreaterThan(0);
    expect(r.interop.theirBytesReceived).toBeGreaterThan(0);
    expect(r.interop.ours.coder).toBe('G711A');
  });

  it('recording: both directions of a G.711 call as a pcap that tshark reads as RTP with PT 8, uploaded after a refused first PUT', () => {
    const rec = r.recording;
    expect(r.recBadUrl).toMatchObject({ error: 0x5000a, errorText: expect.stringMatching(/credentials/) });
    expect(r.recPause).toEqual({ mt: 'SetRecordingResult', channel: 'ra', on: false });
    expect(rec.states).toEqual(['recording', 'paused', 'recording', 'stored', 'uploaded']);
    expect(rec.uploads).toHaveLength(1);
    expect(rec.uploads[0].url).toBe(`/recordings/${rec.stored.file}`);
    expect(rec.uploads[0].auth).toBe(`Basic ${Buffer.from('rec:secret').toString('base64')}`);
    for (const d of [rec.tx, rec.rx]) expect(d).toMatchObject({ pts: [8], sizes: [160], ssrcs: 1 });
    expect(rec.tx.count).toBeGreaterThan(50);
    expect(rec.rx.count).toBeGreaterThan(50);
    expect(rec.leftOnDisk).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'pcap-'));
    try {
      const file = join(dir, 'call.pcap');
      writeFileSync(file, Buffer.from(rec.pcapBase64, 'base64'));
      const out = execFileSync('tshark', ['-r', file, '-d', 'udp.port==50000,rtp', '-T', 'fields', '-e', 'rtp.p_type', '-e', 'ip.src'], { encoding: 'utf8', env: { ...process.env, HOME: dir } });
      const rows = out.trim().split('\n').map((l) => l.split('\t'));
      expect(rows.length).toBe(rec.tx.count + rec.rx.count);
      expect(new Set(rows.map((x) => x[0]))).toEqual(new Set(['8']));
      expect(new Set(rows.map((x) => x[1]))).toEqual(new Set(['192.0.2.1', '192.0.2.2']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('frees every channel after 50 calls (no leaked RTCPeerConnection)', () => {
    expect(r.loop.calls).toBe(50);
    expect(r.loop.snapshot.channels).toEqual([]);
    expect(r.loop.relay.channels).toBe(0);
  });

  it('signals no candidate of an excluded address prefix; channels_cmd CLOSE closes the channel', () => {
    expect(r.excluded.offerCandidates).toEqual([]);
    expect(new Set(r.excluded.offerAddrs)).toEqual(new Set([null])); // no excluded address as the default address either
    expect(r.excluded.trickled).toEqual([{ mt: 'LocalCandidate', channel: 'ch-x', end: true }]);
    expect(r.closeCmd).toEqual({ mt: 'ChannelClosed', channel: 'ch-x', reason: 'closed' });
  });

  it('headset (WebHID boundary faked in the page): buttons reach the app and the phone API, LEDs follow call state', () => {
    expect(r.headsets.headsets).toEqual([{ id: 'hid:b0e:24a0:Fake Audio Output 2', name: 'Fake Audio Output 2', vendorId: 0x0b0e, productId: 0x24a0, leds: ['offHook', 'ring', 'mute', 'hold'] }]);
    expect(r.ledsAlerting).toEqual([[2, [0b10100]]]); // ring LED + ringer output while the call alerts
    expect(r.hookKey).toMatchObject({ key: 'offhook', code: 0x93 });
    expect(r.phoneRequests).toEqual([{ mt: 'ConnectCall' }]);
    expect(r.muteKey).toMatchObject({ key: 'mute', code: 0x8f });
    expect(r.ledResult).toEqual({ mt: 'SetHeadsetStateResult', applied: 1 });
    expect(r.ledsConnectedMuted).toEqual([[2, [0b0011]]]); // off-hook + mute
  });

  it('tells every session when devices come and go', () => {
    expect(r.devicesChanged.added.map((d: R) => `${d.kind}:${d.id}`)).toEqual(['speaker:usb-headset-1', 'ringer:usb-headset-1']);
    expect(r.devicesChanged.removed).toEqual([]);
  });

  it('lists built-in and custom ring tones and plays both, on the chosen device', () => {
    expect(r.ringtones.map((t: R) => t.ident)).toContain('custom:My Tone.mp3');
    expect(r.ringtones.filter((t: R) => t.builtin).length).toBeGreaterThanOrEqual(4);
    expect(r.ringers.length).toBeGreaterThan(0);
    expect(r.ringCustom).toMatchObject({ mt: 'StartRingingResult', ringtone: 'custom:My Tone.mp3' });
    // "Ring in headset": no device named, so the output matching the headset rings
    expect(r.ringCustom.device).toBe(r.ringers.find((d: R) => d.name === 'Fake Audio Output 2').id);
    const custom = r.ringCustomSnapshot.ringing[0];
    expect(custom).toMatchObject({ kind: 'url', playing: true });
    expect(custom.position).toBeGreaterThan(0);
    expect(r.ringBuiltin.error).toBeUndefined();
    expect(r.ringBuiltinSnapshot.ringing[0]).toMatchObject({ kind: 'builtin', playing: true, device: r.ringBuiltin.device });
    expect(r.ringBuiltin.device).not.toBe('');
    expect(r.snapshotAfterStop.ringing).toEqual([]);
  });

  it('never serves files outside the ringtones folder', () => {
    expect(r.ringTraversal).toMatchObject({ ringtone: 'builtin:classic', fallback: true });
    expect(r.http).toEqual({ ok: 200, noToken: 401, traversal: 404, dotdot: 404 });
    expect(r.consoleErrors).toEqual([]);
  });
});
