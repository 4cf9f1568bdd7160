/**
 * How this copy of the client was installed and whether auto update may replace it: pure rules
 * over the facts the composition root gathers (electron/wiring/update-product.ts). The installers per kind
 * are port implementations in native/ (native/installers.ts, native/linux/appimage-installer.ts).
 */
import type { InstallKind } from './ports';

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

/** Why updates are off, as a code (the user's words: `update.reason.<code>` in common/i18n). */
export type UpdateOffCode = 'admin' | 'terminalServer' | 'mas' | 'appx' | 'deb' | 'dev' | 'noPackage' | 'noInstaller' | 'noKey' | 'pbxEmpty';

/** Whether auto update may run at all, with the reason (English, for traces) and its code when not. */
export function updatePolicy(p: UpdatePolicyInput): { enabled: true } | { enabled: false; reason: string; code: UpdateOffCode } {
  if (p.adminDisabled) return { enabled: false, code: 'admin', reason: 'turned off by admin policy' };
  if (p.terminalServer) return { enabled: false, code: 'terminalServer', reason: 'terminal server: update with the standard Windows tools' };
  switch (p.installKind) {
    case 'mas': return { enabled: false, code: 'mas', reason: 'Mac App Store install: updates come from the App Store' };
    case 'appx': return { enabled: false, code: 'appx', reason: 'Windows Store install: updates come from the Store' };
    case 'deb': return { enabled: false, code: 'deb', reason: 'installed by the distribution package manager' };
    case 'dev': return { enabled: false, code: 'dev', reason: 'not a packaged build' };
    default: return { enabled: true };
  }
}
