/**
 * `reliability.fuzz_cases`: every target of ./fuzz-targets.ts in a child process of its own
 * (./fuzz-child.ts), with a watchdog: a child that reports nothing for WATCHDOG_MS is killed, the
 * chunk it was on counts as a hang, and a new child goes on with the next chunk.
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import type { FuzzProgress } from './fuzz-child';

const WATCHDOG_MS = 20_000;

export interface FuzzTotals {
  cases: number;
  crashes: number;
  hangs: number;
  max_case_ms: number;
  /** The slowest input (cut). */
  slowest: string;
  wall_s: number;
  samples: string[];
}

export async function fuzzTarget(name: string, cases: number, chunkSize = 500, seed = 20_261_2): Promise<FuzzTotals> {
  const chunks = Math.ceil(cases / chunkSize);
  const totals: FuzzTotals = { cases: 0, crashes: 0, hangs: 0, max_case_ms: 0, slowest: '', wall_s: 0, samples: [] };
  const t0 = Date.now();
  let next = 0;
  while (next < chunks) {
    next = await new Promise<number>((resolve, reject) => {
      const child = fork(path.join(path.dirname(new URL(import.meta.url).pathname), 'fuzz-child.ts'), [name, String(next), String(chunks), String(chunkSize), String(seed)], {
        execArgv: process.execArgv,
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      let current = next;
      let timer: NodeJS.Timeout;
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          totals.hangs++;
          totals.samples.push(`watchdog: chunk ${current} of ${name} made no progress for ${WATCHDOG_MS} ms; killed`);
          child.kill('SIGKILL');
          resolve(current + 1);
        }, WATCHDOG_MS);
      };
      arm();
      child.on('message', (m: FuzzProgress | { started: number } | { fatal: string }) => {
        arm();
        if ('started' in m) current = m.started;
        else if ('fatal' in m) {
          clearTimeout(timer);
          reject(new Error(`fuzz target ${name} failed: ${m.fatal}`));
        } else {
          totals.cases += m.done;
          totals.crashes += m.crashes;
          totals.hangs += m.hangs;
          if (m.maxCaseMs > totals.max_case_ms) {
            totals.max_case_ms = m.maxCaseMs;
            totals.slowest = m.slowest;
          }
          for (const s of m.samples) if (totals.samples.length < 5) totals.samples.push(s);
        }
      });
      child.on('exit', () => {
        clearTimeout(timer);
        resolve(chunks);
      });
    });
  }
  totals.max_case_ms = Math.round(totals.max_case_ms * 10) / 10;
  totals.wall_s = Math.round((Date.now() - t0) / 100) / 10;
  return totals;
}
