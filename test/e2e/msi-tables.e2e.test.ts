/**
 * A real MSI from our WiX sources: build/msi/managed-settings.wxs, merged by the real
 * msiProjectCreated hook into a stand-in of electron-builder's project, compiled with Debian's
 * wixl and read back with msiinfo. Every public property must land in the Registry table with
 * the key, name and type docs/msi-properties.md gives (booleans REG_DWORD 1/0 through
 * "set property" actions; text REG_SZ). wixl and msitools are system packages of the e2e
 * suite (test/e2e/harness/system-packages.ts), so the test runs in CI and never skips.
 * How wixl's subset differs from electron-builder's WiX: test/e2e/harness/wixl.ts, docs/packaging.md.
 */
import { promises as fs, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS, type SettingDescriptor } from '../../common/settings/schema';
import { LINK_SCHEMES } from '../../common/links';
import { msiTable, standInProject, toWixl, wixl, type MsiRow } from './harness/wixl';

const root = path.resolve(__dirname, '..', '..');
const require_ = createRequire(import.meta.url);
const hook = require_(path.join(root, 'build', 'hooks', 'msi-project-created.cjs')) as { mergeProject(project: string, fragment: string): string; FRAGMENT_FILE: string };
const yaml = require_('js-yaml') as { load(s: string): { productName: string; msi: { upgradeCode: string } } };

/** wixl 0.101 writes Root="HKMU" as 4; WiX writes -1 (HKCU per user, HKLM per machine). Both mean HKMU. */
const WIXL_HKMU = '4';
const KEY = 'SOFTWARE\\innovaphone\\myApps';
const COMPONENT_64BIT = 256;
const CA_SET_PROPERTY = 51;

