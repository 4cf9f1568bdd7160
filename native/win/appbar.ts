/**
 * EdgeReservation on Windows: the docked main window becomes an AppBar (SHAppBarMessage ABM_NEW,
 * ABM_QUERYPOS, ABM_SETPOS; ABM_REMOVE on release) through native/win/appbar.ps1, run one-shot per
 * change with an argument array (never a shell). Every argument is a number or a fixed word made
 * here; nothing comes from a message or link.
 */
import * as path from 'node:path';
import { EdgeReservationError, nativeHandleToNumber, validateRequest, type EdgeReservation, type EdgeReservationRequest, type Rect } from '../../electron/windows/ports';
import { notStarted, powershellExe, runProcess, type ProcessRunner } from '../process';

export interface AppBarCommand {
  file: string;
  args: string[];
}

/** powershell.exe and the fixed leading arguments (nativeDir: the folder holding win/appbar.ps1). */
export function appBarCommand(nativeDir: string, env: NodeJS.ProcessEnv = process.env): AppBarCommand {
  return {
    file: powershellExe(env),
    args: ['-NoProfile', '-NonInteractive', '-NoLogo', '-ExecutionPolicy', 'Bypass', '-File', path.win32.join(nativeDir, 'win', 'appbar.ps1')],
  };
}

/** Arguments after `-File appbar.ps1` for a reservation (physical pixels, Windows RECT: right/bottom exclusive). */
export function reserveArgs(req: EdgeReservationRequest): string[] {
  validateRequest(req);
  const hwnd = nativeHandleToNumber(req.window);
  const d = req.display;
  return ['reserve', String(hwnd), req.edge, String(req.width), String(d.x), String(d.y), String(d.x + d.width), String(d.y + d.height)];
}

export function releaseArgs(window: Buffer): string[] {
  return ['release', String(nativeHandleToNumber(window))];
}

export type AppBarReply =
  | { ok: true; rect?: Rect; fresh?: boolean }
  | { ok: false; code: 'bad-args' | 'no-window' | 'failed' | 'unavailable' | 'bad-output'; message: string };

/** Parse the helper's one JSON line (the last non-empty line of stdout; PowerShell may print warnings before it). */
export function parseAppBarOutput(stdout: string): AppBarReply {
  const line = stdout.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).at(-1);
  if (!line) return { ok: false, code: 'bad-output', message: 'appbar helper printed nothing' };
  let j: unknown;
  try {
    j = JSON.parse(line);
  } catch {
    return { ok: false, code: 'bad-output', message: `appbar helper printed no JSON: ${line.slice(0, 200)}` };
  }
  if (!j || typeof j !== 'object') return { ok: false, code: 'bad-output', message: 'appbar helper printed no JSON object' };
  const o = j as Record<string, unknown>;
  if (typeof o.error === 'string') {
    const code = (['bad-args', 'no-window', 'failed', 'unavailable'] as const).find((c) => c === o.error) ?? 'failed';
    return { ok: false, code, message: typeof o.message === 'string' ? o.message : String(o.error) };
  }
  if (o.ok !== true) return { ok: false, code: 'bad-output', message: `unexpected appbar reply: ${line.slice(0, 200)}` };
  const nums = [o.left, o.top, o.right, o.bottom];
  if (nums.every((n) => typeof n === 'number' && Number.isSafeInteger(n))) {
    const [l, t, r, b] = nums as number[];
    return { ok: true, rect: { x: l!, y: t!, width: r! - l!, height: b! - t! }, fresh: o.new === true };
  }
  if (nums.some((n) => n !== undefined)) return { ok: false, code: 'bad-output', message: `appbar reply with a bad rectangle: ${line.slice(0, 200)}` };
  return { ok: true };
}

export class WindowsAppBarReservation implements EdgeReservation {
  private readonly cmd: AppBarCommand;
  private readonly run: ProcessRunner;
  private unavailable?: string;

  constructor(opts: { nativeDir: string; env?: NodeJS.ProcessEnv; run?: ProcessRunner }) {
    this.cmd = appBarCommand(opts.nativeDir, opts.env);
    this.run = opts.run ?? runProcess;
  }

  unsupported(): string | undefined {
    return this.unavailable;
  }

  private async call(args: string[]): Promise<AppBarReply> {
    const r = await this.run(this.cmd.file, [...this.cmd.args, ...args], { timeoutMs: 10_000, maxBytes: 1024 * 1024 }).catch(notStarted);
    const reply = parseAppBarOutput(r.stdout);
    if (!reply.ok && reply.code === 'bad-output' && r.code !== 0) {
      return { ok: false, code: 'failed', message: `appbar helper exited with ${r.code}: ${(r.stderr || r.stdout).trim().slice(0, 300)}` };
    }
    if (!reply.ok && reply.code === 'unavailable') this.unavailable = `the AppBar helper cannot run here: ${reply.message}`;
    return reply;
  }

  async reserve(req: EdgeReservationRequest): Promise<Rect> {
    if (this.unavailable) throw new EdgeReservationError('unsupported', this.unavailable);
    const reply = await this.call(reserveArgs(req));
    if (!reply.ok) throw new EdgeReservationError(reply.code === 'unavailable' ? 'unsupported' : reply.code === 'bad-args' ? 'bad-request' : 'failed', reply.message);
    if (!reply.rect) throw new EdgeReservationError('failed', 'appbar helper did not report the granted rectangle');
    return reply.rect;
  }

  async release(window: Buffer): Promise<void> {
    if (this.unavailable) return;
    const reply = await this.call(releaseArgs(window));
    // The window is already destroyed: the shell dropped its app bar with it.
    if (!reply.ok && reply.code !== 'no-window') throw new EdgeReservationError('failed', reply.message);
  }
}
