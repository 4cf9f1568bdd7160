import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Write a file atomically: write to a temp file in the same folder, fsync it, rename it over the
 * target, then fsync the folder. A crash leaves either the old or the new content, never a mix.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await fs.open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  try {
    const dh = await fs.open(dir, 'r');
    try { await dh.sync(); } finally { await dh.close(); }
  } catch {
    // Folder fsync is not supported everywhere (Windows); the rename is still atomic.
  }
}

/**
 * Keep a corrupt file aside (`<name>.corrupt-<timestamp>`) so nothing is lost, and return the new
 * name. The caller then starts from defaults.
 */
export async function setAside(file: string): Promise<string> {
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await fs.rename(file, aside);
  return aside;
}
