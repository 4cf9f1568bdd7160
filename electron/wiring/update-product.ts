/**
 * The facts the auto-update service needs from the running product (Electron-free; main.ts
 * passes Electron's values): install kind (what the installer recorded, else heuristics),
 * installer port per kind, terminal-server detection, store installs, admin policy. See
 * docs/update.md "Wiring in the product".
 */
import * as path from 'node:path';
import { parseRegQuery, regQuery } from '../../native/win/managed';
import { runProcess, type ProcessRunner } from '../../native/process';
import { detectInstallKind, type InstallFacts, type InstallKind, type InstallerPort, type UpdateServiceOptions, type UpdateUiPort } from '../update';
import { CommandInstaller, nodeCommandRunner } from '../../native/installers';
import { AppImageInstaller } from '../../native/linux/appimage-installer';
import type { SettingsStore } from '../settings';
import type { FileLocations } from '../platform';

/**
 * Where the Windows installers record how they installed (build/installer.nsh for NSIS,
 * build/msi/managed-settings.wxs component RegInstallKind for the MSI): value `Kind` (REG_SZ: `nsis`, `msi-per-machine`,
 * `msi-per-user`). A sub key of the managed-settings key, so the managed-settings reader (which
 * lists only the values of `...\myApps`) never sees it as a setting.
 */
export const INSTALL_RECORD_KEYS = [
  'HKCU\\Software\\innovaphone\\myApps\\Install',
  // the MSI writes the 32-bit view (Win64="no"); a 64-bit reg.exe sees it under WOW6432Node
  'HKLM\\SOFTWARE\\WOW6432Node\\innovaphone\\myApps\\Install',
  'HKLM\\SOFTWARE\\innovaphone\\myApps\\Install',
] as const;
const RECORDABLE: readonly InstallKind[] = ['nsis', 'msi-per-machine', 'msi-per-user'];

/** The install kind the Windows installer recorded, or undefined (HKCU first: a per-user install wins). */
export async function readRecordedInstallKind(platform: NodeJS.Platform, run: ProcessRunner = runProcess): Promise<InstallKind | undefined> {
  if (platform !== 'win32') return undefined;
  for (const key of INSTALL_RECORD_KEYS) {
    const r = await regQuery(key, ['/v', 'Kind'], run);
    if (r.code !== 0) continue;
    const v = parseRegQuery(r.stdout).values.find((x) => x.name === 'Kind');
    const kind = typeof v?.value === 'string' ? RECORDABLE.find((k) => k === String(v.value).trim()) : undefined;
    if (kind) return kind;
  }
  return undefined;
}

/**
 * Citrix / Remote Desktop session (updates are off there: admins update with their tools).
 * Windows: `SESSIONNAME` starting with `RDP-` (Remote Desktop) or `ICA-` (Citrix ICA), or a
 * Citrix session variable (`CITRIX_SESSION_ID`, `CITRIX_CLIENT_NAME`, or any variable whose name
 * starts with `CTX_` or `CITRIX`). Heuristics: an RDS host's console session is not detected.
 */
export function detectTerminalServer(platform: NodeJS.Platform, env: Record<string, string | undefined>): boolean {
  if (platform !== 'win32') return false;
  const session = (env.SESSIONNAME ?? '').toUpperCase();
  if (session.startsWith('RDP-') || session.startsWith('ICA-')) return true;
  return Object.keys(env).some((k) => /^(CITRIX|CTX_)/i.test(k) && (env[k] ?? '') !== '');
}

/** How this copy was installed (InstallFacts of electron/update) and what the update service needs besides. */
export interface UpdateFacts extends InstallFacts {
  arch: string;
  /** The running build (scripts/build.mjs stamps it; 'dev' from source). */
  build: string;
  /**
   * FileLocations.localData: packages go to `<localData>/updates`, a per-user private folder
   * (checked by the update service; never a fixed name in the shared temp folder).
   */
  localData: string;
  /** Resolved managed setting `allowUpdateDowngrade`: install lower builds the PBX names. */
  allowDowngrade?: boolean;
  fasterDownloads: boolean;
  /** Resolved `updatePolicy` setting ('auto' | 'notify' | 'off'). */
  policy: unknown;
}

/** The update facts that come from the settings and the user's folders (main.ts and the demo read them alike). */
export function updateFactsOf(settings: Pick<SettingsStore, 'get'>, files: Pick<FileLocations, 'localData'>): Pick<UpdateFacts, 'localData' | 'allowDowngrade' | 'fasterDownloads' | 'policy'> {
  return {
    localData: files.localData,
    allowDowngrade: settings.get('allowUpdateDowngrade') === true,
    fasterDownloads: settings.get('fasterDownloads') === true,
    policy: settings.get('updatePolicy'),
  };
}

/** The installer for an install kind; undefined where we do not update (deb, stores, dev). */
export function installerFor(kind: InstallKind, facts: Pick<UpdateFacts, 'env'>): InstallerPort | undefined {
  switch (kind) {
    case 'appimage':
      return facts.env.APPIMAGE ? new AppImageInstaller(facts.env.APPIMAGE) : undefined;
    case 'nsis':
    case 'msi-per-machine':
    case 'msi-per-user':
    case 'pkg':
      return new CommandInstaller(kind, nodeCommandRunner, facts.env);
    default:
      return undefined;
  }
}

export type ProductUpdatePorts = Omit<UpdateServiceOptions, 'logger' | 'fetch' | 'ui'> & { ui: UpdateUiPort };

/** `ports.update` of createPlatformServices for the running product. */
export function productUpdatePorts(f: UpdateFacts, ui: UpdateUiPort, onInstalled: UpdateServiceOptions['onInstalled']): ProductUpdatePorts {
  const installKind = detectInstallKind(f);
  const os = f.platform === 'win32' || f.platform === 'darwin' ? f.platform : 'linux';
  return {
    ui,
    installer: installerFor(installKind, f),
    installKind,
    currentBuild: f.build,
    os,
    arch: f.arch,
    terminalServer: detectTerminalServer(f.platform, f.env),
    // updatePolicy 'off' (user, installer/MDM or PBX) turns updates off; 'notify' behaves like
    // 'auto' (the service asks "install now / later" while running either way).
    adminDisabled: f.policy === 'off',
    fasterDownloads: f.fasterDownloads,
    downloadDir: path.join(f.localData, 'updates'),
    allowDowngrade: f.allowDowngrade === true,
    onInstalled,
  };
}
