/**
 * One fuzz target in a child process (`reliability.fuzz_cases`): runs `cases` inputs from
 * fast-check in chunks (seed = base + chunk, so a run is reproducible and a restart after a hang
 * goes on with the next chunk), times every case and reports to the parent after each chunk. A
 * case that takes more than 1 s is a hang; one that never ends is caught by the parent's
 * watchdog, which kills this process. Started by ./fuzz.ts.
 */
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { FUZZ_TARGETS } from './fuzz-targets';

export interface FuzzProgress {
  chunk: number;
  done: number;
  crashes: number;
  hangs: number;
  maxCaseMs: number;
  /** The slowest input of the chunk (cut). */
  slowest: string;
  /** A few crashes and hangs: what was thrown and the input (cut). */
  samples: string[];
}

const [name, startChunkArg, chunksArg, chunkSizeArg, seedArg] = process.argv.slice(2);
const startChunk = Number(startChunkArg);
const chunks = Number(chunksArg);
const chunkSize = Number(chunkSizeArg);
const seed = Number(seedArg);
const HANG_MS = 1000;

function show(input: string | Uint8Array): string {
  const s = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  return JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}… (${s.length})` : s);
}

async function main(): Promise<void> {
  const make = FUZZ_TARGETS[name!];
  if (!make) throw new Error(`unknown fuzz target ${name}`);
  const target = make();
  for (let chunk = startChunk; chunk < chunks; chunk++) {
    const p: FuzzProgress = { chunk, done: 0, crashes: 0, hangs: 0, maxCaseMs: 0, slowest: '', samples: [] };
    // Tell the parent which chunk runs (its watchdog restarts after it if this one hangs).
    process.send!({ started: chunk });
    for (const input of fc.sample(target.arbitrary, { numRuns: chunkSize, seed: seed + chunk })) {
      const t0 = performance.now();
      try {
        await target.run(input);
      } catch (err) {
        if (target.crash(err)) {
          p.crashes++;
          if (p.samples.length < 3) p.samples.push(`crash ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} on ${show(input)}`.slice(0, 600));
        }
      }
      const ms = performance.now() - t0;
      for (const e of target.reported?.() ?? []) {
        p.crashes++;
        if (p.samples.length < 3) p.samples.push(`internal error ${e} on ${show(input)}`.slice(0, 600));
      }
      if (ms > HANG_MS) {
        p.hangs++;
        if (p.samples.length < 3) p.samples.push(`hang ${Math.round(ms)} ms on ${show(input)}`);
      }
      if (ms > p.maxCaseMs) {
        p.maxCaseMs = ms;
        p.slowest = show(input);
      }
      p.done++;
    }
    process.send!(p);
  }
  target.close?.();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.send!({ fatal: String(err instanceof Error ? err.stack : err) });
    process.exit(1);
  },
);
