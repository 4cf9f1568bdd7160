/**
 * The main-process side of lib1's launcher hooks (renderer/page-hooks.ts; common/preload.ts
 * `consoleLine`, `openWindow`), Electron-free:
 *
 *  - a console line of the web client or one of its app frames is written to the trace under the
 *    Browser Console flag (the trace writer redacts every line), at most `burst` lines at once and
 *    `perSecond` on average per window; lines beyond are dropped and counted, and the next line
 *    written says how many were dropped;
 *  - `window.open` goes through the window policy of docs/security.md (decideWindowOpen): a PBX
 *    page opens as a launcher-owned window, outside links go to the default browser, tel:/sip:/im:
 *    through the user's confirmation to the URI handler (naming the frame that asked: the app
 *    frame itself), the rest is refused. A popup of an app frame opens as its web client's would.
 */
import type { Logger } from '../platform';
import type { OriginPolicy } from './origins';
import { originOf } from '../../common/origin';
import { decideWindowOpen, routeDecision, type DecisionRoutes } from './navigation';
import type { PreloadHandlers } from './ipc-guard';

/** The trace category of console lines (log flag 0x400000000, docs/log-flags.md). */
export const CONSOLE_TRACE_CATEGORY = 'BrowserConsole';

export interface PageHookOptions extends DecisionRoutes {
  logger: Logger;
  origins: OriginPolicy;
  /** Lines written at once before the rate applies (per window). Default 200. */
  burst?: number;
  /** Lines per second on average (per window). Default 50. */
  perSecond?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
  dropped: number;
}

export function createPageHookHandlers(o: PageHookOptions): Pick<PreloadHandlers, 'consoleLine' | 'openWindow'> {
  const burst = o.burst ?? 200;
  const perSecond = o.perSecond ?? 50;
  const now = o.now ?? Date.now;
  const buckets = new Map<number, Bucket>();

  return {
    consoleLine(req, caller) {
      if (o.logger.enabled && !o.logger.enabled(CONSOLE_TRACE_CATEGORY)) return { ok: true };
      const t = now();
      let b = buckets.get(caller.webContentsId);
      if (!b) {
        if (buckets.size > 1000) buckets.clear(); // windows come and go; a fresh budget is harmless
        buckets.set(caller.webContentsId, (b = { tokens: burst, at: t, dropped: 0 }));
      }
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond);
      b.at = t;
      if (b.tokens < 1) {
        b.dropped++;
        return { ok: true };
      }
      b.tokens -= 1;
      const from = originOf(caller.url) ?? '?';
      if (b.dropped > 0) {
        o.logger.trace(CONSOLE_TRACE_CATEGORY, `console: ${b.dropped} lines of this window dropped (more than ${perSecond}/s)`);
        b.dropped = 0;
      }
      o.logger.trace(CONSOLE_TRACE_CATEGORY, `console.${req.level} ${from}${caller.kind === 'app' ? ' (app)' : ''}: ${req.text}`);
      return { ok: true };
    },
    openWindow(req, caller) {
      const opener = caller.kind === 'app' ? (o.origins.pbxOrigin() ?? undefined) : caller.url;
      const decision = decideWindowOpen(req.url, opener, o.origins);
      // a link is confirmed by the user, naming the frame that asked (the app frame itself)
      routeDecision(decision, 'window.open', req.url, o, caller.url);
      return { action: decision.action };
    },
  };
}
