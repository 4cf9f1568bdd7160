import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectTerminalServer, INSTALL_RECORD_KEYS, installerFor, productUpdatePorts, readRecordedInstallKind, updateFactsOf } from './update-product';
import { CommandInstaller } from '../../native/installers';
import { AppImageInstaller } from '../../native/linux/appimage-installer';

describe('update setup (install kind, installer, terminal server)', () => {
  it('the facts from the settings: downgrade and faster downloads only when true, the policy as resolved, the private folder', () => {
    const values: Record<string, unknown> = { allowUpdateDowngrade: 'yes', fasterDownloads: true, updatePolicy: 'notify' };
    const settings = { get: (k: string) => values[k] } as never;
    expect(updateFactsOf(settings, { localData: '/home/u/.local/share/myApps' })).toEqual({ localData: '/home/u/.local/share/myApps', allowDowngrade: false, fasterDownloads: true, policy: 'notify' });
  });
  it('reads what the Windows installer recorded, HKCU first', async () => {
    const asked: string[] = [];
    const run = async (f: string, args: readonly string[]) => {
      expect(f).toMatch(/^[A-Z]:\\.*\\System32\\reg\.exe$/i); // absolute, no PATH lookup
      asked.push(args[1]!);
      if (args[1] === INSTALL_RECORD_KEYS[1]) return { code: 0, stdout: `\r\n${INSTALL_RECORD_KEYS[1].replace('HKLM', 'HKEY_LOCAL_MACHINE')}\r\n    Kind    REG_SZ    msi-per-machine\r\n`, stderr: '' };
      return { code: 1, stdout: '', stderr: 'ERROR: The system was unable to find the specified registry key or value.' };
    };
    expect(await readRecordedInstallKind('win32', run)).toBe('msi-per-machine');
    expect(asked).toEqual([INSTALL_RECORD_KEYS[0], INSTALL_RECORD_KEYS[1]]);
    expect(await readRecordedInstallKind('linux', run)).toBeUndefined();
    const bogus = async () => ({ code: 0, stdout: 'HKEY_CURRENT_USER\\x\r\n    Kind    REG_SZ    deb\r\n', stderr: '' });
    expect(await readRecordedInstallKind('win32', bogus)).toBeUndefined(); // only Windows kinds are believed
  });

  it('detects Citrix / RDP sessions on Windows only', () => {
    expect(detectTerminalServer('win32', { SESSIONNAME: 'RDP-Tcp#3' })).toBe(true);
    expect(detectTerminalServer('win32', { SESSIONNAME: 'ICA-tcp#0' })).toBe(true);
    expect(detectTerminalServer('win32', { SESSIONNAME: 'Console', CITRIX_SESSION_ID: '4' })).toBe(true);
    expect(detectTerminalServer('win32', { SESSIONNAME: 'Console' })).toBe(false);
    expect(detectTerminalServer('linux', { SESSIONNAME: 'RDP-Tcp#3' })).toBe(false);
  });

  it('chooses the installer by install kind and fills the update ports', () => {
    const ui = { askInstall: async () => 'later' as const, showInstallProgress: () => ({ update() {}, close() {} }) };
    const base = { arch: 'x64', execPath: '/x', isPackaged: true, build: '137000', localData: '/home/u/.local/share/innovaphone/myApps', fasterDownloads: false, policy: 'auto' };
    const linux = productUpdatePorts({ ...base, platform: 'linux', env: { APPIMAGE: '/home/u/myApps.AppImage' } }, ui, undefined);
    expect(linux).toMatchObject({ installKind: 'appimage', os: 'linux', arch: 'x64', currentBuild: '137000', downloadDir: path.join('/home/u/.local/share/innovaphone/myApps', 'updates'), terminalServer: false, adminDisabled: false, fasterDownloads: false });
    expect(linux.installer).toBeInstanceOf(AppImageInstaller);
    expect(productUpdatePorts({ ...base, platform: 'linux', env: {} }, ui, undefined)).toMatchObject({ installKind: 'deb', installer: undefined });
    const win = productUpdatePorts({ ...base, platform: 'win32', env: { SESSIONNAME: 'RDP-Tcp#1' }, execPath: 'C:\\Users\\u\\AppData\\Local\\Programs\\myApps\\myApps.exe', fasterDownloads: true, policy: 'off' }, ui, undefined);
    expect(win).toMatchObject({ installKind: 'nsis', os: 'win32', terminalServer: true, adminDisabled: true, fasterDownloads: true });
    expect(win.installer).toBeInstanceOf(CommandInstaller);
    expect(productUpdatePorts({ ...base, platform: 'win32', env: {}, recorded: 'msi-per-user' }, ui, undefined).installKind).toBe('msi-per-user');
    expect(productUpdatePorts({ ...base, platform: 'win32', env: {}, windowsStore: true }, ui, undefined)).toMatchObject({ installKind: 'appx', installer: undefined });
    expect(productUpdatePorts({ ...base, platform: 'darwin', env: {}, mas: true }, ui, undefined).installKind).toBe('mas');
    expect(productUpdatePorts({ ...base, platform: 'darwin', env: {} }, ui, undefined).installer?.kind).toBe('pkg');
    expect(productUpdatePorts({ ...base, platform: 'linux', env: {}, isPackaged: false }, ui, undefined).installKind).toBe('dev');
    expect(installerFor('appimage', { env: {} })).toBeUndefined();
  });
});
