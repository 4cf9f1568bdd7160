/**
 * HID report descriptors -> report fields (USB HID 1.11 §6.2.2), and the same model built from
 * WebHID's already-parsed `HIDDevice.collections`. Pure code: unit-tested on recorded/handwritten
 * descriptors in Node, used by the engine in Chromium.
 *
 * A field is one Main item (Input/Output/Feature): `count` elements of `size` bits starting at
 * `bitOffset` within the report payload (the report ID byte, when there is one, is not counted).
 * Usages are full 32-bit usages: page << 16 | id.
 */

export type ReportType = 'input' | 'output' | 'feature';

export interface ReportField {
  type: ReportType;
  reportId: number;
  bitOffset: number;
  size: number;
  count: number;
  /** Variable items: usage of element i is usages[min(i, len-1)]. Array items: the usage list (index = value - logicalMin). */
  usages: number[];
  isConstant: boolean;
  isArray: boolean;
  isRelative: boolean;
  logicalMin: number;
  logicalMax: number;
  /** Usage of the top-level application collection the field is in. */
  application: number;
}

export interface ParsedDescriptor {
  /** Top-level application collections (full usages). */
  applications: number[];
  fields: ReportField[];
  /** True when reports carry a report ID byte. */
  usesReportIds: boolean;
}

export const usage = (page: number, id: number): number => ((page & 0xffff) << 16 | (id & 0xffff)) >>> 0;
export const usagePage = (u: number): number => u >>> 16;

interface Globals {
  usagePage: number;
  logicalMin: number;
  logicalMax: number;
  reportSize: number;
  reportCount: number;
  reportId: number;
}

function readUnsigned(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + b[at + i]!;
  return v;
}
function readSigned(b: Uint8Array, at: number, n: number): number {
  const u = readUnsigned(b, at, n);
  if (n === 0) return 0;
  const bits = n * 8;
  return u >= 2 ** (bits - 1) ? u - 2 ** bits : u;
}

/** Parses a raw report descriptor. Throws on truncated items or unbalanced collections. */
export function parseReportDescriptor(bytes: Uint8Array): ParsedDescriptor {
  let g: Globals = { usagePage: 0, logicalMin: 0, logicalMax: 0, reportSize: 0, reportCount: 0, reportId: 0 };
  const stack: Globals[] = [];
  let usages: number[] = [];
  let usageMin: number | undefined;
  let usageMax: number | undefined;
  const collections: number[] = [];
  let application = 0;
  const applications: number[] = [];
  const fields: ReportField[] = [];
  const offsets = new Map<string, number>();
  let usesReportIds = false;

  const full = (v: number, n: number): number => (n === 4 ? v >>> 0 : usage(g.usagePage, v));
  let i = 0;
  while (i < bytes.length) {
    const prefix = bytes[i]!;
    if (prefix === 0xfe) {
      // long item: 0xFE, size, tag, data
      const size = bytes[i + 1];
      if (size === undefined) throw new Error(`truncated long item at ${i}`);
      i += 3 + size;
      continue;
    }
    const n = [0, 1, 2, 4][prefix & 3]!;
    const type = (prefix >> 2) & 3;
    const tag = prefix >> 4;
    if (i + 1 + n > bytes.length) throw new Error(`truncated item 0x${prefix.toString(16)} at ${i}`);
    const u = readUnsigned(bytes, i + 1, n);
    const s = readSigned(bytes, i + 1, n);
    i += 1 + n;
    if (type === 1) {
      switch (tag) {
        case 0x0: g.usagePage = u; break;
        case 0x1: g.logicalMin = s; break;
        case 0x2: g.logicalMax = g.logicalMin >= 0 ? u : s; break;
        case 0x7: g.reportSize = u; break;
        case 0x8: g.reportId = u; usesReportIds = true; break;
        case 0x9: g.reportCount = u; break;
        case 0xa: stack.push({ ...g }); break;
        case 0xb: { const p = stack.pop(); if (!p) throw new Error('Pop without Push'); g = p; break; }
        default: break; // physical min/max, unit, exponent: not needed
      }
    } else if (type === 2) {
      switch (tag) {
        case 0x0: usages.push(full(u, n)); break;
        case 0x1: usageMin = full(u, n); break;
        case 0x2: usageMax = full(u, n); break;
        default: break;
      }
    } else if (type === 0) {
      const clearLocals = (): void => { usages = []; usageMin = undefined; usageMax = undefined; };
      if (tag === 0xa) {
        const cu = usages[0] ?? 0;
        if (collections.length === 0 && u === 1) {
          application = cu;
          applications.push(cu);
        }
        collections.push(cu);
        clearLocals();
      } else if (tag === 0xc) {
        if (collections.pop() === undefined) throw new Error('End Collection without Collection');
        clearLocals();
      } else if (tag === 0x8 || tag === 0x9 || tag === 0xb) {
        const rtype: ReportType = tag === 0x8 ? 'input' : tag === 0x9 ? 'output' : 'feature';
        const key = `${rtype}:${g.reportId}`;
        const bitOffset = offsets.get(key) ?? 0;
        let list = usages.slice();
        if (usageMin !== undefined && usageMax !== undefined) {
          if (usageMax < usageMin || usageMax - usageMin > 0xffff) throw new Error('bad usage range');
          for (let x = usageMin; x <= usageMax; x++) list.push(x >>> 0);
        }
        fields.push({
          type: rtype,
          reportId: g.reportId,
          bitOffset,
          size: g.reportSize,
          count: g.reportCount,
          usages: list,
          isConstant: (u & 1) !== 0,
          isArray: (u & 2) === 0,
          isRelative: (u & 4) !== 0,
          logicalMin: g.logicalMin,
          logicalMax: g.logicalMax,
          application,
        });
        offsets.set(key, bitOffset + g.reportSize * g.reportCount);
        clearLocals();
      }
    }
  }
  if (collections.length) throw new Error('unterminated collection');
  return { applications, fields, usesReportIds };
}

