/**
 * Run an OS helper (osascript, powershell, evolution-addressbook-export) as a child process:
 * fixed executable and arguments (never a shell, nothing from a message), a timeout and an
 * output cap. Resolves with stdout/stderr/exit code; rejects only when the helper cannot start.
 */
import { execFile } from 'node:child_process';

export interface HelperResult {
  stdout: string;
  stderr: string;
  code: number | null;
  /** Set when the helper was killed (timeout or output cap). */
  killed?: string;
}

export interface HelperOptions {
  timeoutMs?: number;
  maxBytes?: number;
  env?: NodeJS.ProcessEnv;
}

export function runHelper(file: string, args: readonly string[], opts: HelperOptions = {}): Promise<HelperResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout: opts.timeoutMs ?? 60_000, maxBuffer: opts.maxBytes ?? 128 * 1024 * 1024, windowsHide: true, encoding: 'utf8', env: opts.env ?? process.env, shell: false },
      (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string; code?: number | string };
          if (typeof e.code === 'string' && e.code !== 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
            reject(err);
            return;
          }
          const killed = e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' ? 'output too large' : e.killed ? `timeout (${e.signal ?? 'killed'})` : undefined;
          resolve({ stdout, stderr, code: typeof e.code === 'number' ? e.code : null, killed });
          return;
        }
        resolve({ stdout, stderr, code: 0 });
      },
    );
  });
}
