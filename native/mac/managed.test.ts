import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MacManagedSettingsReader, parsePlist, type PlistValue } from './managed';
import type { ProcessRunner } from '../process';
import { managedByKey, resolveSettings } from '../../common/settings/resolve';

const fx = (n: string) => readFileSync(path.join(__dirname, 'fixtures', n), 'utf8');

describe('parsePlist', () => {
  it('parses the defaults export output with all value types and entities', () => {
    const v = parsePlist(fx('defaults-export-myapps.plist')) as Record<string, PlistValue>;
    expect(v.server).toBe('pbx.example.com:4444/PBX0-1#phys=master');
    expect(v.appearOfflineAfterMs).toBe(300000);
    expect(v.disableLocalhost).toBe(true);
    expect(v.notifications).toBe(false);
    expect(v.excludeInterfaces).toEqual(['172', '10.10']);
    expect(v.note).toBe('R&D <lab> \u263a');
    expect(Array.from(v.blob as Uint8Array)).toEqual([0, 1, 2]);
    expect((v.when as Date).toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(v.ratio).toBe(0.5);
    expect(v['NSWindow Frame main']).toBe('0 0 400 800 0 0 1440 877 ');
  });

  it('parses an empty domain', () => {
    expect(parsePlist(fx('defaults-export-empty.plist'))).toEqual({});
  });

  it.each([
    ['', /not a property list/],
    ['<plist><dict><key>a</key></dict></plist>', /unexpected <\/dict>|missing value/i],
    ['<plist><dict><string>a</string></dict></plist>', /missing key/i],
    ['<plist><dict><key>a</key><integer>x</integer></dict></plist>', /bad number/],
    ['<plist><dict><key>a</key><foo/></dict></plist>', /unknown plist element/],
    ['<plist><dict>', /malformed property list/],
    ['<plist><array><string>a</string></dict></plist>', /malformed property list/],
  ])('refuses malformed %j', (xml, msg) => {
    expect(() => parsePlist(xml)).toThrow(msg);
  });

  it('does not let a key named __proto__ pollute objects', () => {
    const v = parsePlist('<plist><dict><key>__proto__</key><dict><key>polluted</key><true/></dict></dict></plist>') as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(v)).toEqual([]);
  });
});

describe('MacManagedSettingsReader', () => {
  const runner: ProcessRunner = async (file, args) => {
    expect(file).toBe('defaults');
    expect(args[0]).toBe('export');
    expect(args[2]).toBe('-');
    if (args[1] === 'com.innovaphone.myapps') return { code: 0, stdout: fx('defaults-export-myapps.plist'), stderr: '' };
    if (args[1] === 'com.innovaphone.client-ios-14r1') return { code: 0, stdout: fx('defaults-export-ios-domain.plist'), stderr: '' };
    return { code: 0, stdout: fx('defaults-export-empty.plist'), stderr: '' };
  };

  const noProfiles = { managedDir: path.join(__dirname, 'fixtures', 'no-managed-preferences'), user: 'alice' };

  it('reads both domains, ours winning, and the values resolve to typed settings', async () => {
    const r = await new MacManagedSettingsReader(runner, undefined, noProfiles).read();
    expect(r.warnings).toEqual([]);
    expect(r.origins).toEqual(['defaults com.innovaphone.client-ios-14r1', 'defaults com.innovaphone.myapps']);
    const warnings: string[] = [];
    const res = resolveSettings({ managed: managedByKey(r.values, warnings), pbx: {}, user: {} });
    const s = res.settings;
    expect(s.server.value).toBe('pbx.example.com:4444/PBX0-1#phys=master');
    expect(s.autostart.value).toBe(true); // integer 1 from the old domain
    expect(s.hotkeyDial.value).toBe('CTRL + ALT + F8');
    expect(s.notifications).toMatchObject({ value: false, source: 'managed' });
    expect(s.excludeInterfaces.value).toEqual(['172', '10.10']);
    expect(s.appearOfflineAfterMs.value).toBe(300000);
    expect(warnings.join('\n')).toMatch(/unknown setting "note"/);
  });

  it('turns unparseable output into a warning', async () => {
    const r = await new MacManagedSettingsReader(async () => ({ code: 0, stdout: '<plist><dict>', stderr: '' }), ['x'], noProfiles).read();
    expect(r.values).toEqual({});
    expect(r.warnings[0]).toMatch(/defaults export x: malformed property list/);
  });

  it('reads configuration profiles from Managed Preferences (device, then user) over defaults, with plutil', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'myapps-mcx-'));
    try {
      mkdirSync(path.join(dir, 'alice'));
      const device = path.join(dir, 'com.innovaphone.myapps.plist');
      const user = path.join(dir, 'alice', 'com.innovaphone.myapps.plist');
      const oldDomain = path.join(dir, 'com.innovaphone.client-ios-14r1.plist');
      for (const f of [device, user, oldDomain]) writeFileSync(f, 'binary plist stand-in');
      const plist = (body: string) => `<?xml version="1.0"?><plist version="1.0"><dict>${body}</dict></plist>`;
      const calls: string[][] = [];
      const run: ProcessRunner = async (file, args) => {
        calls.push([file, ...args]);
        if (file === 'defaults') return runner(file, args);
        expect(file).toBe('/usr/bin/plutil'); // absolute path, never a PATH lookup
        expect(args.slice(0, 4)).toEqual(['-convert', 'xml1', '-o', '-']);
        if (args[4] === device) return { code: 0, stdout: plist('<key>server</key><string>mdm.example.com</string><key>DISABLEHEADSETS</key><true/><key>docking</key><string>left</string>'), stderr: '' };
        if (args[4] === user) return { code: 0, stdout: plist('<key>docking</key><string>right</string>'), stderr: '' };
        if (args[4] === oldDomain) return { code: 1, stdout: '', stderr: 'Permission denied' };
        throw new Error(`unexpected ${args[4]}`);
      };
      const r = await new MacManagedSettingsReader(run, undefined, { managedDir: dir, user: 'alice' }).read();
      expect(r.origins).toEqual(['defaults com.innovaphone.client-ios-14r1', 'defaults com.innovaphone.myapps', device, user]);
      expect(r.warnings).toEqual([expect.stringMatching(/plutil .*client-ios-14r1\.plist failed \(1\): Permission denied/)]);
      const res = resolveSettings({ managed: managedByKey(r.values, []), pbx: {}, user: {} });
      expect(res.settings.server.value).toBe('mdm.example.com'); // the profile wins over `defaults`
      expect(res.settings.disableHeadsets).toMatchObject({ value: true, locked: true });
      expect(res.settings.docking.value).toBe('right'); // the user's profile wins over the device's
      expect(res.settings.hotkeyDial.value).toBe('CTRL + ALT + F8'); // still from `defaults`
      // Files that do not exist are not converted (no plutil call per missing file).
      expect(calls.filter((c) => c[0] === '/usr/bin/plutil').map((c) => c[5])).toEqual([oldDomain, device, user]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
