/**
 * The `reliability` group: what the client survives (issue 12, docs/security.md).
 *
 * - reliability.fuzz_cases: hostile input for the product's parsers and validators, in process,
 *   BENCH_FUZZ_CASES (default 100 000) cases per target, each timed (a case over 1 s is a hang;
 *   a child that stops reporting is killed by a watchdog): ./reliability/fuzz*.ts.
 * - reliability.reconnect_cycles: BENCH_RECONNECT_CYCLES (default 1000) stops and starts of the
 *   PBX simulator against the running service graph and the stand-in web client in Debian
 *   Chromium: ./reliability/reconnect.ts.
 * - reliability.slow_reader_rss_mb: ten bus clients that do not read, under load, for
 *   BENCH_SLOW_READER_MS (default 10 s): ./reliability/slow-reader.ts.
 */
import type { BenchContext } from './types';
import { FUZZ_TARGETS } from './reliability/fuzz-targets';
import { fuzzTarget, type FuzzTotals } from './reliability/fuzz';
import { reconnectCycles } from './reliability/reconnect';
import { slowReaders } from './reliability/slow-reader';

export const prefixes = ['reliability'];

const FUZZ_CASES = Number(process.env.BENCH_FUZZ_CASES ?? 100_000);
const CYCLES = Number(process.env.BENCH_RECONNECT_CYCLES ?? 1000);
const SLOW_READER_MS = Number(process.env.BENCH_SLOW_READER_MS ?? 10_000);

const wants = (ctx: BenchContext, name: string): boolean => !ctx.only || name.startsWith(ctx.only) || ctx.only.startsWith(name);

export default async function (ctx: BenchContext): Promise<void> {
  if (wants(ctx, 'reliability.slow_reader_rss_mb')) {
    const r = await slowReaders(SLOW_READER_MS);
    ctx.emit({
      name: 'reliability.slow_reader_rss_mb',
      path: 'local services server (startLocalServicesServer, default limits) in its own process: bus client send path with its send budget, router ApiUpdate fan-out; 10 paused ws clients flooding ConsumeApi/UnconsumeApi of a 100 KB registry replaced 50 times a second, one client reading',
      value: r.rss_growth_mb,
      unit: 'MB',
      target: '<= 64',
      ...r,
    });
  }
  if (wants(ctx, 'reliability.reconnect_cycles')) {
    const r = await reconnectCycles(CYCLES);
    ctx.emit({
      name: 'reliability.reconnect_cycles',
      path: 'pbx-sim stopped and started on the same ports; stand-in web client in Debian Chromium (appclient-config, bus open throughout) logs in again; createPlatformServices graph in its own process measured (RSS and process.getActiveResourcesInfo after a GC, from cycle 50 to the end)',
      value: r.reconnected,
      unit: 'cycles reconnected',
      target: `= ${r.cycles}; RSS and handles flat`,
      ...r,
    });
  }
  if (wants(ctx, 'reliability.fuzz_cases')) {
    const targets: Record<string, FuzzTotals> = {};
    for (const name of Object.keys(FUZZ_TARGETS)) targets[name] = await fuzzTarget(name, FUZZ_CASES);
    const all = Object.values(targets);
    ctx.emit({
      name: 'reliability.fuzz_cases',
      path: 'in process, each target in a child process with a watchdog: bus client receive path (attachBusClient + ApiRouter), parseServerString, LinkService.handleArgv, log-flag parsers, SettingsStore.open on settings.json, selectUpdate + verifyEntrySignature, parseVCards, Media/Ringer message schemas + Signal channels <-> SDP',
      value: Math.min(...all.map((t) => t.cases)),
      unit: 'cases per target (least)',
      target: '>= 100000 each; crashes 0; hangs (> 1 s) 0',
      crashes: all.reduce((n, t) => n + t.crashes, 0),
      hangs: all.reduce((n, t) => n + t.hangs, 0),
      targets,
    });
  }
}
