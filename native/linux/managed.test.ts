import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LinuxManagedSettingsReader } from './managed';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('LinuxManagedSettingsReader', () => {
  it('reads *.json in name order (later wins) and skips bad files with a warning', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'managed-'));
    writeFileSync(path.join(dir, '10-site.json'), JSON.stringify({ server: 'a.example.com', DISABLELOCALHOST: true }));
    writeFileSync(path.join(dir, '20-override.json'), JSON.stringify({ server: 'b.example.com' }));
    writeFileSync(path.join(dir, '30-broken.json'), '{ not json');
    writeFileSync(path.join(dir, '40-array.json'), '[1,2]');
    writeFileSync(path.join(dir, 'README.txt'), 'ignored');
    mkdirSync(path.join(dir, '50-dir.json'));
    const r = await new LinuxManagedSettingsReader(dir).read();
    expect(r.values).toEqual({ server: 'b.example.com', DISABLELOCALHOST: true });
    expect(r.origins.map((o) => path.basename(o))).toEqual(['10-site.json', '20-override.json']);
    expect(r.warnings).toHaveLength(2);
    expect(r.warnings[0]).toMatch(/30-broken\.json skipped/);
    expect(r.warnings[1]).toMatch(/40-array\.json skipped: not a JSON object/);
  });

  it('treats a missing folder as "no managed settings"', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'managed-'));
    const r = await new LinuxManagedSettingsReader(path.join(dir, 'nope')).read();
    expect(r).toEqual({ values: {}, origins: [], warnings: [] });
  });
});
