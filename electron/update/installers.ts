/**
 * Installer ports: how a verified package replaces the running client, per install kind.
 *
 * - Linux AppImage: implemented here for real (copy next to the running AppImage, fsync,
 *   chmod 755, atomic rename over it, relaunch).
 * - Windows MSI / NSIS and macOS pkg: the documented command lines below, run without a shell by
 *   a CommandRunner (the product passes child_process.spawn detached). A per-machine MSI is
 *   updated by installing the new MSI with msiexec, never by overwriting files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import type { CommandRunner, InstallKind, InstallerPort, InstallOutcome, InstallRequest, PackageKind } from './ports';

/** The manifest package kind an install kind takes; undefined: not updated by us. */
export function packageKindFor(kind: InstallKind): PackageKind | undefined {
  switch (kind) {
    case 'msi-per-machine':
    case 'msi-per-user': return 'msi';
    case 'nsis': return 'nsis';
    case 'pkg': return 'pkg';
    case 'appimage': return 'appimage';
    default: return undefined;
  }
}

export interface InstallFacts {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  execPath: string;
  /** Electron `app.isPackaged`. */
  isPackaged: boolean;
  /** Electron `process.windowsStore` / `process.mas`. */
  windowsStore?: boolean;
  mas?: boolean;
  /** What the installer recorded (HKLM/HKCU `InstallKind` value written by the MSI/NSIS), if known. */
  recorded?: InstallKind;
}

/**
 * How this copy was installed. Heuristics where the installer recorded nothing: Windows under
 * Program Files → per-machine MSI, under %LOCALAPPDATA%\Programs → NSIS; Linux with $APPIMAGE →
 * AppImage, else a distribution package.
 */
export function detectInstallKind(f: InstallFacts): InstallKind {
  if (!f.isPackaged) return 'dev';
  if (f.recorded) return f.recorded;
  if (f.platform === 'darwin') return f.mas ? 'mas' : 'pkg';
  if (f.platform === 'win32') {
    if (f.windowsStore) return 'appx';
    const exe = f.execPath.toLowerCase();
    const under = (v: string | undefined) => !!v && exe.startsWith(v.toLowerCase().replace(/[\\/]+$/, '') + '\\');
    if (under(f.env.ProgramFiles) || under(f.env['ProgramFiles(x86)']) || under(f.env.ProgramW6432)) return 'msi-per-machine';
    return 'nsis';
  }
  if (f.platform === 'linux') return f.env.APPIMAGE ? 'appimage' : 'deb';
  return 'dev';
}

export interface UpdatePolicyInput {
  installKind: InstallKind;
  /** Citrix/RDS session (the terminal-server detection of the platform). */
  terminalServer?: boolean;
  /** Admin policy turned updates off (managed setting). */
  adminDisabled?: boolean;
}

/** Whether auto update may run at all, with the reason when not. */
export function updatePolicy(p: UpdatePolicyInput): { enabled: true } | { enabled: false; reason: string } {
  if (p.adminDisabled) return { enabled: false, reason: 'turned off by admin policy' };
  if (p.terminalServer) return { enabled: false, reason: 'terminal server: update with the standard Windows tools' };
  switch (p.installKind) {
    case 'mas': return { enabled: false, reason: 'Mac App Store install: updates come from the App Store' };
    case 'appx': return { enabled: false, reason: 'Windows Store install: updates come from the Store' };
    case 'deb': return { enabled: false, reason: 'installed by the distribution package manager' };
    case 'dev': return { enabled: false, reason: 'not a packaged build' };
    default: return { enabled: true };
  }
}

/**
 * The command line that installs a package (no shell; arguments are separate strings).
 * - msi:  msiexec /i <file> /qn /norestart FORCERESTART=1 /l*v %windir%\temp\myAppsInstall.txt
 *         (per machine this needs elevation: the product runs it through the update service
 *         installed by the first MSI, see docs/update.md)
 * - nsis: <file> /S --updated --force-run   (electron-builder NSIS silent per-user update)
 * - pkg:  /usr/sbin/installer -pkg <file> -target /   (run with administrator rights)
 */
