/**
 * Resumable, throttled download into `<dest>.part` (HTTP Range), renamed to `<dest>` when
 * complete. Sizes are checked against the manifest while downloading (a server announcing or
 * sending another size is refused at once); network errors, 5xx answers and cut connections
 * are retried with back-off, each retry resuming where the .part file ends.
 */
import * as fs from 'node:fs';
import * as crypto from 'node:crypto';
import type { UpdateFetch, UpdateResponse } from './ports';
import type { TokenBucket, ThrottleClock } from './throttle';
import { realThrottleClock } from './throttle';
import { discardBody, iterateBody } from './body';
import { O_NOFOLLOW } from '../util/private-dir';

export interface DownloadProgress {
  received: number;
  total: number;
  /** Bytes per second over the whole download so far (this attempt included). */
  bytesPerSec: number;
}

export interface DownloadOptions {
  fetch: UpdateFetch;
  url: string;
  dest: string;
  size: number;
  throttle?: TokenBucket;
  onProgress?(p: DownloadProgress): void;
  /** Minimum ms between progress events (default 250); the last one is always sent. */
  progressIntervalMs?: number;
  signal?: AbortSignal;
  /** Attempts in all (default 6). */
  attempts?: number;
  /** First back-off delay (doubles per retry, max 30 s). Default 500 ms. */
  retryDelayMs?: number;
  clock?: ThrottleClock;
  /** Called for each retry with the reason (for traces). */
  onRetry?(attempt: number, reason: string): void;
}

/** A refusal that retrying cannot fix (wrong size, 404, …). The caller deletes the file. */
export class DownloadRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadRefused';
  }
}

class Retryable extends Error {}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

export async function downloadFile(opts: DownloadOptions): Promise<void> {
  const part = `${opts.dest}.part`;
  const attempts = opts.attempts ?? 6;
  const clock = opts.clock ?? realThrottleClock;
  const started = clock.now();
  const interval = opts.progressIntervalMs ?? 250;
  let lastProgress = -Infinity;
  let fetchedThisRun = 0;
  const progress = (received: number, force = false) => {
    const now = clock.now();
    if (!opts.onProgress || (!force && now - lastProgress < interval)) return;
    lastProgress = now;
    const secs = Math.max(0.001, (now - started) / 1000);
    opts.onProgress({ received, total: opts.size, bytesPerSec: Math.round(fetchedThisRun / secs) });
  };

  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    try {
      await downloadOnce();
      await fs.promises.rename(part, opts.dest);
      progress(opts.size, true);
      return;
    } catch (err) {
      if (err instanceof DownloadRefused || opts.signal?.aborted) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      if (attempt >= attempts) throw new Error(`download failed after ${attempts} attempts: ${reason}`);
      opts.onRetry?.(attempt, reason);
      await clock.sleep(Math.min(30_000, (opts.retryDelayMs ?? 500) * 2 ** (attempt - 1)), opts.signal);
    }
  }

  async function downloadOnce(): Promise<void> {
    let have = sizeOf(part);
    if (have > opts.size) {
      await fs.promises.rm(part, { force: true });
      have = 0;
    }
    if (have === opts.size) return;
    const headers: Record<string, string> = { 'Accept-Encoding': 'identity' };
    if (have > 0) headers.Range = `bytes=${have}-`;
    let res: UpdateResponse;
    try {
      res = await opts.fetch(opts.url, { method: 'GET', headers, signal: opts.signal, redirect: 'follow' });
    } catch (err) {
      throw new Retryable(`request failed: ${(err as Error).message}`);
    }
    const status = res.status;
    if (status === 416) {
      await discardBody(res.body);
      const total = /^bytes \*\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1];
      if (total !== undefined && Number(total) !== opts.size) throw new DownloadRefused(`wrong size: the server has ${total} bytes, the manifest says ${opts.size}`);
      await fs.promises.rm(part, { force: true });
      throw new Retryable('range not satisfiable; starting over');
    }
    if (status >= 500 || status === 429 || status === 408) {
      await discardBody(res.body);
      throw new Retryable(`HTTP ${status}`);
    }
    if (status !== 200 && status !== 206) {
      await discardBody(res.body);
      throw new DownloadRefused(`HTTP ${status} for ${opts.url}`);
    }
    let offset = 0;
    if (status === 206) {
      const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
      if (!m || Number(m[1]) !== have) {
        await discardBody(res.body);
        await fs.promises.rm(part, { force: true });
        throw new Retryable(`unexpected Content-Range ${JSON.stringify(res.headers.get('content-range'))}; starting over`);
      }
      if (m[3] !== '*' && Number(m[3]) !== opts.size) {
        await discardBody(res.body);
        throw new DownloadRefused(`wrong size: the server has ${m[3]} bytes, the manifest says ${opts.size}`);
      }
      offset = have;
    } else {
      const len = res.headers.get('content-length');
      if (len !== null && Number(len) !== opts.size) {
        await discardBody(res.body);
        throw new DownloadRefused(`wrong size: the server sends ${len} bytes, the manifest says ${opts.size}`);
      }
    }
    // never through a symbolic link planted at the .part name (the folder is private anyway)
    const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | (offset ? 0 : fs.constants.O_TRUNC) | O_NOFOLLOW;
    const fh = await fs.promises.open(part, flags, 0o600);
    let pos = offset;
    try {
      try {
        for await (const chunk of iterateBody(res.body)) {
          if (pos + chunk.length > opts.size) throw new DownloadRefused(`wrong size: the server sent more than the ${opts.size} bytes of the manifest`);
          if (opts.throttle) await opts.throttle.take(chunk.length, opts.signal);
          await fh.write(chunk, 0, chunk.length, pos);
          pos += chunk.length;
          fetchedThisRun += chunk.length;
          progress(pos);
        }
      } catch (err) {
        if (err instanceof DownloadRefused || opts.signal?.aborted) throw err;
        throw new Retryable(`connection broke after ${pos} of ${opts.size} bytes: ${(err as Error).message}`);
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (pos < opts.size) throw new Retryable(`download cut after ${pos} of ${opts.size} bytes`);
  }
}

/** SHA-256 of a file, streamed (hex). */
export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
