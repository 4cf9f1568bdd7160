/**
 * Resolving `myapps-launcher://pages/<file>` to a file of the bundled launcher pages
 * (dist/renderer), Electron-free. No path leaves the root, only known file types are served.
 */
import * as path from 'node:path';
import { LAUNCHER_SCHEME } from '../../common/preload';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Content-Security-Policy sent with every launcher page (common/preload-names.ts). */
export { LAUNCHER_CSP } from '../../common/preload';

export type LauncherFile = { ok: true; file: string; contentType: string } | { ok: false; status: 403 | 404; reason: string };

export function resolveLauncherFile(rootDir: string, url: string): LauncherFile {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 404, reason: 'invalid url' };
  }
  if (u.protocol !== `${LAUNCHER_SCHEME}:` || u.host !== 'pages') return { ok: false, status: 404, reason: 'not a launcher page' };
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return { ok: false, status: 404, reason: 'bad escape' };
  }
  if (rel.includes('\0') || rel.includes('\\')) return { ok: false, status: 403, reason: 'bad characters' };
  if (rel.split('/').some((seg) => seg === '..' || seg === '.')) return { ok: false, status: 403, reason: 'dot segments' };
  if (rel === '/' || rel === '') rel = '/connect.html';
  const root = path.resolve(rootDir);
  const file = path.resolve(root, '.' + path.posix.normalize(rel));
  const r = path.relative(root, file);
  if (r.startsWith('..') || path.isAbsolute(r)) return { ok: false, status: 403, reason: 'outside the pages folder' };
  const type = TYPES[path.extname(file).toLowerCase()];
  if (!type) return { ok: false, status: 403, reason: 'file type not served' };
  return { ok: true, file, contentType: type };
}

/** URL of a launcher page. */
export function launcherPageUrl(page: string, hash?: string): string {
  return `${LAUNCHER_SCHEME}://pages/${encodeURI(page)}${hash ? `#${encodeURIComponent(hash)}` : ''}`;
}
