/**
 * The product's composition root (electron/main.ts `bootstrap`) for the security tests, with the
 * Electron stand-in of test/fixtures/fake-electron.ts (each test file mocks 'electron' itself:
 * `vi.mock('electron', …)` must stay in the test file). Real settings, trace files, bus.
 */
import * as path from 'node:path';
import { expect, vi } from 'vitest';
import { electron, resetElectron } from '../fixtures/fake-electron';
import type { RunningApp } from '../../electron/main';

/** Starts the product with these arguments (after the executable); XDG folders under `dir`. */
export async function startProduct(dir: string, args: string[]): Promise<RunningApp> {
  resetElectron(dir);
  const { bootstrap } = await import('../../electron/main');
  const app = await bootstrap({ argv: ['/opt/myApps/myapps', ...args], env: { XDG_DATA_HOME: path.join(dir, 'data'), XDG_CONFIG_HOME: path.join(dir, 'config') } });
  expect(app).toBeDefined();
  return app!;
}

/**
 * A second start of the product while the first runs (the lock is held): it hands its link to the
 * running instance over the local socket (electron/links/handoff.ts) and exits. Returns its exit code.
 */
export async function secondStart(dir: string, args: string[]): Promise<number | undefined> {
  const { bootstrap } = await import('../../electron/main');
  electron.app.lock = false;
  try {
    expect(await bootstrap({ argv: ['/opt/myApps/myapps', ...args], env: { XDG_DATA_HOME: path.join(dir, 'data'), XDG_CONFIG_HOME: path.join(dir, 'config') } })).toBeUndefined();
    return electron.app.exitCode;
  } finally {
    electron.app.lock = true;
    electron.app.exitCode = undefined;
  }
}

/** Quits it as Electron would and waits until it has flushed and exited. */
export async function quitProduct(): Promise<void> {
  electron.app.emit('before-quit');
  electron.app.emit('will-quit', { preventDefault() {} });
  await vi.waitFor(() => expect(electron.app.exitCode).toBe(0), { timeout: 10_000 });
}

/** The text of the product's trace files (`<dir>/data/innovaphone/myApps/traces`). */
export async function traceText(dir: string, prefix = ''): Promise<string> {
  const { promises: fs } = await import('node:fs');
  const traces = path.join(dir, 'data', 'innovaphone', 'myApps', 'traces');
  const names = (await fs.readdir(traces)).filter((f) => f.startsWith(prefix));
  return (await Promise.all(names.map((f) => fs.readFile(path.join(traces, f), 'utf8')))).join('');
}
