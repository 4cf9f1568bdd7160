import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findElectronBinary } from './demo';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('demo: Electron binary detection (never requires electron)', () => {
  it('reports why the binary is missing, finds it when present', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'demo-'));
    expect(findElectronBinary(dir, {}).reason).toMatch(/not installed/);
    const pkg = path.join(dir, 'node_modules', 'electron');
    await fs.mkdir(path.join(pkg, 'dist'), { recursive: true });
    expect(findElectronBinary(dir, {}).reason).toMatch(/path\.txt is missing/);
    await fs.writeFile(path.join(pkg, 'path.txt'), 'electron');
    expect(findElectronBinary(dir, {}).reason).toMatch(/binary is missing/);
    await fs.writeFile(path.join(pkg, 'dist', 'electron'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findElectronBinary(dir, {})).toEqual({ path: path.join(pkg, 'dist', 'electron') });
    expect(findElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: path.join(dir, 'nowhere') }).reason).toMatch(/ELECTRON_OVERRIDE_DIST_PATH/);
  });
  it('on this machine: the binary it finds exists, or it says why there is none (the demo then falls back to demo:chromium)', async () => {
    const r = findElectronBinary(path.resolve(__dirname, '..'), {});
    if (r.path !== undefined) expect((await fs.stat(r.path)).isFile()).toBe(true);
    else expect(r.reason).toMatch(/not installed|missing|ELECTRON_OVERRIDE_DIST_PATH/);
  });
});
