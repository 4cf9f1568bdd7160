/**
 * Headset buttons and LEDs on the HID Telephony (0x0B) and LED (0x08) usage pages.
 *
 * Buttons: Hook Switch (0x0B:0x20) is absolute (1 = off hook) and reported on change as
 * `offhook`/`onhook`; Phone Mute (0x2F), Flash (0x21), Redial (0x24), Hold (0x23) and Drop (0x26)
 * are reported on their 0 -> 1 edge. LEDs: Off-Hook (0x08:0x17), Ring (0x18), Mute (0x09),
 * Hold (0x20), Microphone (0x21), plus the Telephony Ringer output (0x0B:0x9E) some headsets use.
 */
import type { HookKeyName } from '../../../common/media';
import { HEADSET_VENDOR_IDS } from '../../../common/media';
import { findOutput, readUsages, reportLength, usage, usagePage, writeBits, type ParsedDescriptor } from './descriptor';

export const TELEPHONY_PAGE = 0x0b;
export const LED_PAGE = 0x08;
export const U = {
  headset: usage(0x0b, 0x05),
  telephonyDevice: usage(0x0b, 0x01),
  hookSwitch: usage(0x0b, 0x20),
  flash: usage(0x0b, 0x21),
  hold: usage(0x0b, 0x23),
  redial: usage(0x0b, 0x24),
  drop: usage(0x0b, 0x26),
  phoneMute: usage(0x0b, 0x2f),
  ringerOut: usage(0x0b, 0x9e),
  ledMute: usage(0x08, 0x09),
  ledOffHook: usage(0x08, 0x17),
  ledRing: usage(0x08, 0x18),
  ledHold: usage(0x08, 0x20),
  ledMicrophone: usage(0x08, 0x21),
} as const;

const EDGE_KEYS: [number, HookKeyName][] = [
  [U.phoneMute, 'mute'],
  [U.flash, 'flash'],
  [U.redial, 'redial'],
  [U.hold, 'hold'],
  [U.drop, 'disc'],
];

/** A device qualifies when it is from a listed headset vendor or exposes the telephony page. */
export function isHeadsetCandidate(vendorId: number, desc: ParsedDescriptor | undefined): boolean {
  const telephony = !!desc && (desc.applications.some((a) => usagePage(a) === TELEPHONY_PAGE) || desc.fields.some((f) => f.usages.some((u) => usagePage(u) === TELEPHONY_PAGE)));
  return telephony || (Object.values(HEADSET_VENDOR_IDS) as number[]).includes(vendorId);
}

/** Which LEDs an output report can drive. */
export function availableLeds(desc: ParsedDescriptor): ('offHook' | 'ring' | 'mute' | 'hold' | 'microphone')[] {
  const out: ('offHook' | 'ring' | 'mute' | 'hold' | 'microphone')[] = [];
  if (findOutput(desc, U.ledOffHook)) out.push('offHook');
  if (findOutput(desc, U.ledRing) || findOutput(desc, U.ringerOut)) out.push('ring');
  if (findOutput(desc, U.ledMute)) out.push('mute');
  if (findOutput(desc, U.ledHold)) out.push('hold');
  if (findOutput(desc, U.ledMicrophone)) out.push('microphone');
  return out;
}

/** Decodes input reports into hook keys; keeps the last value per usage for edge detection. */
export class HeadsetDecoder {
  private readonly last = new Map<number, number>();
  private hook: boolean | undefined;

  constructor(private readonly desc: ParsedDescriptor) {}

  /** `data` is the payload WebHID hands over (without the report ID byte). */
  decode(reportId: number, data: Uint8Array): HookKeyName[] {
    const values = readUsages(this.desc, reportId, data);
    if (values.size === 0) return [];
    const keys: HookKeyName[] = [];
    const hs = values.get(U.hookSwitch);
    if (hs !== undefined) {
      const off = hs !== 0;
      if (this.hook === undefined ? off : off !== this.hook) keys.push(off ? 'offhook' : 'onhook');
      this.hook = off;
    }
    // Array fields only report pressed usages: a usage of this report that is absent reads as 0.
    for (const [u, key] of EDGE_KEYS) {
      const inReport = this.desc.fields.some((f) => f.type === 'input' && f.reportId === reportId && f.usages.includes(u));
      if (!inReport) continue;
      const v = values.get(u) ?? 0;
      const before = this.last.get(u) ?? 0;
      if (v !== 0 && before === 0) keys.push(key);
      this.last.set(u, v);
    }
    return keys;
  }

  /** Current hook state as last reported by the device (undefined before its first report). */
  get offHook(): boolean | undefined {
    return this.hook;
  }
}

export interface LedRequest { offHook: boolean; ring: boolean; mute: boolean; hold?: boolean }

/** Output reports that set the LEDs; one per report ID involved. Payload excludes the report ID. */
export function buildLedReports(desc: ParsedDescriptor, state: LedRequest): { reportId: number; data: Uint8Array }[] {
  const wanted: [number, boolean][] = [
    [U.ledOffHook, state.offHook],
    [U.ledRing, state.ring],
    [U.ringerOut, state.ring],
    [U.ledMute, state.mute],
    [U.ledMicrophone, state.mute],
    [U.ledHold, !!state.hold],
  ];
  const reports = new Map<number, Uint8Array>();
  for (const [u, on] of wanted) {
    const hit = findOutput(desc, u);
    if (!hit) continue;
    const { field, element } = hit;
    let data = reports.get(field.reportId);
    if (!data) {
      data = new Uint8Array(reportLength(desc, 'output', field.reportId));
      reports.set(field.reportId, data);
    }
    const value = on ? Math.max(1, field.logicalMin) : field.logicalMin;
    writeBits(data, field.bitOffset + element * field.size, field.size, value);
  }
  return [...reports].map(([reportId, data]) => ({ reportId, data }));
}
