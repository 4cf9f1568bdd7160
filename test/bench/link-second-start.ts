/**
 * A second start of the client, kept running so that its process start stays out of the figure
 * (test/bench/link.bench.ts): for each line `<json argv>` on stdin it does what electron/main.ts
 * does with a start's arguments (parseLauncherArgv, then claimOrHandOff with the lock held by the
 * running instance) and answers one line `<ok> <ms>`.
 *   usage: node --import tsx link-second-start.ts <handoff socket>
 */
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { claimOrHandOff } from '../../electron/links';
import { parseLauncherArgv } from '../../electron/security';

const sockPath = process.argv[2];
if (!sockPath) {
  process.stderr.write('usage: link-second-start.ts <handoff socket>\n');
  process.exit(2);
}
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const t0 = performance.now();
  const first = parseLauncherArgv(JSON.parse(line) as string[]);
  void claimOrHandOff({ path: sockPath, argv: first.link ? [first.link] : [], requestLock: () => false, waitMs: 0 }).then((claim) => {
    process.stdout.write(`${!claim.first && claim.ok} ${(performance.now() - t0).toFixed(3)}\n`);
  });
});
lines.on('close', () => process.exit(0));
