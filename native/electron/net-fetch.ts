/**
 * UpdateFetch (electron/update/ports) with Electron's session fetch: Chromium's network stack
 * with the client's session, so the update download uses what the web client uses: the OS proxy
 * settings with PAC/WPAD, NTLM and Negotiate (Kerberos) proxy authentication (the 'login' dialog
 * for Basic/Digest), and the OS certificate store. The product's choice on Windows and macOS
 * (docs/decisions.md); Linux uses electron/connect's proxyFetch. Custom protocol handlers (the app
 * proxy's https handler) are bypassed and nothing is cached: the update service does its own
 * resuming and verifying. Every URL, redirects included, follows the update URL rule (https).
 */
import type { Session } from 'electron';
import { updateUrl, type UpdateFetch } from '../../electron/update';

export function createSessionFetch(ses: Pick<Session, 'fetch'>): UpdateFetch {
  return async (url, init) => {
    updateUrl(url);
    const res = await ses.fetch(url, {
      method: init.method ?? 'GET',
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
      redirect: init.redirect ?? 'follow',
      cache: 'no-store',
      bypassCustomProtocolHandlers: true,
    });
    if (res.url && res.url !== url) {
      try {
        updateUrl(res.url, 'update redirect');
      } catch (err) {
        await res.body?.cancel().catch(() => {});
        throw err;
      }
    }
    return { status: res.status, headers: res.headers, body: res.body };
  };
}
