import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { MediaDescriptionSchema, type Coder } from '../../common/media';
import {
  candidateAllowed,
  candidateToString,
  descriptionToSdp,
  isExcludedAddress,
  mungeCodecs,
  orderCoders,
  parseCandidate,
  sdpToDescription,
} from './sdp';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const audioOffer = fixture('chromium156-audio-offer.sdp');
const videoOffer = fixture('chromium156-video-offer.sdp');

describe('sdpToDescription (recorded Chromium 156 offers)', () => {
  it('turns an audio offer into a valid MediaConfig-like description', () => {
    const d = sdpToDescription(audioOffer, 'audio');
    expect(MediaDescriptionSchema.parse(d)).toEqual(d);
    expect(d.ice.usr).toBe('Rtfq');
    expect(d.ice.pwd).toBe('Y8kGh9jnVZwvhBS/NhYXMhIc');
    expect(d.ice.setup).toBe('actpass');
    expect(d.ice.fingerprint.alg).toBe('sha-256');
    expect(d.ice.fingerprint.hash).toMatch(/^B0:11:04/);
    expect(d.coders.map((c) => `${c.coder}/${c.pt}/${c.rate}`)).toEqual([
      'OPUS-WB/111/48000', 'RED/63/48000', 'G722/9/8000', 'G711u/0/8000', 'G711A/8/8000', 'CN/13/8000', 'DTMF/110/48000', 'DTMF/126/8000',
    ]);
    expect(d.coders[0]).toMatchObject({ channels: 2, fmtp: 'minptime=10;useinbandfec=1' });
    expect(d.ice.candidates).toEqual([
      { foundation: '4025203', component: 1, transport: 'udp', prio: 2122260223, addr: '127.0.0.1', port: 36129, type: 'host' },
      { foundation: '4271357927', component: 1, transport: 'tcp', prio: 1518280447, addr: '127.0.0.1', port: 9, type: 'host', tcptype: 'active' },
    ]);
    expect(d.ssrc).toBe(691364193);
    expect(d.cname).toBe('cGke6a8eee3MzivJ');
    expect(d.msid).toMatch(/^17a1fb5b-\S+ c6f8fa42-/);
  });

  it('keeps all-digit ICE credentials and cname as strings (sdp-transform would make them numbers)', () => {
    // Chromium picks 4 random ufrag characters: "7560" happened in the two-client e2e test
    const digits = audioOffer.replace('a=ice-ufrag:Rtfq', 'a=ice-ufrag:7560').replace('a=ice-pwd:Y8kGh9jnVZwvhBS/NhYXMhIc', 'a=ice-pwd:123456789012345678901234').replace('cname:cGke6a8eee3MzivJ', 'cname:1234567890123456');
    const d = sdpToDescription(digits, 'audio');
    expect(MediaDescriptionSchema.parse(d)).toEqual(d);
    expect(d.ice).toMatchObject({ usr: '7560', pwd: '123456789012345678901234' });
    expect(d.cname).toBe('1234567890123456');
    expect(sdpToDescription(descriptionToSdp(d), 'audio').ice.usr).toBe('7560');
  });

  it('keeps VP8, VP9 and their RTX from a video offer, drops AV1 and unknown codecs', () => {
    const d = sdpToDescription(videoOffer, 'video');
    const names = new Set(d.coders.map((c) => c.coder));
    expect([...names].sort()).toEqual(['H264', 'RTX', 'VP8', 'VP9']);
    expect(d.coders[0]).toMatchObject({ coder: 'VP8', pt: 96, rate: 90000 });
    expect(d.coders[1]).toMatchObject({ coder: 'RTX', pt: 97, fmtp: 'apt=96' });
  });

  it('refuses a description for the wrong kind and SDP without ICE or fingerprint', () => {
    expect(() => sdpToDescription(audioOffer, 'video')).toThrow(/audio, channel is video/);
    expect(() => sdpToDescription(audioOffer.replace(/a=ice-ufrag.*\r\n/, ''), 'audio')).toThrow(/ICE credentials/);
    expect(() => sdpToDescription(audioOffer.replace(/a=fingerprint.*\r\n/, ''), 'audio')).toThrow(/fingerprint/);
    expect(() => sdpToDescription('v=0\r\n', 'audio')).toThrow(/no audio or video/);
  });
});

describe('descriptionToSdp', () => {
  it('round-trips a Chromium offer: description -> SDP -> description is identical', () => {
    const d = sdpToDescription(audioOffer, 'audio');
    const sdp = descriptionToSdp(d, { sessionId: '42' });
    expect(sdpToDescription(sdp, 'audio')).toEqual(d);
    const v = sdpToDescription(videoOffer, 'video');
    expect(sdpToDescription(descriptionToSdp(v), 'video')).toEqual(v);
  });

  it('writes what Chromium needs for a remote description: rtcp-mux, mid, DTLS, ICE, candidates, ptime', () => {
    const d = sdpToDescription(audioOffer, 'audio');
    d.coders = orderCoders(d.coders, ['G711A', 'G711u']).map((c) => ({ ...c, ptime: 20 }));
    d.ice.setup = 'active';
    const s = parse(descriptionToSdp(d, { mid: '0' }));
    const m = s.media[0]!;
    expect(m.protocol).toBe('UDP/TLS/RTP/SAVPF');
    expect(m.payloads).toBe('8 0 110 126');
    expect(m.rtcpMux).toBe('rtcp-mux');
    expect(String(m.mid)).toBe('0');
    expect(m.setup).toBe('active');
    expect(m.ptime).toBe(20);
    expect(m.fmtp).toEqual([]);
    expect(m.candidates).toHaveLength(2);
    expect(String(s.groups?.[0]?.mids)).toBe('0');
  });

  it('writes OPUS-NB as opus limited to 8 kHz and reads it back as OPUS-NB', () => {
    const d = sdpToDescription(audioOffer, 'audio');
    d.coders = [{ coder: 'OPUS-NB', pt: 109, rate: 48000 }];
    const sdp = descriptionToSdp(d);
    expect(sdp).toContain('a=rtpmap:109 opus/48000/2');
    expect(sdp).toContain('maxplaybackrate=8000');
    expect(sdpToDescription(sdp, 'audio').coders[0]!.coder).toBe('OPUS-NB');
  });

  it('adds RTCP feedback for video coders and refuses duplicate payload types', () => {
    const v = sdpToDescription(videoOffer, 'video');
    const sdp = descriptionToSdp(v);
    expect(sdp).toContain('a=rtcp-fb:96 nack pli');
    expect(sdp).not.toContain('a=rtcp-fb:97');
    v.coders.push({ ...v.coders[0]! });
    expect(() => descriptionToSdp(v)).toThrow(/payload type 96 used twice/);
  });
});

