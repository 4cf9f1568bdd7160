import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromWebHidCollections, hexBytes, parseReportDescriptor, readBits, usage, writeBits, type WebHidCollectionInfo } from './descriptor';
import { HeadsetDecoder, U, availableLeds, buildLedReports, isHeadsetCandidate } from './telephony';

const load = (name: string) => parseReportDescriptor(hexBytes(readFileSync(join(__dirname, 'fixtures', name), 'utf8')));

describe('report descriptor parsing', () => {
  it('finds collections, report IDs and bit offsets of a Jabra-like descriptor', () => {
    const d = load('jabra-like.hex');
    expect(d.usesReportIds).toBe(true);
    expect(d.applications).toEqual([usage(0x0c, 0x01), U.headset]);
    const hook = d.fields.find((f) => f.usages.includes(U.hookSwitch))!;
    expect(hook).toMatchObject({ type: 'input', reportId: 2, bitOffset: 0, size: 1, count: 2, isArray: false, isRelative: false });
    const mute = d.fields.find((f) => f.usages.includes(U.phoneMute))!;
    expect(mute).toMatchObject({ reportId: 2, bitOffset: 2, count: 3, isRelative: true });
    const ringer = d.fields.find((f) => f.usages.includes(U.ringerOut))!;
    expect(ringer).toMatchObject({ type: 'output', reportId: 2, bitOffset: 4 });
    // volume field of report 1 starts again at bit 0
    expect(d.fields.find((f) => f.usages.includes(usage(0x0c, 0xe9)))).toMatchObject({ reportId: 1, bitOffset: 0 });
  });

  it('handles descriptors without report IDs, and arrays with a logical minimum of 1', () => {
    const e = load('epos-like.hex');
    expect(e.usesReportIds).toBe(false);
    expect(e.fields.filter((f) => f.type === 'input').every((f) => f.reportId === 0)).toBe(true);
    const p = load('poly-like.hex');
    const arr = p.fields.find((f) => f.isArray && f.usages.includes(U.flash))!;
    expect(arr).toMatchObject({ reportId: 3, bitOffset: 16, size: 8, logicalMin: 1, logicalMax: 3 });
    expect(p.fields.find((f) => f.usages.includes(U.hookSwitch))).toMatchObject({ bitOffset: 8 });
  });

  it('refuses truncated and unbalanced descriptors', () => {
    expect(() => parseReportDescriptor(hexBytes('05'))).toThrow(/truncated/);
    expect(() => parseReportDescriptor(hexBytes('05 0B 09 05 A1 01'))).toThrow(/unterminated/);
    expect(() => parseReportDescriptor(hexBytes('C0'))).toThrow(/End Collection/);
    expect(() => parseReportDescriptor(hexBytes('B4'))).toThrow(/Pop without Push/);
  });

  it('reads and writes little-endian bit fields across byte boundaries', () => {
    const b = new Uint8Array(3);
    writeBits(b, 6, 12, 0xabc);
    expect(readBits(b, 6, 12)).toBe(0xabc);
    expect(readBits(b, 0, 6)).toBe(0);
  });
});

