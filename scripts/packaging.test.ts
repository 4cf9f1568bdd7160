/**
 * Packaging checks that run offline: build/electron-builder.yml against electron-builder's own
 * validator and its JSON schema (app-builder-lib/scheme.json, ajv), the fuses, the MSI WiX
 * fragment as XML (every public property mapped), the msiProjectCreated merge, the link schemes
 * every installer registers, and a real `electron-builder --linux deb` run (which packs the
 * `--linux dir` app first) with a stand-in Electron binary that carries a fuse wire and a
 * stand-in fpm that records what would go into the deb (the real installer tools need downloads
 * and cannot run here). The asar must hold every module the bundles load at run time and nothing
 * they never load.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, describe, expect, it } from 'vitest';
import { LINK_SCHEMES } from '../common/links';

const require_ = createRequire(import.meta.url);
const root = path.resolve(__dirname, '..');
const yaml = require_('js-yaml') as { load(s: string): unknown };
const loadConfig = async () => yaml.load(await fs.readFile(path.join(root, 'build', 'electron-builder.yml'), 'utf8')) as Record<string, any>;
const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await fs.rm(t, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), 'myapps-pack-'));
  temps.push(d);
  return d;
}

export const MSI_PROPERTIES = {
  SERVER: 'string',
  OFFICEPRESENCE: 'integer',
  DISABLEHEADSETS: 'integer',
  EXTERNALAPPS: 'string',
  FORCERESTART: 'integer',
  DISABLELOCALHOST: 'integer',
  EXCLUDEINTERFACES: 'string',
  FASTERDOWNLOADS: 'integer',
} as const;

describe('electron-builder configuration', () => {
  it('passes electron-builder\'s own validator', async () => {
    const { validateConfiguration } = require_('app-builder-lib/out/util/config/config');
    const { DebugLogger } = require_('builder-util');
    await expect(validateConfiguration(await loadConfig(), new DebugLogger(false))).resolves.toBeUndefined();
    const bad = await loadConfig();
    bad.msi.bogusOption = true;
    await expect(validateConfiguration(bad, new DebugLogger(false))).rejects.toThrow(/Invalid configuration/);
  });

  it('passes the JSON schema shipped in app-builder-lib (ajv)', async () => {
    const Ajv = require_('ajv').default ?? require_('ajv');
    const schema = JSON.parse(await fs.readFile(require_.resolve('app-builder-lib/scheme.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    // electron-builder's schema uses ajv-keywords' `typeof` (hooks may be functions).
    ajv.addKeyword({ keyword: 'typeof', validate: (t: string, data: unknown) => typeof data === t });
    const validate = ajv.compile(schema);
    const cfg = await loadConfig();
    const ok = validate(cfg);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    cfg.linux.categoryy = 'x';
    expect(validate(cfg)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('categoryy');
  });

  it('sets the fuses, protocols and hooks; packs no node_modules', async () => {
    const cfg = await loadConfig();
    expect(cfg.appId).toBe('com.innovaphone.myapps');
    expect(cfg.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
    const schemes = (cfg.protocols as { schemes: string[] }[]).flatMap((p) => p.schemes);
    expect(schemes).toEqual(expect.arrayContaining(['tel', 'sip', 'im']));
    // the packages claim exactly the links the client handles (common/links.ts)
    expect([...schemes].sort()).toEqual([...LINK_SCHEMES].sort());
    // the bundles carry their dependencies: nothing to unpack, no after-pack fix-ups
    expect(cfg.asarUnpack).toBeUndefined();
    expect(cfg.afterPack).toBeUndefined();
    const pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.dependencies).toEqual({});
    expect(cfg.deb.depends).toContain('libsecret-tools');
    expect(cfg.win.target).toEqual(expect.arrayContaining(['msi', 'nsis']));
    expect(cfg.msi.perMachine).toBe(true);
    expect(cfg.mac.target).toEqual(expect.arrayContaining(['pkg', 'dmg']));
    expect(cfg.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    await expect(fs.stat(path.join(root, cfg.msiProjectCreated))).resolves.toBeTruthy();
  });

  it('registers the same link schemes in every installer: deb/AppImage/mac (protocols), MSI and NSIS', async () => {
    const cfg = await loadConfig();
    const sorted = (a: Iterable<string>) => [...a].sort();
    expect(sorted((cfg.protocols as { schemes: string[] }[]).flatMap((p) => p.schemes))).toEqual(sorted(LINK_SCHEMES));
    const wxs = parseXml(await fs.readFile(path.join(root, 'build', 'msi', 'managed-settings.wxs'), 'utf8'));
    const values = all(wxs, 'RegistryValue');
    expect(sorted(values.filter((v) => /\\URLAssociations$/.test(v.getAttribute('Key') ?? '')).map((v) => v.getAttribute('Name')!))).toEqual(sorted(LINK_SCHEMES));
    expect(sorted(values.map((v) => /^Software\\Classes\\myApps\.([a-z]+)\\shell\\open\\command$/.exec(v.getAttribute('Key') ?? '')?.[1]).filter((x): x is string => !!x))).toEqual(sorted(LINK_SCHEMES));
    const nsh = await fs.readFile(path.join(root, 'build', 'installer.nsh'), 'utf8');
    expect(sorted([...nsh.matchAll(/^\s*!insertmacro myAppsUrlProtocol (\S+)$/gm)].map((m) => m[1]!))).toEqual(sorted(LINK_SCHEMES));
    expect(sorted([...nsh.matchAll(/^\s*!insertmacro myAppsUrlProtocolRemove (\S+)$/gm)].map((m) => m[1]!))).toEqual(sorted(LINK_SCHEMES));
    expect(nsh).toContain(`'"$INSTDIR\\\${APP_EXECUTABLE_FILENAME}" -- "%1"'`);
  });
});

function parseXml(text: string): Document {
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level: string, msg: string) => {
      if (level !== 'warning') errors.push(msg);
    },
  } as never).parseFromString(text, 'text/xml') as unknown as Document;
  if (errors.length) throw new Error(`XML not well-formed: ${errors.join('; ')}`);
  return doc;
}
const all = (doc: Document | Element, tag: string) => Array.from((doc as Document).getElementsByTagName(tag));

describe('MSI fragment (build/msi/managed-settings.wxs)', () => {
  it('is well-formed and maps every public property to a registry value of the right type', async () => {
    const doc = parseXml(await fs.readFile(path.join(root, 'build', 'msi', 'managed-settings.wxs'), 'utf8'));
    const props = all(doc, 'Property').map((p) => p.getAttribute('Id'));
    const values = all(doc, 'RegistryValue');
    for (const [name, type] of Object.entries(MSI_PROPERTIES)) {
      expect(props).toContain(name);
      const prop = all(doc, 'Property').find((p) => p.getAttribute('Id') === name)!;
      expect(prop.getAttribute('Secure')).toBe('yes'); // passes from the UI to the execute sequence
      const v = values.find((r) => r.getAttribute('Name') === name);
      expect(v, name).toBeTruthy();
      expect(v!.getAttribute('Type')).toBe(type);
      expect(v!.getAttribute('Root')).toBe('HKMU');
      expect(v!.getAttribute('Key')).toBe('SOFTWARE\\innovaphone\\myApps');
      const comp = v!.parentNode as Element;
      expect(comp.getAttribute('Win64')).toBe('no'); // 32-bit view: HKLM\SOFTWARE\WOW6432Node\innovaphone\myApps
      const cond = all(comp, 'Condition')[0]!.textContent!.trim();
      if (type === 'string') {
        expect(v!.getAttribute('Value')).toBe(`[${name}]`);
        expect(cond).toBe(name);
      } else {
        expect(v!.getAttribute('Value')).toBe(`[${name}_DWORD]`);
        expect(cond).toBe(`${name}_DWORD`);
        const sets = all(doc, 'CustomAction').filter((s) => s.getAttribute('Property') === `${name}_DWORD`);
        expect(sets.map((s) => s.getAttribute('Value')).sort()).toEqual(['0', '1']);
      }
    }
    const guids = all(doc, 'Component').map((c) => c.getAttribute('Guid'));
    expect(new Set(guids).size).toBe(guids.length);
    // Every "set property" action is unique and runs before costing in both sequences.
    const actions = all(doc, 'CustomAction').map((s) => s.getAttribute('Id'));
    expect(new Set(actions).size).toBe(actions.length);
    for (const seq of ['InstallUISequence', 'InstallExecuteSequence']) {
      const scheduled = all(all(doc, seq)[0]!, 'Custom');
      expect(scheduled.map((c) => c.getAttribute('Action')).sort(), seq).toEqual([...actions].sort());
      for (const c of scheduled) expect(c.getAttribute('Before')).toBe('CostFinalize');
    }
    // URL protocols with "--" before the link.
    const commands = values.filter((r) => /shell\\open\\command$/.test(r.getAttribute('Key') ?? ''));
    expect(commands).toHaveLength(LINK_SCHEMES.length);
    for (const c of commands) expect(c.getAttribute('Value')).toBe('"[APPLICATIONFOLDER]myApps.exe" -- "%1"');
  });

  it('is merged into electron-builder\'s project.wxs by the msiProjectCreated hook', async () => {
    const hook = require_(path.join(root, 'build', 'hooks', 'msi-project-created.cjs'));
    const project = `<?xml version="1.0" encoding="UTF-8"?>
<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs">
  <Product Id="*" Name="myApps" UpgradeCode="6F4B8E2A-3C1D-4E5F-9A7B-2D8C0E1F3A4B" Version="0.1.0" Language="1033" Codepage="65001" Manufacturer="x">
    <Package Compressed="yes" InstallerVersion="500"/>
    <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFilesFolder"><Directory Id="APPLICATIONFOLDER" Name="myApps"/></Directory></Directory>
    <Feature Id="ProductFeature" Absent="disallow">
      <ComponentGroupRef Id="ProductComponents"/>
    </Feature>
    <ComponentGroup Id="ProductComponents" Directory="APPLICATIONFOLDER"><Component><File Name="myApps.exe" Source="x" Id="mainExecutable" KeyPath="yes"/></Component></ComponentGroup>
  </Product>
</Wix>
`;
    const dir = await tempDir();
    const file = path.join(dir, 'project.wxs');
    await fs.writeFile(file, project);
    await hook(file);
    const merged = await fs.readFile(file, 'utf8');
    const doc = parseXml(merged);
    const refs = all(doc, 'ComponentGroupRef').map((r) => r.getAttribute('Id'));
    expect(refs).toEqual(['ProductComponents', 'MyAppsManagedSettings']);
    expect(all(doc, 'Fragment')).toHaveLength(1);
    expect(all(doc, 'ComponentGroup').map((g) => g.getAttribute('Id'))).toEqual(['ProductComponents', 'MyAppsManagedSettings']);
    await hook(file); // idempotent
    expect(await fs.readFile(file, 'utf8')).toBe(merged);
    expect(() => hook.mergeProject('<Wix></Wix>', '<Fragment/>')).toThrow(/ProductComponents/);
  });
});

describe('electron-builder --linux deb (stand-in Electron binary and fpm)', () => {
  it('packs the app: the bundles alone in the asar, fuses flipped, libsecret-tools and the headset udev rules in the deb', async () => {
    const work = await tempDir();
    // A stand-in "electron" that carries a fuse wire (sentinel, version 1, 8 fuses) like the real binary.
    const dist = path.join(work, 'electron-dist');
    await fs.mkdir(dist);
    const wire = Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n# '), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, 8]), Buffer.from('10011011\n')]);
    await fs.writeFile(path.join(dist, 'electron'), wire, { mode: 0o755 });
    await fs.writeFile(path.join(dist, 'version'), 'v45.4.1');
    // A stand-in fpm (electron-builder's CUSTOM_FPM_PATH; the real one is downloaded): records its
    // working directory and arguments, and writes the package file electron-builder expects.
    const fpm = path.join(work, 'fpm');
    const fpmLog = path.join(work, 'fpm-args.json');
    await fs.writeFile(
      fpm,
      `#!${process.execPath}\nconst a = process.argv.slice(2);\nrequire('fs').writeFileSync(${JSON.stringify(fpmLog)}, JSON.stringify({ cwd: process.cwd(), args: a }));\nrequire('fs').writeFileSync(a[a.indexOf('--package') + 1], 'stand-in deb');\n`,
      { mode: 0o755 },
    );
    const run = promisify(execFile);
    await run(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root });
    const built = (await fs.readdir(path.join(root, 'dist'), { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => `/${path.relative(root, path.join(d.parentPath, d.name)).split(path.sep).join('/')}`);
    const outDir = path.join(work, 'out');
    await run(process.execPath, [require_.resolve('electron-builder/cli.js'), '--config', 'build/electron-builder.yml', '--linux', 'deb', `-c.electronDist=${dist}`, `-c.directories.output=${outDir}`], {
      cwd: root,
      env: { ...process.env, ELECTRON_BUILDER_CACHE: path.join(work, 'cache'), CUSTOM_FPM_PATH: fpm },
      maxBuffer: 16 * 1024 * 1024,
    });
    // The deb: the app under /opt, and the headset rules where udev reads packaged rules.
    const { cwd, args } = JSON.parse(await fs.readFile(fpmLog, 'utf8')) as { cwd: string; args: string[] };
    expect(args.slice(0, 5)).toEqual(['-s', 'dir', '--force', '-t', 'deb']);
    const mappings = new Map(args.filter((a) => /^[^-].*=\//.test(a)).map((a) => [a.slice(a.lastIndexOf('=') + 1), a.slice(0, a.lastIndexOf('='))]));
    expect(mappings.get('/opt/myApps')).toBe(`${path.join(outDir, 'linux-unpacked')}/`);
    const rules = mappings.get('/usr/lib/udev/rules.d/70-myapps-headsets.rules')!;
    expect(await fs.readFile(path.resolve(cwd, rules), 'utf8')).toBe(await fs.readFile(path.join(root, 'build', 'linux', '70-myapps-headsets.rules'), 'utf8'));
    expect(args).toContain('--after-install'); // electron-builder's own script stays (chrome-sandbox, AppArmor)
    expect(await fs.readFile(path.join(outDir, 'myapps-desktop_0.1.0_amd64.deb'), 'utf8')).toBe('stand-in deb');
    const app = path.join(outDir, 'linux-unpacked');
    const asar = require_('@electron/asar') as { listPackage(p: string): string[]; statFile(p: string, f: string): object; extractFile(p: string, f: string): Buffer };
    const listed = asar.listPackage(path.join(app, 'resources', 'app.asar'));
    const files = listed.filter((f) => !('files' in asar.statFile(path.join(app, 'resources', 'app.asar'), f.slice(1))));
    // exactly the build output (no source maps) and package.json: no node_modules, nothing unpacked
    expect(files.sort()).toEqual([...built.filter((f) => !f.endsWith('.map')), '/package.json'].sort());
    expect(listed.some((f) => f.startsWith('/node_modules'))).toBe(false);
    await expect(fs.stat(path.join(app, 'resources', 'app.asar.unpacked'))).rejects.toThrow(/ENOENT/);
    // Every module the Node-side bundles require at run time is in the asar or is one the build
    // leaves out on purpose (scripts/build.mjs MAIN_EXTERNALS: electron itself, and modules loaded
    // only in try/catch or by a development path; test/e2e/packaged-main.e2e.test.ts boots the
    // bundle without them).
    const { MAIN_EXTERNALS } = (await import(path.join(root, 'scripts', 'build.mjs'))) as { MAIN_EXTERNALS: string[] };
    const builtins = new Set(builtinModules);
    for (const bundle of ['/dist/main.cjs', '/dist/preload.cjs']) {
      const text = asar.extractFile(path.join(app, 'resources', 'app.asar'), bundle.slice(1)).toString('utf8');
      const loaded = new Set([...text.matchAll(/\b(?:require|import)\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]!).filter((m) => !m.startsWith('node:') && !builtins.has(m) && !m.startsWith('.')));
      for (const m of loaded) expect(MAIN_EXTERNALS, `${bundle} loads ${m}`).toContain(m);
    }
    // …and nothing in the asar that the product never loads: main.cjs names every other file of
    // dist/ it serves or opens (preload, pages, engine and viewer, icons); the notices file is
    // the bundled packages' licences, shipped for the user to read.
    const mainText = asar.extractFile(path.join(app, 'resources', 'app.asar'), 'dist/main.cjs').toString('utf8');
    const topLevel = new Set(files.filter((f) => f.startsWith('/dist/')).map((f) => f.split('/')[2]!));
    for (const entry of topLevel) {
      if (entry === 'main.cjs' || entry === 'THIRD-PARTY-NOTICES.txt') continue;
      expect(mainText, `dist/${entry} is packed but main.cjs never refers to it`).toContain(`"${entry}"`);
    }
    // the deb depends on secret-tool (proxy credentials in the Secret Service)
    expect(args.join(' ')).toMatch(/(^| )(-d|--depends) libsecret-tools( |$)/);
    const { getCurrentFuseWire, FuseV1Options } = require_('@electron/fuses');
    const fuses = await getCurrentFuseWire(path.join(app, 'myapps'));
    const on = 49;
    const off = 48;
    expect(fuses[FuseV1Options.RunAsNode]).toBe(off);
    expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(off);
    expect(fuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(off);
    expect(fuses[FuseV1Options.EnableCookieEncryption]).toBe(on);
    expect(fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(on);
    expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(on);
    expect(fuses[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(off);
    // The AppImage (and the deb) also carry the rules for admins to copy.
    expect(await fs.readFile(path.join(app, 'resources', 'linux', '70-myapps-headsets.rules'), 'utf8')).toContain('TAG+="uaccess"');
  }, 180_000);
});
