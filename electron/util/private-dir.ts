/**
 * Per-user private folders (docs/security.md "Files"): never a fixed name in a shared folder,
 * created 0700, and checked before use, so that another local user can neither plant the folder
 * (or a symbolic link in its place) first nor change what is in it.
 */
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';

export class PrivateDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrivateDirError';
  }
}

export interface PrivateDirOptions {
  platform?: NodeJS.Platform;
  /** The user who must own the folder [process.getuid()]. */
  uid?: number;
}

/**
 * Makes sure `dir` is a folder of this user that nobody else can write to, and returns it:
 * created (mode 0700, parents as needed) when missing; refused (PrivateDirError) when it is a
 * symbolic link, not a folder, owned by another user, or inside a folder that another user could
 * rename it out of (a parent writable by others without the sticky bit); group/other permissions
 * of our own folder are removed. POSIX only: on Windows the folder lives in the user's profile
 * (`%LOCALAPPDATA%`), whose ACL admits only the user, SYSTEM and administrators.
 */
export async function ensurePrivateDir(dir: string, opts: PrivateDirOptions = {}): Promise<string> {
  const platform = opts.platform ?? process.platform;
  await fs.mkdir(path.dirname(dir), { recursive: true, mode: 0o700 });
  try {
    await fs.mkdir(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (platform === 'win32' || typeof process.getuid !== 'function') return dir;
  const uid = opts.uid ?? process.getuid();
  const st = await fs.lstat(dir);
  if (st.isSymbolicLink()) throw new PrivateDirError(`${dir} is a symbolic link; refused (it must be a folder of this user)`);
  if (!st.isDirectory()) throw new PrivateDirError(`${dir} is not a folder; refused`);
  if (st.uid !== uid) throw new PrivateDirError(`${dir} belongs to another user (uid ${st.uid}); refused`);
  // the parent: another user who may write to it could swap our folder for theirs
  const parent = await fs.stat(path.dirname(dir));
  const othersWrite = (parent.mode & 0o022) !== 0 && (parent.mode & 0o1000) === 0;
  if ((parent.uid !== uid && parent.uid !== 0) || othersWrite) {
    throw new PrivateDirError(`${path.dirname(dir)} can be changed by another user; ${dir} refused`);
  }
  if ((st.mode & 0o077) !== 0) await fs.chmod(dir, 0o700);
  return dir;
}

/** Open flags that never follow a symbolic link at the last path component (0 where the OS has none). */
export const O_NOFOLLOW: number = constants.O_NOFOLLOW ?? 0;
