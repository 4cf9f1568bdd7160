/**
 * Electron adapter of the app proxy (docs/appproxy.md): every `https:` request of a session goes
 * through the caching core, which keeps each app's real origin (no URL rewriting, apps of
 * different servers stay isolated). The core reaches the network with the same session's
 * `fetch`, bypassing this handler so it does not loop.
 *
 * In electron/main.ts:
 *   const ses = session.fromPartition('persist:myapps');
 *   const core = createAppProxyService({ files, logger, upstream: electronUpstream(ses), settings });
 *   const uninstall = installAppProxy(ses, core);
 */
import { net, type Session } from 'electron';
import type { AppProxy, UpstreamFetch } from '../../electron/appproxy';
import type { Logger } from '../../electron/platform';

/** Upstream for the core: the session's (or the default) Chromium network stack, with its proxy
 *  settings, certificates and cookies, never re-entering the protocol handler. */
export function electronUpstream(ses?: Pick<Session, 'fetch'>): UpstreamFetch {
  const f = ses ? ses.fetch.bind(ses) : net.fetch;
  return (req, init) => f(req, { bypassCustomProtocolHandlers: true, signal: init?.signal });
}

/** Route the session's `https:` requests through the app proxy. Returns the uninstall function. */
export function installAppProxy(ses: Pick<Session, 'protocol'>, core: Pick<AppProxy, 'handle'>, logger?: Logger): () => void {
  ses.protocol.handle('https', async (request) => {
    try {
      return await core.handle(request);
    } catch (err) {
      // Only pass-through requests throw (network errors); Chromium shows its usual error for them.
      logger?.trace('AppProxy', `error ${request.method} pass-through failed`, { error: String(err) });
      throw err;
    }
  });
  return () => ses.protocol.unhandle('https');
}
