/**
 * The sharing window (docs/media-protocol.md, "What the launcher does around calls"): while an
 * app sends the user's screen or a window (a running appsharing channel that sends), a small bar
 * above every window says so and offers Stop (renderer/launcher/sharing.html). Stop ends every
 * such channel through the media relay: the engine closes it and the app hears
 * `ChannelClosed{reason:"stopped"}`, as when the shared screen or window goes away. The bar is
 * there as long as the sharing runs: closed any other way, it comes back.
 */
import { english, type Translator } from '../../common/i18n';
import type { PreloadResponse } from '../../common/preload';
import type { MediaActivity } from '../media';
import type { PreloadHandlers } from '../security';
import type { DialogHost, DialogWindow } from '../windows';
import type { Logger } from '../platform';

export type SharingState = PreloadResponse<'sharing.getState'>;

/** What the window needs of the media relay (electron/media MediaRelay). */
export interface SharingSource {
  activity(): MediaActivity;
  onActivity(cb: (a: MediaActivity) => void): () => void;
  stopChannel(session: string, channel: string): boolean;
}

export interface SharingWindowOptions {
  media: SharingSource;
  dialogs: DialogHost;
  logger: Logger;
  productName: string;
  words?: Translator;
}

export class SharingWindow {
  readonly handlers: PreloadHandlers;
  readonly stats = { opened: 0, stops: 0, reopened: 0 };
  private win: DialogWindow | undefined;
  private activity: MediaActivity;
  private readonly off: () => void;
  private closed = false;

  constructor(private readonly o: SharingWindowOptions) {
    this.activity = o.media.activity();
    this.off = o.media.onActivity((a) => {
      this.activity = a;
      this.render();
    });
    const notThisWindow = 'not the sharing window';
    this.handlers = {
      'sharing.getState': (_r, caller) => {
        if (caller.webContentsId !== this.win?.id) throw new Error(notThisWindow);
        return this.state();
      },
      'sharing.stop': (_r, caller) => {
        if (caller.webContentsId !== this.win?.id) return { ok: false as const, error: notThisWindow };
        return this.stop() > 0 ? { ok: true as const } : { ok: false as const, error: 'Nothing is being shared.' };
      },
    };
    this.render();
  }

  state(): SharingState {
    return { sharing: this.activity.sharing.length > 0, channels: this.activity.sharing.length };
  }

  isOpen(): boolean {
    return this.win !== undefined;
  }

  /** Ends every appsharing channel that sends; returns how many were asked to stop. */
  stop(): number {
    let n = 0;
    for (const c of this.activity.sharing) if (this.o.media.stopChannel(c.session, c.channel)) n++;
    this.stats.stops += n;
    this.o.logger.trace('Media', 'sharing: stopped by the user in the sharing window', { channels: n });
    return n;
  }

  close(): void {
    this.closed = true;
    this.off();
    const w = this.win;
    this.win = undefined;
    w?.close();
  }

  private render(): void {
    if (this.closed) return;
    const st = this.state();
    if (!st.sharing) {
      const w = this.win;
      this.win = undefined;
      w?.close();
      return;
    }
    if (this.win) {
      this.win.emit('sharingChanged', st);
      return;
    }
    const words = this.o.words ?? english;
    const opened = this.o.dialogs.open({
      page: 'sharing.html',
      title: words.t('window.sharing', { product: this.o.productName }),
      width: 440,
      height: 72,
      floating: true,
      placement: 'top-center',
      inactive: true,
    });
    this.win = opened;
    this.stats.opened++;
    this.o.logger.trace('Media', 'sharing: window shown', { channels: st.channels });
    opened.onClosed(() => {
      if (this.win !== opened) return;
      this.win = undefined;
      // the bar stays while the screen is shared: closed by the user or the desktop, it comes back
      if (!this.closed && this.state().sharing) {
        this.stats.reopened++;
        this.o.logger.trace('Media', 'sharing: window closed while sharing runs; shown again');
        setTimeout(() => this.render(), 250).unref?.();
      }
    });
  }
}