/** The property table of docs/msi-properties.md: property -> registry value name and type. */
function documentedProperties(): Map<string, { value: string; type: string }> {
  const doc = readFileSync(path.join(root, 'docs', 'msi-properties.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## The properties'));
  const out = new Map<string, { value: string; type: string }>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const m = /^`([A-Z]+)`$/.exec(cells[1] ?? '');
    if (!m || !/^REG_/.test(cells[4] ?? '')) continue;
    out.set(m[1]!, { value: cells[3]!.replace(/`/g, ''), type: cells[4]! });
  }
  return out;
}

let work: string;
let msi: string;
let changes: string[];
let wixlStderr: string;
const tables = new Map<string, MsiRow[]>();
const table = async (name: string) => {
  if (!tables.has(name)) tables.set(name, await msiTable(msi, name));
  return tables.get(name)!;
};

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'myapps-msi-'));
  const cfg = yaml.load(readFileSync(path.join(root, 'build', 'electron-builder.yml'), 'utf8'));
  const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version as string;
  const exe = `${cfg.productName}.exe`;
  await fs.writeFile(path.join(work, exe), 'stand-in payload: the MSI table check needs no real client binary\n');
  const merged = hook.mergeProject(standInProject({ productName: cfg.productName, version, upgradeCode: cfg.msi.upgradeCode, exe }), readFileSync(hook.FRAGMENT_FILE, 'utf8'));
  const project = toWixl(merged);
  changes = project.changes;
  await fs.writeFile(path.join(work, 'project.wxs'), project.text);
  const built = await wixl(work, cfg.productName);
  msi = built.msi;
  wixlStderr = built.stderr;
}, 120_000);

afterAll(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe('MSI built with wixl from build/msi/managed-settings.wxs', () => {
  it('compiles without warnings; the only adaptations for wixl are the documented ones', () => {
    expect(wixlStderr).toBe('');
    for (const c of changes) {
      expect(c).toMatch(/^(namespace |dropped Secure="yes" on Property |dropped <Condition>[A-Z_]+<\/Condition> in Component Reg[A-Z]+$|moved <(Property|CustomAction|InstallUISequence|InstallExecuteSequence)[ >]|moved <ComponentGroup Id="ProductComponents">|CDATA -> text in Custom )/);
    }
    // Component conditions are the only thing wixl cannot carry: one per public property.
    expect(changes.filter((c) => c.startsWith('dropped <Condition>'))).toHaveLength(SETTINGS.filter((s) => 'msi' in s && s.msi).length);
  });

  it('writes every public property to the Registry table with the documented key, name and type', async () => {
    const documented = documentedProperties();
    const fromSchema = (SETTINGS as readonly SettingDescriptor[]).filter((s) => s.msi);
    expect([...documented.keys()].sort()).toEqual(fromSchema.map((s) => s.msi).sort());
    expect([...documented.keys()].sort()).toEqual(['DISABLEHEADSETS', 'DISABLELOCALHOST', 'EXCLUDEINTERFACES', 'EXTERNALAPPS', 'FASTERDOWNLOADS', 'FORCERESTART', 'OFFICEPRESENCE', 'SERVER']);
    const registry = await table('Registry');
    const components = new Map((await table('Component')).map((c) => [c.Component, c]));
    for (const s of fromSchema) {
      const prop = s.msi!;
      const doc = documented.get(prop)!;
      const rows = registry.filter((r) => r.Key === KEY && r.Name === doc.value);
      expect(rows, prop).toHaveLength(1);
      const row = rows[0]!;
      expect(row.Root, `${prop}: HKMU`).toBe(WIXL_HKMU);
      // Registry table: "#…" is REG_DWORD, plain text REG_SZ (MSI SDK, Registry table, Value column).
      const type = row.Value!.startsWith('#') && !row.Value!.startsWith('##') ? 'REG_DWORD' : 'REG_SZ';
      expect(type, prop).toBe(doc.type);
      expect(type, `${prop} (${s.kind})`).toBe(s.kind === 'boolean' ? 'REG_DWORD' : 'REG_SZ');
      expect(row.Value, prop).toBe(type === 'REG_DWORD' ? `#[${prop}_DWORD]` : `[${prop}]`);
      // 32-bit component: per machine the value lands in HKLM\SOFTWARE\WOW6432Node\innovaphone\myApps.
      const comp = components.get(row.Component_!)!;
      expect(Number(comp.Attributes) & COMPONENT_64BIT, prop).toBe(0);
      expect(comp.KeyPath).toBe(row.Registry);
    }
  });

  it('turns true/false (and 1/0) into the DWORD 1/0 with "set property" actions before costing, in both sequences', async () => {
    const actions = new Map((await table('CustomAction')).map((a) => [a.Action, a]));
    for (const s of (SETTINGS as readonly SettingDescriptor[]).filter((x) => x.msi && x.kind === 'boolean')) {
      const prop = s.msi!;
      const on = actions.get(`Set${prop}_DWORD1`)!;
      const off = actions.get(`Set${prop}_DWORD0`)!;
      for (const [a, v] of [[on, '1'], [off, '0']] as const) {
        expect(Number(a.Type) & 0x3f, prop).toBe(CA_SET_PROPERTY);
        expect(a.Source).toBe(`${prop}_DWORD`);
        expect(a.Target).toBe(v);
      }
      for (const seqName of ['InstallExecuteSequence', 'InstallUISequence']) {
        const seq = await table(seqName);
        const at = (action: string) => seq.find((r) => r.Action === action);
        const costFinalize = Number(at('CostFinalize')!.Sequence);
        expect(at(on.Action!)!.Condition, `${seqName} ${prop}`).toBe(`${prop} AND NOT (${prop}~="false" OR ${prop}="0")`);
        expect(at(off.Action!)!.Condition, `${seqName} ${prop}`).toBe(`${prop}~="false" OR ${prop}="0"`);
        for (const a of [on, off]) expect(Number(at(a.Action!)!.Sequence)).toBeLessThan(costFinalize);
      }
    }
  });

  it('finds the text properties again on repair and upgrade (AppSearch, 32-bit HKLM view)', async () => {
    const search = new Map((await table('AppSearch')).map((r) => [r.Property, r.Signature_]));
    const locators = new Map((await table('RegLocator')).map((r) => [r.Signature_, r]));
    for (const s of (SETTINGS as readonly SettingDescriptor[]).filter((x) => x.msi && x.kind !== 'boolean')) {
      const loc = locators.get(search.get(s.msi!)!)!;
      expect(loc, s.msi).toMatchObject({ Root: '2', Key: KEY, Name: s.msi, Type: '2' }); // HKLM, raw, no 64-bit flag (0x10)
    }
  });

  it('records the install kind and registers every link scheme (LINK_SCHEMES) with "--" before the link', async () => {
    const registry = await table('Registry');
    expect(registry.find((r) => r.Key === `${KEY}\\Install` && r.Name === 'Kind')).toMatchObject({ Root: WIXL_HKMU, Value: '[MYAPPS_INSTALLKIND]' });
    const actions = new Map((await table('CustomAction')).map((a) => [a.Action, a]));
    expect(actions.get('SetMYAPPS_INSTALLKIND_MACHINE')).toMatchObject({ Source: 'MYAPPS_INSTALLKIND', Target: 'msi-per-machine' });
    expect(actions.get('SetMYAPPS_INSTALLKIND_USER')).toMatchObject({ Source: 'MYAPPS_INSTALLKIND', Target: 'msi-per-user' });
    for (const scheme of LINK_SCHEMES) {
      expect(registry.find((r) => r.Key === `Software\\Classes\\myApps.${scheme}\\shell\\open\\command`)).toMatchObject({ Root: WIXL_HKMU, Value: '"[APPLICATIONFOLDER]myApps.exe" -- "%1"' });
      expect(registry.find((r) => r.Key === 'Software\\innovaphone\\myApps\\Capabilities\\URLAssociations' && r.Name === scheme)).toMatchObject({ Value: `myApps.${scheme}` });
    }
  });
});
