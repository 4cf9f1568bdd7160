/**
 * Autostart on Linux: an XDG autostart entry `$XDG_CONFIG_HOME/autostart/<id>.desktop`
 * (freedesktop "Desktop Application Autostart Specification"). Electron's setLoginItemSettings
 * does nothing on Linux, so this is ours. Real files, atomic writes.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { AutostartPort } from '../../electron/windows/ports';
import { writeFileAtomic } from '../../electron/util/atomic';

/** Quote one Exec argument per the Desktop Entry spec (and escape % as %%). */
export function quoteExecArg(arg: string): string {
  if (/[\0\n\r]/.test(arg)) throw new Error('control characters in an Exec argument');
  const pct = arg.replace(/%/g, '%%');
  if (!/[\s"'\\><~|&;$*?#()`]/.test(pct)) return pct;
  return `"${pct.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartDesktopEntry(opts: { name: string; exec: string; args?: string[]; icon?: string; comment?: string }): string {
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');
  const exec = [opts.exec, ...(opts.args ?? [])].map(quoteExecArg).join(' ');
  const lines = [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${oneLine(opts.name)}`,
    ...(opts.comment ? [`Comment=${oneLine(opts.comment)}`] : []),
    `Exec=${exec}`,
    ...(opts.icon ? [`Icon=${oneLine(opts.icon)}`] : []),
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ];
  return lines.join('\n');
}

/** The autostart folder: $XDG_CONFIG_HOME/autostart, else ~/.config/autostart. */
export function xdgAutostartDir(env: NodeJS.ProcessEnv, home: string): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(base, 'autostart');
}

export class XdgAutostart implements AutostartPort {
  readonly file: string;
  constructor(private readonly opts: { dir: string; id: string; name: string; exec: string; icon?: string }) {
    if (!/^[\w.-]+$/.test(opts.id)) throw new Error(`invalid autostart id ${opts.id}`);
    this.file = path.join(opts.dir, `${opts.id}.desktop`);
  }

  async isEnabled(): Promise<boolean> {
    try {
      const text = await fs.readFile(this.file, 'utf8');
      return !/^Hidden\s*=\s*true\s*$/m.test(text) && !/^X-GNOME-Autostart-enabled\s*=\s*false\s*$/m.test(text);
    } catch {
      return false;
    }
  }

  async setEnabled(enabled: boolean, o: { hidden?: boolean } = {}): Promise<void> {
    if (!enabled) {
      await fs.rm(this.file, { force: true });
      return;
    }
    const text = autostartDesktopEntry({ name: this.opts.name, exec: this.opts.exec, args: o.hidden ? ['--hidden'] : [], icon: this.opts.icon, comment: 'myApps platform services' });
    await writeFileAtomic(this.file, text, 0o644);
  }
}
