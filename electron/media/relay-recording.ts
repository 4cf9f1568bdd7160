/**
 * Recording routing of the media relay (docs/media-protocol.md, "Recording"): an AllocChannel
 * that asks for recording is checked here and its target (URL, credentials, name) kept in the
 * main process — the engine only learns whether to record. The engine's RecordingData and
 * RecordingEnd events are written, per channel one after the other, to the RecordingStore
 * (./recording.ts), and the app hears RecordingState stored / uploaded / failed. Split out of
 * ./relay.ts.
 */
import { MediaErrorCode } from '../../common/media';
import type { Logger } from '../platform';
import { parseRecordingUrl, type RecordingStore, type RecordingTarget } from './recording';
import type { RtpRecord } from './pcap';

type AppMessage = Record<string, unknown> & { mt: string };

/** Sends a message to an app session if it is still open. */
export type ToSession = (session: string, msg: Record<string, unknown>) => void;

export class RecordingRouter {
  /** Recording targets of channels (key session\0channel) and their write chains. */
  private readonly targets = new Map<string, { target: RecordingTarget; name: string; session: string; channel: string }>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly files = new Map<string, { session: string; channel: string }>();

  /** store: where recordings go; without it, AllocChannel.recording is refused. */
  constructor(private readonly store: RecordingStore | undefined, private readonly logger: Logger, private readonly toSession: ToSession) {
    if (store) {
      store.onUploaded = (file) => {
        const where = this.files.get(file);
        this.files.delete(file);
        if (where) toSession(where.session, { mt: 'RecordingState', channel: where.channel, state: 'uploaded', file });
      };
    }
  }

  /**
   * An app's AllocChannel with `recording`: the message to forward to the engine (recording
   * reduced to on/off), or the AllocChannelResult refusing it.
   */
  admit(session: string, msg: AppMessage): { forward: AppMessage } | { refuse: Record<string, unknown> } {
    const r = msg.recording as RecordingTarget & { name?: string; on: boolean };
    let refusal = '';
    if (!this.store) refusal = 'recording is not available';
    else if (msg.kind !== 'audio') refusal = 'only audio channels are recorded';
    else {
      try {
        parseRecordingUrl(r.url);
      } catch (err) {
        refusal = (err as Error).message;
      }
    }
    if (refusal) return { refuse: { mt: 'AllocChannelResult', channel: msg.channel, kind: msg.kind, error: MediaErrorCode.RECORDING_FAILED, errorText: refusal } };
    this.targets.set(recKey(session, String(msg.channel)), {
      target: { url: r.url, ...(r.username ? { username: r.username } : {}), ...(r.password ? { password: r.password } : {}) },
      name: r.name ?? String(msg.channel),
      session,
      channel: String(msg.channel),
    });
    // the engine only needs to know whether to record, never where or with which credentials
    return { forward: { ...msg, recording: { on: r.on } } };
  }

  /** The engine could not allocate the channel: forget its target. */
  allocFailed(session: string, channel: string): void {
    this.targets.delete(recKey(session, channel));
  }

  /** The engine is gone: every recording ends as if the engine had sent RecordingEnd. */
  endAll(): void {
    for (const info of [...this.targets.values()]) this.onEngineEvent(info.session, { mt: 'RecordingEnd', channel: info.channel });
  }

  /** RecordingData / RecordingEnd of the engine, queued per channel. */
  onEngineEvent(session: string, msg: Record<string, unknown>): void {
    const store = this.store;
    const channel = String(msg.channel ?? '');
    const key = recKey(session, channel);
    const info = this.targets.get(key);
    if (!store || !info) return;
    const prev = this.chains.get(key) ?? Promise.resolve();
    const tell = (m: Record<string, unknown>): void => this.toSession(session, { mt: 'RecordingState', channel, ...m });
    const next = prev
      .then(async () => {
        if (msg.mt === 'RecordingData' && Array.isArray(msg.packets)) {
          if (!store.isRecording(key)) await store.begin(key, info.target, info.name);
          store.append(key, (msg.packets as Record<string, unknown>[]).filter((p) => typeof p.p === 'string').map(toRecord));
        } else if (msg.mt === 'RecordingEnd') {
          this.targets.delete(key);
          const done = await store.finish(key);
          if (done) {
            this.files.set(done.file, { session, channel });
            tell({ state: 'stored', file: done.file, packets: done.packets });
          }
        }
      })
      .catch((err: unknown) => {
        this.logger.error('recording failed', { error: String(err) });
        tell({ state: 'failed', errorText: String(err) });
      });
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }
}

const recKey = (session: string, channel: string): string => `${session}\u0000${channel}`;

/** One packet of RecordingData (its payload `p` a base64 string) as a pcap record. */
function toRecord(p: Record<string, unknown>): RtpRecord {
  return { dir: p.d === 'tx' ? 'tx' : 'rx', time: Number(p.t) || Date.now(), pt: Number(p.pt) & 0x7f, seq: Number(p.seq) & 0xffff, ts: Number(p.ts) >>> 0, ssrc: Number(p.ssrc) >>> 0, marker: !!p.m, payload: Buffer.from(p.p as string, 'base64') };
}
