/**
 * Call recording: the engine hands over the RTP payloads of a recording channel (both
 * directions), this store writes them as a pcap (./pcap.ts) under `<localData>/recordings/`, and
 * uploads finished files to the Recording URL with HTTP PUT (optional Basic credentials, as the
 * PBX's WebDAV Recording Username/Password). Nothing is lost:
 *
 *   `<name>.pcap.part`  being written (appended as packets arrive)
 *   `<name>.pcap`       finished (fsync + rename), waiting for upload; `<name>.pcap.json` says where
 *                       to (URL and user name, never the password)
 *   deleted only after the server answered 2xx. Failed uploads are retried with back-off; files
 *   left over by an earlier run are uploaded when a recording to the same URL starts again.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../platform';
import { writeFileAtomic } from '../util/atomic';
import { pcapGlobalHeader, pcapRtpPacket, type RtpRecord } from './pcap';

export interface RecordingTarget {
  /** http(s) URL of a folder (WebDAV, PBX CF, Recordings app); the file name is appended. */
  url: string;
  username?: string;
  password?: string;
}

export interface RecordingStoreOptions {
  dir: string;
  logger: Logger;
  /** Injected for tests and for the proxy-aware fetch of the product; default global fetch. */
  fetch?: typeof fetch;
  /** Back-off between upload attempts, ms; the last value repeats up to maxAttempts. */
  retryDelaysMs?: number[];
  maxAttempts?: number;
}

interface Active {
  file: string;
  target: RecordingTarget;
  chain: Promise<void>;
  packets: number;
  failed: boolean;
}

const SAFE = /[^A-Za-z0-9._-]+/g;

/** Checks a Recording URL: http or https, no credentials in it. */
export function parseRecordingUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('recording URL is not a URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('recording URL must be http or https');
  if (u.username || u.password) throw new Error('recording URL must not carry credentials (use username/password)');
  return u;
}

export class RecordingStore {
  private readonly active = new Map<string, Active>();
  private readonly uploading = new Set<string>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(private readonly opts: RecordingStoreOptions) {}

  /** Starts a recording file for `key` (session + channel). Returns the file name. */
  async begin(key: string, target: RecordingTarget, name: string): Promise<string> {
    parseRecordingUrl(target.url);
    await fsp.mkdir(this.opts.dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const base = `${(name || 'call').replace(SAFE, '_').slice(0, 80)}-${stamp}.pcap`;
    const file = path.join(this.opts.dir, base);
    await fsp.writeFile(`${file}.part`, pcapGlobalHeader(), { mode: 0o600 });
    this.active.set(key, { file, target, chain: Promise.resolve(), packets: 0, failed: false });
    this.opts.logger.trace('Media', 'recording started', { file: base });
    void this.retryPending(target);
    return base;
  }

  isRecording(key: string): boolean {
    return this.active.has(key);
  }

  /** Appends packets (in arrival order). Write errors mark the recording failed; the call goes on. */
  append(key: string, records: RtpRecord[]): void {
    const a = this.active.get(key);
    if (!a || a.failed || records.length === 0) return;
    const data = Buffer.concat(records.map(pcapRtpPacket));
    a.packets += records.length;
    a.chain = a.chain.then(() => fsp.appendFile(`${a.file}.part`, data)).catch((err: unknown) => {
      a.failed = true;
      this.opts.logger.error('recording: write failed', { file: path.basename(a.file), error: String(err) });
    });
  }

  /** Finishes the file (fsync + rename) and queues the upload. Resolves with the file name. */
  async finish(key: string): Promise<{ file: string; packets: number } | null> {
    const a = this.active.get(key);
    if (!a) return null;
    this.active.delete(key);
    await a.chain;
    const part = `${a.file}.part`;
    const fh = await fsp.open(part, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await writeFileAtomic(`${a.file}.json`, JSON.stringify({ url: a.target.url, username: a.target.username ?? '' }));
    await fsp.rename(part, a.file);
    this.opts.logger.trace('Media', 'recording stored', { file: path.basename(a.file), packets: a.packets });
    void this.upload(a.file, a.target, 1);
    return { file: path.basename(a.file), packets: a.packets };
  }

  /** Finished files not uploaded yet (kept across restarts). */
  async pending(): Promise<string[]> {
    try {
      return (await fsp.readdir(this.opts.dir)).filter((f) => f.endsWith('.pcap')).sort();
    } catch {
      return [];
    }
  }

  /** Queues uploads of files left for the same URL (credentials come from the new recording). */
  async retryPending(target: RecordingTarget): Promise<void> {
    for (const f of await this.pending()) {
      const file = path.join(this.opts.dir, f);
      if (this.uploading.has(file)) continue;
      try {
        const meta = JSON.parse(await fsp.readFile(`${file}.json`, 'utf8')) as { url?: string; username?: string };
        if (meta.url === target.url && (meta.username ?? '') === (target.username ?? '')) void this.upload(file, target, 1);
      } catch {
        /* no or broken sidecar: leave the file for the user */
      }
    }
  }

  private async upload(file: string, target: RecordingTarget, attempt: number): Promise<void> {
    if (this.closed || this.uploading.has(file)) return;
    this.uploading.add(file);
    const base = path.basename(file);
    const url = new URL(encodeURIComponent(base), parseRecordingUrl(target.url).href.replace(/\/?$/, '/'));
    let ok = false;
    let why = '';
    try {
      const st = await fsp.stat(file);
      const headers: Record<string, string> = { 'content-type': 'application/vnd.tcpdump.pcap', 'content-length': String(st.size) };
      if (target.username) headers.authorization = `Basic ${Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')}`;
      const body = await fsp.readFile(file);
      const res = await (this.opts.fetch ?? fetch)(url, { method: 'PUT', headers, body });
      ok = res.status >= 200 && res.status < 300;
      why = `HTTP ${res.status}`;
    } catch (err) {
      why = String(err);
    } finally {
      this.uploading.delete(file);
    }
    if (ok) {
      await fsp.rm(file, { force: true });
      await fsp.rm(`${file}.json`, { force: true });
      this.opts.logger.trace('Media', 'recording uploaded', { file: base, url: url.origin + url.pathname });
      this.onUploaded?.(base);
      return;
    }
    const delays = this.opts.retryDelaysMs ?? [2000, 10_000, 60_000, 300_000];
    const max = this.opts.maxAttempts ?? 10;
    this.opts.logger.warn('recording upload failed, file kept', { file: base, attempt, error: why });
    if (attempt >= max || this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.upload(file, target, attempt + 1);
    }, delays[Math.min(attempt - 1, delays.length - 1)]);
    this.timers.add(t);
  }

  /** Called after each successful upload (tests, UI). */
  onUploaded: ((file: string) => void) | null = null;

  /** Stops retries; files stay on disk. Active recordings are finished first. */
  async close(): Promise<void> {
    for (const key of [...this.active.keys()]) await this.finish(key).catch(() => undefined);
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
