/**
 * ProcessSpawner (external applications, electron/externalapps) on native/process.ts: argument
 * array, no shell, detached, no stdio, a visible window. Plain Node, so the product uses it on
 * every OS. On Windows, .bat/.cmd files need a shell and are therefore refused by Node (EINVAL);
 * configure the .exe instead.
 */
import type { ProcessSpawner } from '../electron/externalapps/ports';
import { runProcess } from './process';

export class NodeSpawner implements ProcessSpawner {
  constructor(private readonly opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {}

  async spawn(file: string, args: readonly string[]): Promise<{ pid?: number }> {
    try {
      const r = await runProcess(file, args, { detached: true, hidden: false, env: this.opts.env, cwd: this.opts.cwd });
      return { pid: r.pid };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? `${file} not found` : code === 'EACCES' ? `${file} is not executable` : err instanceof Error ? err.message : String(err));
    }
  }
}
