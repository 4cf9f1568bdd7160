/**
 * Appsharing capture in Electron: answers `getDisplayMedia()` from the media engine with the screen
 * or window the user picked in the launcher's own picker (Electron has no built-in picker).
 *
 *   engine getDisplayMedia() -> session.setDisplayMediaRequestHandler -> desktopCapturer.getSources
 *   -> DisplayPickerModel (the launcher's picker UI renders it, the user chooses or cancels)
 *   -> callback({ video: source }) or callback(null) (the engine's AllocChannel fails cleanly).
 *
 * Only requests from allowed origins (the engine page) are served; everything else is denied.
 *
 * Usage in electron/main.ts:
 *   const picker = new DisplayPickerModel();
 *   const off = installDisplayMediaHandler(engineWindow.webContents.session, {
 *     picker, logger, allowOrigin: (o) => o === `http://127.0.0.1:${services.server.port}` });
 *   picker.onChange((state) => pickerWindow.webContents.send('display-picker', state)); // render it
 *   // picker UI -> ipc -> picker.choose(id) / picker.cancel()
 */
import { desktopCapturer, type Session } from 'electron';
import type { Logger } from '../../electron/platform';

export interface DisplaySource {
  id: string;
  name: string;
  kind: 'screen' | 'window';
  /** PNG data URL of a small thumbnail (for the picker). */
  thumbnail: string;
  displayId?: string;
}

export interface PickerState {
  /** A request is waiting for the user. */
  open: boolean;
  origin: string;
  sources: DisplaySource[];
}

/** The launcher-owned picker model: one pending choice at a time, resolved by choose/cancel. */
export class DisplayPickerModel {
  private pending: { resolve: (id: string | null) => void; sources: DisplaySource[]; origin: string } | null = null;
  private readonly listeners = new Set<(s: PickerState) => void>();

  /** Shows the sources and waits for the user's choice (null = cancelled or superseded). */
  pick(sources: DisplaySource[], origin: string): Promise<string | null> {
    this.pending?.resolve(null);
    return new Promise((resolve) => {
      this.pending = { resolve, sources, origin };
      this.emit();
    });
  }

  choose(id: string): boolean {
    const p = this.pending;
    if (!p || !p.sources.some((s) => s.id === id)) return false;
    this.pending = null;
    p.resolve(id);
    this.emit();
    return true;
  }

  cancel(): void {
    const p = this.pending;
    this.pending = null;
    p?.resolve(null);
    this.emit();
  }

  state(): PickerState {
    return { open: !!this.pending, origin: this.pending?.origin ?? '', sources: this.pending?.sources ?? [] };
  }

  onChange(cb: (s: PickerState) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private emit(): void {
    const s = this.state();
    for (const l of this.listeners) l(s);
  }
}

export interface DisplayMediaOptions {
  picker: DisplayPickerModel;
  logger: Logger;
  /** Which requesting origins may capture (the engine page's origin). */
  allowOrigin: (origin: string) => boolean;
  /** Thumbnail size for the picker. */
  thumbnail?: { width: number; height: number };
}

/** Installs the handler on a session; returns a function that removes it. */
export function installDisplayMediaHandler(ses: Session, opts: DisplayMediaOptions): () => void {
  ses.setDisplayMediaRequestHandler((request, callback) => {
    const origin = request.securityOrigin ?? '';
    const deny = (why: string): void => {
      opts.logger.trace('AppSharing', `display capture denied: ${why}`, { origin });
      callback(null);
    };
    if (!opts.allowOrigin(origin)) return deny('origin not allowed');
    if (!request.videoRequested) return deny('no video requested');
    desktopCapturer
      .getSources({ types: ['screen', 'window'], thumbnailSize: opts.thumbnail ?? { width: 320, height: 180 }, fetchWindowIcons: false })
      .then(async (sources) => {
        const list: DisplaySource[] = sources.map((s) => ({
          id: s.id,
          name: s.name,
          kind: s.id.startsWith('screen:') ? 'screen' : 'window',
          thumbnail: s.thumbnail.isEmpty() ? '' : s.thumbnail.toDataURL(),
          ...(s.display_id ? { displayId: s.display_id } : {}),
        }));
        if (list.length === 0) return deny('no screen or window to share');
        const id = await opts.picker.pick(list, origin);
        const chosen = id ? sources.find((s) => s.id === id) : undefined;
        if (!chosen) return deny('cancelled by the user');
        opts.logger.trace('AppSharing', 'display capture granted', { origin, source: chosen.name });
        callback({ video: { id: chosen.id, name: chosen.name } });
      })
      .catch((err: unknown) => {
        opts.logger.warn('display capture: listing sources failed', { error: String(err) });
        callback(null);
      });
  });
  return () => {
    opts.picker.cancel();
    ses.setDisplayMediaRequestHandler(null);
  };
}
