/**
 * The stand-in for Electron's `protocol.handle('https', …)` of the app proxy
 * (native/electron/appproxy-protocol.ts installAppProxy) in Debian Chromium under Playwright: the
 * requests of a browser context go through the product's caching core (`AppProxy.handle`,
 * electron/appproxy) via `context.route`. WebSockets (the bus, the PBX) are not routed, as in
 * Electron. A document fulfilled by a route has no IP address space, so Chromium's Local Network
 * Access checks would block its WebSockets to 127.0.0.1 (the bus, the PBX) unless the permission
 * is granted (docs/appproxy.md, "Limits"); this grants it.
 */
import type { BrowserContext } from 'playwright-core';
import type { AppProxy } from '../../../electron/appproxy';

/** `which`: the URLs to route (default: every http and https request, as the app proxy e2e test has it). */
export async function routeThroughAppProxy(context: BrowserContext, proxy: Pick<AppProxy, 'handle'>, which: (u: URL) => boolean = (u) => u.protocol === 'https:' || u.protocol === 'http:'): Promise<void> {
  await context.grantPermissions(['local-network-access']);
  await context.route(which, async (route) => {
    const r = route.request();
    const headers = new Headers();
    for (const [k, v] of Object.entries(await r.allHeaders())) if (!k.startsWith(':') && !['host', 'connection', 'upgrade'].includes(k)) headers.set(k, v);
    const body = r.postDataBuffer();
    try {
      const res = await proxy.handle(new Request(r.url(), { method: r.method(), headers, body: body && r.method() !== 'GET' && r.method() !== 'HEAD' ? new Uint8Array(body) : undefined }));
      const h: Record<string, string> = {};
      res.headers.forEach((v, k) => {
        h[k] = v;
      });
      await route.fulfill({ status: res.status, headers: h, body: Buffer.from(await res.arrayBuffer()) });
    } catch {
      await route.abort('connectionrefused').catch(() => {});
    }
  });
}
