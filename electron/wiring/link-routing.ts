/**
 * Where tel:/sip:/im: links from outside the web client go (docs/links.md): the first start's
 * command line, macOS `open-url`, and internal links from pages. Each is parsed by the argv rule
 * (electron/security/argv.ts) and handed to the links service; links that arrive before the
 * services run wait, and go out (as 'argv') once they do. A second start hands its link to the
 * links service itself, over the handoff socket (electron/links/handoff.ts).
 */
import { parseLauncherArgv } from '../security';
import type { LinkService } from '../links';

export interface LinkTarget {
  links?: Pick<LinkService, 'handleLink'>;
  showMain(): void;
}

export interface LinkRouter {
  /** A link (already one link, e.g. from a page); waits until start() when nothing runs yet. */
  handle(link: string, origin: string): void;
  /** macOS open-url. */
  openUrl(url: string): void;
  /** The services run: links go to them from now on, and the waiting ones go out. */
  start(target: LinkTarget): void;
}

export function createLinkRouter(o: { first?: string }): LinkRouter {
  let target: LinkTarget | undefined;
  const pending: string[] = o.first ? [o.first] : [];
  const handle = (link: string, origin: string): void => {
    if (!target) pending.push(link);
    else if (target.links) void target.links.handleLink(link, origin);
    else target.showMain();
  };
  return {
    handle,
    openUrl(url) {
      const p = parseLauncherArgv([url]);
      if (p.link) handle(p.link, 'open-url');
    },
    start(t) {
      target = t;
      for (const link of pending.splice(0)) handle(link, 'argv');
    },
  };
}
