/**
 * "About" for the settings page (preload `about.get`, event `aboutChanged`) and the tray's status
 * line: product version and build, Electron/Chromium, the OS, the PBX, the update policy, channel
 * and state. Changes are passed on at once when the update's state changes and at most once per
 * `intervalMs` while a download reports progress (the tray menu and the page are redrawn then).
 * Electron-free: the composition root gives the versions, the PBX and the update service.
 */
import type { PreloadResponse } from '../../common/preload';
import { updateStatusText } from '../../common/update-status';
import type { Translator } from '../../common/i18n';
import type { PreloadHandlers } from '../security';
import { updateStatusView, type UpdateStatus } from '../update';

export type AboutView = PreloadResponse<'about.get'>;

/** The part of UpdateService the About section reads. */
export interface AboutUpdateSource {
  readonly status: UpdateStatus;
  readonly source: { url: string; build: string } | undefined;
  onStatus(fn: (s: UpdateStatus) => void): () => void;
}

export interface AboutOptions {
  identity: { name: string; version: string; build: string };
  /** process.versions of the main process (electron, chrome). */
  versions: { electron?: string; chrome?: string };
  /** e.g. "Linux 6.12.0 (x64)". */
  os: string;
  pbx(): string | null;
  updatePolicy(): string;
  update?: AboutUpdateSource;
  /** Minimum time between two progress notifications [1000 ms]. */
  intervalMs?: number;
}

export interface About {
  readonly handlers: PreloadHandlers;
  current(): AboutView;
  /** Called with the new state (see the throttling above). */
  onChange(cb: (a: AboutView) => void): () => void;
  /** Something outside the update changed (the PBX): notify now. */
  changed(): void;
  dispose(): void;
}

/** The tray's status line: only for long work (checking, downloading, installing); else none. */
export function trayStatusLine(a: AboutView, w: Translator): string | undefined {
  const s = a.update.state;
  return s === 'downloading' || s === 'installing' || s === 'checking' ? updateStatusText(a.update, w) : undefined;
}

export function createAbout(o: AboutOptions): About {
  const listeners = new Set<(a: AboutView) => void>();
  const interval = o.intervalMs ?? 1000;
  let lastSent = -Infinity;
  let lastState: string | undefined;
  let timer: NodeJS.Timeout | undefined;

  const current = (): AboutView => {
    const source = o.update?.source;
    return {
      name: o.identity.name,
      version: o.identity.version,
      build: o.identity.build,
      ...(o.versions.electron ? { electron: o.versions.electron } : {}),
      ...(o.versions.chrome ? { chromium: o.versions.chrome } : {}),
      os: o.os,
      pbx: o.pbx(),
      updatePolicy: o.updatePolicy(),
      ...(source ? { updateSource: source } : {}),
      update: o.update ? updateStatusView(o.update.status) : { state: 'off', reasonCode: 'noInstaller' },
    };
  };
  const send = () => {
    clearTimeout(timer);
    timer = undefined;
    lastSent = Date.now();
    const a = current();
    lastState = a.update.state;
    for (const l of listeners) l(a);
  };
  const off = o.update?.onStatus((s) => {
    if (s.state !== lastState) return send();
    const wait = lastSent + interval - Date.now();
    if (wait <= 0) return send();
    if (!timer) {
      timer = setTimeout(send, wait);
      timer.unref?.();
    }
  });

  return {
    handlers: { 'about.get': () => current() },
    current,
    onChange(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    changed: send,
    dispose() {
      off?.();
      clearTimeout(timer);
      listeners.clear();
    },
  };
}
