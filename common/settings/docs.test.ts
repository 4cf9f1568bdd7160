import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from './schema';

describe('docs/settings.md', () => {
  it('lists every setting of the schema with its default, MSI property and PBX key', () => {
    const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'settings.md'), 'utf8');
    for (const s of SETTINGS) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${s.key}\` |`));
      expect(row, `row for ${s.key}`).toBeDefined();
      expect(row).toContain(`\`${JSON.stringify(s.default)}\``);
      if ('msi' in s && s.msi) expect(row).toContain(`\`${s.msi}\``);
      if ('pbxKey' in s && s.pbxKey) expect(row).toContain(`\`${s.pbxKey}\``);
    }
  });
});
