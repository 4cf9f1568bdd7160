import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MacManagedSettingsReader, parsePlist, type PlistValue } from './managed';
import type { CommandRunner } from '../win/managed';
import { managedByKey, resolveSettings } from '../../electron/settings';

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
    ['<plist><dict><key>a</key></dict></plist>', /unexpected <\/dict>|missing value/],
    ['<plist><dict><string>a</string></dict></plist>', /expected <key>/],
    ['<plist><dict><key>a</key><integer>x</integer></dict></plist>', /bad integer/],
    ['<plist><dict><key>a</key><foo/></dict></plist>', /unknown plist element/],
    ['<plist><dict>', /unterminated/],
    ['<plist><array><string>a</string></dict></plist>', /unexpected <\/dict>/],
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
  const runner: CommandRunner = async (file, args) => {
    expect(file).toBe('defaults');
    expect(args[0]).toBe('export');
    expect(args[2]).toBe('-');
    if (args[1] === 'com.innovaphone.myapps') return { code: 0, stdout: fx('defaults-export-myapps.plist'), stderr: '' };
    if (args[1] === 'com.innovaphone.client-ios-14r1') return { code: 0, stdout: fx('defaults-export-ios-domain.plist'), stderr: '' };
    return { code: 0, stdout: fx('defaults-export-empty.plist'), stderr: '' };
  };

  it('reads both domains, ours winning, and the values resolve to typed settings', async () => {
    const r = await new MacManagedSettingsReader(runner).read();
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
    const r = await new MacManagedSettingsReader(async () => ({ code: 0, stdout: '<plist><dict>', stderr: '' }), ['x']).read();
    expect(r.values).toEqual({});
    expect(r.warnings[0]).toMatch(/defaults export x: unterminated/);
  });
});
