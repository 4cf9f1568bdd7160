/**
 * The one way the client starts a program (docs/architecture.md "Processes"): every helper —
 * reg.exe, defaults, PowerShell scripts, osascript, the Evolution exporter, xsel, xdg-mime, the
 * OS installers, external applications — goes through runProcess. A fixed executable and an
 * argument array, never a shell (nothing from a link or a message can become a command line);
 * a timeout and an output cap, so a hung or chatty helper cannot hold the client. Windows system
 * programs are taken from the Windows folder by absolute path (systemRoot): a bare `reg` or
 * `powershell` is looked up in the current folder and on PATH first, where a planted copy would
 * run instead.
 */
import { execFile, spawn } from 'node:child_process';
import * as path from 'node:path';

export interface ProcessResult {
  /** Exit code; null when the process was killed or (detached) is still running. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process was killed: timeout or output cap. */
  killed?: string;
  /** Process id (detached starts). */
  pid?: number;
}

export interface ProcessOptions {
  /** Kill the process after this long (default 60 s; 0: no limit). */
  timeoutMs?: number;
  /** Kill the process when stdout or stderr grows beyond this (default 128 MiB). */
  maxBytes?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Start it and return once it runs (pid, code null), without waiting or collecting output: an
   * installer that replaces the client, an external application.
   */
  detached?: boolean;
  /** Windows: no console window (default true; false for applications the user should see). */
  hidden?: boolean;
}

/** runProcess, or a stand-in with the same contract (tests). */
export type ProcessRunner = (file: string, args: readonly string[], opts?: ProcessOptions) => Promise<ProcessResult>;

/**
 * Runs a program and resolves with its exit code and output, also when it fails or is killed;
 * rejects only when it cannot be started (not found, not executable).
 */
export const runProcess: ProcessRunner = (file, args, opts = {}) =>
  new Promise((resolve, reject) => {
    const windowsHide = opts.hidden ?? true;
    if (opts.detached) {
      let child;
      try {
        child = spawn(file, [...args], { shell: false, detached: true, stdio: 'ignore', windowsHide, env: opts.env, cwd: opts.cwd });
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        resolve({ code: null, stdout: '', stderr: '', pid: child.pid });
      });
      return;
    }
    execFile(
      file,
      [...args],
      { timeout: opts.timeoutMs ?? 60_000, maxBuffer: opts.maxBytes ?? 128 * 1024 * 1024, windowsHide, encoding: 'utf8', env: opts.env ?? process.env, cwd: opts.cwd, shell: false },
      (err, stdout, stderr) => {
        if (!err) {
          resolve({ code: 0, stdout, stderr });
          return;
        }
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string; code?: number | string };
        if (typeof e.code === 'string' && e.code !== 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          reject(err);
          return;
        }
        const killed = e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' ? 'output too large' : e.killed ? `timeout (${e.signal ?? 'killed'})` : undefined;
        resolve({ code: typeof e.code === 'number' ? e.code : null, stdout, stderr, ...(killed ? { killed } : {}) });
      },
    );
  });

/** The Windows folder: %SystemRoot% (or %windir%), else C:\Windows. */
export function systemRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.SystemRoot || env.SYSTEMROOT || env.windir || env.WINDIR || 'C:\\Windows';
}

/** A program of the Windows System32 folder by absolute path (reg.exe, …). */
export function system32(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.win32.join(systemRoot(env), 'System32', name);
}

/** Windows PowerShell (5.1, part of every Windows) by absolute path. */
export function powershellExe(env: NodeJS.ProcessEnv = process.env): string {
  return system32(path.win32.join('WindowsPowerShell', 'v1.0', 'powershell.exe'), env);
}

/** A start failure as a result (code null, the error in stderr), for callers that only read results. */
export function notStarted(err: unknown): ProcessResult {
  return { code: null, stdout: '', stderr: err instanceof Error ? err.message : String(err) };
}
