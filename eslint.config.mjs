// ESLint (flat config, typescript-eslint): the layering rule of docs/architecture.md "Who may
// import whom" as import zones (eslint-plugin-import-x no-restricted-paths), file cycles
// (import-x/no-cycle) and a few correctness rules. `npm run lint`; CI runs it after the type
// check (.ci/run). Folder-level cycles are checked by test/unit/import-graph.test.ts.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

const root = path.dirname(fileURLToPath(import.meta.url));
const abs = (p) => path.join(root, p);
const dirs = (p) => readdirSync(abs(p), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

/** Platform services: every folder of electron/ except the shared library folder util/ and the wiring. */
const SERVICES = dirs('electron').filter((d) => d !== 'util' && d !== 'wiring');
/** OS implementations: native/<os>/ (native/electron/ holds the Electron adapters, handled apart). */
const OSES = dirs('native').filter((d) => d !== 'electron' && d !== 'fixtures');

/** Every file outside these top-level folders (npm packages resolve into node_modules/). */
const outside = (...allowed) => abs(`!(${[...allowed, 'node_modules'].join('|')})/**`);
/** A service's public face: its index.ts and its ports.ts. */
const PUBLIC_FACES = [abs('electron/*/index.ts'), abs('electron/*/ports.ts')];
/** What every part of the main process may use: the shared ports and the util/ library. */
const SHARED_MAIN = [abs('electron/+(platform).ts'), abs('electron/util/**')];

/** The composition root: main.ts, the per-OS adapter choice and the one wiring beside it, the only product files besides the tests that may import across every layer. */
const COMPOSITION_ROOT = ['electron/main.ts', 'electron/os-adapters.ts', 'electron/wiring/**'];

const TESTS = ['**/*.test.ts', 'test/**', 'scripts/**', 'vitest.config.ts', 'eslint.config.mjs'];

const zones = [
  {
    target: abs('common/**'),
    from: outside('common'),
    message: 'common/ imports nothing outside itself (npm libraries are fine).',
  },
  {
    target: abs('renderer/**'),
    from: outside('common', 'renderer'),
    message: 'The renderer imports common/ only.',
  },
  {
    target: SHARED_MAIN,
    from: outside('common', 'electron'),
    message: 'electron/platform.ts and electron/util/ import common/ only.',
  },
  {
    target: SHARED_MAIN,
    from: abs('electron/!(util)/**'),
    message: 'electron/platform.ts and electron/util/ import common/ only.',
  },
  ...SERVICES.flatMap((svc) => [
    {
      target: abs(`electron/${svc}/**`),
      from: outside('common', 'electron'),
      message: 'A platform service imports common/ and other services, never native/, renderer/ or tests.',
    },
    {
      target: abs(`electron/${svc}/**`),
      from: abs(`electron/!(${svc})/**`),
      except: [...PUBLIC_FACES, abs('electron/util/**')],
      message: 'A service imports another service only through its index.ts or ports.ts.',
    },
    {
      target: abs(`electron/${svc}/**`),
      from: [abs('electron/!(platform).ts'), abs('electron/wiring/**')],
      message: 'Services never import the composition root (main.ts, electron/wiring/).',
    },
  ]),
  ...OSES.flatMap((os) => [
    {
      target: abs(`native/${os}/**`),
      from: outside('common', 'electron', 'native'),
      message: 'An OS implementation imports common/, ports and native/ helpers only.',
    },
    {
      target: abs(`native/${os}/**`),
      from: abs('electron/**'),
      except: [abs('electron/*/ports.ts'), ...SHARED_MAIN],
      message: 'An OS implementation imports only ports (electron/<service>/ports.ts), electron/platform.ts and electron/util/.',
    },
    {
      target: abs(`native/${os}/**`),
      from: abs(`native/!(${os})/**`),
      message: 'An OS implementation does not import another OS or the Electron adapters.',
    },
  ]),
  {
    target: abs('native/*.ts'),
    from: outside('common', 'electron', 'native'),
    message: 'native/ helpers import common/, ports and each other only.',
  },
  {
    target: abs('native/*.ts'),
    from: abs('electron/**'),
    except: [abs('electron/*/ports.ts'), ...SHARED_MAIN],
    message: 'native/ helpers import only ports (electron/<service>/ports.ts), electron/platform.ts and electron/util/.',
  },
  {
    target: abs('native/*.ts'),
    from: abs('native/*/**'),
    message: 'native/ helpers do not import an OS folder.',
  },
  {
    target: abs('native/electron/**'),
    from: outside('common', 'electron', 'native'),
    message: 'Electron adapters import common/, services and native/ only.',
  },
  {
    target: abs('native/electron/**'),
    from: abs('electron/**'),
    except: [...PUBLIC_FACES, ...SHARED_MAIN],
    message: 'Electron adapters import a service only through its index.ts or ports.ts.',
  },
  {
    target: COMPOSITION_ROOT.map(abs),
    from: outside('common', 'electron', 'native'),
    message: 'The composition root imports product code only (no renderer/, test/ or scripts/).',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'demo-output/**', 'node_modules/**', 'test/pbx-sim/www/**', '**/*.d.ts'] },
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mts', '.mjs', '.js', '.cjs', '.json'] })],
      'import-x/extensions': ['.ts', '.mjs', '.js', '.cjs'],
    },
    rules: {
      'no-control-regex': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', caughtErrors: 'none', ignoreRestSiblings: true, varsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones }],
    },
  },
  {
    // 'electron' only in the Electron adapters, the composition root and the preload.
    files: ['**/*.ts'],
    ignores: ['native/electron/**', 'electron/main.ts', 'renderer/preload.ts', ...TESTS],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: "Only native/electron/*, electron/main.ts and renderer/preload.ts import 'electron'." }] }],
    },
  },
  {
    // Browser-safe: no Node built-ins in common/ and the renderer.
    files: ['common/**/*.ts', 'renderer/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^node:', message: 'common/ and the renderer run in the browser: no Node built-ins.' }] }],
    },
  },
  {
    // JXA scripts: osascript calls their top-level run().
    files: ['native/mac/*.js'],
    rules: { '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^run$' }] },
  },
  {
    // Tests, scripts and the simulator may import anything, and type test doubles loosely.
    files: TESTS,
    rules: { 'import-x/no-restricted-paths': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
