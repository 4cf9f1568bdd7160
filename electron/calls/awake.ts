/**
 * Keeps the system awake during any call and the display during video or screen sharing
 * (docs/media-protocol.md, "What the launcher does around calls"), from the channels the media
 * relay sees running (electron/media activity): an audio channel is a call; a video or appsharing
 * channel, either way, needs the display. Requests go to the PowerSaveBlocker port one change at a
 * time; what is held is released when nothing runs any more and when the service closes.
 */
import type { Logger } from '../platform';
import type { MediaActivity } from '../media';
import { english, type Translator } from '../../common/i18n';
import type { AwakeHandle, AwakeLevel, PowerSaveBlocker } from './ports';

const LEVELS: readonly AwakeLevel[] = ['system', 'display'];

/** What to keep awake for what runs. */
export function awakeWanted(a: MediaActivity): Record<AwakeLevel, boolean> {
  const display = a.video > 0 || a.sharing.length > 0 || a.watching > 0;
  return { system: display || a.audio > 0, display };
}

export interface AwakeKeeperOptions {
  blocker: PowerSaveBlocker;
  logger: Logger;
  /** The reason the desktop may show, in the user's language. */
  words?: Translator;
}

export class AwakeKeeper {
  private readonly held: Partial<Record<AwakeLevel, AwakeHandle>> = {};
  private want: Record<AwakeLevel, boolean> = { system: false, display: false };
  private chain: Promise<void> = Promise.resolve();
  /** Levels whose last start failed (warned once until one works). */
  private readonly failing = new Set<AwakeLevel>();
  readonly stats = { started: 0, released: 0, failed: 0 };

  constructor(private readonly o: AwakeKeeperOptions) {}

  /** What is held now. */
  state(): Record<AwakeLevel, boolean> {
    return { system: !!this.held.system, display: !!this.held.display };
  }

  /** The media activity changed; resolves when the blocker has been asked. */
  update(a: MediaActivity): Promise<void> {
    this.want = awakeWanted(a);
    return this.reconcile();
  }

  close(): Promise<void> {
    this.want = { system: false, display: false };
    return this.reconcile();
  }

  private reconcile(): Promise<void> {
    this.chain = this.chain.then(async () => {
      for (const level of LEVELS) {
        const want = this.want[level];
        const h = this.held[level];
        if (want && !h) await this.start(level);
        else if (!want && h) {
          delete this.held[level];
          try {
            await h.release();
          } catch (err) {
            this.o.logger.warn(`awake: releasing the ${level} request failed`, { error: String(err) });
          }
          this.stats.released++;
          this.o.logger.trace('Media', `awake: ${level} may sleep again`);
        }
      }
    });
    return this.chain;
  }

  private async start(level: AwakeLevel): Promise<void> {
    const w = this.o.words ?? english;
    try {
      this.held[level] = await this.o.blocker.start(level, level === 'display' ? w.t('awake.display') : w.t('awake.call'));
      this.stats.started++;
      this.failing.delete(level);
      this.o.logger.trace('Media', `awake: ${level} kept awake (${level === 'display' ? 'video or screen sharing' : 'call'})`);
    } catch (err) {
      this.stats.failed++;
      if (!this.failing.has(level)) this.o.logger.warn(`awake: the ${level} cannot be kept awake on this desktop`, { error: err instanceof Error ? err.message : String(err) });
      this.failing.add(level);
    }
  }
}
