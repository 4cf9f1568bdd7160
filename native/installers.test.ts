import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '../electron/update/ports';
import { CommandInstaller, installerCommand, nodeCommandRunner } from './installers';

describe('installers (Windows MSI / NSIS, macOS pkg)', () => {
  it('builds the documented installer command lines and runs them without a shell', async () => {
    expect(installerCommand('msi', 'C:\\t\\myAppsSetup.msi', { windir: 'C:\\Windows' })).toEqual({ command: 'msiexec.exe', args: ['/i', 'C:\\t\\myAppsSetup.msi', '/qn', '/norestart', 'FORCERESTART=1', '/l*v', 'C:\\Windows\\temp\\myAppsInstall.txt'] });
    expect(installerCommand('pkg', '/tmp/myApps.pkg')).toEqual({ command: '/usr/sbin/installer', args: ['-pkg', '/tmp/myApps.pkg', '-target', '/'] });
    expect(installerCommand('nsis', 'C:\\t\\setup.exe')).toEqual({ command: 'C:\\t\\setup.exe', args: ['/S', '--updated', '--force-run'] });
    const calls: { command: string; args: readonly string[] }[] = [];
    const runner: CommandRunner = { run: async (command, args) => { calls.push({ command, args }); return { code: 0, stdout: '', stderr: '' }; } };
    const msi = new CommandInstaller('msi-per-machine', runner, { windir: 'C:\\Windows' });
    await expect(msi.install({ file: 'C:\\t\\myAppsSetup.msi', build: '1', kind: 'msi' })).resolves.toMatchObject({ next: 'quit' });
    expect(calls[0]!.command).toBe('msiexec.exe');
    await expect(msi.install({ file: 'x', build: '1', kind: 'pkg' })).rejects.toThrow(/cannot install a pkg/);
    const failing = new CommandInstaller('pkg', { run: async () => ({ code: 1, stdout: '', stderr: 'installer: not root' }) });
    await expect(failing.install({ file: '/tmp/a.pkg', build: '1', kind: 'pkg' })).rejects.toThrow(/exited with 1: installer: not root/);
  });

  it('nodeCommandRunner runs without a shell, waits or detaches', async () => {
    await expect(nodeCommandRunner.run('/bin/sh', ['-c', 'echo out; echo err >&2; exit 3'])).resolves.toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    // an argument with shell syntax stays one literal argument
    await expect(nodeCommandRunner.run('/bin/echo', ['$(id); rm -rf /tmp/x'])).resolves.toMatchObject({ code: 0, stdout: '$(id); rm -rf /tmp/x\n' });
    await expect(nodeCommandRunner.run('/bin/true', [], { detached: true })).resolves.toEqual({ code: null, stdout: '', stderr: '' });
    await expect(nodeCommandRunner.run('/nonexistent/installer', [])).rejects.toThrow(/ENOENT/);
  });
});
