/**
 * Linux (and any OS): a folder of vCard files (`*.vcf`, `*.vcard`; sub-folders up to a few
 * levels, as written by e.g. vdirsyncer or a contacts export). Default `~/.local/share/contacts`.
 */
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { ContactSource, ContactSourceLoad } from './ports';
import type { PhonebookContact, SkippedRecord } from './types';
import { parseVCards } from './vcard';

export const DEFAULT_VCARD_FOLDER = path.join(os.homedir(), '.local', 'share', 'contacts');
const MAX_DEPTH = 4;
/** Larger files are skipped (traced): nobody keeps a phone book in a 64 MB vCard. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

interface FileInfo {
  file: string;
  size: number;
  mtimeMs: number;
}

async function listVCardFiles(dir: string, depth = 0): Promise<FileInfo[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (depth > 0) return [];
    throw err;
  }
  const out: FileInfo[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (depth < MAX_DEPTH && !e.name.startsWith('.')) out.push(...(await listVCardFiles(full, depth + 1)));
    } else if ((e.isFile() || e.isSymbolicLink()) && /\.(vcf|vcard)$/i.test(e.name)) {
      try {
        const st = await fs.stat(full);
        if (st.isFile()) out.push({ file: full, size: st.size, mtimeMs: st.mtimeMs });
      } catch {
        /* vanished between readdir and stat */
      }
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : 1));
}

export class VCardFolderSource implements ContactSource {
  readonly name = 'vcard-folder';
  constructor(readonly folder: string = DEFAULT_VCARD_FOLDER) {}

  async signature(): Promise<string> {
    this.arm();
    let files: FileInfo[];
    try {
      files = await listVCardFiles(this.folder);
    } catch {
      // Gone: drop the watcher so that it is armed again on the new folder when it comes back.
      this.watcher?.close();
      this.watcher = undefined;
      return 'absent';
    }
    const h = createHash('sha1');
    for (const f of files) h.update(`${f.file}\0${f.size}\0${f.mtimeMs}\n`);
    return h.digest('hex');
  }

  async load(): Promise<ContactSourceLoad> {
    let files: FileInfo[];
    try {
      files = await listVCardFiles(this.folder);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'unavailable', reason: `vCard folder ${this.folder} does not exist` };
      if (code === 'EACCES' || code === 'EPERM') return { status: 'unavailable', reason: `vCard folder ${this.folder} is not readable` };
      throw err;
    }
    const contacts: PhonebookContact[] = [];
    const skipped: SkippedRecord[] = [];
    for (const f of files) {
      if (f.size > MAX_FILE_BYTES) {
        skipped.push({ origin: f.file, reason: `file larger than ${MAX_FILE_BYTES} bytes` });
        continue;
      }
      let buf: Buffer;
      try {
        buf = await fs.readFile(f.file);
      } catch (err) {
        skipped.push({ origin: f.file, reason: `cannot read: ${(err as Error).message}` });
        continue;
      }
      const r = parseVCards(buf, f.file);
      for (const c of r.contacts) contacts.push(c);
      for (const s of r.skipped) skipped.push(s);
    }
    return { status: 'ok', contacts, skipped };
  }

  private onChange?: () => void;
  private watcher?: FSWatcher;

  /** Watch the folder (recursively); re-armed at the next check when the folder appears later. */
  watch(onChange: () => void): () => void {
    this.onChange = onChange;
    this.arm();
    return () => {
      this.onChange = undefined;
      this.watcher?.close();
      this.watcher = undefined;
    };
  }

  private arm(): void {
    if (!this.onChange || this.watcher) return;
    const cb = this.onChange;
    try {
      const w = watch(this.folder, { recursive: true, persistent: false }, () => cb());
      w.on('error', () => {
        w.close();
        if (this.watcher === w) this.watcher = undefined;
      });
      this.watcher = w;
    } catch {
      // Folder absent (or recursive watch unsupported): the refresh interval still notices changes.
    }
  }
}
