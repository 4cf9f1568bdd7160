/**
 * The app proxy's folder: one file per cached URL, crash-safe and self-checking.
 *
 * Layout: `<dir>/v1/<first two hex digits>/<sha256(url) hex>.entry`. No part of a URL ever becomes
 * part of a file path: the name is a hash, so `..`, `%2e%2e`, NUL or 8 KB long URLs cannot reach
 * outside the folder.
 *
 * Entry file: `APXYENT1` | meta length (u32 BE) | meta JSON | body | SHA-256 of all bytes before.
 * Written with temp + fsync + rename (electron/util/atomic.ts), so a crash leaves either the old
 * entry, the new one, or a stray `.…tmp` file (removed at the next start), never a torn entry.
 * A damaged entry (truncated, bit flip, foreign file) fails the length/hash/key checks, is deleted
 * and reported as missing, so it is refetched and never served. The file's modification time is
 * the time the entry was last validated with the origin (used for freshness and LRU at start).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../util/atomic';
import type { Logger } from '../platform';

const MAGIC = Buffer.from('APXYENT1', 'latin1');
const HEAD = MAGIC.length + 4;
const HASH = 32;
const ENTRY_RE = /^[0-9a-f]{64}\.entry$/;
const SHARD_RE = /^[0-9a-f]{2}$/;
const TMP_RE = /^\.[0-9a-f]{64}\.entry\.(\d+)\.[0-9a-f]+\.tmp$/;
/** A temp file older than this is a leftover even if its writer's pid is (re)used. */
const STALE_TMP_MS = 10 * 60_000;

export interface EntryMeta {
  v: 1;
  url: string;
  status: number;
  /** Response headers worth replaying (see core.ts STORED_HEADERS). */
  headers: [string, string][];
  /** When the body was fetched (ms since epoch). */
  storedAt: number;
  bodyLength: number;
  /** How long after validation the entry may be served without asking the origin (ms; 0 = always ask). */
  freshMs?: number;
}

export interface StoredEntry {
  meta: EntryMeta;
  body: Buffer;
  /** Last time the origin confirmed this entry (file mtime, ms since epoch). */
  validatedAt: number;
}

export function keyOf(url: string): string {
  return createHash('sha256').update(url, 'utf8').digest('hex');
}

/** Serialise an entry (exported for tests that build damaged files). */
export function encodeEntry(meta: EntryMeta, body: Uint8Array): Buffer {
  const metaBuf = Buffer.from(JSON.stringify(meta), 'utf8');
  const head = Buffer.alloc(HEAD);
  MAGIC.copy(head, 0);
  head.writeUInt32BE(metaBuf.length, MAGIC.length);
  const hash = createHash('sha256').update(head).update(metaBuf).update(body).digest();
  return Buffer.concat([head, metaBuf, body, hash]);
}

/** Parse and check an entry file; returns a reason string when it is damaged. */
export function decodeEntry(buf: Buffer, expectedKey: string, verifyHash = true): { meta: EntryMeta; body: Buffer } | string {
  if (buf.length < HEAD + HASH + 2) return 'too short';
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) return 'bad magic';
  const metaLen = buf.readUInt32BE(MAGIC.length);
  if (metaLen > buf.length - HEAD - HASH) return 'bad meta length';
  if (verifyHash) {
    const want = buf.subarray(buf.length - HASH);
    const got = createHash('sha256').update(buf.subarray(0, buf.length - HASH)).digest();
    if (!got.equals(want)) return 'checksum mismatch';
  }
  let meta: EntryMeta;
  try {
    meta = JSON.parse(buf.subarray(HEAD, HEAD + metaLen).toString('utf8')) as EntryMeta;
  } catch {
    return 'bad meta';
  }
  if (!meta || meta.v !== 1 || typeof meta.url !== 'string' || !Array.isArray(meta.headers) || typeof meta.status !== 'number') return 'bad meta';
  const bodyLen = buf.length - HEAD - metaLen - HASH;
  if (meta.bodyLength !== bodyLen) return 'length mismatch';
  if (keyOf(meta.url) !== expectedKey) return 'key mismatch';
  return { meta, body: buf.subarray(HEAD + metaLen, HEAD + metaLen + bodyLen) };
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

export interface EntryStoreOptions {
  maxBytes: number;
  logger: Logger;
  /** Verified entries kept in memory (LRU) so hot files are served without disk reads [0 = none]. */
  memoryBytes?: number;
}

/** Entries above this size are never kept in memory. */
const MAX_MEMORY_ENTRY = 4 * 1024 * 1024;

