/**
 * Ports of the local services bus: where it learns which frames the web client loads, so that
 * the Origin allow-list follows the apps (electron/bus/app-origins.ts, docs/local-services.md
 * "Which origins are allowed"). Implementations: native/electron/app-frames.ts (the product:
 * Electron's frame navigation events of every window), test/e2e/harness/app-frames.ts
 * (Chromium under Playwright).
 */

/** The frame that contains a navigating frame, as the browser sees it. */
export interface ParentFrame {
  /** Its origin (`scheme://host[:port]`), or '' when it has none (about:blank, opaque). */
  origin: string;
  /** It is the top frame of its window. */
  top: boolean;
}

/** A frame is loading a document (before the document exists when the browser allows it). */
export interface FrameNavigation {
  /** Stable id of the frame for its lifetime (the same across its navigations). */
  id: string;
  /** The URL it loads. */
  url: string;
  /** Its parent; null for a top frame. */
  parent: ParentFrame | null;
}

export interface AppFrameSource {
  /** Every navigation of every frame of the client's windows (top frames included). */
  onNavigation(cb: (n: FrameNavigation) => void): () => void;
  /** A frame is gone (removed from its page, its window closed or navigated away). */
  onGone(cb: (id: string) => void): () => void;
}

/** The listener bookkeeping every AppFrameSource shares: an implementation reports through navigated / gone. */
export class AppFrameEvents implements AppFrameSource {
  private readonly navigation = new Set<(n: FrameNavigation) => void>();
  private readonly goneListeners = new Set<(id: string) => void>();

  onNavigation(cb: (n: FrameNavigation) => void): () => void {
    this.navigation.add(cb);
    return () => this.navigation.delete(cb);
  }

  onGone(cb: (id: string) => void): () => void {
    this.goneListeners.add(cb);
    return () => this.goneListeners.delete(cb);
  }

  navigated(n: FrameNavigation): void {
    for (const cb of this.navigation) cb(n);
  }

  gone(id: string): void {
    for (const cb of this.goneListeners) cb(id);
  }

  /** Forget every listener (the source closes). */
  clear(): void {
    this.navigation.clear();
    this.goneListeners.clear();
  }
}
