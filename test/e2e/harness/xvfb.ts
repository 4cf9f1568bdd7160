/**
 * Start and stop a private Xvfb on a free display number (random in 100..999), for tests and the
 * headed demo: `Xvfb :N -screen 0 1280x800x24 -nolisten tcp`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Xvfb {
  /** e.g. ":417" */
  display: string;
  pid: number;
  stop(): Promise<void>;
}

export interface XvfbOptions {
  /** Screen geometry and depth, default 1280x800x24. */
  screen?: string;
  /** How long to wait for the X socket, default 10 s. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stopProcess(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    const kill = setTimeout(() => p.kill('SIGKILL'), 3000);
    p.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    p.kill('SIGTERM');
  });
}

async function tryDisplay(n: number, screen: string, timeoutMs: number): Promise<Xvfb | undefined> {
  const socket = `/tmp/.X11-unix/X${n}`;
  if (existsSync(`/tmp/.X${n}-lock`) || existsSync(socket)) return undefined;
  const p = spawn('Xvfb', [`:${n}`, '-screen', '0', screen, '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  p.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString();
  });
  let spawnError: Error | undefined;
  p.once('error', (e) => (spawnError = e));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`cannot start Xvfb: ${spawnError.message}`);
    if (p.exitCode !== null || p.signalCode !== null) {
      if (/already active|server is already|Cannot establish any listening sockets/i.test(stderr)) return undefined;
      throw new Error(`Xvfb :${n} exited (${p.exitCode ?? p.signalCode}): ${stderr.trim().slice(-500)}`);
    }
    if (existsSync(socket)) {
      return { display: `:${n}`, pid: p.pid!, stop: () => stopProcess(p) };
    }
    await sleep(25);
  }
  await stopProcess(p);
  throw new Error(`Xvfb :${n} did not come up within ${timeoutMs} ms: ${stderr.trim().slice(-500)}`);
}

export async function startXvfb(opts: XvfbOptions = {}): Promise<Xvfb> {
  const screen = opts.screen ?? '1280x800x24';
  for (let attempt = 0; attempt < 20; attempt++) {
    const n = 100 + Math.floor(Math.random() * 900);
    const x = await tryDisplay(n, screen, opts.timeoutMs ?? 10_000);
    if (x) return x;
  }
  throw new Error('no free X display number found in 100..999 after 20 attempts');
}
