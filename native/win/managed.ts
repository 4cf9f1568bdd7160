/**
 * Windows managed settings: the MSI writes its properties as registry values under
 * `HKCU\Software\innovaphone\myApps` and `HKLM\SOFTWARE\WOW6432Node\innovaphone\myApps`
 * (docs/msi-properties.md); Group Policy (the ADMX in build/policy/windows) writes under
 * `…\Software\Policies\innovaphone\myApps`. We read them with `reg query <key>`
 * (native/process.ts: argument array, no shell) and parse its text output. Later keys win:
 * machine-wide values (HKLM) over per-user ones (HKCU), and Group Policy over installer values.
 */
import { notStarted, runProcess, system32, type ProcessRunner } from '../process';
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

/** reg.exe by absolute path (native/process.ts system32). */
export function regExe(env: NodeJS.ProcessEnv = process.env): string {
  return system32('reg.exe', env);
}

/** `reg query <key> [/v <name>]`: 10 s, 1 MiB; a reg.exe that cannot start is a failed query. */
export function regQuery(key: string, args: readonly string[] = [], run: ProcessRunner = runProcess) {
  return run(regExe(), ['query', key, ...args], { timeoutMs: 10_000, maxBytes: 1024 * 1024 }).catch(notStarted);
}

export class WindowsManagedSettingsReader implements ManagedSettingsReader {
  constructor(
    private readonly run: ProcessRunner = runProcess,
    private readonly keys: readonly string[] = WINDOWS_MANAGED_KEYS,
  ) {}

  async read(): Promise<ManagedSettingsRead> {
    const out: ManagedSettingsRead = { values: {}, origins: [], warnings: [] };
    for (const key of this.keys) {
      const r = await regQuery(key, [], this.run);
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
