/**
 * pcap files of RTP (call recording): classic libpcap format, LINKTYPE_RAW (101, IPv4 packets),
 * each RTP packet wrapped in IPv4 + UDP headers. Sent packets go 192.0.2.1:50000 ->
 * 192.0.2.2:50000, received ones the other way (RFC 5737 documentation addresses: the engine
 * sees encoded frames, not the real socket addresses).
 */
export const PCAP_LINKTYPE_RAW = 101;
export const LOCAL_ENDPOINT = { ip: '192.0.2.1', port: 50000 };
export const REMOTE_ENDPOINT = { ip: '192.0.2.2', port: 50000 };

export interface RtpRecord {
  /** 'tx' = sent by us, 'rx' = received. */
  dir: 'tx' | 'rx';
  /** Capture time, ms since the epoch. */
  time: number;
  pt: number;
  seq: number;
  /** RTP timestamp. */
  ts: number;
  ssrc: number;
  marker?: boolean;
  payload: Uint8Array;
}

export function pcapGlobalHeader(): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(0xa1b2c3d4, 0);
  b.writeUInt16LE(2, 4);
  b.writeUInt16LE(4, 6);
  b.writeInt32LE(0, 8);
  b.writeUInt32LE(0, 12);
  b.writeUInt32LE(65535, 16);
  b.writeUInt32LE(PCAP_LINKTYPE_RAW, 20);
  return b;
}

function ipv4(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

function ipChecksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < h.length; i += 2) sum += h.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** One pcap record: record header + IPv4 + UDP + RTP header + payload. */
export function pcapRtpPacket(r: RtpRecord): Buffer {
  const [src, dst] = r.dir === 'tx' ? [LOCAL_ENDPOINT, REMOTE_ENDPOINT] : [REMOTE_ENDPOINT, LOCAL_ENDPOINT];
  const rtp = Buffer.alloc(12);
  rtp[0] = 0x80;
  rtp[1] = (r.marker ? 0x80 : 0) | (r.pt & 0x7f);
  rtp.writeUInt16BE(r.seq & 0xffff, 2);
  rtp.writeUInt32BE(r.ts >>> 0, 4);
  rtp.writeUInt32BE(r.ssrc >>> 0, 8);
  const udpLen = 8 + rtp.length + r.payload.length;
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(src.port, 0);
  udp.writeUInt16BE(dst.port, 2);
  udp.writeUInt16BE(udpLen, 4);
  udp.writeUInt16BE(0, 6); // no UDP checksum (allowed over IPv4)
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + udpLen, 2);
  ip.writeUInt16BE(r.seq & 0xffff, 4);
  ip[8] = 64;
  ip[9] = 17;
  ipv4(src.ip).copy(ip, 12);
  ipv4(dst.ip).copy(ip, 16);
  ip.writeUInt16BE(ipChecksum(ip), 10);
  const len = 20 + udpLen;
  const rec = Buffer.alloc(16);
  rec.writeUInt32LE(Math.floor(r.time / 1000), 0);
  rec.writeUInt32LE(Math.floor((r.time % 1000) * 1000), 4);
  rec.writeUInt32LE(len, 8);
  rec.writeUInt32LE(len, 12);
  return Buffer.concat([rec, ip, udp, rtp, Buffer.from(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength)]);
}

/** Reads a pcap written by this module back (tests, diagnostics). Throws on a malformed file. */
export function readRtpPcap(buf: Buffer): RtpRecord[] {
  if (buf.length < 24 || buf.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('not a little-endian pcap file');
  if (buf.readUInt32LE(20) !== PCAP_LINKTYPE_RAW) throw new Error('unexpected link type');
  const out: RtpRecord[] = [];
  let o = 24;
  while (o + 16 <= buf.length) {
    const sec = buf.readUInt32LE(o);
    const usec = buf.readUInt32LE(o + 4);
    const len = buf.readUInt32LE(o + 8);
    const p = buf.subarray(o + 16, o + 16 + len);
    if (p.length < len || len < 40) throw new Error(`truncated packet at ${o}`);
    if (p[0] !== 0x45 || p[9] !== 17 || ipChecksum(p.subarray(0, 20)) !== 0) throw new Error(`bad IPv4/UDP header at ${o}`);
    const rtp = p.subarray(28);
    if (rtp[0]! >> 6 !== 2) throw new Error(`not RTP at ${o}`);
    out.push({
      dir: p.subarray(12, 16).join('.') === LOCAL_ENDPOINT.ip ? 'tx' : 'rx',
      time: sec * 1000 + usec / 1000,
      pt: rtp[1]! & 0x7f,
      marker: (rtp[1]! & 0x80) !== 0,
      seq: rtp.readUInt16BE(2),
      ts: rtp.readUInt32BE(4),
      ssrc: rtp.readUInt32BE(8),
      payload: new Uint8Array(rtp.subarray(12)),
    });
    o += 16 + len;
  }
  if (o !== buf.length) throw new Error('trailing bytes');
  return out;
}