export function installerCommand(kind: PackageKind, file: string, env: Record<string, string | undefined> = {}): { command: string; args: string[] } {
  switch (kind) {
    case 'msi': {
      const windir = env.windir ?? env.WINDIR ?? 'C:\\Windows';
      return { command: 'msiexec.exe', args: ['/i', file, '/qn', '/norestart', 'FORCERESTART=1', '/l*v', `${windir}\\temp\\myAppsInstall.txt`] };
    }
    case 'nsis': return { command: file, args: ['/S', '--updated', '--force-run'] };
    case 'pkg': return { command: '/usr/sbin/installer', args: ['-pkg', file, '-target', '/'] };
    case 'appimage': throw new Error('AppImage updates replace the file (AppImageInstaller), no command line');
  }
}

/**
 * The product's CommandRunner: child_process.spawn without a shell. `detached`: the installer
 * outlives the client (it replaces it); resolves with code null once the process started.
 * Otherwise waits for the exit code and collects up to 64 KB of stdout/stderr.
 */
export const nodeCommandRunner: CommandRunner = {
  run(command, args, opts = {}) {
    return new Promise((resolve, reject) => {
      const child = spawn(command, [...args], { shell: false, windowsHide: true, detached: !!opts.detached, stdio: opts.detached ? 'ignore' : ['ignore', 'pipe', 'pipe'] });
      child.once('error', reject);
      if (opts.detached) {
        child.once('spawn', () => { child.unref(); resolve({ code: null, stdout: '', stderr: '' }); });
        return;
      }
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (d: Buffer) => { if (stdout.length < 65536) stdout += d.toString(); });
      child.stderr?.on('data', (d: Buffer) => { if (stderr.length < 65536) stderr += d.toString(); });
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
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

/**
 * Linux AppImage: the new image is copied into the folder of the running one (same file system,
 * so the rename is atomic), fsynced, made executable and renamed over it. The running process
 * keeps its open inode; the caller relaunches `target` and quits.
 */
export class AppImageInstaller implements InstallerPort {
  readonly kind = 'appimage' as const;

  /** @param target the running AppImage (`$APPIMAGE`) */
  constructor(private readonly target: string) {}

  async install(req: InstallRequest): Promise<InstallOutcome> {
    if (req.kind !== 'appimage') throw new Error(`AppImage installer cannot install a ${req.kind} package`);
    const dir = path.dirname(this.target);
    await fs.promises.access(dir, fs.constants.W_OK).catch(() => {
      throw new Error(`cannot replace ${this.target}: folder not writable`);
    });
    const tmp = path.join(dir, `.${path.basename(this.target)}.update-${randomBytes(4).toString('hex')}`);
    const total = (await fs.promises.stat(req.file)).size;
    try {
      const src = await fs.promises.open(req.file, 'r');
      const dst = await fs.promises.open(tmp, 'wx', 0o755);
      try {
        const buf = Buffer.allocUnsafe(1024 * 1024);
        let done = 0;
        for (;;) {
          const { bytesRead } = await src.read(buf, 0, buf.length, done);
          if (!bytesRead) break;
          await dst.write(buf, 0, bytesRead, done);
          done += bytesRead;
          req.onProgress?.(total ? done / total : 1);
        }
        await dst.sync();
      } finally {
        await src.close();
        await dst.close();
      }
      await fs.promises.chmod(tmp, 0o755);
      await fs.promises.rename(tmp, this.target);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
    try {
      const dh = await fs.promises.open(dir, 'r');
      try { await dh.sync(); } finally { await dh.close(); }
    } catch { /* folder fsync unsupported */ }
    return { next: 'relaunch', relaunch: this.target, detail: `replaced ${this.target}` };
  }
}
