/**
 * What the installers record for the auto update (docs/update.md "Install kinds") and the helper
 * scripts shipped as extraResources (phone book), checked against the files (the installers
 * themselves cannot be built on the development machines: docs/packaging.md).
 */
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { INSTALL_RECORD_KEYS } from '../electron/wiring/update-product';

const require_ = createRequire(import.meta.url);
const yaml = require_('js-yaml') as { load(s: string): unknown };
const root = path.resolve(__dirname, '..');
type Cfg = { nsis: { include: string; perMachine: boolean }; win: { extraResources: { from: string; to: string }[] }; mac: { extraResources: { from: string; to: string }[] } };

describe('installer records and extra resources', () => {
  it('ships the phone book, copy-selection and AppBar helper scripts where main.ts looks (<resources>/native/...)', async () => {
    const cfg = yaml.load(await fs.readFile(path.join(root, 'build', 'electron-builder.yml'), 'utf8')) as Cfg;
    const all = [...cfg.win.extraResources, ...cfg.mac.extraResources];
    expect(all.map((r) => r.to).sort()).toEqual(['native/mac/contacts.js', 'native/mac/send-copy.js', 'native/win/appbar.ps1', 'native/win/outlook-search.ps1', 'native/win/send-copy.ps1']);
    for (const r of all) {
      expect(r.to).toBe(r.from); // nativeDir() = <resources>/native mirrors <repo>/native
      await fs.access(path.join(root, r.from));
    }
  });

  it('NSIS (per user) records Kind=nsis under the key the client reads first', async () => {
    const cfg = yaml.load(await fs.readFile(path.join(root, 'build', 'electron-builder.yml'), 'utf8')) as Cfg;
    expect(cfg.nsis.perMachine).toBe(false); // SHCTX = HKCU
    const nsh = await fs.readFile(path.join(root, cfg.nsis.include), 'utf8');
    const key = INSTALL_RECORD_KEYS[0].replace(/^HKCU\\/, '');
    expect(nsh).toContain(`WriteRegStr SHCTX "${key}" "Kind" "nsis"`);
    expect(nsh).toMatch(/!macro customUnInstall[\s\S]*DeleteRegKey SHCTX "Software\\innovaphone\\myApps\\Install"/);
  });

  it('the MSI records Kind=msi-per-machine / msi-per-user (32-bit view, read under WOW6432Node)', async () => {
    const doc = new DOMParser().parseFromString(await fs.readFile(path.join(root, 'build', 'msi', 'managed-settings.wxs'), 'utf8'), 'text/xml');
    const values = Array.from(doc.getElementsByTagName('RegistryValue')).filter((v) => v.getAttribute('Name') === 'Kind');
    expect(values).toHaveLength(1);
    expect(values[0]!.getAttribute('Key')).toBe('SOFTWARE\\innovaphone\\myApps\\Install');
    expect(values[0]!.getAttribute('Value')).toBe('[MYAPPS_INSTALLKIND]');
    expect((values[0]!.parentNode as Element).getAttribute('Win64')).toBe('no');
    expect(INSTALL_RECORD_KEYS).toContain('HKLM\\SOFTWARE\\WOW6432Node\\innovaphone\\myApps\\Install');
    // "Set property" actions, scheduled with their conditions in both sequences.
    const sets = Array.from(doc.getElementsByTagName('CustomAction')).filter((s) => s.getAttribute('Property') === 'MYAPPS_INSTALLKIND');
    for (const seq of ['InstallUISequence', 'InstallExecuteSequence']) {
      const custom = Array.from(doc.getElementsByTagName(seq)[0]!.getElementsByTagName('Custom'));
      const condition = (id: string) => custom.find((c) => c.getAttribute('Action') === id)?.textContent?.trim();
      expect(sets.map((s) => [s.getAttribute('Value'), condition(s.getAttribute('Id')!)]), seq).toEqual([['msi-per-machine', 'ALLUSERS=1'], ['msi-per-user', 'NOT (ALLUSERS=1)']]);
    }
  });
});