/** Parses a hex dump ("05 0B 09 05 ...", commas and 0x allowed). */
export function hexBytes(text: string): Uint8Array {
  const parts = text.replace(/\/\/.*$/gm, '').replace(/0x/gi, '').split(/[^0-9a-f]+/i).filter(Boolean);
  return Uint8Array.from(parts.map((p) => {
    if (!/^[0-9a-f]{1,2}$/i.test(p)) throw new Error(`bad byte ${p}`);
    return parseInt(p, 16);
  }));
}

// ---- WebHID ---------------------------------------------------------------------------------

/** The subset of WebHID's HIDReportItem / HIDReportInfo / HIDCollectionInfo used here. */
export interface WebHidReportItem {
  isAbsolute?: boolean;
  isArray?: boolean;
  isConstant?: boolean;
  isRange?: boolean;
  usages?: number[];
  usageMinimum?: number;
  usageMaximum?: number;
  reportSize?: number;
  reportCount?: number;
  logicalMinimum?: number;
  logicalMaximum?: number;
}
export interface WebHidReportInfo { reportId?: number; items?: WebHidReportItem[] }
export interface WebHidCollectionInfo {
  usagePage?: number;
  usage?: number;
  type?: number;
  children?: WebHidCollectionInfo[];
  inputReports?: WebHidReportInfo[];
  outputReports?: WebHidReportInfo[];
  featureReports?: WebHidReportInfo[];
}

