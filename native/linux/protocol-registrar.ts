/**
 * Linux protocol registrar: writes a .desktop entry with MimeType=x-scheme-handler/<scheme> into
 * an XDG data folder and makes it the default handler with `xdg-mime default` (real xdg-utils).
 * The product on Linux (electron/os-adapters.ts) points Exec at the client itself (the AppImage or
 * the executable, then `-- %u`), which as a second start hands the link to the running client;
 * the e2e tests point it at the built product run with the Electron stand-in, in a temporary
 * XDG_DATA_HOME / XDG_CONFIG_HOME.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../electron/util/atomic';
import { notStarted, runProcess } from '../process';
import type { ProtocolRegistrar } from '../../electron/links/ports';

export interface LinuxProtocolRegistrarOptions {
  /** Desktop file id without .desktop, e.g. "myapps-links". */
  desktopId: string;
  /** Program and fixed arguments; the link is appended after a literal "--" as %u. */
  exec: string[];
  /** XDG_DATA_HOME (the .desktop goes to <dataHome>/applications). */
  dataHome: string;
  /** XDG_CONFIG_HOME (xdg-mime writes mimeapps.list there). */
  configHome: string;
  name?: string;
}

/** Quote one Exec argument as the Desktop Entry spec requires; refuses characters we never need. */
export function desktopExecArg(a: string): string {
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f"`$\\%]/.test(a)) throw new Error(`unsupported character in .desktop Exec argument: ${JSON.stringify(a)}`);
  return /^[A-Za-z0-9_\-./:=+,@]+$/.test(a) ? a : `"${a}"`;
}

export function desktopEntry(opts: LinuxProtocolRegistrarOptions, schemes: readonly string[]): string {
  const exec = [...opts.exec.map(desktopExecArg), '--', '%u'].join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${opts.name ?? 'myApps'}`,
    `Exec=${exec}`,
    'NoDisplay=true',
    'Terminal=false',
    `MimeType=${schemes.map((s) => `x-scheme-handler/${s};`).join('')}`,
    '',
  ].join('\n');
}

export function xdgEnv(dataHome: string, configHome: string): NodeJS.ProcessEnv {
  // A generic desktop: xdg-open then consults xdg-mime instead of a desktop environment's tool.
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: dataHome, XDG_CONFIG_HOME: configHome };
  delete env.XDG_CURRENT_DESKTOP;
  delete env.DESKTOP_SESSION;
  delete env.KDE_FULL_SESSION;
  delete env.GNOME_DESKTOP_SESSION_ID;
  return env;
}

/** Runs an xdg tool (native/process.ts); its stdout, or an error with its stderr. */
async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const r = await runProcess(cmd, args, { env, timeoutMs: 10_000 }).catch(notStarted);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.killed || `exit ${r.code}`}`);
  return r.stdout;
}

export class LinuxProtocolRegistrar implements ProtocolRegistrar {
  constructor(private readonly opts: LinuxProtocolRegistrarOptions) {}

  get desktopFile(): string {
    return path.join(this.opts.dataHome, 'applications', `${this.opts.desktopId}.desktop`);
  }

  async register(schemes: readonly string[]) {
    await fs.mkdir(path.dirname(this.desktopFile), { recursive: true });
    await fs.mkdir(this.opts.configHome, { recursive: true });
    await writeFileAtomic(this.desktopFile, desktopEntry(this.opts, schemes), 0o644);
    const env = xdgEnv(this.opts.dataHome, this.opts.configHome);
    const registered: string[] = [];
    const failed: { scheme: string; reason: string }[] = [];
    for (const s of schemes) {
      try {
        await run('xdg-mime', ['default', `${this.opts.desktopId}.desktop`, `x-scheme-handler/${s}`], env);
        const now = (await run('xdg-mime', ['query', 'default', `x-scheme-handler/${s}`], env)).trim();
        if (now !== `${this.opts.desktopId}.desktop`) throw new Error(`xdg-mime reports ${now || 'no'} handler`);
        registered.push(s);
      } catch (err) {
        failed.push({ scheme: s, reason: err instanceof Error ? err.message : String(err) });
      }
    }
    return { registered, failed };
  }
}
