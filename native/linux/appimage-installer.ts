/**
 * InstallerPort for a Linux AppImage (docs/update.md): replaced in place, relaunched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { InstallerPort, InstallOutcome, InstallRequest } from '../../electron/update/ports';

/**
 * Linux AppImage: the new image is copied into the folder of the running one (same file system,
 * so the rename is atomic), fsynced, made executable and renamed over it. The running process
 * keeps its open inode; the caller relaunches `target` and quits.
 */
export class AppImageInstaller implements InstallerPort {
  readonly kind = 'appimage' as const;

  /** @param target the running AppImage (`$APPIMAGE`) */
  constructor(private readonly target: string) {}

  async install(req: InstallRequest): Promise<InstallOutcome> {
    if (req.kind !== 'appimage') throw new Error(`AppImage installer cannot install a ${req.kind} package`);
    const dir = path.dirname(this.target);
    await fs.promises.access(dir, fs.constants.W_OK).catch(() => {
      throw new Error(`cannot replace ${this.target}: folder not writable`);
    });
    const tmp = path.join(dir, `.${path.basename(this.target)}.update-${randomBytes(4).toString('hex')}`);
    const total = (await fs.promises.stat(req.file)).size;
    try {
      const src = await fs.promises.open(req.file, 'r');
      const dst = await fs.promises.open(tmp, 'wx', 0o755);
      try {
        const buf = Buffer.allocUnsafe(1024 * 1024);
        let done = 0;
        for (;;) {
          const { bytesRead } = await src.read(buf, 0, buf.length, done);
          if (!bytesRead) break;
          await dst.write(buf, 0, bytesRead, done);
          done += bytesRead;
          req.onProgress?.(total ? done / total : 1);
        }
        await dst.sync();
      } finally {
        await src.close();
        await dst.close();
      }
      await fs.promises.chmod(tmp, 0o755);
      await fs.promises.rename(tmp, this.target);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
    try {
      const dh = await fs.promises.open(dir, 'r');
      try { await dh.sync(); } finally { await dh.close(); }
    } catch { /* folder fsync unsupported */ }
    return { next: 'relaunch', relaunch: this.target, detail: `replaced ${this.target}` };
  }
}
