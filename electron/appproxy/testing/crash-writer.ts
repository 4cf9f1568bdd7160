/**
 * Child process of the crash test (crash.test.ts): writes cache entries in a loop until it is
 * SIGKILLed. Usage: node crash-writer.mjs <cacheDir> <seed>
 * Bodies are deterministic (crashBody) so the parent can check every entry it is served.
 */
import { createHash } from 'node:crypto';
import { EntryStore } from '../store';
import { silentLogger } from '../../platform';

export const CRASH_FILES = 12;
export function crashUrl(i: number): string { return `https://pbx.example.com/PBX0/APPS/crash/f${i}.js`; }

/** Body of file i, version v: a 4 KB block derived from (i, v), repeated to a size set by (i, v). */
export function crashBody(i: number, v: number): Buffer {
  const block = Buffer.alloc(4096);
  for (let k = 0; k < 128; k++) createHash('sha256').update(`${i}:${v}:${k}`).digest().copy(block, k * 32);
  const size = 200_000 + ((i * 7919 + v * 104729) % 1_800_000);
  const out = Buffer.alloc(size);
  for (let o = 0; o < size; o += 4096) block.copy(out, o, 0, Math.min(4096, size - o));
  return out;
}

async function main(): Promise<void> {
  const [dir, seedArg] = process.argv.slice(2);
  if (!dir) throw new Error('usage: crash-writer <dir> <seed>');
  const store = new EntryStore(dir, { maxBytes: 1e12, logger: silentLogger });
  let v = Number(seedArg ?? 0) * 1000;
  process.stdout.write('ready\n');
  for (;;) {
    v++;
    const i = v % CRASH_FILES;
    const body = crashBody(i, v);
    await store.put({ v: 1, url: crashUrl(i), status: 200, headers: [['content-type', 'text/javascript'], ['x-crash-version', String(v)]], storedAt: Date.now(), bodyLength: body.length }, body);
  }
}

if (process.argv[1] && /crash-writer\.(mjs|ts|js)$/.test(process.argv[1])) void main();
