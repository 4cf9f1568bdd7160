/**
 * tel:/sip:/im: links (electron/links, docs/links.md): the service needs only the bus; the
 * handoff socket (a second start hands its link over: config.linkHandoffPath) and the OS
 * registration are optional.
 */
import { LINK_SCHEMES } from '../../common/links';
import { LinkService, startLinkHandoffServer } from '../links';
import type { Wiring } from './context';

export async function wireLinks(w: Wiring): Promise<LinkService> {
  const { ports, logger } = w;
  const links = new LinkService({ router: w.router, logger, window: ports.windowFocus });
  w.onClose(() => links.close());
  const path = w.config.linkHandoffPath;
  if (path) {
    // A second start hands its link over here (handoff.ts); without the channel the client
    // still runs, and a second start says that nobody answered.
    try {
      const h = await startLinkHandoffServer({ path, logger, onArgv: (argv) => links.handleArgv(argv, 'handoff') });
      w.onClose(() => h.close());
    } catch (err) {
      logger.error('links: the handoff channel for second starts is not available', { path, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (ports.protocolRegistrar) {
    const registering = ports.protocolRegistrar.register([...LINK_SCHEMES]).then(
      (r) => {
        if (r.registered.length) logger.trace('App', 'links: registered as the handler', { schemes: r.registered.join(',') });
        r.failed.forEach((f) => logger.warn(`links: ${f.scheme}: links not registered: ${f.reason}`));
      },
      (err: unknown) => logger.warn('links: protocol registration failed', { error: String(err) }),
    );
    // at quit, let a registration still running (xdg-mime) finish writing, for at most 5 s
    w.onClose(() => Promise.race([registering, new Promise<void>((r) => setTimeout(r, 5000).unref())]));
  }
  return links;
}
