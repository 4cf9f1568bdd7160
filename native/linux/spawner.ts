/**
 * Process spawner with Node's child_process: argument array, shell:false, detached, no stdio.
 * Plain Node, so the product uses it on every OS too. On Windows, .bat/.cmd files need a shell
 * and are therefore refused by Node (EINVAL); configure the .exe instead.
 */
import { spawn } from 'node:child_process';
import type { ProcessSpawner } from '../../electron/externalapps/ports';

export class NodeSpawner implements ProcessSpawner {
  constructor(private readonly opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {}

  spawn(file: string, args: readonly string[]): Promise<{ pid?: number }> {
    return new Promise((resolve, reject) => {
      let child;
      try {
        child = spawn(file, [...args], { shell: false, detached: true, stdio: 'ignore', windowsHide: false, env: this.opts.env, cwd: this.opts.cwd });
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      child.once('error', (err: NodeJS.ErrnoException) => {
        reject(new Error(err.code === 'ENOENT' ? `${file} not found` : err.code === 'EACCES' ? `${file} is not executable` : err.message));
      });
      child.once('spawn', () => {
        child.unref();
        resolve({ pid: child.pid });
      });
    });
  }
}
