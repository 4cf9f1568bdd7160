/**
 * The engine bundle for development and tests: renderer/media/engine/main.ts built with esbuild on
 * first use (about 0.1 s). The packaged product reads the bundle its build step wrote instead
 * (`engineScriptFromFile`).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const cached = new Map<string, Promise<string>>();

/** Bundles a renderer entry (IIFE, Chromium 120+) once per path. Needs the esbuild dev dependency. */
export function bundleRendererScript(entry: string): Promise<string> {
  let p = cached.get(entry);
  if (!p) {
    p = import('esbuild').then(async ({ build }) => {
      const r = await build({ entryPoints: [entry], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome120', minify: true, logLevel: 'silent' });
      return r.outputFiles[0]!.text;
    });
    const q = p;
    cached.set(entry, q);
    q.catch(() => { if (cached.get(entry) === q) cached.delete(entry); });
  }
  return p;
}

/** Bundles renderer/media/engine/main.ts. */
export function bundleEngine(root = resolve(__dirname, '../..')): Promise<string> {
  return bundleRendererScript(join(root, 'renderer/media/engine/main.ts'));
}

/** Reads a prebuilt bundle (e.g. dist/media-engine.js) once. */
export function engineScriptFromFile(path: string): () => Promise<string> {
  let text: Promise<string> | null = null;
  return () => (text ??= readFile(path, 'utf8'));
}
