import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppImageInstaller } from './appimage-installer';

describe('AppImage installer', () => {
  it('replaces an AppImage atomically, executable, and asks for a relaunch', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upd-appimage-'));
    try {
      const target = path.join(dir, 'myApps.AppImage');
      fs.writeFileSync(target, '#!/bin/sh\necho old\n', { mode: 0o755 });
      const held = fs.openSync(target, 'r'); // the running image keeps its inode
      const pkg = path.join(dir, 'new.AppImage');
      fs.writeFileSync(pkg, '#!/bin/sh\necho new\n');
      const fractions: number[] = [];
      const out = await new AppImageInstaller(target).install({ file: pkg, build: '2', kind: 'appimage', onProgress: (f) => fractions.push(f) });
      expect(out).toEqual({ next: 'relaunch', relaunch: target, detail: `replaced ${target}` });
      expect(fs.readFileSync(target, 'utf8')).toContain('echo new');
      expect(fs.statSync(target).mode & 0o777).toBe(0o755);
      expect(fractions[fractions.length - 1]).toBe(1);
      const buf = Buffer.alloc(20);
      fs.readSync(held, buf, 0, 20, 0);
      expect(buf.toString()).toContain('echo old');
      fs.closeSync(held);
      expect(fs.readdirSync(dir).sort()).toEqual(['myApps.AppImage', 'new.AppImage']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
