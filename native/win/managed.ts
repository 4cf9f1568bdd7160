/**
 * Windows managed settings: the MSI writes its properties as registry values under
 * `HKCU\Software\innovaphone\myApps` and `HKLM\SOFTWARE\WOW6432Node\innovaphone\myApps`
 * (features.md §13); Group Policy (the ADMX in build/policy/windows) writes under
 * `…\Software\Policies\innovaphone\myApps`. We read them with `reg query <key>` (execFile,
 * argument array, no shell) and parse its text output. Later keys win: machine-wide values (HKLM)
 * over per-user ones (HKCU), and Group Policy over installer values.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import type { ManagedSettingsRead, ManagedSettingsReader } from '../../electron/settings/ports';

/** Where Group Policy writes (relative to HKLM and HKCU): the key of the ADMX template. */
export const WINDOWS_POLICY_KEY = 'Software\\Policies\\innovaphone\\myApps';

/** The keys read, lowest priority first. */
export const WINDOWS_MANAGED_KEYS = [
  'HKCU\\Software\\innovaphone\\myApps',
  'HKLM\\SOFTWARE\\innovaphone\\myApps',
  'HKLM\\SOFTWARE\\WOW6432Node\\innovaphone\\myApps',
  `HKCU\\${WINDOWS_POLICY_KEY}`,
  `HKLM\\${WINDOWS_POLICY_KEY}`,
] as const;

export interface RegValue {
  name: string;
  type: string;
  /** REG_SZ/REG_EXPAND_SZ: string; REG_DWORD/REG_QWORD: number; REG_MULTI_SZ: string[]; REG_BINARY: hex string. */
  value: string | number | string[];
}

export interface RegQueryResult {
  /** The key whose values were listed (first HKEY_… line). */
  key?: string;
  values: RegValue[];
  /** Sub keys listed (not descended into). */
  subkeys: string[];
}

const VALUE_RE = /^ {4}(.+?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/;

/** Parse the text output of `reg query <key>` (no /s). */
export function parseRegQuery(text: string): RegQueryResult {
  const out: RegQueryResult = { values: [], subkeys: [] };
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (/^HKEY_/.test(line)) {
      if (out.key === undefined) out.key = line.trim();
      else out.subkeys.push(line.trim());
      continue;
    }
    const m = VALUE_RE.exec(line);
    if (!m) continue;
    const [, name, type, data = ''] = m;
    let value: RegValue['value'];
    switch (type) {
      case 'REG_DWORD':
      case 'REG_QWORD': {
        const n = Number.parseInt(data, 16);
        if (!/^0x[0-9a-f]+$/i.test(data.trim()) || !Number.isSafeInteger(n)) continue;
        value = n;
        break;
      }
      case 'REG_MULTI_SZ':
        value = data === '' ? [] : data.split('\\0');
        break;
      default:
        value = data;
    }
    out.values.push({ name: name!, type: type!, value });
  }
  return out;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}
export type CommandRunner = (file: string, args: string[]) => Promise<CommandResult>;

/**
 * reg.exe by absolute path: a bare `reg` is looked up by Windows in the current directory and on
 * PATH first, where a planted `reg.exe`/`reg.bat` would run instead.
 */
export function regExe(env: NodeJS.ProcessEnv = process.env): string {
  return path.win32.join(env.SystemRoot ?? 'C:\\Windows', 'System32', 'reg.exe');
}

export const execFileRunner: CommandRunner = (file, args) =>
  new Promise((resolve) => {
    execFile(file, args, { windowsHide: true, timeout: 10_000, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr || (err && !stdout ? err.message : '')) });
    });
  });

export class WindowsManagedSettingsReader implements ManagedSettingsReader {
  constructor(
    private readonly run: CommandRunner = execFileRunner,
    private readonly keys: readonly string[] = WINDOWS_MANAGED_KEYS,
  ) {}

  async read(): Promise<ManagedSettingsRead> {
    const out: ManagedSettingsRead = { values: {}, origins: [], warnings: [] };
    for (const key of this.keys) {
      const r = await this.run(regExe(), ['query', key]);
      if (r.code !== 0) {
        if (!/unable to find/i.test(r.stderr)) out.warnings.push(`reg query ${key} failed (${r.code}): ${r.stderr.trim()}`);
        continue;
      }
      const parsed = parseRegQuery(r.stdout);
      for (const v of parsed.values) out.values[v.name] = v.value;
      out.origins.push(key);
    }
    return out;
  }
}
