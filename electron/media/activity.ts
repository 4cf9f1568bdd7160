/**
 * Which media channels run, as the relay sees them (docs/media-protocol.md, "What the launcher does
 * around calls"): a channel runs from a successful `AllocChannelResult` until `ChannelClosed`, a
 * failed allocation, the app's `CloseChannel`, its session's end or the engine's. The launcher's
 * call services (electron/calls) follow it: an audio channel is a call (system awake), a video or
 * appsharing channel keeps the display awake, and an appsharing channel that sends is the user's
 * screen being shared (the sharing window). Pure bookkeeping; the relay's app endpoints feed it.
 */
import type { ChannelKind } from '../../common/media';

/** One running (or requested) channel of an app session. */
export interface ChannelInfo {
  session: string;
  channel: string;
  kind: ChannelKind;
  /** It captures and sends (direction sendrecv or sendonly). */
  sends: boolean;
}

/** What runs now. */
export interface MediaActivity {
  /** Running audio channels: calls. */
  audio: number;
  /** Running video (camera) channels, either way. */
  video: number;
  /** Running appsharing channels that send the user's screen or window. */
  sharing: ChannelInfo[];
  /** Running appsharing channels that receive someone else's screen. */
  watching: number;
}

const key = (session: string, channel: string): string => `${session}\u0000${channel}`;

export class ChannelActivity {
  private readonly requestedChannels = new Map<string, ChannelInfo>();
  private readonly running = new Map<string, ChannelInfo>();
  private readonly listeners = new Set<(a: MediaActivity) => void>();
  private last = JSON.stringify(this.snapshot());

  /** `onListenerError`: a listener threw (the relay keeps going; the caller traces it). */
  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  /** The app asked for a channel (a validated AllocChannel). */
  requested(session: string, msg: Record<string, unknown>): void {
    const kind: ChannelKind = msg.kind === 'video' || msg.kind === 'appsharing' ? msg.kind : 'audio';
    this.requestedChannels.set(key(session, String(msg.channel)), { session, channel: String(msg.channel), kind, sends: msg.direction !== 'recvonly' });
  }

  /** A message on its way to the app session: allocation results and closes change what runs. */
  event(session: string, msg: Record<string, unknown>): void {
    if (typeof msg.channel !== 'string') return;
    const k = key(session, msg.channel);
    if (msg.mt === 'AllocChannelResult') {
      const info = this.requestedChannels.get(k);
      this.requestedChannels.delete(k);
      if (info && msg.error === undefined) this.running.set(k, info);
      this.changed();
    } else if (msg.mt === 'ChannelClosed') {
      this.closed(session, msg.channel);
    }
  }

  /** The channel ended (the app's CloseChannel, an allocation the relay refused). */
  closed(session: string, channel: string): void {
    const k = key(session, channel);
    this.requestedChannels.delete(k);
    if (this.running.delete(k)) this.changed();
  }

  sessionClosed(session: string): void {
    for (const map of [this.requestedChannels, this.running]) for (const [k, v] of map) if (v.session === session) map.delete(k);
    this.changed();
  }

  engineGone(): void {
    this.requestedChannels.clear();
    this.running.clear();
    this.changed();
  }

  /** The running channel, if it runs. */
  get(session: string, channel: string): ChannelInfo | undefined {
    return this.running.get(key(session, channel));
  }

  snapshot(): MediaActivity {
    const a: MediaActivity = { audio: 0, video: 0, sharing: [], watching: 0 };
    for (const c of this.running.values()) {
      if (c.kind === 'audio') a.audio++;
      else if (c.kind === 'video') a.video++;
      else if (c.sends) a.sharing.push({ ...c });
      else a.watching++;
    }
    return a;
  }

  /** Called with the new activity whenever it changes (not on every message). */
  onChange(cb: (a: MediaActivity) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private changed(): void {
    const snap = this.snapshot();
    const s = JSON.stringify(snap);
    if (s === this.last) return;
    this.last = s;
    for (const l of this.listeners) {
      try {
        l(snap);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
