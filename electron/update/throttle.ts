/**
 * Download throttle (docs/update.md: downloads are throttled to spare the audio of calls unless
 * FASTERDOWNLOADS): a token bucket. Tokens (bytes) refill at `rate` bytes/s up to `burst`;
 * a chunk waits until enough tokens are there. Chunks larger than the burst are paid in parts.
 */

/** Default rate: 2 Mbit/s (256 KiB/s) leaves room for several calls on a 10 Mbit/s line. */
export const DEFAULT_THROTTLE_BYTES_PER_S = 256 * 1024;
/** Default burst: 64 KiB. */
export const DEFAULT_THROTTLE_BURST = 64 * 1024;

export interface ThrottleClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realThrottleClock: ThrottleClock = {
  now: () => performance.now(),
  sleep: (ms, signal) => new Promise<void>((resolve, reject) => {
    if (signal?.aborted) { reject(signal.reason ?? new Error('aborted')); return; }
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal!.reason ?? new Error('aborted')); };
    signal?.addEventListener('abort', onAbort, { once: true });
  }),
};

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(readonly rate: number, readonly burst: number = DEFAULT_THROTTLE_BURST, private readonly clock: ThrottleClock = realThrottleClock) {
    if (!(rate > 0) || !(burst > 0)) throw new Error('TokenBucket: rate and burst must be positive');
    this.tokens = burst;
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }

  /** Wait until `bytes` may pass. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    let left = bytes;
    while (left > 0) {
      this.refill();
      const part = Math.min(left, this.burst);
      if (this.tokens >= part) {
        this.tokens -= part;
        left -= part;
        continue;
      }
      const waitMs = Math.ceil(((part - this.tokens) / this.rate) * 1000);
      await this.clock.sleep(Math.max(1, waitMs), signal);
    }
  }
}
