/**
 * The bytes that are installed are the bytes that were verified (docs/update.md "Verification",
 * issue 12 `update-temp-folder`): the package is read through ONE open descriptor and copied into
 * a new private file (created exclusively, 0600, in the private updates folder) while it is
 * hashed; only when size and SHA-256 of what was copied match the signed entry is that copy handed
 * to the installer. Checking a file and then letting an installer reopen it by path would leave a
 * window in which the file could be swapped; here there is nothing left to swap: the copy did not
 * exist before the check, nobody else can write to its folder, and its content is what was hashed.
 *
 * The per-machine MSI path (an elevated update service running msiexec, docs/update.md) is
 * designed the same way: the service copies the package from the user's file through one
 * descriptor into its own SYSTEM-only folder with `copyVerified`, checks the signature with its own
 * built-in keys, and runs msiexec on that copy, never on a path the user can write.
 */
import { constants, promises as fs } from 'node:fs';
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { O_NOFOLLOW } from '../util/private-dir';

export interface ExpectedBytes {
  /** Plain file name of the package (kept as the copy's ending: .msi, .exe, .pkg, .AppImage). */
  name: string;
  size: number;
  /** SHA-256, 64 lower-case hex digits. */
  sha256: string;
}

export type VerifiedCopy = { ok: true; file: string } | { ok: false; reason: string };

/** Name prefix of the private copies (the service removes leftovers). */
export const INSTALL_COPY_PREFIX = '.install-';

/**
 * Copy `src` into a new private file in `dir` while hashing it; the copy's path when size and
 * SHA-256 match `expected`, else the reason (the copy is then deleted). `src` is opened without
 * following a symbolic link and must be a regular file of exactly `expected.size` bytes.
 */
export async function copyVerified(src: string, dir: string, expected: ExpectedBytes, onProgress?: (fraction: number) => void): Promise<VerifiedCopy> {
  let input: fs.FileHandle;
  try {
    input = await fs.open(src, constants.O_RDONLY | O_NOFOLLOW);
  } catch (err) {
    return { ok: false, reason: `cannot open the package: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  const dest = path.join(dir, `${INSTALL_COPY_PREFIX}${crypto.randomBytes(8).toString('hex')}-${path.basename(expected.name)}`);
  let output: fs.FileHandle | undefined;
  try {
    const st = await input.stat();
    if (!st.isFile()) return { ok: false, reason: 'the package is not a regular file' };
    if (st.size !== expected.size) return { ok: false, reason: `wrong size: ${st.size} bytes, the manifest says ${expected.size}` };
    output = await fs.open(dest, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
    const hash = crypto.createHash('sha256');
    const buf = Buffer.allocUnsafe(1024 * 1024);
    let pos = 0;
    for (;;) {
      const { bytesRead } = await input.read(buf, 0, buf.length, pos);
      if (!bytesRead) break;
      if (pos + bytesRead > expected.size) throw new CopyRefused(`the package grew past ${expected.size} bytes while it was read`);
      const chunk = buf.subarray(0, bytesRead);
      hash.update(chunk);
      await output.write(chunk, 0, bytesRead, pos);
      pos += bytesRead;
      onProgress?.(pos / expected.size);
    }
    if (pos !== expected.size) throw new CopyRefused(`wrong size: ${pos} bytes read, the manifest says ${expected.size}`);
    const digest = hash.digest('hex');
    if (digest !== expected.sha256) throw new CopyRefused(`SHA-256 mismatch: got ${digest}, the manifest says ${expected.sha256}`);
    await output.sync();
    await output.close();
    output = undefined;
    return { ok: true, file: dest };
  } catch (err) {
    await output?.close().catch(() => {});
    output = undefined;
    await fs.rm(dest, { force: true });
    if (err instanceof CopyRefused) return { ok: false, reason: err.message };
    return { ok: false, reason: `cannot copy the package: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  } finally {
    await output?.close().catch(() => {});
    await input.close().catch(() => {});
  }
}

class CopyRefused extends Error {}