/** Builds the same model from WebHID's `device.collections` (Chromium has already parsed the descriptor). */
export function fromWebHidCollections(collections: readonly WebHidCollectionInfo[]): ParsedDescriptor {
  const fields: ReportField[] = [];
  const applications: number[] = [];
  const offsets = new Map<string, number>();
  let usesReportIds = false;
  const walk = (c: WebHidCollectionInfo, application: number): void => {
    const kinds: [ReportType, WebHidReportInfo[] | undefined][] = [['input', c.inputReports], ['output', c.outputReports], ['feature', c.featureReports]];
    for (const [type, reports] of kinds) {
      for (const r of reports ?? []) {
        const reportId = r.reportId ?? 0;
        if (reportId) usesReportIds = true;
        for (const it of r.items ?? []) {
          const key = `${type}:${reportId}`;
          const bitOffset = offsets.get(key) ?? 0;
          const size = it.reportSize ?? 0;
          const count = it.reportCount ?? 0;
          let list = (it.usages ?? []).map((u) => u >>> 0);
          if (it.isRange && it.usageMinimum !== undefined && it.usageMaximum !== undefined && list.length === 0) {
            for (let x = it.usageMinimum; x <= it.usageMaximum && list.length < 0x10000; x++) list.push(x >>> 0);
          }
          fields.push({
            type, reportId, bitOffset, size, count, usages: list,
            isConstant: !!it.isConstant, isArray: !!it.isArray, isRelative: it.isAbsolute === false,
            logicalMin: it.logicalMinimum ?? 0, logicalMax: it.logicalMaximum ?? 0, application,
          });
          offsets.set(key, bitOffset + size * count);
        }
      }
    }
    for (const ch of c.children ?? []) walk(ch, application);
  };
  for (const c of collections) {
    const app = usage(c.usagePage ?? 0, c.usage ?? 0);
    applications.push(app);
    walk(c, app);
  }
  return { applications, fields, usesReportIds };
}

// ---- reading and writing values -------------------------------------------------------------

/** Reads `size` bits at `bitOffset` (little-endian bit order, as HID does). */
export function readBits(data: Uint8Array, bitOffset: number, size: number): number {
  let v = 0;
  for (let b = 0; b < size; b++) {
    const bit = bitOffset + b;
    const byte = data[bit >> 3];
    if (byte === undefined) break;
    if ((byte >> (bit & 7)) & 1) v += 2 ** b;
  }
  return v;
}
export function writeBits(data: Uint8Array, bitOffset: number, size: number, value: number): void {
  for (let b = 0; b < size; b++) {
    const bit = bitOffset + b;
    const idx = bit >> 3;
    if (idx >= data.length) return;
    if (Math.floor(value / 2 ** b) % 2) data[idx]! |= 1 << (bit & 7);
    else data[idx]! &= ~(1 << (bit & 7));
  }
}

/** Values of every usage present in an input report payload (report ID byte already removed). */
export function readUsages(desc: ParsedDescriptor, reportId: number, payload: Uint8Array): Map<number, number> {
  const out = new Map<number, number>();
  for (const f of desc.fields) {
    if (f.type !== 'input' || f.reportId !== reportId || f.isConstant || f.usages.length === 0) continue;
    for (let e = 0; e < f.count; e++) {
      let raw = readBits(payload, f.bitOffset + e * f.size, f.size);
      if (f.isArray) {
        // array: each element holds the index of a pressed usage (logicalMin..logicalMax), 0/out of range = none
        const idx = raw - f.logicalMin;
        const u = idx >= 0 && idx < f.usages.length && raw <= f.logicalMax ? f.usages[idx]! : undefined;
        // usage id 0 means "no control pressed"
        if (u !== undefined && (u & 0xffff) !== 0) out.set(u, 1);
        continue;
      }
      if (f.logicalMin < 0 && raw >= 2 ** (f.size - 1)) raw -= 2 ** f.size;
      out.set(f.usages[Math.min(e, f.usages.length - 1)]!, raw);
    }
  }
  return out;
}

/** Output fields (variable, non-constant) that carry a usage, with the element index. */
export function findOutput(desc: ParsedDescriptor, u: number): { field: ReportField; element: number } | undefined {
  for (const field of desc.fields) {
    if (field.type !== 'output' || field.isConstant || field.isArray) continue;
    for (let e = 0; e < field.count; e++) if (field.usages[Math.min(e, field.usages.length - 1)] === u) return { field, element: e };
  }
  return undefined;
}

/** Byte length of a report's payload. */
export function reportLength(desc: ParsedDescriptor, type: ReportType, reportId: number): number {
  let bits = 0;
  for (const f of desc.fields) if (f.type === type && f.reportId === reportId) bits = Math.max(bits, f.bitOffset + f.size * f.count);
  return Math.ceil(bits / 8);
}
