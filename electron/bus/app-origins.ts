/**
 * The apps' origins on the bus allow-list, added and removed as the web client loads and drops
 * its apps (docs/local-services.md "Which origins are allowed").
 *
 * innovaphone's web client hosts each app in an iframe of its own page; an App Platform serves
 * them from its own origin. Neither the `com.innovaphone.client` model (user, home, deviceApps,
 * adminSettings, …: no app URLs) nor the relay frames publish where the apps come from, so the
 * launcher reads it where the browser shows it: an **app frame** is a frame whose parent is the
 * top frame of a window showing the web client (the PBX origin). Its origin is allowed while at
 * least one such frame shows it; frames nested deeper (what an app embeds) are not apps. The PBX
 * origin itself is allowed by the bus anyway and never counted here.
 *
 * Limits: at most MAX_FRAMES frames and MAX_APP_ORIGINS origins are tracked (a web client that
 * opens more is refused the surplus with a warning, never more memory).
 */
import { webOrigin } from '../../common/origin';
import type { Logger } from '../platform';
import type { OriginAllowList } from './origins';
import type { AppFrameSource, FrameNavigation } from './ports';

export const MAX_FRAMES = 1000;
export const MAX_APP_ORIGINS = 64;

export interface AppOrigins {
  /** The app origins on the allow-list now (sorted). */
  list(): string[];
  /** The PBX origin changed (or the list was replaced): count the frames again. */
  resync(): void;
  close(): void;
}

export function trackAppOrigins(o: { origins: OriginAllowList; frames: AppFrameSource; pbxOrigin(): string | undefined; logger: Logger }): AppOrigins {
  const { origins, logger } = o;
  /** frame id -> its origin and whether it is an app frame of the current PBX's web client */
  const frames = new Map<string, { origin: string; parentOrigin: string }>();
  /** origins this tracker put on the allow-list */
  const added = new Set<string>();
  let warned = false;

  const wanted = (): Set<string> => {
    const pbx = webOrigin(o.pbxOrigin());
    const out = new Set<string>();
    if (!pbx) return out;
    for (const f of frames.values()) {
      if (f.parentOrigin !== pbx || f.origin === pbx) continue;
      if (out.size >= MAX_APP_ORIGINS && !out.has(f.origin)) {
        if (!warned) logger.warn('app origins: more than the limit; the rest is not allowed on the bus', { limit: MAX_APP_ORIGINS });
        warned = true;
        continue;
      }
      out.add(f.origin);
    }
    return out;
  };

  const apply = (): void => {
    const next = wanted();
    for (const origin of [...added]) {
      if (next.has(origin)) continue;
      added.delete(origin);
      if (origin !== webOrigin(o.pbxOrigin())) origins.remove(origin);
      logger.trace('App', 'app origin removed from the bus allow-list', { origin });
    }
    for (const origin of next) {
      if (added.has(origin) && origins.has(origin)) continue;
      added.add(origin);
      origins.add(origin);
      logger.trace('App', 'app origin allowed on the bus', { origin });
    }
  };

  const onNavigation = (n: FrameNavigation): void => {
    const origin = webOrigin(n.url);
    const parentOrigin = n.parent?.top ? webOrigin(n.parent.origin) : null;
    if (!origin || !parentOrigin) {
      // a top frame, a deeper frame or a non-web URL: not an app frame (any more)
      if (frames.delete(n.id)) apply();
      return;
    }
    if (!frames.has(n.id) && frames.size >= MAX_FRAMES) {
      logger.warn('app origins: too many frames; this one is not tracked', { limit: MAX_FRAMES });
      return;
    }
    const before = frames.get(n.id);
    if (before && before.origin === origin && before.parentOrigin === parentOrigin) return;
    frames.set(n.id, { origin, parentOrigin });
    apply();
  };
  const onGone = (id: string): void => {
    if (frames.delete(id)) apply();
  };

  const offs = [o.frames.onNavigation(onNavigation), o.frames.onGone(onGone)];
  return {
    list: () => [...added].sort(),
    // the list may have been replaced (change server): what is still wanted is added again
    resync: apply,
    close() {
      for (const off of offs.splice(0)) off();
      frames.clear();
      apply();
    },
  };
}
