/**
 * The AppFrameSource of the product (electron/bus/ports.ts): the frames of every window the
 * client opens, from Electron's frame events. `will-frame-navigate` comes before a frame's
 * navigation starts (so an app's origin is on the bus allow-list before its document and the
 * preload run), `did-frame-navigate` after it committed (redirects land on the final origin).
 * Frames that go away raise no event of their own: the frames of a window are compared with its
 * frame tree after each navigation, when the window closes, and every SWEEP_MS.
 *
 * Not runnable here (no Electron binary): unit-tested with stand-in frames
 * (native/electron/app-frames.test.ts) and in electron/main.test.ts with the mocked 'electron'.
 */
import { webFrameMain, type App, type WebContents, type WebFrameMain } from 'electron';
import { originOf } from '../../common/origin';
import { AppFrameEvents, type AppFrameSource, type FrameNavigation } from '../../electron/bus';

export const SWEEP_MS = 30_000;

export interface ElectronAppFrames extends AppFrameSource {
  close(): void;
}

const idOf = (contents: Pick<WebContents, 'id'>, frame: Pick<WebFrameMain, 'frameTreeNodeId'>): string => `${contents.id}:${frame.frameTreeNodeId}`;

export function createAppFrameSource(app: Pick<App, 'on' | 'removeListener'>, opts: { sweepMs?: number } = {}): ElectronAppFrames {
  const events = new AppFrameEvents();
  /** frame id -> its window */
  const tracked = new Map<string, WebContents>();

  const gone = (id: string): void => {
    if (tracked.delete(id)) events.gone(id);
  };

  /** Frames of this window that are no longer in its frame tree are gone. */
  const sweep = (contents: WebContents): void => {
    let live: Set<string>;
    try {
      live = contents.isDestroyed() ? new Set() : new Set((contents.mainFrame?.framesInSubtree ?? []).filter((f) => !f.detached).map((f) => idOf(contents, f)));
    } catch {
      live = new Set(); // the window is being torn down
    }
    for (const [id, c] of tracked) if (c === contents && !live.has(id)) gone(id);
  };

  const report = (contents: WebContents, frame: WebFrameMain | null | undefined, url: string): void => {
    if (!frame) return;
    const parent = frame.parent;
    const n: FrameNavigation = { id: idOf(contents, frame), url, parent: parent ? { origin: originOf(parent.url) ?? '', top: parent.parent === null } : null };
    tracked.set(n.id, contents);
    events.navigated(n);
  };

  const attach = (contents: WebContents): void => {
    contents.on('will-frame-navigate', (details) => {
      if (!details.isMainFrame) report(contents, details.frame, details.url);
    });
    contents.on('did-frame-navigate', (_e, url, _code, _text, isMainFrame, processId, routingId) => {
      if (isMainFrame) return;
      report(contents, webFrameMain?.fromId(processId, routingId), url);
      sweep(contents);
    });
    contents.on('did-navigate', () => sweep(contents));
    contents.once('destroyed', () => sweep(contents));
  };
  const onCreated = (_e: unknown, contents: WebContents): void => attach(contents);
  app.on('web-contents-created', onCreated);

  const timer = setInterval(() => new Set(tracked.values()).forEach(sweep), opts.sweepMs ?? SWEEP_MS);
  timer.unref?.();

  return {
    onNavigation: (cb) => events.onNavigation(cb),
    onGone: (cb) => events.onGone(cb),
    close() {
      clearInterval(timer);
      app.removeListener('web-contents-created', onCreated);
      events.clear();
      tracked.clear();
    },
  };
}
