/**
 * InstallerPort for Windows MSI / NSIS and macOS pkg (docs/update.md): the documented command
 * lines below, run without a shell by a CommandRunner (the product's is native/process.ts,
 * detached). A per-machine MSI is updated by installing the new MSI with msiexec, never by
 * overwriting files. The Linux AppImage installer is native/linux/appimage-installer.ts.
 */
import * as path from 'node:path';
import { packageKindFor, type CommandRunner, type InstallKind, type InstallerPort, type InstallOutcome, type InstallRequest, type PackageKind } from '../electron/update/ports';
import { runProcess, systemRoot } from './process';

/**
 * The command line that installs a package (no shell; arguments are separate strings).
 * - msi:  msiexec /i <file> /qn /norestart FORCERESTART=1 /l*v %SystemRoot%\temp\myAppsInstall.txt
 *         (per machine this needs elevation: the product runs it through the update service
 *         installed by the first MSI, see docs/update.md)
 * - nsis: <file> /S --updated --force-run   (electron-builder NSIS silent per-user update)
 * - pkg:  /usr/sbin/installer -pkg <file> -target /   (run with administrator rights)
 */
export function installerCommand(kind: PackageKind, file: string, env: Record<string, string | undefined> = {}): { command: string; args: string[] } {
  switch (kind) {
    case 'msi':
      return { command: 'msiexec.exe', args: ['/i', file, '/qn', '/norestart', 'FORCERESTART=1', '/l*v', `${systemRoot(env)}\\temp\\myAppsInstall.txt`] };
    case 'nsis': return { command: file, args: ['/S', '--updated', '--force-run'] };
    case 'pkg': return { command: '/usr/sbin/installer', args: ['-pkg', file, '-target', '/'] };
    case 'appimage': throw new Error('AppImage updates replace the file (AppImageInstaller), no command line');
  }
}

/**
 * The product's CommandRunner (native/process.ts): no shell, no time limit (an installer takes
 * what it takes). `detached`: the installer outlives the client (it replaces it); resolves with
 * code null once the process started.
 */
export const nodeCommandRunner: CommandRunner = {
  async run(command, args, opts = {}) {
    const r = await runProcess(command, args, { detached: !!opts.detached, timeoutMs: 0 });
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  },
};

/** Windows MSI/NSIS and macOS pkg: hand over to the OS installer through a CommandRunner. */
export class CommandInstaller implements InstallerPort {
  constructor(readonly kind: InstallKind, private readonly runner: CommandRunner, private readonly env: Record<string, string | undefined> = {}) {}

  async install(req: InstallRequest): Promise<InstallOutcome> {
    const pk = packageKindFor(this.kind);
    if (!pk || pk !== req.kind) throw new Error(`installer for ${this.kind} cannot install a ${req.kind} package`);
    const { command, args } = installerCommand(pk, req.file, this.env);
    // msiexec / NSIS restart the client themselves (FORCERESTART / --force-run): start detached, then quit.
    const r = await this.runner.run(command, args, { detached: pk !== 'pkg' });
    if (r.code !== null && r.code !== 0) throw new Error(`${path.basename(command)} exited with ${r.code}: ${r.stderr.trim().slice(0, 500)}`);
    return { next: pk === 'pkg' ? 'relaunch' : 'quit', detail: `${command} ${args.join(' ')}` };
  }
}
