/**
 * ProxyResolver (electron/connect/ports) with Electron's session.resolveProxy: the OS proxy
 * settings (incl. PAC / auto-detect as Chromium evaluates them), parsed by parsePacResult.
 */
import type { Session } from 'electron';
import type { ProxyResolver } from '../../electron/connect/ports';
import { parsePacResult } from '../../electron/connect';

export function createProxyResolver(ses: Pick<Session, 'resolveProxy'>): ProxyResolver {
  return {
    async resolve(url: string) {
      return parsePacResult(await ses.resolveProxy(url));
    },
  };
}
