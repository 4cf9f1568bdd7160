/**
 * The DialogHost port (electron/windows/ports.ts) in the demo's Chromium: a launcher-owned dialog
 * (update progress, proxy sign-in, screen picker, …) is its launcher page in a page of its own in
 * the client's browser context, talking to the product's dispatcher through the launcher bridge.
 * The product opens a BrowserWindow instead (native/electron/dialogs.ts).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { launcherPageUrl } from '../../electron/security';
import type { DialogHost, DialogSpec, DialogWindow } from '../../electron/windows';
import { demoUrlOf, type LauncherBridge, type PageIds } from './launcher-bridge';

export interface ChromiumDialogHost extends DialogHost {
  /** The dialogs open now (newest last), with their spec. */
  open(spec: DialogSpec): DialogWindow;
  opened(): { spec: DialogSpec; page: Page }[];
}

export function chromiumDialogHost(context: () => BrowserContext | undefined, ids: PageIds, bridge: () => LauncherBridge, onError: (what: string, err: unknown) => void): ChromiumDialogHost {
  const open: { spec: DialogSpec; page: Page }[] = [];
  return {
    opened: () => open.filter((d) => !d.page.isClosed()),
    open(spec) {
      // The window exists at once (its id), the page a moment later: events wait for it.
      let page: Page | undefined;
      const pending: ((p: Page) => void)[] = [];
      const closed: (() => void)[] = [];
      let isClosed = false;
      const whenPage = (f: (p: Page) => void) => (page ? f(page) : pending.push(f));
      const id = ids.reserve();
      const win: DialogWindow = {
        id,
        emit: (event, payload) => whenPage((p) => bridge().emit([p], event, payload)),
        focus: () => whenPage((p) => void p.bringToFront().catch(() => undefined)),
        close: () => whenPage((p) => void p.close().catch(() => undefined)),
        onClosed: (cb) => (isClosed ? cb() : void closed.push(cb)),
        setHeight: (height) => whenPage((p) => void p.setViewportSize({ width: spec.width, height }).catch(() => undefined)),
      };
      void (async () => {
        const ctx = context();
        if (!ctx) throw new Error('no browser context for dialogs yet');
        const p = await ctx.newPage();
        ids.bind(id, p);
        page = p;
        open.push({ spec, page: p });
        p.once('close', () => {
          isClosed = true;
          for (const cb of closed.splice(0)) cb();
        });
        await p.setViewportSize({ width: spec.width, height: spec.height });
        await p.goto(demoUrlOf(launcherPageUrl(spec.page)));
        for (const f of pending.splice(0)) f(p);
      })().catch((err: unknown) => onError(`dialog ${spec.page}`, err));
      return win;
    },
  };
}
