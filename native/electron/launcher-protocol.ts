/**
 * The launcher's own pages are served from `myapps-launcher://pages/…` (privileged, standard,
 * secure scheme) out of dist/renderer, with a strict CSP, never from file://.
 */
import { promises as fs } from 'node:fs';
import { protocol, type Session } from 'electron';
import { LAUNCHER_SCHEME } from '../../common/preload';
import type { Logger } from '../../electron/platform';
import { LAUNCHER_CSP, resolveLauncherFile } from '../../electron/security';

/** Must run before app 'ready'. */
export function registerLauncherScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: LAUNCHER_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export async function serveLauncherFile(rootDir: string, url: string, logger: Logger): Promise<Response> {
  const r = resolveLauncherFile(rootDir, url);
  if (!r.ok) {
    logger.warn('launcher page refused', { url: url.slice(0, 200), reason: r.reason });
    return new Response(r.reason, { status: r.status, headers: { 'content-type': 'text/plain' } });
  }
  try {
    const body = await fs.readFile(r.file);
    return new Response(body, {
      status: 200,
      headers: { 'content-type': r.contentType, 'content-security-policy': LAUNCHER_CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
    });
  } catch {
    return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });
  }
}

export function handleLauncherScheme(ses: Session, rootDir: string, logger: Logger): void {
  ses.protocol.handle(LAUNCHER_SCHEME, (req) => serveLauncherFile(rootDir, req.url, logger));
}
