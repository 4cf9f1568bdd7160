import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRegQuery, regExe, WindowsManagedSettingsReader } from './managed';
import type { ProcessRunner } from '../process';
import { managedByKey, resolveSettings } from '../../common/settings/resolve';

const fx = (n: string) => readFileSync(path.join(__dirname, 'fixtures', n), 'utf8');

describe('parseRegQuery', () => {
  it('parses REG_SZ, REG_DWORD, REG_QWORD, REG_MULTI_SZ, empty values and names with spaces', () => {
    const r = parseRegQuery(fx('reg-query-hklm.txt'));
    expect(r.key).toBe('HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\innovaphone\\myApps');
    expect(r.subkeys).toEqual(['HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\innovaphone\\myApps\\Update']);
    const byName = Object.fromEntries(r.values.map((v) => [v.name, v]));
    expect(byName.SERVER).toEqual({ name: 'SERVER', type: 'REG_SZ', value: 'pbx.example.com:4444/PBX0-1' });
    expect(byName.OFFICEPRESENCE!.value).toBe(0);
    expect(byName.DISABLELOCALHOST!.value).toBe(1);
    expect(byName['Install Path']!.value).toBe('C:\\Program Files (x86)\\innovaphone\\myApps');
    expect(byName.Empty!.value).toBe('');
    expect(byName.LOGSIZE).toMatchObject({ type: 'REG_QWORD', value: 100000000 });
    expect(byName.Multi!.value).toEqual(['a', 'b', 'c']);
    expect(JSON.parse(byName.EXTERNALAPPS!.value as string).externalApps[0].path).toBe('C:\\Program Files\\Wireshark\\Wireshark.exe');
  });

  it('returns nothing for the "key not found" output and for garbage', () => {
    expect(parseRegQuery(fx('reg-query-missing.stderr.txt')).values).toEqual([]);
    expect(parseRegQuery('random\ntext    REG_SZ\n').values).toEqual([]);
  });
});

describe('WindowsManagedSettingsReader', () => {
  const runner: ProcessRunner = async (file, args) => {
    expect(file).toBe(regExe()); // absolute: never a reg.exe from the current directory or PATH
    expect(path.win32.isAbsolute(file)).toBe(true);
    expect(args[0]).toBe('query');
    if (args[1] === 'HKCU\\Software\\innovaphone\\myApps') return { code: 0, stdout: fx('reg-query-hkcu.txt'), stderr: '' };
    if (args[1]!.includes('WOW6432Node')) return { code: 0, stdout: fx('reg-query-hklm.txt'), stderr: '' };
    return { code: 1, stdout: '', stderr: fx('reg-query-missing.stderr.txt') };
  };

  it('merges HKCU < HKLM and the values resolve to typed settings', async () => {
    const r = await new WindowsManagedSettingsReader(runner).read();
    expect(r.warnings).toEqual([]);
    expect(r.origins).toEqual(['HKCU\\Software\\innovaphone\\myApps', 'HKLM\\SOFTWARE\\WOW6432Node\\innovaphone\\myApps']);
    const warnings: string[] = [];
    const managed = managedByKey(r.values, warnings);
    expect(warnings.join('\n')).toMatch(/Install Path/);
    const res = resolveSettings({ managed, pbx: {}, user: {} });
    const s = res.settings;
    expect(res.warnings).toEqual([]);
    expect(s.server).toMatchObject({ value: 'pbx.example.com:4444/PBX0-1', source: 'managed' }); // HKLM wins
    expect(s.officePresence).toMatchObject({ value: false, source: 'managed', locked: true, lockedBy: 'installer' });
    expect(s.disableLocalhost.value).toBe(true);
    expect(s.disableHeadsets.value).toBe(true); // from HKCU
    expect(s.excludeInterfaces.value).toEqual(['172', '192.168', '10.10']);
    expect(s.externalApps.value).toEqual([{ id: 0, name: 'Wireshark', path: 'C:\\Program Files\\Wireshark\\Wireshark.exe', param: 'test $I', startOnAccept: false }]);
    expect(s.fasterDownloads.value).toBe(true);
    expect(s.forceRestart.value).toBe(true);
    expect(s.logFlags.value).toBe('0x856000001');
    expect(s.autostart).toMatchObject({ value: true, source: 'managed', locked: false });
  });

  it('reads the Group Policy keys last, so a policy wins over installer values', async () => {
    const withPolicy: ProcessRunner = async (file, args) =>
      args[1] === 'HKLM\\Software\\Policies\\innovaphone\\myApps' ? { code: 0, stdout: fx('reg-query-policies.txt'), stderr: '' } : runner(file, args);
    const r = await new WindowsManagedSettingsReader(withPolicy).read();
    expect(r.warnings).toEqual([]);
    expect(r.origins).toEqual(['HKCU\\Software\\innovaphone\\myApps', 'HKLM\\SOFTWARE\\WOW6432Node\\innovaphone\\myApps', 'HKLM\\Software\\Policies\\innovaphone\\myApps']);
    const s = resolveSettings({ managed: managedByKey(r.values, []), pbx: {}, user: {} }).settings;
    expect(s.server.value).toBe('gpo.example.com'); // policy over the MSI's SERVER
    expect(s.docking.value).toBe('left');
    expect(s.appearOfflineAfterMs.value).toBe(900000); // REG_DWORD
    expect(s.officePresence.value).toBe(true); // policy 1 over the MSI's 0
  });

  it('reports a failing reg.exe as a warning, not an error', async () => {
    const r = await new WindowsManagedSettingsReader(async () => ({ code: 5, stdout: '', stderr: 'ERROR: Access is denied.' }), ['HKLM\\X']).read();
    expect(r.values).toEqual({});
    expect(r.warnings[0]).toMatch(/Access is denied/);
  });
});
