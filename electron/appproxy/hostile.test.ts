/**
 * Hostile URLs (`..`, `%2e%2e`, NUL, backslashes, 8 KB long) never touch paths outside the cache
 * folder: every file-system call the proxy makes is recorded and must stay inside it, and the
 * folder holds nothing but `v1/<2 hex>/<64 hex>.entry` files afterwards.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as fsMod from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAppProxy, EntryStore, type UpstreamFetch } from './index';
import { silentLogger } from '../platform';
import { TestOrigin } from '../../test/fixtures/appproxy/origin';

const fs = fsMod.promises;
let tmp: string;
let origin: TestOrigin;

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'appproxy-hostile-'));
  await fs.mkdir(path.join(tmp, 'outside'));
  await fs.writeFile(path.join(tmp, 'outside', 'secret.js'), 'SECRET');
  origin = new TestOrigin();
  origin.fallback = { body: 'from-origin', cacheControl: 'max-age=600' };
  await origin.start();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await origin.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});

const HOSTILE_PATHS = [
  '/PBX0/APPS/../../../../outside/secret.js',
  '/PBX0/APPS/%2e%2e/%2e%2e/%2e%2e/outside/secret.js',
  '/PBX0/APPS/%2E%2E%2F%2E%2E%2Foutside%2Fsecret.js',
  '/PBX0/APPS/..%2f..%2f..%2foutside/secret.js',
  '/PBX0/APPS/..\\..\\..\\outside\\secret.js',
  '/PBX0/APPS/a%00b/../../secret.js',
  '/PBX0/APPS/nul\u0000byte.js',
  '/PBX0/APPS/%00.js',
  `/PBX0/APPS/${'a'.repeat(8192)}.js`,
  `/PBX0/APPS/${'../'.repeat(2000)}etc/passwd.js`,
  '/example.com/app/%252e%252e/secret.js',
  '/PBX0/APPS/con.js?x=../../../outside/secret.js',
];

function recordFsPaths(): string[] {
  const seen: string[] = [];
  for (const name of ['open', 'rm', 'unlink', 'utimes', 'stat', 'readdir', 'rename', 'mkdir', 'readFile', 'writeFile', 'truncate'] as const) {
    const orig = (fs as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
    vi.spyOn(fs as unknown as Record<string, (...a: unknown[]) => unknown>, name).mockImplementation((...args: unknown[]) => {
      seen.push(String(args[0]));
      if (name === 'rename') seen.push(String(args[1]));
      return orig.apply(fs, args);
    });
  }
  return seen;
}

async function walk(d: string, out: string[] = []): Promise<string[]> {
  for (const n of await fs.readdir(d)) {
    const f = path.join(d, n);
    if ((await fs.stat(f)).isDirectory()) { out.push(`${f}/`); await walk(f, out); } else out.push(f);
  }
  return out;
}

describe('hostile URLs', () => {
  it('stay inside the cache folder, online and offline', async () => {
    const cacheDir = path.join(tmp, 'appproxy');
    const seen = recordFsPaths();
    const upstream: UpstreamFetch = (req, init) => fetch(req, init);
    const p = createAppProxy({ dir: cacheDir, upstream, logger: silentLogger, offlineHoldMs: 0 });
    for (const hp of HOSTILE_PATHS) {
      const res = await p.handle(new Request(`${origin.origin}${hp}`));
      const text = await res.text();
      expect(text, hp).not.toContain('SECRET');
    }
    await p.idle();
    await origin.stop();
    const p2 = createAppProxy({ dir: cacheDir, upstream, logger: silentLogger, offlineHoldMs: 0 });
    for (const hp of HOSTILE_PATHS) {
      // Paths that are not app files pass through, and with the origin down that is a network error.
      const res = await p2.handle(new Request(`${origin.origin}${hp}`)).catch(() => undefined);
      if (res) expect(await res.text(), hp).not.toContain('SECRET');
    }
    await p2.store.ready;

    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) {
      const rel = path.relative(cacheDir, path.resolve(s));
      expect(rel.startsWith('..') || path.isAbsolute(rel), s).toBe(false);
      expect(s.includes('\u0000'), s).toBe(false);
    }
    const files = await walk(tmp);
    for (const f of files) {
      const rel = path.relative(tmp, f) + (f.endsWith('/') ? '/' : '');
      expect(
        rel === 'outside/' || rel === 'outside/secret.js' || rel === 'appproxy/' || rel === 'appproxy/v1/' ||
          /^appproxy\/v1\/[0-9a-f]{2}\/$/.test(rel) || /^appproxy\/v1\/([0-9a-f]{2})\/\1[0-9a-f]{62}\.entry$/.test(rel),
        rel,
      ).toBe(true);
    }
    expect(await fs.readFile(path.join(tmp, 'outside', 'secret.js'), 'utf8')).toBe('SECRET');
  });

  it('the store itself hashes any string, even ones no URL parser would accept', async () => {
    const cacheDir = path.join(tmp, 'appproxy');
    const store = new EntryStore(cacheDir, { maxBytes: 1e9, logger: silentLogger });
    const seen = recordFsPaths();
    const evil = ['../../outside/x', '/etc/passwd', 'a\u0000b', 'C:\\Windows\\x', '..', '.', '', 'x'.repeat(8192)];
    for (const u of evil) {
      await store.put({ v: 1, url: u, status: 200, headers: [], storedAt: 0, bodyLength: 1 }, Buffer.from('e'));
      expect((await store.get(u))?.body.toString()).toBe('e');
    }
    for (const s of seen) expect(path.relative(cacheDir, path.resolve(s)).startsWith('..'), s).toBe(false);
    expect(() => store.pathOf('../x')).toThrow(/invalid cache key/);
  });
});
