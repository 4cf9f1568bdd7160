/**
 * The trace files of one base name and their rotation (docs/log-flags.md, "Size and rotation"):
 * `<baseName>-<date-time>.txt` in the trace folder, created private (0600) and never reused; each
 * file is capped at `maxFileSize` bytes, then a new file is started and the oldest files of the
 * same base name beyond `maxFiles` are deleted. Lines are never split between files (a single
 * line longer than the cap gets a file of its own). Split out of ./writer.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileTimestamp } from './format';

export interface RotatingFileOptions {
  dir: string;
  baseName: string;
  maxFileSize: number;
  maxFiles: number;
  now: () => Date;
}

export class RotatingFile {
  private fd: number | undefined;
  private file: string | undefined;
  private fileSize = 0;

  constructor(private readonly opts: RotatingFileOptions) {}

  /** A new size cap; the file being written is rotated once it reaches it. */
  setMaxFileSize(bytes: number): void {
    this.opts.maxFileSize = bytes;
  }

  /** The file currently written, once the first line went out. */
  get current(): string | undefined {
    return this.file;
  }

  /** Appends whole lines, starting new files at the size cap. Rejects when the disk fails. */
  async write(data: Buffer): Promise<void> {
    for (const chunk of this.chunks(data)) {
      await this.ensureFile(chunk.rotate);
      await writeAll(this.fd!, chunk.data);
      this.fileSize += chunk.data.length;
    }
  }

  /** The same, synchronously (process exit). Throws when the disk fails. */
  writeSync(data: Buffer): void {
    // An async write may be in flight; appending to the same file after it is fine for a log.
    fs.mkdirSync(this.opts.dir, { recursive: true });
    for (const chunk of this.chunks(data)) {
      if (this.fd === undefined || chunk.rotate) this.openSync();
      fs.writeSync(this.fd!, chunk.data);
      this.fileSize += chunk.data.length;
    }
  }

  async close(): Promise<void> {
    if (this.fd !== undefined) {
      const fd = this.fd;
      this.fd = undefined;
      await new Promise<void>((res) => fs.close(fd, () => res()));
    }
  }

  /**
   * Split a batch into chunks that respect the size cap (each chunk goes to one file; `rotate`:
   * start a new file first). Works on the joined bytes: one Buffer per batch, cuts at newlines.
   * A single line longer than the cap is written whole into a file of its own.
   */
  private *chunks(buf: Buffer): Generator<{ data: Buffer; rotate: boolean }> {
    let size = this.fd === undefined ? 0 : this.fileSize;
    let rotate = false;
    let off = 0;
    while (off < buf.length) {
      const room = this.opts.maxFileSize - size;
      if (buf.length - off <= room) {
        yield { data: buf.subarray(off), rotate };
        return;
      }
      let cut = room > 0 ? buf.lastIndexOf(10, off + room - 1) : -1;
      if (cut < off) {
        if (size > 0) { size = 0; rotate = true; continue; }
        cut = buf.indexOf(10, off + room);
        if (cut < 0) cut = buf.length - 1;
      }
      yield { data: buf.subarray(off, cut + 1), rotate };
      off = cut + 1;
      size = 0;
      rotate = true;
    }
  }

  private async ensureFile(rotate: boolean): Promise<void> {
    if (this.fd !== undefined && !rotate) return;
    await this.close();
    await fs.promises.mkdir(this.opts.dir, { recursive: true });
    const file = await this.newFileName();
    this.fd = await new Promise<number>((res, rej) => fs.open(file, 'wx', 0o600, (err, fd) => (err ? rej(err) : res(fd))));
    this.file = file;
    this.fileSize = 0;
    await this.prune();
  }

  private openSync(): void {
    const { dir, baseName, now } = this.opts;
    if (this.fd !== undefined) { try { fs.closeSync(this.fd); } catch { /* ignore */ } }
    let f = path.join(dir, `${baseName}-${fileTimestamp(now())}.txt`);
    for (let i = 1; fs.existsSync(f); i++) f = path.join(dir, `${baseName}-${fileTimestamp(now())}-${i}.txt`);
    this.fd = fs.openSync(f, 'wx', 0o600);
    this.file = f;
    this.fileSize = 0;
  }

  private async newFileName(): Promise<string> {
    const stamp = fileTimestamp(this.opts.now());
    for (let i = 0; ; i++) {
      const f = path.join(this.opts.dir, `${this.opts.baseName}-${stamp}${i ? `-${i}` : ''}.txt`);
      try {
        await fs.promises.access(f);
      } catch {
        return f;
      }
    }
  }

  /** Delete the oldest files of this base name beyond maxFiles. */
  private async prune(): Promise<void> {
    const mine = await listTraceFiles(this.opts.dir, this.opts.baseName);
    const excess = mine.length - this.opts.maxFiles;
    for (let i = 0; i < excess; i++) {
      const f = mine[i]!;
      if (f === this.file) continue;
      await fs.promises.rm(f, { force: true }).catch(() => {});
    }
  }
}

async function writeAll(fd: number, data: Buffer): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const n = await new Promise<number>((res, rej) => fs.write(fd, data, off, data.length - off, null, (err, written) => (err ? rej(err) : res(written))));
    off += n;
  }
}

/** Trace files of one base name in a folder, oldest first (by name: the names carry the time). */
export async function listTraceFiles(dir: string, baseName: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return [];
  }
  const re = new RegExp(`^${baseName}-(\\d{8}-\\d{6}-\\d{3})(?:-(\\d+))?\\.txt$`);
  return names
    .map((n) => ({ n, m: re.exec(n) }))
    .filter((x): x is { n: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => (a.m[1]! < b.m[1]! ? -1 : a.m[1]! > b.m[1]! ? 1 : Number(a.m[2] ?? 0) - Number(b.m[2] ?? 0)))
    .map((x) => path.join(dir, x.n));
}
