/**
 * macOS managed settings, two sources per domain:
 * - `defaults export <domain> -` prints the domain's preferences (set with
 *   `defaults write <domain> server pbx.example.com`) as an XML property list;
 * - configuration profiles (MDM, build/policy/macos) land in `/Library/Managed Preferences/<domain>.plist`
 *   (device) and `/Library/Managed Preferences/<user>/<domain>.plist` (user), which `defaults`
 *   does not show: we convert them with `plutil -convert xml1 -o - <file>`.
 * Both run with native/process.ts (argument array, no shell); the plist is parsed with @expo/plist.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ManagedSettingsRead, ManagedSettingsReader } from '../../electron/settings/ports';
import plist from '@expo/plist';
import { DOMParser } from '@xmldom/xmldom';
import { notStarted, runProcess, type ProcessRunner } from '../process';

/** Our bundle id (build/electron-builder.yml appId) and the original client's documented domain. */
export const MAC_MANAGED_DOMAINS = ['com.innovaphone.myapps', 'com.innovaphone.client-ios-14r1'] as const;
/** Where macOS writes the preferences of installed configuration profiles. */
export const MAC_MANAGED_PREFERENCES_DIR = '/Library/Managed Preferences';
const PLUTIL = '/usr/bin/plutil';

export type PlistValue = string | number | boolean | Date | Uint8Array | PlistValue[] | { [k: string]: PlistValue };

/** Values the library leaves undefined or NaN (an unknown element, an integer that is none) are errors here. */
function checked(v: unknown, where: string): PlistValue {
  if (v === undefined || v === null) throw new Error(`unknown plist element in ${where}`);
  if (typeof v === 'number' && Number.isNaN(v)) throw new Error(`bad number in ${where}`);
  if (v instanceof Date && Number.isNaN(v.getTime())) throw new Error(`bad date in ${where}`);
  if (Array.isArray(v)) return v.map((x, i) => checked(x, `${where}[${i}]`));
  if (typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    const out: { [k: string]: PlistValue } = {};
    // a key named __proto__ would set the prototype of the object the values are merged into
    for (const [k, x] of Object.entries(v)) if (k !== '__proto__') out[k] = checked(x, k);
    return out;
  }
  return v as PlistValue;
}

/**
 * Parse an XML property list with @expo/plist. The library reads what it can of malformed XML, so
 * the document is first checked to be well-formed (xmldom reports every problem), and the result
 * for unknown elements and unparseable numbers or dates. Throws on malformed input.
 */
export function parsePlist(xml: string): PlistValue {
  if (!/<plist[\s>/]/.test(xml)) throw new Error('not a property list (no <plist>)');
  const problems: string[] = [];
  const note = (m: string) => problems.push(m.replace(/^\[xmldom \w+\]\s*/, '').split('\n')[0]!);
  new DOMParser({ errorHandler: { warning: note, error: note, fatalError: note } }).parseFromString(xml, 'text/xml');
  if (problems.length) throw new Error(`malformed property list: the XML is not well-formed (${problems[0]})`);
  const v: unknown = plist.parse(xml);
  // an empty <plist/> or <plist></plist> reads as an empty array: no values
  if (Array.isArray(v) && v.length === 0) return {};
  return checked(v, 'plist');
}

export interface MacManagedSettingsOptions {
  /** Default MAC_MANAGED_PREFERENCES_DIR. */
  managedDir?: string;
  /** The user whose managed preferences apply; default the current user. */
  user?: string;
}

export class MacManagedSettingsReader implements ManagedSettingsReader {
  private readonly managedDir: string;
  private readonly user: string;

  constructor(
    private readonly run: ProcessRunner = runProcess,
    private readonly domains: readonly string[] = MAC_MANAGED_DOMAINS,
    opts: MacManagedSettingsOptions = {},
  ) {
    this.managedDir = opts.managedDir ?? MAC_MANAGED_PREFERENCES_DIR;
    this.user = opts.user ?? os.userInfo().username;
  }

  async read(): Promise<ManagedSettingsRead> {
    const out: ManagedSettingsRead = { values: {}, origins: [], warnings: [] };
    // Lowest priority first: the original client's domain before ours; `defaults` before the
    // device's configuration profiles before the user's.
    const domains = [...this.domains].reverse();
    for (const domain of domains) {
      const r = await this.run('defaults', ['export', domain, '-'], { timeoutMs: 10_000, maxBytes: 1024 * 1024 }).catch(notStarted);
      if (r.code !== 0) {
        if (!/does not exist/i.test(r.stderr)) out.warnings.push(`defaults export ${domain} failed (${r.code}): ${r.stderr.trim()}`);
        continue;
      }
      this.merge(out, r.stdout, `defaults ${domain}`);
    }
    const userDir = this.user && !this.user.includes('/') && this.user !== '..' ? path.join(this.managedDir, this.user) : undefined;
    for (const dir of userDir ? [this.managedDir, userDir] : [this.managedDir]) {
      for (const domain of domains) {
        const file = path.join(dir, `${domain}.plist`);
        if (!(await isFile(file))) continue;
        const r = await this.run(PLUTIL, ['-convert', 'xml1', '-o', '-', file], { timeoutMs: 10_000, maxBytes: 1024 * 1024 }).catch(notStarted);
        if (r.code !== 0) {
          out.warnings.push(`plutil ${file} failed (${r.code}): ${r.stderr.trim()}`);
          continue;
        }
        this.merge(out, r.stdout, file);
      }
    }
    return out;
  }

  private merge(out: ManagedSettingsRead, xml: string, origin: string): void {
    try {
      const v = parsePlist(xml);
      if (!v || typeof v !== 'object' || Array.isArray(v) || v instanceof Date || v instanceof Uint8Array) throw new Error('top level is not a <dict>');
      if (Object.keys(v).length === 0) return;
      Object.assign(out.values, v);
      out.origins.push(origin);
    } catch (err) {
      out.warnings.push(`${origin.startsWith('defaults ') ? `defaults export ${origin.slice(9)}` : origin}: ${(err as Error).message}`);
    }
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
