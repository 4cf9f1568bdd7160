/**
 * macOS managed settings, two sources per domain:
 * - `defaults export <domain> -` prints the domain's preferences (set with
 *   `defaults write <domain> server pbx.example.com`) as an XML property list;
 * - configuration profiles (MDM, build/policy/macos) land in `/Library/Managed Preferences/<domain>.plist`
 *   (device) and `/Library/Managed Preferences/<user>/<domain>.plist` (user), which `defaults`
 *   does not show: we convert them with `plutil -convert xml1 -o - <file>`.
 * Both run with native/process.ts (argument array, no shell); the plist is parsed here.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ManagedSettingsRead, ManagedSettingsReader } from '../../electron/settings/ports';
import { notStarted, runProcess, type ProcessRunner } from '../process';

/** Our bundle id (build/electron-builder.yml appId) and the original client's documented domain. */
export const MAC_MANAGED_DOMAINS = ['com.innovaphone.myapps', 'com.innovaphone.client-ios-14r1'] as const;
/** Where macOS writes the preferences of installed configuration profiles. */
export const MAC_MANAGED_PREFERENCES_DIR = '/Library/Managed Preferences';
const PLUTIL = '/usr/bin/plutil';

export type PlistValue = string | number | boolean | Date | Uint8Array | PlistValue[] | { [k: string]: PlistValue };

interface Tag {
  name: string;
  close: boolean;
  selfClose: boolean;
  start: number;
  end: number;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
    }
    return ENTITIES[e] ?? all;
  });
}

/** Parse an XML property list (the subset `defaults export` and MDM profiles produce). Throws on malformed input. */
export function parsePlist(xml: string): PlistValue {
  let pos = 0;
  const nextTag = (): Tag | undefined => {
    for (;;) {
      const lt = xml.indexOf('<', pos);
      if (lt < 0) return undefined;
      if (xml.startsWith('<!--', lt)) {
        const e = xml.indexOf('-->', lt);
        if (e < 0) throw new Error('unterminated comment');
        pos = e + 3;
        continue;
      }
      if (xml.startsWith('<?', lt) || xml.startsWith('<!', lt)) {
        const e = xml.indexOf('>', lt);
        if (e < 0) throw new Error('unterminated declaration');
        pos = e + 1;
        continue;
      }
      const gt = xml.indexOf('>', lt);
      if (gt < 0) throw new Error('unterminated tag');
      const inner = xml.slice(lt + 1, gt).trim();
      const close = inner.startsWith('/');
      const selfClose = inner.endsWith('/');
      const name = inner.replace(/^\//, '').replace(/\/$/, '').trim().split(/\s+/)[0]!;
      pos = gt + 1;
      return { name, close, selfClose, start: lt, end: gt + 1 };
    }
  };
  const textUntilClose = (name: string): string => {
    const endTag = `</${name}>`;
    const e = xml.indexOf(endTag, pos);
    if (e < 0) throw new Error(`missing ${endTag}`);
    const text = xml.slice(pos, e);
    if (text.includes('<')) throw new Error(`unexpected markup inside <${name}>`);
    pos = e + endTag.length;
    return decodeEntities(text);
  };
  const parseValue = (tag: Tag): PlistValue => {
    if (tag.close) throw new Error(`unexpected </${tag.name}>`);
    switch (tag.name) {
      case 'true':
      case 'false':
        if (!tag.selfClose) textUntilClose(tag.name);
        return tag.name === 'true';
      case 'string':
        return tag.selfClose ? '' : textUntilClose('string');
      case 'integer': {
        const t = textUntilClose('integer').trim();
        if (!/^[-+]?\d+$/.test(t)) throw new Error(`bad integer "${t}"`);
        return Number(t);
      }
      case 'real': {
        const n = Number(textUntilClose('real').trim());
        if (Number.isNaN(n)) throw new Error('bad real');
        return n;
      }
      case 'date':
        return new Date(textUntilClose('date').trim());
      case 'data':
        return tag.selfClose ? new Uint8Array() : new Uint8Array(Buffer.from(textUntilClose('data').replace(/\s+/g, ''), 'base64'));
      case 'array': {
        const arr: PlistValue[] = [];
        if (tag.selfClose) return arr;
        for (;;) {
          const t = nextTag();
          if (!t) throw new Error('unterminated <array>');
          if (t.close) {
            if (t.name !== 'array') throw new Error(`unexpected </${t.name}> in <array>`);
            return arr;
          }
          arr.push(parseValue(t));
        }
      }
      case 'dict': {
        const obj: { [k: string]: PlistValue } = Object.create(null);
        if (tag.selfClose) return { ...obj };
        for (;;) {
          const t = nextTag();
          if (!t) throw new Error('unterminated <dict>');
          if (t.close) {
            if (t.name !== 'dict') throw new Error(`unexpected </${t.name}> in <dict>`);
            return { ...obj };
          }
          if (t.name !== 'key') throw new Error(`expected <key>, got <${t.name}>`);
          const key = t.selfClose ? '' : textUntilClose('key');
          const vt = nextTag();
          if (!vt) throw new Error(`missing value for key "${key}"`);
          if (key === '__proto__') {
            parseValue(vt);
            continue;
          }
          obj[key] = parseValue(vt);
        }
      }
      default:
        throw new Error(`unknown plist element <${tag.name}>`);
    }
  };
  const first = nextTag();
  if (!first || first.name !== 'plist' || first.close) throw new Error('not a property list (no <plist>)');
  if (first.selfClose) return {};
  const rootTag = nextTag();
  if (!rootTag) throw new Error('empty <plist>');
  if (rootTag.close && rootTag.name === 'plist') return {};
  const root = parseValue(rootTag);
  const end = nextTag();
  if (!end || !end.close || end.name !== 'plist') throw new Error('missing </plist>');
  return root;
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