describe('codec ordering and munging', () => {
  const coders: Coder[] = [
    { coder: 'OPUS-WB', pt: 111, rate: 48000 },
    { coder: 'G722', pt: 9, rate: 8000 },
    { coder: 'G711u', pt: 0, rate: 8000 },
    { coder: 'G711A', pt: 8, rate: 8000 },
    { coder: 'DTMF', pt: 126, rate: 8000 },
  ];
  it('orders by preference, drops unlisted codecs, keeps DTMF last unless the list names it', () => {
    expect(orderCoders(coders, ['G711A', 'G722']).map((c) => c.coder)).toEqual(['G711A', 'G722', 'DTMF']);
    expect(orderCoders(coders, ['DTMF', 'G711u']).map((c) => c.coder)).toEqual(['DTMF', 'G711u']);
    expect(orderCoders(coders, ['OPUS-WB']).map((c) => c.pt)).toEqual([111, 126]);
  });
  it('keeps RTX right after the video codec it repairs and drops orphan RTX', () => {
    const v = sdpToDescription(videoOffer, 'video').coders;
    const out = orderCoders(v, ['VP9', 'VP8']);
    expect(out.map((c) => c.coder).slice(0, 2)).toEqual(['VP9', 'RTX']);
    expect(out.filter((c) => c.coder === 'H264')).toEqual([]);
    for (const [i, c] of out.entries()) if (c.coder === 'RTX') expect(c.fmtp).toBe(`apt=${out[i - 1]!.pt}`);
  });
  it('munges an SDP: reorders the m-line and removes rtpmap/fmtp/rtcp-fb of dropped codecs', () => {
    const out = parse(mungeCodecs(audioOffer, 'audio', ['G722', 'G711A']));
    const m = out.media[0]!;
    expect(m.payloads).toBe('9 8 110 126');
    expect(m.rtp.map((r) => r.payload).sort()).toEqual([110, 126, 8, 9].sort());
    expect(m.fmtp).toEqual([]);
    expect(m.rtcpFb ?? []).toEqual([]);
    const v = parse(mungeCodecs(videoOffer, 'video', ['VP8']));
    expect(v.media[0]!.payloads).toBe('96 97');
    expect(() => mungeCodecs(audioOffer, 'audio', ['VP8'])).toThrow(/no audio codec left/);
  });
});

describe('candidates', () => {
  it('parses and writes trickle candidate strings as RTCIceCandidate carries them', () => {
    const s = 'candidate:3289912957 1 udp 1845501695 193.84.77.194 60017 typ srflx raddr 192.168.34.75 rport 60017 generation 0 ufrag abcd network-id 3';
    const c = parseCandidate(s)!;
    expect(c).toEqual({ foundation: '3289912957', component: 1, transport: 'udp', prio: 1845501695, addr: '193.84.77.194', port: 60017, type: 'srflx', r_addr: '192.168.34.75', r_port: 60017 });
    expect(parseCandidate(candidateToString(c))).toEqual(c);
    expect(parseCandidate('a=candidate:1 1 udp 1 ::1 5000 typ host')).toMatchObject({ addr: '::1', port: 5000 });
    expect(parseCandidate('garbage')).toBeUndefined();
    expect(parseCandidate('candidate:1 1 sctp 1 1.2.3.4 5 typ host')).toBeUndefined();
  });
  it('excludes EXCLUDEINTERFACES prefixes on whole groups and exact VPN addresses', () => {
    const prefixes = ['172', '192.168', '10.10', 'fd00:'];
    expect(isExcludedAddress('172.16.0.5', [], prefixes)).toBe(true);
    expect(isExcludedAddress('192.168.1.2', [], prefixes)).toBe(true);
    expect(isExcludedAddress('10.10.3.4', [], prefixes)).toBe(true);
    expect(isExcludedAddress('10.100.3.4', [], prefixes)).toBe(false);
    expect(isExcludedAddress('1720.1.1.1', [], prefixes)).toBe(false);
    expect(isExcludedAddress('fd00::2', [], prefixes)).toBe(true);
    expect(isExcludedAddress('127.0.0.1', ['10.8.0.2'], prefixes)).toBe(false);
    expect(isExcludedAddress('10.8.0.2', ['10.8.0.2'], prefixes)).toBe(true);
  });
  it('judges srflx/relay candidates by their base address', () => {
    const srflx = parseCandidate('candidate:1 1 udp 1 203.0.113.9 4000 typ srflx raddr 10.8.0.2 rport 4000')!;
    expect(candidateAllowed(srflx, ['10.8.0.2'], [])).toBe(false);
    expect(candidateAllowed(srflx, [], ['192.168'])).toBe(true);
  });
});
