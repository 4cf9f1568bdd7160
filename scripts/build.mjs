#!/usr/bin/env node
/**
 * Bundles the client with esbuild (docs/packaging.md):
 *   dist/main.cjs      electron/main.ts, platform node, CJS, 'electron' external
 *   dist/preload.cjs   renderer/preload.ts, one CJS file (a sandboxed preload cannot require
 *                      anything but 'electron')
 *   dist/renderer/     renderer/launcher/<page>.ts for every <page>.html beside it (IIFE), the
 *                      html (script src .ts -> .js) and css
 *   dist/media-engine.js  renderer/media/engine/main.ts (IIFE) for the media engine host
 *   dist/media-view.js    renderer/media/view.ts (IIFE) for the viewer page apps embed
 *   dist/icons/        build/icons/*.png (window and tray icons)
 *   dist/THIRD-PARTY-NOTICES.txt  name, version, licence and licence text of every npm package
 *                      bundled into the files above (from esbuild's metafiles)
 *   --demo only:       dist/renderer/demo-api.js, the launcher pages' demo API for plain Chromium
 *                      (renderer/launcher/demo-api.ts; never referenced by the product's pages)
 *
 * Usage: node scripts/build.mjs [--out <dir>] [--minify] [--sourcemap] [--demo]
 * Exit code 1 with the esbuild messages when anything fails.
 */
import { build as esbuild } from 'esbuild';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The only modules dist/main.cjs requires that it does not carry: Electron itself, and modules
 * that are loaded in try/catch (or by a development-only path) and are never installed with the
 * product. scripts/build.test.ts and scripts/packaging.test.ts hold the bundles to this list.
 */
export const MAIN_EXTERNALS = ['electron', 'esbuild'];
/**
 * Optional native helpers the bundled packages try to load (ws: bufferutil, utf-8-validate;
 * dbus-next: usocket), which the product does not ship. Each is bundled as a module that throws
 * MODULE_NOT_FOUND, so dist/main.cjs never requires a module the package lacks; the packages
 * catch it and use plain JS / Node's net (native/linux/session-bus.ts).
 */
export const NOT_SHIPPED = ['bufferutil', 'utf-8-validate', 'usocket'];
const notShipped = {
  name: 'not-shipped',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${NOT_SHIPPED.join('|')})$`) }, (a) => ({ path: a.path, namespace: 'not-shipped' }));
    b.onLoad({ filter: /.*/, namespace: 'not-shipped' }, (a) => ({
      contents: `throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${a.path}' (not shipped: docs/packaging.md)`)}), { code: 'MODULE_NOT_FOUND' });`,
      loader: 'js',
    }));
  },
};

