import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { ChannelsSchema, type ChannelKind, type Channels } from '../../common/media';
import { ABS_SEND_TIME_ID, ABS_SEND_TIME_URI, channelsOfKind, channelsToSdp, extensionId, fingerprintFromHex, fingerprintToHex, mergeChannels, restrictCandidates, sdpToChannels } from './channels';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
/** Recorded Chromium 156 offers (scripts/record-sdp-fixtures.ts for the appsharing and call ones). */
const OFFERS: [string, ChannelKind][] = [
  ['chromium156-audio-offer.sdp', 'audio'],
  ['chromium156-video-offer.sdp', 'video'],
  ['chromium156-appsharing-offer.sdp', 'appsharing'],
];
const CALL: ChannelKind[] = ['audio', 'video', 'appsharing'];
const callOffer = fixture('chromium156-call-offer.sdp');
const audioOffer = fixture('chromium156-audio-offer.sdp');

/** The ICE, DTLS and codec lines of a Chromium m-section that Signal channels carry. */
function expressible(sdp: string): unknown[] {
  return parse(sdp).media.map((m) => ({
    ufrag: String(m.iceUfrag), pwd: String(m.icePwd), fingerprint: m.fingerprint, setup: m.setup, mux: m.rtcpMux, direction: m.direction,
    port: m.port, ip: m.connection?.ip,
    candidates: (m.candidates ?? []).filter((c) => c.transport === 'udp').map((c) => `${c.foundation} ${c.component} ${c.priority} ${c.ip} ${c.port} ${c.type}`),
  }));
}

describe('channels <-> SDP round trip (recorded Chromium offers)', () => {
  for (const [name, kind] of OFFERS) {
    it(`${name}: channels -> SDP -> channels keeps every field`, () => {
      const c = sdpToChannels(fixture(name), kind);
      expect(ChannelsSchema.parse(c)).toEqual(c);
      const sdp = channelsToSdp(c, kind, { cmd: 'PROPOSAL', sessionId: '42' });
      expect(sdpToChannels(sdp, kind)).toEqual(c);
      // and what Chromium said about ICE, DTLS and its UDP candidates survives SDP -> channels -> SDP
      expect(expressible(sdp)).toEqual(expressible(fixture(name)));
    });
  }

  it('an audio offer becomes the published audio block with coder names, xmit/rate, pt and our fmtp/clock', () => {
    const c = sdpToChannels(audioOffer, 'audio');
    expect(Object.keys(c).sort()).toEqual(['audio_ice', 'audio_rtcp_mux', 'audio_setup_role', 'ch']);
    expect(c.audio_rtcp_mux).toBe(true);
    expect(c.audio_setup_role).toBe('actpass');
    expect(c.audio_ice).toEqual({
      usr: 'Rtfq', pwd: 'Y8kGh9jnVZwvhBS/NhYXMhIc',
      fingerprint: expect.stringMatching(/^b01104[0-9a-f]{58}$/),
      candidate: [{ foundation: '4025203', rtp_prio: 2122260223, addr: '127.0.0.1', rtp: 36129, type: 'host' }], // the TCP candidate has no Signal form
    });
    expect(c.ch!.map((e) => `${e.coder}/${e.pt}${e.clock ? `/${e.clock}` : ''}`)).toEqual(['OPUS-WB/111', 'RED/63', 'G722/9', 'G711u/0', 'G711A/8', 'CN/13', 'DTMF/110/48000', 'DTMF/126']);
    expect(c.ch![0]).toEqual({ coder: 'OPUS-WB', pt: 111, media: 'audio', fmtp: 'minptime=10;useinbandfec=1', xmit: 20, rate: 20, addr: '127.0.0.1', port: 36129 });
    expect(c.ch![7]).toEqual({ coder: 'DTMF', pt: 126, media: 'audio', addr: '127.0.0.1', port: 36129 });
  });

  it('appsharing is the collab media with video coders; AV1 and unknown codecs are dropped, RTX stays with its codec', () => {
    const c = sdpToChannels(fixture('chromium156-appsharing-offer.sdp'), 'appsharing');
    expect(c.collab_ice?.usr).toBeTruthy();
    expect(c.video_ice).toBeUndefined();
    expect(new Set(c.ch!.map((e) => e.coder))).toEqual(new Set(['VP8', 'RTX', 'H264', 'VP9']));
    expect(c.ch!.every((e) => e.media === 'collab')).toBe(true);
    expect(c.ch![1]).toMatchObject({ coder: 'RTX', fmtp: `apt=${c.ch![0]!.pt}` });
  });

  it('a whole call (audio + video + screen in one offer, one transport each) round-trips as one channels object', () => {
    const c = sdpToChannels(callOffer, CALL);
    expect(ChannelsSchema.parse(c)).toEqual(c);
    expect(['audio_ice', 'video_ice', 'collab_ice'].every((k) => k in c)).toBe(true);
    const sdp = channelsToSdp(c, CALL, { cmd: 'PROPOSAL' });
    expect(sdpToChannels(sdp, CALL)).toEqual(c);
    expect(expressible(sdp)).toEqual(expressible(callOffer));
    // each channel takes its own part of the call's object, which is what one m-section gives
    const sections = callOffer.split(/(?=^m=)/m);
    CALL.forEach((kind, i) => {
      const alone = sdpToChannels(sections[0] + sections[i + 1]!, kind);
      expect(channelsOfKind(c, kind)).toEqual(alone);
    });
    expect(mergeChannels(CALL.map((k) => channelsOfKind(c, k)))).toEqual(c);
  });

  it('video and screen sections declare abs-send-time (the REMB estimator needs it) under the id of our offer; audio none', () => {
    // Chromium's own id for it, in every recorded offer: what an offer from a Chromium peer uses
    for (const [name] of OFFERS) expect(extensionId(fixture(name), ABS_SEND_TIME_URI)).toBe(ABS_SEND_TIME_ID);
    const c = sdpToChannels(callOffer, CALL);
    const ext = (sdp: string) => parse(sdp).media.map((m) => (m.ext ?? []).map((e) => `${e.value} ${e.uri}`));
    expect(ext(channelsToSdp(c, CALL, { cmd: 'PROPOSAL' }))).toEqual([[], [`2 ${ABS_SEND_TIME_URI}`], [`2 ${ABS_SEND_TIME_URI}`]]);
    // an answer to our offer takes our offer's id; none when our offer had none
    expect(ext(channelsToSdp(c, CALL, { cmd: 'SELECT', absSendTimeId: 7 }))).toEqual([[], [`7 ${ABS_SEND_TIME_URI}`], [`7 ${ABS_SEND_TIME_URI}`]]);
    expect(ext(channelsToSdp(c, CALL, { cmd: 'SELECT', absSendTimeId: null }))).toEqual([[], [], []]);
  });
});

