/**
 * The trace writer's queue (docs/log-flags.md): formatted lines are gathered in a short string
 * and encoded a few hundred at a time into 256 KB chunks (one native call instead of one per
 * line; the lines die young either way). The queue is bounded: beyond `maxBufferedBytes` lines
 * are dropped and counted, and the next batch starts with a "N trace lines dropped" marker.
 * Split out of ./writer.ts, which drains it to the files.
 */
import { formatTimestamp } from './format';

/** Size of the buffers lines are encoded into. */
const CHUNK_BYTES = 256 * 1024;
/** Lines are encoded into the chunk once this many characters are gathered. */
const PEND_CHARS = 16 * 1024;
/** A partly filled chunk smaller than this is copied out at a write and reused. */
const COPY_BELOW = 64 * 1024;

export class LineQueue {
  /** Lines are encoded at once into `cur` (so they die young); full chunks wait in `chunks`. */
  private chunks: Buffer[] = [];
  private cur: Buffer | undefined; // allocated at the first line
  private curLen = 0;
  /** Lines not yet encoded. */
  private pend = '';
  /** Characters queued (the bound of maxBufferedBytes; UTF-8 bytes for ASCII text). */
  private queuedBytes = 0;
  private queuedLines = 0;
  private dropped = 0;

  constructor(private readonly maxBufferedBytes: number) {}

  /** Queues one line (with its newline); false when the queue is full and the line was dropped. */
  add(line: string): boolean {
    if (this.queuedBytes + line.length > this.maxBufferedBytes) {
      this.dropped++;
      return false;
    }
    this.pend += line;
    this.queuedBytes += line.length;
    this.queuedLines++;
    if (this.pend.length >= PEND_CHARS) this.encode();
    return true;
  }

  /** A full chunk waits (write it on the next turn rather than after the gathering delay). */
  get hasFullChunk(): boolean {
    return this.chunks.length > 0;
  }

  /** Something to write: lines, or a count of dropped lines to report. */
  get pending(): boolean {
    return this.chunks.length > 0 || this.curLen > 0 || this.pend.length > 0 || this.dropped > 0;
  }

  /** Everything queued as one buffer, and its line count (the dropped-lines marker first). */
  take(now: () => Date): { data: Buffer; lines: number } {
    this.encode();
    this.seal();
    const parts = this.chunks;
    let lines = this.queuedLines;
    this.chunks = [];
    this.queuedBytes = 0;
    this.queuedLines = 0;
    if (this.dropped) {
      parts.unshift(Buffer.from(`${formatTimestamp(now())} [WARN] ${this.dropped} trace lines dropped (writer could not keep up)\n`));
      this.dropped = 0;
      lines++;
    }
    return { data: parts.length === 1 ? parts[0]! : Buffer.concat(parts), lines };
  }

  /** Forgets every queued line (the disk failed); a dropped count stays. */
  clear(): void {
    this.chunks = [];
    this.curLen = 0;
    this.pend = '';
    this.queuedBytes = 0;
    this.queuedLines = 0;
  }

  /** Encode the gathered lines into the current chunk (sealing it first when they might not fit). */
  private encode(): void {
    const text = this.pend;
    if (!text) return;
    this.pend = '';
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const max = text.length * 3;
    if (max > CHUNK_BYTES - this.curLen) {
      this.seal();
      if (max > CHUNK_BYTES) {
        this.chunks.push(Buffer.from(text));
        return;
      }
    }
    this.cur ??= Buffer.allocUnsafeSlow(CHUNK_BYTES);
    this.curLen += this.cur.write(text, this.curLen);
  }

  /** Move the current chunk's bytes to the queue. */
  private seal(): void {
    if (!this.curLen || !this.cur) return;
    if (this.curLen < COPY_BELOW) {
      this.chunks.push(Buffer.from(this.cur.subarray(0, this.curLen)));
    } else {
      this.chunks.push(this.cur.subarray(0, this.curLen));
      this.cur = undefined;
    }
    this.curLen = 0;
  }
}
