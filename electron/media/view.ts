/**
 * Viewing remote video/appsharing in an app (docs/media-protocol.md, "Viewing remote video").
 *
 * The engine decodes a channel's remote video in its own (hidden) renderer; an app cannot reach
 * that. So the app asks for a *view*: the channel's owner sends `CreateView{channel}` on its
 * Media session and gets a one-time ticket and the URL of the viewer page
 * (`http://127.0.0.1:<port>/media/view#token=…&ticket=…`, secrets in the fragment only), which it
 * embeds as an iframe. The viewer page opens its own /media session and sends `OpenView{ticket}`;
 * the engine then re-sends the decoded remote track over a second, loopback-only
 * RTCPeerConnection (`ViewOffer` → `ViewAnswer`), whose candidates are restricted to
 * 127.0.0.1/::1. Views close with their channel, their viewer session or their owner's session.
 *
 * This module keeps the tickets and views (main process) and serves the viewer page + bundle.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { MEDIA_VIEW_PAGE_PATH } from '../../common/media';
import type { HttpRouteHandler } from '../bus';
import { bundleRendererScript } from './engine-bundle';

/** How long a ticket from CreateView stays valid. */
export const VIEW_TICKET_TTL_MS = 60_000;
/** At most this many open views and unused tickets per owning session. */
export const MAX_VIEWS_PER_SESSION = 8;

export interface ViewInfo { view: string; viewer: string; owner: string; channel: string }
interface Ticket { owner: string; channel: string; expires: number }

/** Tickets and open views, keyed by ticket / view id. Pure bookkeeping (unit-tested). */
export class ViewRegistry {
  private readonly tickets = new Map<string, Ticket>();
  private readonly views = new Map<string, ViewInfo>();
  private counter = 0;

  constructor(private readonly now: () => number = Date.now) {}

  private prune(): void {
    const t = this.now();
    for (const [k, v] of this.tickets) if (v.expires <= t) this.tickets.delete(k);
  }

  /** A one-time ticket for `owner`'s channel, or an error text (too many). */
  createTicket(owner: string, channel: string): { ticket: string } | { error: string } {
    this.prune();
    const used = [...this.tickets.values()].filter((x) => x.owner === owner).length + [...this.views.values()].filter((x) => x.owner === owner).length;
    if (used >= MAX_VIEWS_PER_SESSION) return { error: `at most ${MAX_VIEWS_PER_SESSION} views per session` };
    const ticket = randomBytes(24).toString('base64url');
    this.tickets.set(ticket, { owner, channel, expires: this.now() + VIEW_TICKET_TTL_MS });
    return { ticket };
  }

  /** Redeems a ticket (once) for `viewer`; null when unknown, used or expired. */
  open(ticket: string, viewer: string): ViewInfo | null {
    this.prune();
    const t = this.tickets.get(ticket);
    if (!t) return null;
    this.tickets.delete(ticket);
    const info: ViewInfo = { view: `v${++this.counter}`, viewer, owner: t.owner, channel: t.channel };
    this.views.set(info.view, info);
    return info;
  }

  get(view: string): ViewInfo | undefined {
    return this.views.get(view);
  }

  remove(view: string): ViewInfo | undefined {
    const v = this.views.get(view);
    this.views.delete(view);
    return v;
  }

  /** Drops the tickets and views of a closed channel; returns the views dropped. */
  channelClosed(owner: string, channel: string): ViewInfo[] {
    for (const [k, v] of this.tickets) if (v.owner === owner && v.channel === channel) this.tickets.delete(k);
    return this.take((v) => v.owner === owner && v.channel === channel);
  }

  /** Drops everything a closed session owned or viewed; returns the views dropped. */
  sessionClosed(session: string): ViewInfo[] {
    for (const [k, v] of this.tickets) if (v.owner === session) this.tickets.delete(k);
    return this.take((v) => v.owner === session || v.viewer === session);
  }

  clear(): ViewInfo[] {
    this.tickets.clear();
    return this.take(() => true);
  }

  counts(): { views: number; tickets: number } {
    this.prune();
    return { views: this.views.size, tickets: this.tickets.size };
  }

  private take(pred: (v: ViewInfo) => boolean): ViewInfo[] {
    const out = [...this.views.values()].filter(pred);
    for (const v of out) this.views.delete(v.view);
    return out;
  }
}

/** Bundles renderer/media/view.ts (IIFE) with esbuild on first use (development, tests). */
export function bundleViewer(root = resolve(__dirname, '../..')): Promise<string> {
  return bundleRendererScript(join(root, 'renderer/media/view.ts'));
}

/**
 * The viewer bundle: `media-view.js` next to the running main bundle (the packaged product:
 * dist/, written by scripts/build.mjs), else bundled from source with esbuild (development, tests).
 */
export function defaultViewerScript(dir = __dirname): () => Promise<string> {
  let text: Promise<string> | null = null;
  return () =>
    (text ??= readFile(join(dir, 'media-view.js'), 'utf8').catch(() => {
      text = null;
      return bundleViewer();
    }));
}

/**
 * The viewer page route (`GET /media/view`, `/media/view/view.js`), no token needed: the page
 * holds no secret; the token and the one-time ticket come in the fragment from the app.
 * `frameAncestors()` lists who may embed it (the Origin allow-list).
 */
export function viewerPageHandler(opts: { port: number; script: () => string | Promise<string>; frameAncestors: () => string[] }): HttpRouteHandler {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { 'content-type': 'text/plain' }).end('method not allowed');
    if (url.pathname === `${MEDIA_VIEW_PAGE_PATH}/view.js`) {
      const js = await opts.script();
      return void res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(js);
    }
    if (url.pathname !== MEDIA_VIEW_PAGE_PATH && url.pathname !== `${MEDIA_VIEW_PAGE_PATH}/`) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    // only URL-shaped origins go into the header (no spaces/semicolons can smuggle directives)
    const ancestors = opts.frameAncestors().filter((o) => /^https?:\/\/[a-z0-9.\-[\]:]+$/i.test(o));
    const csp = [
      "default-src 'none'",
      "script-src 'self'",
      `connect-src ws://127.0.0.1:${opts.port}`,
      "media-src 'self' blob:",
      `frame-ancestors ${ancestors.length ? ancestors.join(' ') : "'none'"}`,
    ].join('; ');
    res
      .writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp })
      .end(`<!doctype html><meta charset="utf-8"><title>myApps media view</title><body><script src="${MEDIA_VIEW_PAGE_PATH}/view.js"></script></body>`);
  };
}