interface Identity { ino: number; size: number; mtimeMs: number }

export class EntryStore {
  readonly root: string;
  private readonly maxBytes: number;
  private readonly logger: Logger;
  /** key -> file size; Map order is least recently used first. */
  private readonly index = new Map<string, number>();
  /** Files whose checksum was verified in this process, by identity (a rewrite changes the inode). */
  private readonly verified = new Map<string, Identity>();
  private bytes = 0;
  /** In-memory copies of verified entries; Map order is least recently used first. */
  private readonly hot = new Map<string, StoredEntry>();
  /** URL -> key of the entries in `hot`, so memory hits need no hashing (see peek). */
  private readonly hotKeys = new Map<string, string>();
  private hotBytes = 0;
  private readonly memoryBytes: number;
  private evicting: Promise<void> | undefined;
  /** Resolves once the folder scan (sizes, LRU order, stray temp files) is done. */
  readonly ready: Promise<void>;

  constructor(readonly dir: string, opts: EntryStoreOptions) {
    this.root = path.join(dir, 'v1');
    this.maxBytes = opts.maxBytes;
    this.logger = opts.logger;
    this.memoryBytes = opts.memoryBytes ?? 0;
    this.ready = this.scan().catch((err) => this.logger.warn('AppProxy: cache folder scan failed', { error: String(err) }));
  }

  get totalBytes(): number { return this.bytes; }
  get entryCount(): number { return this.index.size; }

  pathOf(key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error('AppProxy: invalid cache key');
    return path.join(this.root, key.slice(0, 2), `${key}.entry`);
  }

  private noteUse(key: string, size: number): void {
    const old = this.index.get(key);
    if (old !== undefined) { this.index.delete(key); this.bytes -= old; }
    this.index.set(key, size);
    this.bytes += size;
  }

  private forget(key: string): void {
    const old = this.index.get(key);
    if (old !== undefined) { this.index.delete(key); this.bytes -= old; }
    this.verified.delete(key);
    this.unhot(key);
  }

  private unhot(key: string): void {
    const h = this.hot.get(key);
    if (h) { this.hot.delete(key); this.hotKeys.delete(h.meta.url); this.hotBytes -= h.body.length; }
  }

  private remember(key: string, entry: StoredEntry): void {
    this.unhot(key);
    if (!this.memoryBytes || entry.body.length > Math.min(MAX_MEMORY_ENTRY, this.memoryBytes)) return;
    this.hot.set(key, entry);
    this.hotKeys.set(entry.meta.url, key);
    this.hotBytes += entry.body.length;
    while (this.hotBytes > this.memoryBytes) {
      const [k, e] = this.hot.entries().next().value as [string, StoredEntry];
      this.hot.delete(k);
      this.hotKeys.delete(e.meta.url);
      this.hotBytes -= e.body.length;
    }
  }

  /**
   * The in-memory copy of the entry for a URL (exactly as stored, i.e. normalised, without
   * fragment), or undefined: synchronous, no hashing, no disk access. Memory copies were verified
   * (checksum, key) when they were read or written, so they are served as they are.
   */
  peek(url: string): StoredEntry | undefined {
    const key = this.hotKeys.get(url);
    if (key === undefined) return undefined;
    const mem = this.hot.get(key);
    if (!mem) return undefined;
    this.hot.delete(key);
    this.hot.set(key, mem);
    const size = this.index.get(key);
    if (size !== undefined) { this.index.delete(key); this.index.set(key, size); }
    return mem;
  }