describe('headset buttons', () => {
  it('Jabra-like: hook switch on change, mute/flash/redial on the rising edge only', () => {
    const dec = new HeadsetDecoder(load('jabra-like.hex'));
    expect(dec.decode(2, Uint8Array.of(0b000))).toEqual([]); // first report: on hook, nothing to say
    expect(dec.decode(2, Uint8Array.of(0b001))).toEqual(['offhook']);
    expect(dec.decode(2, Uint8Array.of(0b001))).toEqual([]);
    expect(dec.decode(2, Uint8Array.of(0b101))).toEqual(['mute']);
    expect(dec.decode(2, Uint8Array.of(0b001))).toEqual([]); // release
    expect(dec.decode(2, Uint8Array.of(0b1001))).toEqual(['flash']);
    expect(dec.decode(2, Uint8Array.of(0b10000))).toEqual(['onhook', 'redial']);
    expect(dec.decode(1, Uint8Array.of(0b01))).toEqual([]); // volume report: not a hook key
    expect(dec.offHook).toBe(false);
  });

  it('EPOS-like (no report ID): drop is a disconnect key', () => {
    const dec = new HeadsetDecoder(load('epos-like.hex'));
    expect(dec.decode(0, Uint8Array.of(0b0001))).toEqual(['offhook']);
    expect(dec.decode(0, Uint8Array.of(0b1001))).toEqual(['disc']);
    expect(dec.decode(0, Uint8Array.of(0b0000))).toEqual(['onhook']);
  });

  it('Poly-like: array buttons decode by index, 0 means none', () => {
    const dec = new HeadsetDecoder(load('poly-like.hex'));
    expect(dec.decode(3, Uint8Array.of(0xff, 0x01, 0x00))).toEqual(['offhook']);
    expect(dec.decode(3, Uint8Array.of(0xff, 0x01, 0x01))).toEqual(['mute']);
    expect(dec.decode(3, Uint8Array.of(0xff, 0x01, 0x00))).toEqual([]);
    expect(dec.decode(3, Uint8Array.of(0xff, 0x01, 0x02))).toEqual(['flash']);
    expect(dec.decode(5, new Uint8Array(8).fill(0xff))).toEqual([]); // vendor report ignored
  });
});

describe('headset LEDs', () => {
  it('Jabra-like: off-hook + mute + ringer bits in report 2', () => {
    const d = load('jabra-like.hex');
    expect(availableLeds(d)).toEqual(['offHook', 'ring', 'mute', 'hold']);
    const r = buildLedReports(d, { offHook: true, ring: false, mute: true });
    expect(r).toEqual([{ reportId: 2, data: Uint8Array.of(0b0011) }]);
    expect(buildLedReports(d, { offHook: false, ring: true, mute: false })).toEqual([{ reportId: 2, data: Uint8Array.of(0b10100) }]);
  });
  it('EPOS-like: report ID 0, Poly-like: report ID 3', () => {
    expect(buildLedReports(load('epos-like.hex'), { offHook: true, ring: true, mute: false })).toEqual([{ reportId: 0, data: Uint8Array.of(0b011) }]);
    expect(buildLedReports(load('poly-like.hex'), { offHook: false, ring: false, mute: true })).toEqual([{ reportId: 3, data: Uint8Array.of(0b010) }]);
  });
});

describe('device selection and WebHID collections', () => {
  it('accepts listed vendors and any device with the telephony page', () => {
    expect(isHeadsetCandidate(0x0b0e, undefined)).toBe(true);
    expect(isHeadsetCandidate(0x1234, load('epos-like.hex'))).toBe(true);
    expect(isHeadsetCandidate(0x1234, parseReportDescriptor(hexBytes('05 01 09 06 A1 01 C0')))).toBe(false);
  });

  it('builds the same model from WebHID collections as from the raw descriptor', () => {
    // What Chromium's WebHID reports for the EPOS-like descriptor (device.collections).
    const item = (usages: number[], count: number, extra: object = {}) => ({ usages, reportSize: 1, reportCount: count, isAbsolute: true, isArray: false, isConstant: false, isRange: false, logicalMinimum: 0, logicalMaximum: 1, ...extra });
    const collections: WebHidCollectionInfo[] = [{
      usagePage: 0x0b, usage: 0x05, type: 1, children: [],
      inputReports: [{ reportId: 0, items: [item([U.hookSwitch, U.phoneMute, U.flash, U.drop], 4), item([], 4, { isConstant: true })] }],
      outputReports: [{ reportId: 0, items: [item([U.ledOffHook, U.ledRing, U.ledMute], 3), item([], 5, { isConstant: true })] }],
      featureReports: [],
    }];
    const w = fromWebHidCollections(collections);
    const r = load('epos-like.hex');
    const strip = (d: typeof r) => d.fields.filter((f) => !f.isConstant).map(({ type, reportId, bitOffset, size, count, usages }) => ({ type, reportId, bitOffset, size, count, usages }));
    expect(strip(w)).toEqual(strip(r));
    const dec = new HeadsetDecoder(w);
    expect(dec.decode(0, Uint8Array.of(1))).toEqual(['offhook']);
    expect(buildLedReports(w, { offHook: true, ring: false, mute: true })).toEqual([{ reportId: 0, data: Uint8Array.of(0b101) }]);
  });
});
