/**
 * The AppFrameSource (electron/bus/ports.ts) of the e2e stack: the frames of the client's
 * browser contexts in Chromium under Playwright, standing in for the product's Electron frame
 * events (native/electron/app-frames.ts). A frame's navigation is reported when its request is
 * issued (before the document exists) and again when it committed; a frame is gone when it is
 * detached or its page closes. The rule what counts as an app frame is the product's
 * (electron/bus/app-origins.ts), run by createPlatformServices.
 */
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { originOf } from '../../../common/origin';
import { AppFrameEvents, type AppFrameSource, type FrameNavigation } from '../../../electron/bus';

export interface ChromiumAppFrames extends AppFrameSource {
  /** Follow the frames of this browser context (its pages now and later). */
  watch(context: BrowserContext): void;
}

export function chromiumAppFrames(): ChromiumAppFrames {
  const events = new AppFrameEvents();
  const ids = new WeakMap<Frame, string>();
  let next = 1;
  const idOf = (f: Frame): string => {
    let id = ids.get(f);
    if (!id) ids.set(f, (id = `pw-${next++}`));
    return id;
  };
  const report = (frame: Frame, url: string): void => {
    if (!url || url === 'about:blank') return;
    const parent = frame.parentFrame();
    const n: FrameNavigation = { id: idOf(frame), url, parent: parent ? { origin: originOf(parent.url()) ?? '', top: parent.parentFrame() === null } : null };
    events.navigated(n);
  };
  const gone = (frame: Frame): void => {
    const id = ids.get(frame);
    if (id) events.gone(id);
  };
  const watchPage = (page: Page): void => {
    const seen = new Set<Frame>();
    page.on('framenavigated', (f) => {
      seen.add(f);
      report(f, f.url());
    });
    page.on('framedetached', (f) => {
      seen.delete(f);
      gone(f);
    });
    page.on('close', () => {
      for (const f of seen) gone(f);
      seen.clear();
    });
  };
  return {
    onNavigation: (cb) => events.onNavigation(cb),
    onGone: (cb) => events.onGone(cb),
    watch(context) {
      context.pages().forEach(watchPage);
      context.on('page', watchPage);
      context.on('request', (req) => {
        if (!req.isNavigationRequest()) return;
        let frame: Frame;
        try {
          frame = req.frame();
        } catch {
          return; // a navigation before its frame exists (popups): 'framenavigated' reports it
        }
        report(frame, req.url());
      });
    },
  };
}
