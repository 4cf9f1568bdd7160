/**
 * Local phone book figures over 100 000 generated contacts (test/fixtures/vcards/generate.ts;
 * BENCH_PHONEBOOK_CONTACTS to change), written to a temp folder and read through the real vCard
 * folder source, as PhonebookService.refresh/rebuild do:
 *   phonebook.index_ms        read + parse the folder and build the search index (target ≤ 1000)
 *   phonebook.lookup_map_ms   first Lookup in a dialling context: normalise every stored number
 *                             (the service builds it with the index for the recent contexts)
 *   phonebook.search_p99_ms   Search (one or two words, any-word semantics, cap 50)   (target ≤ 2)
 *   phonebook.lookup_p99_ms   Lookup of a PBX dial string, index warm               (target ≤ 5)
 *   phonebook.heap_mb         JS heap held by the loaded contacts and the index (after GC), RSS
 *                             growth alongside
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContactIndex } from '../../electron/phonebook/search-index';
import { VCardFolderSource } from '../../electron/phonebook/vcard-folder';
import { generatedDialString, generatedName, writeGeneratedVCards } from '../fixtures/vcards/generate';
import { percentile, type BenchContext } from './types';

const N = Number(process.env.BENCH_PHONEBOOK_CONTACTS ?? 100_000);
const ROUNDS = 5;
const QUERIES = 2000;
const DE = { prefixIntl: '000', prefixNtl: '00', prefixExt: '0', area: '7031', country: '49' };

/** A full GC (the flag is set at run time: the bench runs under tsx without --expose-gc). */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  return () => { gc(); gc(); };
}

export default async function bench(ctx: BenchContext): Promise<void> {
  if (ctx.only && !'phonebook'.startsWith(ctx.only) && !ctx.only.startsWith('phonebook')) return;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'phonebook-bench-'));
  try {
    await writeGeneratedVCards(dir, N, 1000);
    const src = new VCardFolderSource(dir);
    const indexMs: number[] = [];
    const indexCpuMs: number[] = [];
    const mapMs: number[] = [];
    const gc = collector();
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const rss0 = process.memoryUsage().rss;
    let index: ContactIndex | undefined;
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const load = await src.load();
      if (load.status !== 'ok') throw new Error(load.reason);
      index = new ContactIndex(load.contacts.map((contact) => ({ source: src.name, contact })));
      indexMs.push(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      indexCpuMs.push((cpu.user + cpu.system) / 1000);
      if (index.size !== N) throw new Error(`indexed ${index.size} contacts, expected ${N}`);
      const t1 = performance.now();
      index.lookupMap(DE);
      mapMs.push(performance.now() - t1);
    }
    const idx = index!;
    gc();
    const mem = process.memoryUsage();

    const searchMs: number[] = [];
    for (let q = 0; q < QUERIES; q++) {
      const g = generatedName((q * 7919) % N);
      const text = q % 2 ? `${g.given} ${g.family}` : g.family.slice(0, 3 + (q % 4));
      const t0 = performance.now();
      const hits = idx.search(text, 50);
      searchMs.push(performance.now() - t0);
      if (!hits.length) throw new Error(`no hit for ${text}`);
    }

    const lookupMs: number[] = [];
    for (let q = 0; q < QUERIES; q++) {
      const i = (q * 104_729) % N;
      const t0 = performance.now();
      const hits = idx.lookup(generatedDialString(i), DE, 50);
      lookupMs.push(performance.now() - t0);
      if (hits.length !== 1) throw new Error(`lookup of ${generatedDialString(i)} gave ${hits.length} hits`);
    }

    // The machine is shared: the load average says how much the figures are disturbed.
    const loadavg = Math.round(os.loadavg()[0]! * 100) / 100;
    const r3 = (v: number) => Math.round(v * 1000) / 1000;
    const emit = (name: string, value: number, target?: string, extra: Record<string, unknown> = {}) => {
      if (!ctx.only || name.startsWith(ctx.only)) ctx.emit({ name, value: r3(value), unit: 'ms', ...(target ? { target } : {}), contacts: N, loadavg, ...extra });
    };
    const load = 'VCardFolderSource.load (fs.readFile, parseVCards) + new ContactIndex, as PhonebookService.refresh/rebuild';
    emit('phonebook.index_ms', percentile(indexMs, 50), '<= 1000', { path: load, rounds: ROUNDS, cpu_ms: r3(percentile(indexCpuMs, 50)) });
    emit('phonebook.lookup_map_ms', percentile(mapMs, 50), undefined, { path: 'ContactIndex.lookupMap, as PhonebookService.rebuild warms it', rounds: ROUNDS });
    emit('phonebook.search_p99_ms', percentile(searchMs, 99), '<= 2', { path: 'ContactIndex.search, as PhonebookService.search answers a Search request', queries: QUERIES, p50: r3(percentile(searchMs, 50)) });
    emit('phonebook.lookup_p99_ms', percentile(lookupMs, 99), '<= 5', { path: 'ContactIndex.lookup, as PhonebookService.lookup answers a Lookup request', queries: QUERIES, p50: r3(percentile(lookupMs, 50)) });
    const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
    if (!ctx.only || 'phonebook.heap_mb'.startsWith(ctx.only)) {
      ctx.emit({ name: 'phonebook.heap_mb', value: mb(mem.heapUsed - heap0), unit: 'MB', path: `${load}, one index and its lookup map held (after GC)`, contacts: N, rss_growth_mb: mb(mem.rss - rss0), heap_total_mb: mb(mem.heapUsed), rss_mb: mb(mem.rss), loadavg });
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