describe('channels -> SDP (what a PBX may send)', () => {
  const fp = 'b0110402f77d1f0c8b6b0e6fa2a7e4a1c6b8a3d9e0f1a2b3c4d5e6f708192a3b';
  const pbx: Channels = {
    source: 'SIP',
    guid: '0123456789abcdef0123456789ABCDEF',
    audio_rtcp_mux: true,
    video_rtcp_mux: true,
    audio_ice: { fingerprint: fp, usr: 'pbxu', pwd: 'pbxpasswordpbxpassword', candidate: [{ addr: '192.0.2.10', rtp: 16000, type: 'host' }] },
    video_ice: { fingerprint: fp, usr: 'pbxv', pwd: 'pbxpasswordpbxpassword', candidate: [{ addr: '192.0.2.10', rtp: 16002, r_addr: '10.0.0.1', r_rtp: 5, type: 'srflx', foundation: 'f1', rtp_prio: 99 }] },
    ch: [
      { coder: 'G729', xmit: 20, rate: 20 },
      { coder: 'G711A', xmit: 30, rate: 30, addr: '192.0.2.10', port: 16000 },
      { coder: 'OPUS-WB', xmit: 20, rate: 20 },
      { coder: 'H264' },
      { coder: 'JRFB' },
      { coder: 'T38UDP' },
    ],
  };

  it('uses published fields only: static and free dynamic payload types, ptime from rate, default H.264 parameters, candidates filled in', () => {
    const a = parse(channelsToSdp(pbx, 'audio', { cmd: 'PROPOSAL' })).media[0]!;
    expect(a.payloads).toBe('8 96'); // G729 is dropped (Chromium has no G.729), G711A static 8, OPUS gets a free dynamic pt
    expect(a.rtp.map((r) => `${r.codec}/${r.rate}${r.encoding ? `/${r.encoding}` : ''}`)).toEqual(['PCMA/8000', 'opus/48000/2']);
    expect(a.ptime).toBe(30);
    expect(a.setup).toBe('actpass');
    expect(a.fingerprint).toEqual({ type: 'sha-256', hash: fingerprintFromHex(fp).hash });
    expect(a.connection?.ip).toBe('192.0.2.10');
    expect(a.port).toBe(16000);
    expect(a.candidates).toEqual([expect.objectContaining({ ip: '192.0.2.10', port: 16000, type: 'host', component: 1, transport: 'udp', priority: 2130706431 })]);
    const v = parse(channelsToSdp(pbx, 'video', { cmd: 'SELECT', mids: ['1'] })).media[0]!;
    expect(v.rtp.map((r) => r.codec)).toEqual(['H264']);
    expect(v.fmtp[0]!.config).toContain('packetization-mode=1');
    expect(v.setup).toBe('active'); // the answerer's default role
    expect(String(v.mid)).toBe('1');
    expect(v.candidates![0]).toMatchObject({ foundation: 'f1', priority: 99, raddr: '10.0.0.1', rport: 5, type: 'srflx' });
  });

  it('gives a video coder to collab when the object has collab_ice but no video_ice, and a host candidate from ch addr/port', () => {
    const share: Channels = { collab_rtcp_mux: true, collab_ice: { fingerprint: fp, usr: 'abcd', pwd: 'pbxpasswordpbxpassword' }, ch: [{ coder: 'VPB', addr: '192.0.2.1', port: 4000, pt: 100 }] };
    const parsed = ChannelsSchema.parse(share);
    expect(parsed.ch![0]!.coder).toBe('VP8');
    const m = parse(channelsToSdp(parsed, 'appsharing', { cmd: 'PROPOSAL' })).media[0]!;
    expect(m.type).toBe('video');
    expect(m.rtp[0]).toMatchObject({ codec: 'VP8', payload: 100 });
    expect(m.candidates).toEqual([expect.objectContaining({ ip: '192.0.2.1', port: 4000 })]);
    expect(() => channelsToSdp(parsed, 'video', { cmd: 'PROPOSAL' })).toThrow(/no video_ice/);
  });

  it('refuses what Chromium cannot do, with the reason', () => {
    const base = { audio_rtcp_mux: true, ch: [{ coder: 'G711A' }] } satisfies Channels;
    const ice = { fingerprint: fp, usr: 'abcd', pwd: 'pbxpasswordpbxpassword' };
    const to = (c: Channels) => () => channelsToSdp(c, 'audio', { cmd: 'PROPOSAL' });
    expect(to({ ...base, key: { tag: 1, mode: 'AES_CM_128_HMAC_SHA1_80', b: 'ab' }, audio_ice: { usr: 'abcd', pwd: 'x'.repeat(22) } })).toThrow(/SRTP key without DTLS fingerprint; Chromium supports DTLS-SRTP only/);
    expect(to({ ...base, audio_ice: { fingerprint: fp } })).toThrow(/no ICE credentials/);
    expect(to({ ...base, audio_ice: ice, audio_setup_role: 'holdconn' })).toThrow(/holdconn/);
    expect(to({ ...base, audio_ice: ice, audio_rtcp_mux: false })).toThrow(/RTCP multiplexed only/);
    expect(to({ ...base, audio_ice: ice, ch: [{ coder: 'G729' }, { coder: 'XPARENT' }, { coder: 'DTMF', pt: 101 }] })).toThrow(/no audio coder Chromium can use in channels \(G729, XPARENT, DTMF\)/);
    expect(to({ ...base, audio_ice: ice, ch: [{ coder: 'G711A', pt: 8 }, { coder: 'G711u', pt: 8 }] })).toThrow(/payload type 8 used twice/);
    expect(to({ ...base, audio_ice: ice, ch: [{ coder: 'G711A', mc_addr: '239.1.1.1', mc_port: 5000 }] })).toThrow(/no audio coder/);
    expect(() => fingerprintToHex('md5', '00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff')).toThrow(/md5 cannot be expressed/);
    expect(() => sdpToChannels(audioOffer, 'video')).toThrow(/audio, channel is video/);
    expect(() => sdpToChannels(audioOffer.replace(/a=fingerprint.*\r\n/, ''), 'audio')).toThrow(/fingerprint/);
    expect(() => sdpToChannels(audioOffer.replace(/a=ice-ufrag.*\r\n/, ''), 'audio')).toThrow(/ICE credentials/);
    expect(() => sdpToChannels('v=0\r\n', 'audio')).toThrow(/no audio or video/);
  });

  it('drops refused candidates and never leaves a refused address as the default address', () => {
    const c = sdpToChannels(callOffer, CALL);
    restrictCandidates(c, 'video', (x) => x.addr !== '127.0.0.1');
    expect(c.video_ice!.candidate).toEqual([]);
    const video = c.ch!.filter((e) => e.media === 'video');
    expect(video.every((e) => e.addr === undefined && e.port === undefined)).toBe(true);
    expect(c.ch!.filter((e) => e.media === 'audio').every((e) => e.addr === '127.0.0.1')).toBe(true); // other media untouched
    const d = sdpToChannels(audioOffer, 'audio');
    d.audio_ice!.candidate!.push({ addr: '192.0.2.7', rtp: 7000, type: 'host' });
    restrictCandidates(d, 'audio', (x) => x.addr !== '127.0.0.1');
    expect(d.ch!.every((e) => e.addr === '192.0.2.7' && e.port === 7000)).toBe(true);
  });

  it('keeps all-digit ICE credentials as strings, and our direction field for one-way media', () => {
    const digits = audioOffer.replace('a=ice-ufrag:Rtfq', 'a=ice-ufrag:7560').replace('a=ice-pwd:Y8kGh9jnVZwvhBS/NhYXMhIc', 'a=ice-pwd:123456789012345678901234').replace('a=sendrecv', 'a=sendonly');
    const c = sdpToChannels(digits, 'audio');
    expect(c.audio_ice).toMatchObject({ usr: '7560', pwd: '123456789012345678901234' });
    expect(c.audio_direction).toBe('sendonly');
    const back = parse(channelsToSdp(c, 'audio', { cmd: 'PROPOSAL' })).media[0]!;
    expect(back.direction).toBe('sendonly');
    expect(sdpToChannels(channelsToSdp(c, 'audio', { cmd: 'PROPOSAL' }), 'audio')).toEqual(c);
  });

  it('an all-digit fingerprint hash or codec name is refused with a reason, not a TypeError (found by reliability.fuzz_cases)', () => {
    const hash = audioOffer.replace(/a=fingerprint:sha-256 \S+/, 'a=fingerprint:sha-256 1234');
    expect(() => sdpToChannels(hash, 'audio')).toThrow(/DTLS fingerprint/);
    const codec = audioOffer.replace(/a=rtpmap:111 opus\/48000\/2/, 'a=rtpmap:111 6/48000/2').replace(/a=rtpmap:(\d+) (?!6\/)[^\r\n]+/g, 'a=rtpmap:$1 7/8000');
    expect(() => sdpToChannels(codec, 'audio')).toThrow('no common codec in SDP');
  });

  it('writes OPUS-NB as opus limited to 8 kHz, sha-1..sha-512 fingerprints by their length', () => {
    const c = sdpToChannels(audioOffer, 'audio');
    c.ch = [{ coder: 'OPUS-NB', pt: 109 }];
    const sdp = channelsToSdp(c, 'audio', { cmd: 'PROPOSAL' });
    expect(sdp).toContain('a=rtpmap:109 opus/48000/2');
    expect(sdp).toContain('maxplaybackrate=8000');
    expect(sdpToChannels(sdp, 'audio').ch![0]!.coder).toBe('OPUS-NB');
    expect(fingerprintFromHex('00'.repeat(20)).type).toBe('sha-1');
    expect(fingerprintFromHex('AB:'.repeat(47) + 'CD').type).toBe('sha-384');
    expect(fingerprintToHex('SHA-512', 'AB:'.repeat(63) + 'CD')).toBe('ab'.repeat(63) + 'cd');
  });
});
