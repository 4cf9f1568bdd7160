/**
 * The link service: takes tel:/sip:/im: links from the first start's argv, from a second instance
 * (the handoff of handoff.ts), from macOS open-url, parses them and
 * sends StartCall / StartChat to the phone / chat app. A link that arrives before a provider is
 * connected is queued and delivered exactly once when one appears.
 */
import type { ApiRouter, ConsumedApi, LocalModule } from '../bus';
import { Api } from '../../common/bus';
import type { Logger, WindowFocus } from '../platform';
import { parseLink, type LinkRequest } from '../../common/links';
import { parseLauncherArgv } from '../security';

export interface LinkServiceOptions {
  router: ApiRouter;
  logger: Logger;
  window?: WindowFocus;
  /** Most links kept while no provider is connected (oldest dropped with a warning). */
  maxQueued?: number;
  /** How long a queued link stays valid (ms). Default 10 minutes. */
  queueTtlMs?: number;
  now?: () => number;
}

export interface LinkOutcome {
  link: string;
  status: 'sent' | 'queued' | 'refused';
  error?: string;
}

interface Pending {
  req: LinkRequest;
  at: number;
}

export class LinkService {
  /** The launcher module the links come from (`@local-<id>`, "Links"). */
  readonly module: LocalModule;
  private readonly consumers = new Map<string, ConsumedApi>();
  private readonly queue: Pending[] = [];
  private readonly offs: (() => void)[] = [];
  private readonly maxQueued: number;
  private readonly ttl: number;
  private readonly now: () => number;
  private closed = false;
  /** Counters for tests and traces. */
  readonly stats = { sent: 0, queued: 0, refused: 0, dropped: 0 };

  constructor(private readonly opts: LinkServiceOptions) {
    this.maxQueued = opts.maxQueued ?? 20;
    this.ttl = opts.queueTtlMs ?? 10 * 60_000;
    this.now = opts.now ?? Date.now;
    this.module = opts.router.localModule('Links');
    for (const api of [Api.phone, Api.chat]) {
      const c = this.module.consume(api);
      this.consumers.set(api, c);
      this.offs.push(c.onUpdate(() => this.drain()));
    }
  }

  /**
   * Arguments of a process (second instance, handoff): read by the one command-line parser
   * (electron/security/argv.ts), so the link is the one the first start would take. A second
   * start without a link asks for the window (the user started the client again).
   */
  handleArgv(argv: readonly string[], origin = 'argv'): LinkOutcome[] {
    const p = parseLauncherArgv(argv);
    const link = p.link ?? p.refusedLink?.link;
    if (link === undefined) {
      if (origin === 'handoff') this.opts.window?.showAndFocus();
      return [];
    }
    return [this.handleLink(link, origin)];
  }

  handleLink(link: string, origin = 'link'): LinkOutcome {
    const parsed = parseLink(link);
    if (!parsed.ok) {
      this.stats.refused++;
      // the refused text is shown only as its length and scheme: it may be anything
      this.opts.logger.warn(`links: refused a link from ${origin}: ${parsed.error}`, { length: typeof link === 'string' ? link.length : 0 });
      return { link, status: 'refused', error: parsed.error };
    }
    this.opts.window?.showAndFocus();
    if (this.trySend(parsed.request)) return { link, status: 'sent' };
    this.queue.push({ req: parsed.request, at: this.now() });
    this.stats.queued++;
    while (this.queue.length > this.maxQueued) {
      this.queue.shift();
      this.stats.dropped++;
      this.opts.logger.warn('links: queue full, oldest link dropped');
    }
    this.opts.logger.trace('App', `links: ${parsed.scheme}: link queued until ${parsed.request.api} is available`);
    return { link, status: 'queued' };
  }

  /** Links waiting for a provider. */
  get pending(): number {
    return this.queue.length;
  }

  private hasProvider(api: string): boolean {
    const c = this.consumers.get(api);
    return !!c && Object.keys(c.providers()).length > 0;
  }

  private trySend(req: LinkRequest): boolean {
    if (this.closed || !this.hasProvider(req.api)) return false;
    try {
      this.consumers.get(req.api)!.send({ ...req.msg });
      this.stats.sent++;
      this.opts.logger.trace('App', `links: ${req.msg.mt} sent to ${req.api}`);
      return true;
    } catch (err) {
      this.opts.logger.warn(`links: ${req.msg.mt} to ${req.api} failed`, { error: String(err) });
      return false;
    }
  }

  private drain(): void {
    const now = this.now();
    for (let i = 0; i < this.queue.length; ) {
      const p = this.queue[i]!;
      if (now - p.at > this.ttl) {
        this.queue.splice(i, 1);
        this.stats.dropped++;
        this.opts.logger.warn('links: queued link expired before a provider appeared');
        continue;
      }
      if (!this.hasProvider(p.req.api)) {
        i++;
        continue;
      }
      // remove before sending: delivered once, never twice
      this.queue.splice(i, 1);
      if (!this.trySend(p.req)) this.queue.splice(i++, 0, p);
    }
  }

  close(): void {
    this.closed = true;
    this.offs.forEach((o) => o());
    this.module.close();
  }
}
