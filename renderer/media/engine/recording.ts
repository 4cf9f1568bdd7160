/**
 * Recording of one audio channel in the media engine (docs/media-protocol.md, "Recording"): the
 * encoded frames of every sender and receiver pass through an Encoded Transform, are copied as
 * RTP-like packets (direction, payload type, sequence, timestamp, SSRC, base64 payload) and sent
 * to the relay as RecordingData every 250 ms or 100 packets; the relay writes the pcap. Split out
 * of ./engine.ts; ./channel.ts owns one recorder per channel.
 */

/** The part of RTCEncodedAudioFrame the recorder reads. */
interface EncodedFrame {
  readonly timestamp: number;
  data: ArrayBuffer;
  getMetadata(): { payloadType?: number; synchronizationSource?: number; sequenceNumber?: number };
}

type Direction = 'tx' | 'rx';

export class ChannelRecorder {
  private readonly piped = new WeakSet<object>();
  private buf: Record<string, unknown>[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly seq = { tx: 0, rx: 0 };
  private ended = false;

  /**
   * wanted: the channel was allocated with recording (its connection must then be created with
   * encodedInsertableStreams); on: recording now (else paused). send: an event of the channel;
   * payloadType: the payload type to record when a frame carries none.
   */
  constructor(
    readonly wanted: boolean,
    private on: boolean,
    private readonly send: (m: Record<string, unknown>) => void,
    private readonly payloadType: () => number | undefined,
  ) {}

  /** Routes a sender's or receiver's encoded frames through the recorder (recording channels only). */
  pipe(x: RTCRtpSender | RTCRtpReceiver, dir: Direction): void {
    if (!this.wanted || this.piped.has(x)) return;
    const create = (x as unknown as { createEncodedStreams?: () => { readable: ReadableStream; writable: WritableStream } }).createEncodedStreams;
    if (typeof create !== 'function') return;
    this.piped.add(x);
    const { readable, writable } = create.call(x);
    const capture = (frame: EncodedFrame): void => this.record(frame, dir);
    void readable
      .pipeThrough(new TransformStream({ transform: (frame: EncodedFrame, ctl) => { capture(frame); ctl.enqueue(frame); } }))
      .pipeTo(writable)
      .catch(() => undefined);
  }

  /** Pipes every sender and receiver of the connection (before each offer/answer). */
  pipeAll(pc: RTCPeerConnection): void {
    for (const t of pc.getTransceivers()) {
      this.pipe(t.sender, 'tx');
      this.pipe(t.receiver, 'rx');
    }
  }

  /** SetRecording: null, or why the channel cannot record. */
  set(on: boolean): string | null {
    if (!this.wanted) return 'this channel was not allocated with recording';
    this.on = on;
    if (!on) this.flush();
    this.send({ mt: 'RecordingState', state: on ? 'recording' : 'paused' });
    return null;
  }

  /** The channel closes: the last packets, then RecordingEnd. */
  close(): void {
    if (!this.wanted) return;
    this.flush();
    if (this.timer) clearInterval(this.timer);
    this.send({ mt: 'RecordingEnd' });
    this.ended = true;
  }

  private record(frame: EncodedFrame, dir: Direction): void {
    if (!this.on || this.ended) return;
    const meta = frame.getMetadata();
    const bytes = new Uint8Array(frame.data.slice(0));
    let bin = '';
    for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
    this.seq[dir] = (this.seq[dir] + 1) & 0xffff;
    this.buf.push({
      d: dir,
      t: Date.now(),
      pt: meta.payloadType ?? this.payloadType() ?? 0,
      seq: meta.sequenceNumber ?? this.seq[dir],
      ts: frame.timestamp >>> 0,
      ssrc: meta.synchronizationSource ?? 0,
      p: btoa(bin),
    });
    if (!this.timer) this.timer = setInterval(() => this.flush(), 250);
    if (this.buf.length >= 100) this.flush();
  }

  private flush(): void {
    if (this.buf.length === 0) return;
    const packets = this.buf;
    this.buf = [];
    this.send({ mt: 'RecordingData', packets });
  }
}
