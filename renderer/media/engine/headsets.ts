/**
 * The media engine's headsets (docs/media-protocol.md): telephony headsets found through WebHID,
 * their hook buttons sent to every session as HookKey events, their LEDs set from the state apps
 * (or the launcher) ask for; HeadsetAdded/HeadsetRemoved as they come and go. The report
 * descriptors are read by ../hid; this file is the WebHID glue. Split out of ./engine.ts.
 */
import type { EngineConfig, Headset, HookKeyName } from '../../../common/media';
import { HOOK_KEY_CODES } from '../../../common/media';
import { fromWebHidCollections, type WebHidCollectionInfo } from '../hid/descriptor';
import { availableLeds, buildLedReports, HeadsetDecoder, isHeadsetCandidate } from '../hid/telephony';
import type { Emit, Msg, Reply } from './types';

interface HidDeviceLike {
  vendorId: number;
  productId: number;
  productName: string;
  opened: boolean;
  collections: unknown[];
  open(): Promise<void>;
  close(): Promise<void>;
  sendReport(reportId: number, data: BufferSource): Promise<void>;
  addEventListener(type: 'inputreport', cb: (e: { reportId: number; data: DataView }) => void): void;
}
interface HidApi {
  getDevices(): Promise<HidDeviceLike[]>;
  addEventListener(type: 'connect' | 'disconnect', cb: (e: { device: HidDeviceLike }) => void): void;
}

type LedState = { offHook: boolean; ring: boolean; mute: boolean; hold: boolean };

/** The open headsets, keyed by a stable id built from vendor, product and name. */
export class Headsets {
  private readonly handles = new Map<string, HeadsetHandle>();
  private started = false;
  /** Last LED state asked for (by apps or by the launcher from call state). */
  private readonly leds: LedState = { offHook: false, ring: false, mute: false, hold: false };

  constructor(private readonly emit: Emit, private readonly config: () => EngineConfig) {}

  list(): Headset[] {
    return [...this.handles.values()].map((h) => h.info);
  }

  names(): string[] {
    return [...this.handles.values()].map((h) => h.info.name);
  }

  /** QueryHeadsets and SetHeadsetState of the Media protocol. */
  async onRequest(msg: Msg, reply: Reply): Promise<void> {
    switch (msg.mt) {
      case 'QueryHeadsets':
        return reply({ mt: 'Headsets', headsets: this.list(), enabled: !this.config().disableHeadsets && 'hid' in navigator });
      case 'SetHeadsetState':
        return reply({ mt: 'SetHeadsetStateResult', applied: await this.setState(msg) });
    }
  }

  /** Remembers the LED state asked for and writes it to one headset (msg.device) or all; reports written. */
  private async setState(msg: Msg): Promise<number> {
    for (const k of ['offHook', 'ring', 'mute', 'hold'] as const) if (typeof msg[k] === 'boolean') this.leds[k] = msg[k] as boolean;
    let applied = 0;
    for (const h of this.handles.values()) {
      if (msg.device && msg.device !== h.info.id) continue;
      try {
        applied += await h.setLeds(this.leds);
      } catch (err) {
        console.warn('headset LEDs', err);
      }
    }
    return applied;
  }

  async start(): Promise<void> {
    if (this.started || !('hid' in navigator)) return;
    this.started = true;
    const hid = (navigator as unknown as { hid: HidApi }).hid;
    hid.addEventListener('connect', (e) => void this.add(e.device));
    hid.addEventListener('disconnect', (e) => this.remove(e.device));
    for (const d of await hid.getDevices()) await this.add(d);
  }

  stop(): void {
    for (const h of this.handles.values()) void h.close();
    for (const id of [...this.handles.keys()]) {
      this.handles.delete(id);
      this.emit('media', '*', { mt: 'HeadsetRemoved', id });
    }
  }

  private async add(device: HidDeviceLike): Promise<void> {
    if (this.config().disableHeadsets) return;
    const desc = fromWebHidCollections(device.collections as WebHidCollectionInfo[]);
    if (!isHeadsetCandidate(device.vendorId, desc) || !desc.fields.some((f) => f.type === 'input')) return;
    const id = `hid:${device.vendorId.toString(16)}:${device.productId.toString(16)}:${device.productName}`;
    if (this.handles.has(id)) return;
    const h = new HeadsetHandle(id, device, desc, (key) => this.emit('media', '*', { mt: 'HookKey', device: id, key, code: HOOK_KEY_CODES[key] }));
    try {
      await h.open();
    } catch (err) {
      console.warn('headset open failed', err);
      return;
    }
    this.handles.set(id, h);
    this.emit('media', '*', { mt: 'HeadsetAdded', headset: h.info });
  }

  private remove(device: HidDeviceLike): void {
    for (const [id, h] of this.handles) {
      if (h.device === device) {
        this.handles.delete(id);
        this.emit('media', '*', { mt: 'HeadsetRemoved', id });
      }
    }
  }
}

/** One opened headset: decodes its input reports to hook keys, writes its LED reports. */
class HeadsetHandle {
  readonly info: Headset;
  private readonly decoder: HeadsetDecoder;

  constructor(id: string, readonly device: HidDeviceLike, private readonly desc: ReturnType<typeof fromWebHidCollections>, private readonly onKey: (k: HookKeyName) => void) {
    this.decoder = new HeadsetDecoder(desc);
    this.info = { id, name: device.productName, vendorId: device.vendorId, productId: device.productId, leds: availableLeds(desc) };
  }

  async open(): Promise<void> {
    if (!this.device.opened) await this.device.open();
    this.device.addEventListener('inputreport', (e) => {
      const data = new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength);
      for (const k of this.decoder.decode(e.reportId, data)) this.onKey(k);
    });
  }

  async setLeds(state: LedState): Promise<number> {
    let n = 0;
    for (const r of buildLedReports(this.desc, state)) {
      await this.device.sendReport(r.reportId, r.data as Uint8Array<ArrayBuffer>);
      n++;
    }
    return n;
  }

  async close(): Promise<void> {
    if (this.device.opened) await this.device.close();
  }
}