function parseArgs(argv) {
  const o = { out: path.join(root, 'dist'), minify: false, sourcemap: false, demo: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') o.out = path.resolve(argv[++i] ?? '');
    else if (a.startsWith('--out=')) o.out = path.resolve(a.slice(6));
    else if (a === '--minify') o.minify = true;
    else if (a === '--sourcemap') o.sourcemap = true;
    else if (a === '--demo') o.demo = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

function buildId() {
  if (process.env.MYAPPS_BUILD) return process.env.MYAPPS_BUILD;
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || 'dev';
  } catch {
    return 'dev';
  }
}

/** Renderer pages: <dir>/<name>.ts with a <dir>/<name>.html beside it. */
async function rendererPages(dir) {
  const abs = path.join(root, 'renderer', dir);
  let names;
  try {
    names = await fs.readdir(abs);
  } catch {
    return { entries: [], html: [], css: [] };
  }
  const html = names.filter((n) => n.endsWith('.html'));
  const entries = html.map((h) => h.replace(/\.html$/, '.ts')).filter((t) => names.includes(t)).map((t) => path.join(abs, t));
  const css = names.filter((n) => n.endsWith('.css'));
  return { entries, html: html.map((h) => path.join(abs, h)), css: css.map((c) => path.join(abs, c)) };
}

export async function buildAll(opts) {
  const out = opts.out;
  await fs.rm(out, { recursive: true, force: true });
  await fs.mkdir(out, { recursive: true });
  const common = { bundle: true, minify: opts.minify, sourcemap: opts.sourcemap, logLevel: 'warning', legalComments: 'none' };
  const build_ = buildId();
  // Browser bundles run under a CSP without 'unsafe-eval': zod 4 would probe `new Function` (a
  // caught error, but a CSP violation report) unless it is told to run JIT-less before it loads.
  const noEval = { banner: { js: 'globalThis.__zod_globalConfig=Object.assign(globalThis.__zod_globalConfig||{},{jitless:true});' } };

  // Every npm package bundled into a shipped file, for the notices file (esbuild metafiles).
  const bundled = new Set();
  const noteInputs = (r) => {
    for (const input of Object.keys(r.metafile?.inputs ?? {})) {
      const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input.split(path.sep).join('/'));
      if (m) bundled.add(m[1]);
    }
    return r;
  };
  const build = (o) => esbuild({ ...o, metafile: true }).then(noteInputs);

  // Main process: Node (Electron 45 ships Node 22). The bundle carries every package it uses, so
  // the packaged app needs no node_modules (docs/packaging.md). The optional native helpers of
  // ws and dbus-next are bundled as "not shipped" (NOT_SHIPPED above). Left out: electron, and
  // esbuild, which only the development fallback of electron/media (engine and viewer built from
  // source) imports; the product reads the bundles written below.
  await build({
    ...common,
    entryPoints: [path.join(root, 'electron', 'main.ts')],
    outfile: path.join(out, 'main.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: [...MAIN_EXTERNALS],
    plugins: [notShipped],
    define: { __MYAPPS_BUILD__: JSON.stringify(build_) },
  });

  // Preload: sandboxed, so a single CJS file that only requires 'electron'.
  await build({
    ...common,
    entryPoints: [path.join(root, 'renderer', 'preload.ts')],
    outfile: path.join(out, 'preload.cjs'),
    platform: 'browser',
    format: 'cjs',
    target: 'chrome140',
    external: ['electron'],
    minify: true,
  });

  // Media engine (runs in a hidden launcher-owned renderer; electron/media/engine-bundle.ts).
  const engine = path.join(root, 'renderer', 'media', 'engine', 'main.ts');
  if (await fs.stat(engine).then(() => true, () => false)) {
    await build({ ...common, ...noEval, entryPoints: [engine], outfile: path.join(out, 'media-engine.js'), platform: 'browser', format: 'iife', target: 'chrome120', minify: true });
  }
  // Media viewer page (an app's iframe showing remote video; electron/media/view.ts).
  const viewer = path.join(root, 'renderer', 'media', 'view.ts');
  if (await fs.stat(viewer).then(() => true, () => false)) {
    await build({ ...common, ...noEval, entryPoints: [viewer], outfile: path.join(out, 'media-view.js'), platform: 'browser', format: 'iife', target: 'chrome120', minify: true });
  }

  // Launcher pages (and other renderer page folders).
  const pageDirs = [{ dir: 'launcher', to: path.join(out, 'renderer') }];
  for (const { dir, to } of pageDirs) {
    const p = await rendererPages(dir);
    if (p.entries.length === 0 && p.html.length === 0) continue;
    await fs.mkdir(to, { recursive: true });
    if (p.entries.length) {
      await build({ ...common, ...noEval, entryPoints: p.entries, outdir: to, platform: 'browser', format: 'iife', target: 'chrome140', minify: true });
    }
    for (const h of p.html) {
      const text = await fs.readFile(h, 'utf8');
      // <script src="connect.ts"> in the sources (served as TS by the dev/demo server) -> connect.js
      await fs.writeFile(path.join(to, path.basename(h)), text.replace(/(<script[^>]*\ssrc=["'])([\w.-]+)\.ts(["'])/g, '$1$2.js$3'));
    }
    for (const c of p.css) await fs.copyFile(c, path.join(to, path.basename(c)));
  }
  if (opts.demo) {
    const demo = path.join(root, 'renderer', 'launcher', 'demo-api.ts');
    await build({ ...common, ...noEval, entryPoints: [demo], outfile: path.join(out, 'renderer', 'demo-api.js'), platform: 'browser', format: 'iife', target: 'chrome140', minify: true });
  }

  await writeNotices(path.join(out, 'THIRD-PARTY-NOTICES.txt'), [...bundled].sort());

  // Icons.
  await fs.mkdir(path.join(out, 'icons'), { recursive: true });
  for (const f of await fs.readdir(path.join(root, 'build', 'icons'))) {
    if (f.endsWith('.png')) await fs.copyFile(path.join(root, 'build', 'icons', f), path.join(out, 'icons', f));
  }
  return { out, build: build_ };
}

/** The licence notices of the bundled packages (their package.json licence and LICENSE file). */
async function writeNotices(file, packages) {
  const parts = ['Third-party software bundled into this application, with its licence.\n'];
  for (const name of packages) {
    const dir = path.join(root, 'node_modules', name);
    const pkg = JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8'));
    const licenceFile = (await fs.readdir(dir)).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    const text = licenceFile ? (await fs.readFile(path.join(dir, licenceFile), 'utf8')).trim() : `(no licence file in the package)`;
    const declared = pkg.license ?? pkg.licenses;
    const typeOf = (l) => (typeof l === 'string' ? l : l?.type);
    const licence = (Array.isArray(declared) ? declared.map(typeOf).join(', ') : typeOf(declared)) || 'not stated in package.json; see the text';
    parts.push(`${'='.repeat(78)}\n${pkg.name} ${pkg.version} (${licence})\n${'-'.repeat(78)}\n${text}\n`);
  }
  await fs.writeFile(file, parts.join('\n'));
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const t0 = Date.now();
  buildAll(parseArgs(process.argv.slice(2))).then(
    (r) => console.log(`built ${path.relative(process.cwd(), r.out) || r.out} (build ${r.build}) in ${Date.now() - t0} ms`),
    (err) => {
      console.error(err?.message ?? err);
      process.exit(1);
    },
  );
}
