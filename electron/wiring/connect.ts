/**
 * Node-side HTTPS through the OS proxy (electron/connect, docs/security.md "Proxy"): the
 * ProxyConnector on the proxyResolver port (+ credential store and prompt) and the proxy-aware
 * fetch the update service downloads with; caCertificates (PEM) are trusted beside Node's roots
 * (Linux: the OS bundle, native/linux/ca-bundle.ts).
 */
import { createProxyFetch, ProxyConnector } from '../connect';
import type { UpdateFetch } from '../update';
import type { Wiring } from './context';

export function wireConnect(w: Wiring): { connector: ProxyConnector; proxyFetch: UpdateFetch } | undefined {
  const { ports } = w;
  if (!ports.proxyResolver) {
    w.skip('connector', 'no proxyResolver port');
    return undefined;
  }
  const connector = new ProxyConnector({ resolver: ports.proxyResolver, credentials: ports.credentialStore, prompt: ports.credentialPrompt, logger: w.logger });
  const ca = ports.caCertificates;
  return { connector, proxyFetch: createProxyFetch({ connector, ...(ca?.length ? { ca } : {}) }) };
}
