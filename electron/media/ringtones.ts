/**
 * Ring tones: a built-in list (synthesised by the engine with WebAudio, so no audio files of
 * unknown licence ship) plus the user's custom `.mp3` files in `<userData>/ringtones`, served to
 * the engine through the `/ringtones/<file>` route of the local services server.
 *
 * Path safety: a request names a file; it is served only if that exact name is one of the
 * `.mp3` regular files listed in the folder, and its real path (symlinks resolved) is inside the
 * folder. Nothing in the URL is ever joined to a path before that check.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type * as http from 'node:http';
import type { BuiltinTonePattern, Ringtone, RingtoneSource } from '../../common/media';
import { RINGTONES_HTTP_PATH } from '../../common/media';
import type { Logger } from '../platform';

export const BUILTIN_RINGTONES: Record<string, { title: string; pattern: BuiltinTonePattern }> = {
  'builtin:classic': { title: 'Classic', pattern: { freqs: [440, 480], cadence: [2000, 4000], gain: 0.3 } },
  'builtin:europe': { title: 'Europe', pattern: { freqs: [425], cadence: [1000, 4000], gain: 0.3 } },
  'builtin:double': { title: 'Double ring', pattern: { freqs: [400, 450], cadence: [400, 200, 400, 2000], gain: 0.3 } },
  'builtin:chime': { title: 'Chime', pattern: { freqs: [523, 659, 784], cadence: [600, 1400], gain: 0.25 } },
};
export const BUILTIN_NOTIFICATION_TONES: Record<string, { title: string; pattern: BuiltinTonePattern }> = {
  'builtin:ping': { title: 'Ping', pattern: { freqs: [880], cadence: [150], gain: 0.25, once: true } },
  'builtin:knock': { title: 'Knock', pattern: { freqs: [660], cadence: [120, 80, 120], gain: 0.25, once: true } },
};
export const DEFAULT_RINGTONE = 'builtin:classic';

const MAX_NAME = 200;
/** A custom ring tone file name: no separators, no NUL, no leading dot, ends in .mp3. */
export function isSafeRingtoneName(name: string): boolean {
  return (
    name.length > 4 &&
    name.length <= MAX_NAME &&
    !/[/\\\0]/.test(name) &&
    !name.startsWith('.') &&
    name !== '..' &&
    /\.mp3$/i.test(name)
  );
}

export class RingtoneStore {
  constructor(
    private readonly dir: string | undefined,
    private readonly logger: Logger,
  ) {}

  /** Custom `.mp3` file names in the folder (regular files only), sorted. Missing folder = none. */
  async customFiles(): Promise<string[]> {
    if (!this.dir) return [];
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fsp.readdir(this.dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn('ringtones: folder unreadable', { dir: this.dir, error: String(err) });
      return [];
    }
    return entries.filter((e) => (e.isFile() || e.isSymbolicLink()) && isSafeRingtoneName(e.name)).map((e) => e.name).sort((a, b) => a.localeCompare(b));
  }

  async list(): Promise<Ringtone[]> {
    const builtin = Object.entries(BUILTIN_RINGTONES).map(([ident, t]) => ({ ident, title: t.title, builtin: true }));
    const custom = (await this.customFiles()).map((f) => ({ ident: `custom:${f}`, title: f.replace(/\.mp3$/i, ''), builtin: false }));
    return [...builtin, ...custom];
  }

  notificationTones(): Ringtone[] {
    return Object.entries(BUILTIN_NOTIFICATION_TONES).map(([ident, t]) => ({ ident, title: t.title, builtin: true }));
  }

  /** Absolute path of a listed custom file, or null (unknown name, traversal, symlink out of the folder). */
  async resolveFile(name: string): Promise<string | null> {
    if (!this.dir || !isSafeRingtoneName(name)) return null;
    const files = await this.customFiles();
    if (!files.includes(name)) return null;
    try {
      const root = await fsp.realpath(this.dir);
      const real = await fsp.realpath(path.join(this.dir, name));
      if (path.dirname(real) !== root) return null;
      const st = await fsp.stat(real);
      return st.isFile() ? real : null;
    } catch {
      return null;
    }
  }

  /**
   * How the engine plays a ring tone ident: a built-in pattern, or the URL of a custom file
   * (relative to the local services server, with the token). Unknown idents fall back to the
   * default ring tone (the caller is told through `fallback`).
   */
  async source(ident: string, token: string, notification = false): Promise<{ ident: string; source: RingtoneSource; fallback: boolean }> {
    const table = notification ? BUILTIN_NOTIFICATION_TONES : BUILTIN_RINGTONES;
    const b = table[ident];
    if (b) return { ident, source: { kind: 'builtin', pattern: b.pattern }, fallback: false };
    if (ident.startsWith('custom:')) {
      const name = ident.slice('custom:'.length);
      if (await this.resolveFile(name)) {
        return { ident, source: { kind: 'url', url: `${RINGTONES_HTTP_PATH}/${encodeURIComponent(name)}?token=${encodeURIComponent(token)}` }, fallback: false };
      }
    }
    const def = notification ? 'builtin:ping' : DEFAULT_RINGTONE;
    return { ident: def, source: { kind: 'builtin', pattern: table[def]!.pattern }, fallback: true };
  }

  /** HTTP handler for `/ringtones/<file>` (mount with auth 'token'). */
  handler(): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
    return async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const rest = url.pathname.slice(RINGTONES_HTTP_PATH.length + 1);
      let name: string;
      try {
        name = decodeURIComponent(rest);
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('bad name');
        return;
      }
      const file = await this.resolveFile(name);
      if (!file) {
        this.logger.warn('ringtones: refused or unknown file', { name: name.slice(0, 100) });
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such ring tone');
        return;
      }
      const st = await fsp.stat(file);
      res.writeHead(200, {
        'content-type': 'audio/mpeg',
        'content-length': String(st.size),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      await new Promise<void>((resolve) => {
        const s = createReadStream(file);
        s.on('error', () => { res.destroy(); resolve(); });
        s.on('end', resolve);
        s.pipe(res);
      });
    };
  }
}