  /** Read and check the entry for a URL; a damaged entry is deleted and reported as missing. */
  async get(url: string): Promise<StoredEntry | undefined> {
    const mem = this.peek(url);
    if (mem) return mem;
    const key = keyOf(url);
    const file = this.pathOf(key);
    let buf: Buffer;
    let id: Identity;
    try {
      const fh = await fs.open(file, 'r');
      try {
        const st = await fh.stat();
        id = { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
        buf = await fh.readFile();
      } finally {
        await fh.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn('AppProxy: cannot read cache entry', { key, error: String(err) });
      this.forget(key);
      return undefined;
    }
    const known = this.verified.get(key);
    const trusted = !!known && known.ino === id.ino && known.size === id.size && known.mtimeMs === id.mtimeMs && buf.length === id.size;
    const decoded = decodeEntry(buf, key, !trusted);
    if (typeof decoded === 'string' || decoded.meta.url !== url) {
      const reason = typeof decoded === 'string' ? decoded : 'url mismatch';
      this.logger.warn('AppProxy: corrupt cache entry discarded', { key, reason });
      this.forget(key);
      await fs.rm(file, { force: true }).catch(() => {});
      return undefined;
    }
    this.verified.set(key, id);
    this.noteUse(key, buf.length);
    const entry: StoredEntry = { meta: decoded.meta, body: decoded.body, validatedAt: id.mtimeMs };
    this.remember(key, entry);
    return entry;
  }

  /** Store (or replace) the entry for meta.url. */
  async put(meta: EntryMeta, body: Uint8Array): Promise<void> {
    const key = keyOf(meta.url);
    const data = encodeEntry({ ...meta, bodyLength: body.length }, body);
    if (data.length > this.maxBytes) return;
    await writeFileAtomic(this.pathOf(key), data);
    this.verified.delete(key);
    this.noteUse(key, data.length);
    const st = await fs.stat(this.pathOf(key)).catch(() => undefined);
    if (st) {
      this.verified.set(key, { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs });
      // Keep a copy that does not pin the whole encoded file in memory.
      this.remember(key, { meta: { ...meta, bodyLength: body.length }, body: Buffer.from(body), validatedAt: st.mtimeMs });
    }
    await this.evict();
  }

  /** Mark an entry as just validated by the origin (304): its mtime becomes now. */
  async touch(url: string): Promise<void> {
    const key = keyOf(url);
    const file = this.pathOf(key);
    const now = new Date();
    try {
      await fs.utimes(file, now, now);
      const st = await fs.stat(file);
      const known = this.verified.get(key);
      if (known && known.ino === st.ino && known.size === st.size) this.verified.set(key, { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs });
      const mem = this.hot.get(key);
      if (mem) mem.validatedAt = st.mtimeMs;
    } catch {
      // The file is gone (folder deleted by the user?): write the copy we still hold in memory.
      const mem = this.hot.get(key);
      if (mem) await this.put(mem.meta, mem.body).catch(() => this.forget(key));
      else this.forget(key);
    }
  }

  async delete(url: string): Promise<void> {
    const key = keyOf(url);
    this.forget(key);
    await fs.rm(this.pathOf(key), { force: true });
  }

  /** Evict least recently used entries until the folder is within maxBytes. */
  async evict(): Promise<void> {
    if (this.bytes <= this.maxBytes) return;
    await this.ready;
    return this.evictNow();
  }

  private evictNow(): Promise<void> {
    if (this.bytes <= this.maxBytes) return Promise.resolve();
    if (this.evicting) return this.evicting;
    this.evicting = (async () => {
      while (this.bytes > this.maxBytes && this.index.size) {
        const key = this.index.keys().next().value as string;
        this.forget(key);
        await fs.rm(this.pathOf(key), { force: true }).catch(() => {});
        this.logger.trace('AppProxy', 'evicted', { key });
      }
    })().finally(() => { this.evicting = undefined; });
    return this.evicting;
  }

  /** Learn sizes and LRU order from the folder; remove temp files left by a crash. */
  private async scan(): Promise<void> {
    let shards: string[];
    try { shards = await fs.readdir(this.root); } catch { return; }
    const found: { key: string; size: number; mtimeMs: number }[] = [];
    const now = Date.now();
    for (const shard of shards) {
      if (!SHARD_RE.test(shard)) continue;
      const sdir = path.join(this.root, shard);
      let names: string[];
      try { names = await fs.readdir(sdir); } catch { continue; }
      for (const name of names) {
        const full = path.join(sdir, name);
        const tmp = TMP_RE.exec(name);
        if (tmp) {
          try {
            const st = await fs.stat(full);
            if (!pidAlive(Number(tmp[1])) || now - st.mtimeMs > STALE_TMP_MS) await fs.rm(full, { force: true });
          } catch { /* gone meanwhile */ }
          continue;
        }
        if (!ENTRY_RE.test(name) || !name.startsWith(shard)) continue;
        try {
          const st = await fs.stat(full);
          if (st.isFile()) found.push({ key: name.slice(0, 64), size: st.size, mtimeMs: st.mtimeMs });
        } catch { /* gone meanwhile */ }
      }
    }
    found.sort((a, b) => a.mtimeMs - b.mtimeMs);
    // Entries touched while scanning stay the most recent ones.
    const live = [...this.index.entries()];
    this.index.clear();
    this.bytes = 0;
    const liveKeys = new Set(live.map(([k]) => k));
    for (const f of found) if (!liveKeys.has(f.key)) this.noteUse(f.key, f.size);
    for (const [k, size] of live) this.noteUse(k, size);
    await this.evictNow();
  }
}
