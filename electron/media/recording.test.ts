import * as http from 'node:http';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { pcapGlobalHeader, pcapRtpPacket, readRtpPcap, type RtpRecord } from './pcap';
import { RecordingStore, parseRecordingUrl } from './recording';

const rec = (dir: 'tx' | 'rx', seq: number): RtpRecord => ({ dir, time: 1_700_000_000_000 + seq * 20, pt: 8, seq, ts: seq * 160, ssrc: dir === 'tx' ? 0x11111111 : 0x22222222, payload: new Uint8Array(160).fill(0xd5) });

describe('pcap of RTP', () => {
  it('writes IPv4/UDP/RTP records that read back identically', () => {
    const records = [rec('tx', 1), rec('rx', 1), { ...rec('tx', 2), marker: true }];
    const buf = Buffer.concat([pcapGlobalHeader(), ...records.map(pcapRtpPacket)]);
    expect(buf.length).toBe(24 + 3 * (16 + 20 + 8 + 12 + 160));
    const back = readRtpPcap(buf);
    expect(back.map((r) => [r.dir, r.pt, r.seq, r.ts, r.ssrc, r.marker, r.payload.length])).toEqual([
      ['tx', 8, 1, 160, 0x11111111, false, 160],
      ['rx', 8, 1, 160, 0x22222222, false, 160],
      ['tx', 8, 2, 320, 0x11111111, true, 160],
    ]);
    expect(back[0]!.time).toBe(records[0]!.time);
    expect(() => readRtpPcap(buf.subarray(0, buf.length - 3))).toThrow(/truncated/);
    expect(() => readRtpPcap(Buffer.from('nope'))).toThrow(/pcap/);
  });
});

describe('recording URL', () => {
  it('accepts http(s) folders only, without credentials in the URL', () => {
    expect(parseRecordingUrl('https://pbx.example.com/rec/').host).toBe('pbx.example.com');
    expect(() => parseRecordingUrl('file:///etc/')).toThrow(/http or https/);
    expect(() => parseRecordingUrl('https://u:p@pbx/')).toThrow(/credentials/);
    expect(() => parseRecordingUrl('not a url')).toThrow(/not a URL/);
  });
});

describe('recording store (real HTTP server on loopback)', () => {
  let dir: string;
  let server: http.Server;
  let port: number;
  let statuses: number[];
  const received: { url: string; auth: string; body: Buffer; type: string }[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rec-'));
    statuses = [];
    received.length = 0;
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', auth: req.headers.authorization ?? '', body: Buffer.concat(chunks), type: req.headers['content-type'] ?? '' });
        res.writeHead(statuses.shift() ?? 201).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the pcap while the call runs, uploads it with PUT + Basic auth, then deletes it', async () => {
    const store = new RecordingStore({ dir, logger: memoryLogger(), retryDelaysMs: [10] });
    const uploaded = new Promise<string>((r) => { store.onUploaded = r; });
    const target = { url: `http://127.0.0.1:${port}/rec`, username: 'rec', password: 'pw' };
    await store.begin('s1/c1', target, 'call 1/../x');
    store.append('s1/c1', [rec('tx', 1), rec('rx', 1)]);
    store.append('s1/c1', [rec('tx', 2)]);
    const done = await store.finish('s1/c1');
    expect(done!.packets).toBe(3);
    expect(done!.file).toMatch(/^call_1_.._x-.*\.pcap$/);
    expect(await uploaded).toBe(done!.file);
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe(`/rec/${encodeURIComponent(done!.file)}`);
    expect(received[0]!.auth).toBe(`Basic ${Buffer.from('rec:pw').toString('base64')}`);
    expect(received[0]!.type).toBe('application/vnd.tcpdump.pcap');
    expect(readRtpPcap(received[0]!.body).map((r) => r.dir)).toEqual(['tx', 'rx', 'tx']);
    await vi.waitFor(() => expect(readdirSync(dir)).toEqual([]));
    await store.close();
  });

  it('keeps the file through failed uploads and retries until the server takes it', async () => {
    statuses = [503, 500];
    const logger = memoryLogger();
    // The retry delay must be long against the poll below, or all three attempts (and the
    // deletion after the successful one) can happen before the first check of the folder.
    const store = new RecordingStore({ dir, logger, retryDelaysMs: [300] });
    const uploaded = new Promise<string>((r) => { store.onUploaded = r; });
    await store.begin('k', { url: `http://127.0.0.1:${port}/rec/` }, 'c');
    store.append('k', [rec('rx', 7)]);
    const { file } = (await store.finish('k'))!;
    await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(1), { interval: 5, timeout: 5000 });
    expect(readdirSync(dir).sort()).toEqual([file, `${file}.json`]);
    expect(await uploaded).toBe(file);
    expect(received.length).toBe(3);
    expect(received[2]!.auth).toBe('');
    expect(logger.lines.filter((l) => l.level === 'warn' && /upload failed/.test(l.message))).toHaveLength(2);
    await store.close();
  });

  it('uploads files left by an earlier run when a recording to the same URL starts', async () => {
    const target = { url: `http://127.0.0.1:${port}/rec/` };
    writeFileSync(join(dir, 'old.pcap'), Buffer.concat([pcapGlobalHeader(), pcapRtpPacket(rec('tx', 1))]));
    writeFileSync(join(dir, 'old.pcap.json'), JSON.stringify({ url: target.url, username: '' }));
    writeFileSync(join(dir, 'other.pcap'), pcapGlobalHeader());
    writeFileSync(join(dir, 'other.pcap.json'), JSON.stringify({ url: 'http://127.0.0.1:1/elsewhere/', username: '' }));
    const store = new RecordingStore({ dir, logger: memoryLogger() });
    expect(await store.pending()).toEqual(['old.pcap', 'other.pcap']);
    const uploaded = new Promise<string>((r) => { store.onUploaded = r; });
    await store.begin('k', target, 'new');
    expect(await uploaded).toBe('old.pcap');
    expect(received.map((r) => r.url)).toEqual(['/rec/old.pcap']);
    await store.close();
    expect(readdirSync(dir)).toContain('other.pcap'); // another URL's file stays for its own target
  });
});
