/**
 * `npm run bench [-- --only <prefix>]`: runs every test/bench/*.bench.ts and prints one JSON
 * object per line: {"name","value","unit","target"} plus "peer" and "ratio" where a peer ran side
 * by side in the same run. Benchmarks never fail on a figure; a bench that cannot run prints
 * {"name":"<file>","error":"…"} and the run goes on. The Debian packages the e2e tests need
 * (Xvfb, Chromium, Openbox, …: test/e2e/harness/system-packages.ts) are installed first when
 * missing, as the e2e setup does (as root; otherwise the command to run is printed).
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Figure, BenchContext } from './types';
import { ensurePackages } from '../e2e/harness/global-setup';
import { SYSTEM_PACKAGES } from '../e2e/harness/system-packages';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const onlyIdx = args.indexOf('--only');
  const only = onlyIdx >= 0 ? args[onlyIdx + 1] ?? '' : '';
  const dir = path.dirname(new URL(import.meta.url).pathname);
  const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
  const ctx: BenchContext = { only, emit: (f: Figure) => { if (!only || f.name.startsWith(only)) console.log(JSON.stringify(f)); } };
  let failures = 0;
  try {
    ensurePackages(SYSTEM_PACKAGES, 'the benchmarks', '[bench]');
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
  }
  for (const f of files) {
    const prefix = f.replace(/\.bench\.ts$/, '');
    try {
      const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { default: (c: BenchContext) => Promise<void>; prefixes?: string[] };
      // A bench file named <prefix>.bench.ts emits figures named <prefix>.* unless it exports
      // `prefixes`; skip it when --only names another prefix.
      const prefixes = mod.prefixes ?? [prefix];
      if (only && !prefixes.some((p) => p.startsWith(only) || only.startsWith(p))) continue;
      await mod.default(ctx);
    } catch (err) {
      failures++;
      console.log(JSON.stringify({ name: prefix, error: err instanceof Error ? err.message : String(err) }));
    }
  }
  process.exitCode = failures ? 1 : 0;
}

void main();
