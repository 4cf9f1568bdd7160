/**
 * The engine bundle for development and tests: renderer/media/engine.ts built with esbuild on
 * first use (about 0.1 s). The packaged product reads the bundle its build step wrote instead
 * (`engineScriptFromFile`).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

let cached: Promise<string> | null = null;

/** Bundles renderer/media/engine.ts (IIFE, Chromium 120+). Needs the esbuild dev dependency. */
export function bundleEngine(root = resolve(__dirname, '../..')): Promise<string> {
  cached ??= import('esbuild').then(async ({ build }) => {
    const r = await build({ entryPoints: [join(root, 'renderer/media/engine.ts')], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome120', minify: true, logLevel: 'silent' });
    return r.outputFiles[0]!.text;
  });
  const p = cached;
  p.catch(() => { if (cached === p) cached = null; });
  return p;
}

/** Reads a prebuilt bundle (e.g. dist/media-engine.js) once. */
export function engineScriptFromFile(path: string): () => Promise<string> {
  let text: Promise<string> | null = null;
  return () => (text ??= readFile(path, 'utf8'));
}
