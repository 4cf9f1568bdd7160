import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import type { CoderName } from '../../common/media';
import { CODERS } from '../../common/codecs';
import { sdpToChannels } from './channels';
import {
  candidateAllowed,
  candidateToString,
  defaultPriority,
  firstCoder,
  isExcludedAddress,
  mungeCodecs,
  orderCoders,
  parseCandidate,
  usableCoder,
} from './sdp';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const audioOffer = fixture('chromium156-audio-offer.sdp');
const videoOffer = fixture('chromium156-video-offer.sdp');

describe('codec ordering and munging', () => {
  const coders: { coder: CoderName; pt: number }[] = [
    { coder: 'OPUS-WB', pt: 111 },
    { coder: 'G722', pt: 9 },
    { coder: 'G711u', pt: 0 },
    { coder: 'G711A', pt: 8 },
    { coder: 'DTMF', pt: 126 },
  ];
  it('orders by preference, drops unlisted codecs, keeps DTMF last unless the list names it', () => {
    expect(orderCoders(coders, ['G711A', 'G722']).map((c) => c.coder)).toEqual(['G711A', 'G722', 'DTMF']);
    expect(orderCoders(coders, ['DTMF', 'G711u']).map((c) => c.coder)).toEqual(['DTMF', 'G711u']);
    expect(orderCoders(coders, ['OPUS-WB']).map((c) => c.pt)).toEqual([111, 126]);
  });
  it('keeps RTX right after the video codec it repairs and drops orphan RTX', () => {
    const v = sdpToChannels(videoOffer, 'video').ch!;
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

describe('coders', () => {
  it('knows what Chromium can use per kind; appsharing carries video coders', () => {
    expect(usableCoder('G711A', 'audio')).toBe(true);
    expect(usableCoder('G729', 'audio')).toBe(false);
    expect(usableCoder('VP8', 'appsharing')).toBe(true);
    expect(usableCoder('JRFB', 'appsharing')).toBe(false);
    expect(usableCoder('VP8', 'audio')).toBe(false);
    expect(usableCoder('G726', 'audio')).toBe(false);
    expect(CODERS.G729.staticPt).toBe(18);
  });
  it('picks the first real codec (capability mapping: common/codecs.test.ts)', () => {
    expect(firstCoder([{ coder: 'DTMF' }, { coder: 'G711A' }])).toBe('G711A');
    expect(firstCoder([{ coder: 'G726' }, { coder: 'CN' }])).toBeUndefined();
  });
});

describe('candidates', () => {
  it('parses and writes trickle candidate strings as RTCIceCandidate carries them, as Signal candidates', () => {
    const s = 'candidate:3289912957 1 udp 1845501695 193.84.77.194 60017 typ srflx raddr 192.168.34.75 rport 60017 generation 0 ufrag abcd network-id 3';
    const p = parseCandidate(s)!;
    expect(p).toEqual({
      component: 1, transport: 'udp',
      candidate: { foundation: '3289912957', rtp_prio: 1845501695, addr: '193.84.77.194', rtp: 60017, type: 'srflx', r_addr: '192.168.34.75', r_rtp: 60017 },
    });
    expect(parseCandidate(candidateToString(p.candidate))).toEqual(p);
    expect(parseCandidate('a=candidate:1 1 udp 1 ::1 5000 typ host')?.candidate).toMatchObject({ addr: '::1', rtp: 5000 });
    expect(parseCandidate('candidate:1 1 tcp 1 1.2.3.4 9 typ host tcptype active')?.transport).toBe('tcp');
    expect(parseCandidate('garbage')).toBeUndefined();
  });
  it('fills in what a Signal candidate leaves open: type host, RFC 8445 priority, a stable foundation, RTCP port', () => {
    const line = candidateToString({ addr: '10.0.0.7', rtp: 4000 });
    const p = parseCandidate(line)!;
    expect(p.candidate).toMatchObject({ addr: '10.0.0.7', rtp: 4000, type: 'host', rtp_prio: defaultPriority('host', 1) });
    expect(defaultPriority('host', 1)).toBe(2130706431);
    expect(candidateToString({ addr: '10.0.0.7', rtp: 4000 })).toBe(line);
    expect(candidateToString({ addr: '10.0.0.7', rtp: 4000, rtcp: 4001, rtcp_prio: 7, foundation: 'x' }, 2)).toBe('candidate:x 2 udp 7 10.0.0.7 4001 typ host generation 0');
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
    const srflx = parseCandidate('candidate:1 1 udp 1 203.0.113.9 4000 typ srflx raddr 10.8.0.2 rport 4000')!.candidate;
    expect(candidateAllowed(srflx, ['10.8.0.2'], [])).toBe(false);
    expect(candidateAllowed(srflx, [], ['192.168'])).toBe(true);
  });
});
