/**
 * The launcher's own windows in the demo's Chromium: the DialogHost port (electron/windows/ports.ts:
 * update progress, proxy sign-in, screen picker, the incoming-call window, the sharing bar, …) and
 * the OverlayHost port (electron/notifications/ports.ts: the in-app banner). Each window is its
 * launcher page in a page of its own in the client's browser context, talking to the product's
 * dispatcher through the launcher bridge. The product opens a BrowserWindow (native/electron/
 * dialogs.ts) or a WebContentsView over the main window (native/electron/overlay.ts) instead.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { PreloadEventName, PreloadEventPayload } from '../../common/preload';
import { launcherPageUrl } from '../../electron/security';
import type { DialogHost, DialogSpec, DialogWindow } from '../../electron/windows';
import type { OverlayHost, OverlaySpec, OverlayView } from '../../electron/notifications';
import { demoUrlOf, type LauncherBridge, type PageIds } from './launcher-bridge';

export interface ChromiumDialogHost extends DialogHost {
  open(spec: DialogSpec): DialogWindow;
  /** The dialogs open now (newest last), with their spec. */
  opened(): { spec: DialogSpec; page: Page }[];
  /** The OS language the launcher pages opened from now on stand for (the pages' `?lang=`, docs/i18n.md); undefined: the client's. */
  setLanguage(lang: 'en' | 'de' | undefined): void;
  /** The in-app banner's overlays (the banner over the main window; here a page of its own). */
  readonly overlays: OverlayHost;
}

/** A launcher window whose page opens a moment after the window exists (its id at once; events wait for the page). */
interface LazyWindow {
  id: number;
  emit<E extends PreloadEventName>(event: E, payload: PreloadEventPayload<E>): void;
  whenPage(f: (p: Page) => void): void;
  setHeight(width: number, height: number): void;
  close(): void;
  onClosed(cb: () => void): void;
}

export function chromiumDialogHost(context: () => BrowserContext | undefined, ids: PageIds, bridge: () => LauncherBridge, onError: (what: string, err: unknown) => void): ChromiumDialogHost {
  const open: { spec: DialogSpec; page: Page }[] = [];
  let language: 'en' | 'de' | undefined;
  const lazyWindow = (file: string, size: { width: number; height: number }, opened: (p: Page) => void): LazyWindow => {
    let page: Page | undefined;
    const pending: ((p: Page) => void)[] = [];
    const closed: (() => void)[] = [];
    let isClosed = false;
    const whenPage = (f: (p: Page) => void) => (page ? f(page) : pending.push(f));
    const id = ids.reserve();
    void (async () => {
      const ctx = context();
      if (!ctx) throw new Error('no browser context for launcher windows yet');
      const p = await ctx.newPage();
      ids.bind(id, p);
      page = p;
      opened(p);
      p.once('close', () => {
        isClosed = true;
        for (const cb of closed.splice(0)) cb();
      });
      await p.setViewportSize({ width: size.width, height: Math.max(1, size.height) });
      await p.goto(demoUrlOf(launcherPageUrl(file)) + (language ? `?lang=${language}` : ''));
      for (const f of pending.splice(0)) f(p);
    })().catch((err: unknown) => onError(`launcher window ${file}`, err));
    return {
      id,
      whenPage,
      emit: (event, payload) => whenPage((p) => bridge().emit([p], event, payload)),
      setHeight: (width, height) => whenPage((p) => void p.setViewportSize({ width, height: Math.max(1, height) }).catch(() => undefined)),
      close: () => whenPage((p) => void p.close().catch(() => undefined)),
      onClosed: (cb) => (isClosed ? cb() : void closed.push(cb)),
    };
  };
  return {
    opened: () => open.filter((d) => !d.page.isClosed()),
    setLanguage: (lang) => void (language = lang),
    open(spec) {
      const w = lazyWindow(spec.page, spec, (page) => open.push({ spec, page }));
      return {
        id: w.id,
        emit: w.emit,
        focus: () => w.whenPage((p) => void p.bringToFront().catch(() => undefined)),
        close: w.close,
        onClosed: w.onClosed,
        setHeight: (height) => w.setHeight(spec.width, height),
      };
    },
    overlays: {
      open(spec: OverlaySpec): OverlayView {
        // hidden at height 0 (a page cannot be 0 high: 1 px)
        const w = lazyWindow(spec.page, { width: spec.width, height: 0 }, () => undefined);
        return { id: w.id, emit: w.emit, setHeight: (height) => w.setHeight(spec.width, height), close: w.close };
      },
    },
  };
}
