/**
 * The import graph of the product code (common/, electron/, native/, renderer/; tests and
 * fixtures left out) has no cycles: neither between files — type-only imports included — nor
 * between folders (docs/architecture.md "Who may import whom"). ESLint checks the direction of
 * each import (eslint.config.mjs); this test checks what a per-file rule cannot see.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const PRODUCT = ['common', 'electron', 'native', 'renderer'];

function productFiles(): string[] {
  const out: string[] = [];
  for (const top of PRODUCT) {
    for (const d of readdirSync(path.join(root, top), { recursive: true, withFileTypes: true })) {
      const rel = path.relative(root, path.join(d.parentPath, d.name)).split(path.sep).join('/');
      if (!d.isFile() || !/\.(ts|mts|mjs|js|cjs)$/.test(d.name) || d.name.endsWith('.d.ts')) continue;
      if (/\.test\.ts$/.test(d.name) || rel.split('/').includes('fixtures')) continue;
      out.push(rel);
    }
  }
  return out.sort();
}

/** Every relative import of every product file (static, dynamic, type-only, `import('…')` types). */
function importGraph(files: readonly string[]): Map<string, Set<string>> {
  const known = new Set(files);
  const options: ts.CompilerOptions = { moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext, allowJs: true, resolveJsonModule: true };
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const abs = path.join(root, file);
    const edges = new Set<string>();
    for (const ref of ts.preProcessFile(readFileSync(abs, 'utf8'), true, true).importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const r = ts.resolveModuleName(ref.fileName, abs, options, ts.sys).resolvedModule;
      const target = r && path.relative(root, r.resolvedFileName).split(path.sep).join('/');
      if (target && known.has(target) && target !== file) edges.add(target);
    }
    graph.set(file, edges);
  }
  return graph;
}

/** Strongly connected components with more than one member (Tarjan). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/**
 * The folder a file belongs to: common/, each electron/<service>/, each native/<os>/, each
 * renderer/<part>/; electron/platform.ts (the shared ports) and the composition root
 * (electron/*.ts) apart; native/*.ts and renderer/*.ts as their folder.
 */
function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'common') return 'common';
  if (parts[0] === 'electron' && parts.length === 2) return file === 'electron/platform.ts' ? 'electron/platform.ts' : 'electron (composition root)';
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

describe('import graph of the product code', () => {
  const files = productFiles();
  const graph = importGraph(files);

  it('reads the whole tree and finds cycles', () => {
    expect(files.length).toBeGreaterThan(150);
    expect(graph.get('electron/main.ts')?.size).toBeGreaterThan(20);
    const loop = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]);
    expect(cycles(loop)).toEqual([['a', 'b', 'c']]);
  });

  it('has no cycle between files (type-only imports included)', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const folders = new Map<string, Set<string>>();
    const via = new Map<string, string>();
    for (const [from, tos] of graph) {
      for (const to of tos) {
        const a = folderOf(from);
        const b = folderOf(to);
        if (a === b) continue;
        (folders.get(a) ?? folders.set(a, new Set()).get(a)!).add(b);
        if (!via.has(`${a} -> ${b}`)) via.set(`${a} -> ${b}`, `${from} -> ${to}`);
      }
    }
    const found = cycles(folders).map((scc) => scc.flatMap((a) => scc.filter((b) => folders.get(a)?.has(b)).map((b) => via.get(`${a} -> ${b}`)!)));
    expect(found).toEqual([]);
  });
});
