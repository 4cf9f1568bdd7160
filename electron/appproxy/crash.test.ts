/**
 * Crash safety: a child process writing entries is SIGKILLed in the middle of its writes 100 times;
 * afterwards the proxy (with its origin down, so everything comes from the folder) serves 0 corrupt
 * entries: every body it serves is exactly one complete version of that file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import { createAppProxy } from './core';
import { CRASH_FILES, crashBody, crashUrl } from '../../test/fixtures/appproxy/crash-writer';

let tmp: string;
let script: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'appproxy-crash-'));
  script = path.join(tmp, 'crash-writer.mjs');
  await build({ entryPoints: [path.join(__dirname, '../../test/fixtures/appproxy/crash-writer.ts')], bundle: true, platform: 'node', format: 'esm', outfile: script, logLevel: 'silent' });
});
afterAll(async () => { await fs.rm(tmp, { recursive: true, force: true }); });

async function countTmp(dir: string): Promise<number> {
  let n = 0;
  for (const shard of await fs.readdir(path.join(dir, 'v1')).catch(() => [] as string[])) {
    for (const name of await fs.readdir(path.join(dir, 'v1', shard)).catch(() => [] as string[])) if (name.endsWith('.tmp')) n++;
  }
  return n;
}

function runAndKill(dir: string, seed: number, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir, String(seed)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let timer: NodeJS.Timeout | undefined;
    child.stdout.once('data', () => { timer = setTimeout(() => child.kill('SIGKILL'), delayMs); });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(); else reject(new Error(`writer exited by itself: ${code} ${signal}`));
    });
  });
}

describe('crash safety', () => {
  it('serves 0 corrupt entries after 100 SIGKILLs in the middle of writes', async () => {
    const dir = path.join(tmp, 'appproxy');
    let leftovers = 0;
    for (let k = 0; k < 100; k++) {
      await runAndKill(dir, k, 5 + ((k * 37) % 60));
      leftovers += await countTmp(dir);
    }
    // Kills landed mid-write (temp files were left behind) ...
    expect(leftovers).toBeGreaterThan(0);

    const proxy = createAppProxy({ dir, upstream: () => Promise.reject(new Error('origin down')), offlineHoldMs: 0 });
    let served = 0;
    let corrupt = 0;
    for (let i = 0; i < CRASH_FILES; i++) {
      const res = await proxy.handle(new Request(crashUrl(i)));
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) { expect(res.status).toBe(504); continue; }
      served++;
      const v = Number(res.headers.get('x-crash-version'));
      if (!(v % CRASH_FILES === i && body.equals(crashBody(i, v)))) corrupt++;
    }
    expect(corrupt).toBe(0);
    expect(served).toBeGreaterThan(0);
    // ... and the next start removes them.
    await proxy.store.ready;
    expect(await countTmp(dir)).toBe(0);
  }, 120_000);
});
