/**
 * The app proxy (electron/appproxy, docs/appproxy.md): the caching proxy core over
 * files.localData and the appProxyUpstream port (product: electronUpstream(session)); main.ts
 * then installs it with installAppProxy(session, instances.appProxy). The cache size is
 * config.appProxy, else the appProxyCacheMb setting (read at start).
 */
import { createAppProxyService, type AppProxy } from '../appproxy';
import type { Wiring } from './context';

export function wireAppProxy(w: Wiring): AppProxy | undefined {
  const { ports, config } = w;
  if (!ports.files?.localData || !ports.appProxyUpstream) {
    w.skip('appProxy', 'no files.localData or no appProxyUpstream port');
    return undefined;
  }
  const mb = w.store?.get('appProxyCacheMb');
  const settings = config.appProxy ?? (mb !== undefined ? { maxBytes: mb * 1024 * 1024 } : undefined);
  const proxy = createAppProxyService({ files: ports.files, upstream: ports.appProxyUpstream, logger: w.logger, settings });
  w.onClose(() => proxy.idle());
  return proxy;
}
