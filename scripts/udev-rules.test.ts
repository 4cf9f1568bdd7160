/**
 * build/linux/70-myapps-headsets.rules (shipped in the deb, copied by admins for the AppImage;
 * docs/admin.md "Linux"): parsed as udev reads it, and held against the one list of headset
 * vendors, HEADSET_VENDOR_IDS (electron/security/permissions.ts, what the client lets the PBX open).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEADSET_VENDOR_IDS } from '../electron/security/permissions';

const FILE = path.join(__dirname, '..', 'build', 'linux', '70-myapps-headsets.rules');

interface Token {
  key: string;
  attr?: string;
  op: string;
  value: string;
}

/** One rule per logical line (backslash continuations joined), as `KEY[{attr}] op "value"` pairs. */
function parseUdevRules(text: string): Token[][] {
  const rules: Token[][] = [];
  const logical = text.replace(/\\\n/g, '').split('\n');
  for (const [i, raw] of logical.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const tokens: Token[] = [];
    const re = /\s*([A-Z_]+)(?:\{([^}]+)\})?\s*(==|!=|\+=|-=|:=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;
    let pos = 0;
    while (pos < line.length) {
      re.lastIndex = pos;
      const m = re.exec(line);
      if (!m) throw new Error(`line ${i + 1}: cannot parse at "${line.slice(pos)}"`);
      tokens.push({ key: m[1]!, ...(m[2] ? { attr: m[2] } : {}), op: m[3]!, value: m[4]! });
      pos = re.lastIndex;
    }
    rules.push(tokens);
  }
  return rules;
}

const MATCH_KEYS = new Set(['SUBSYSTEM', 'KERNEL', 'KERNELS', 'ATTRS', 'SUBSYSTEMS', 'ACTION']);

describe('headset udev rules', () => {
  const rules = parseUdevRules(readFileSync(FILE, 'utf8'));
  const vendors = Object.values(HEADSET_VENDOR_IDS).map((v) => v.toString(16).padStart(4, '0'));

  it('has the vendors of the issue (Jabra, EPOS, Poly, Snom, Yealink) in the one list', () => {
    expect(vendors.sort()).toEqual(['047f', '0b0e', '1395', '251c', '6993']);
  });

  it('tags the hidraw node of each headset vendor for the seat user (uaccess), over USB and Bluetooth', () => {
    const usb = new Set<string>();
    const bluetooth = new Set<string>();
    for (const tokens of rules) {
      const get = (key: string, attr?: string) => tokens.filter((t) => t.key === key && t.attr === attr);
      expect(get('SUBSYSTEM')).toEqual([{ key: 'SUBSYSTEM', op: '==', value: 'hidraw' }]);
      expect(get('KERNEL')).toEqual([{ key: 'KERNEL', op: '==', value: 'hidraw*' }]);
      // The only assignment: the uaccess tag (no world-writable MODE, no group).
      const assignments = tokens.filter((t) => t.op !== '==' && t.op !== '!=');
      expect(assignments).toEqual([{ key: 'TAG', op: '+=', value: 'uaccess' }]);
      for (const t of tokens.filter((x) => x.op === '==')) expect(MATCH_KEYS.has(t.key), t.key).toBe(true);
      const vendor = get('ATTRS', 'idVendor')[0];
      const hid = get('KERNELS')[0];
      expect(Boolean(vendor) !== Boolean(hid), 'one vendor match per rule').toBe(true);
      if (vendor) {
        expect(vendor.value).toMatch(/^[0-9a-f]{4}$/); // sysfs prints idVendor in lower-case hex
        usb.add(vendor.value);
      } else {
        const m = /^0005:([0-9A-F]{4}):\*$/.exec(hid!.value); // the kernel names HID devices %04X:%04X:%04X.%04X
        expect(m, hid!.value).not.toBeNull();
        bluetooth.add(m![1]!.toLowerCase());
      }
    }
    expect([...usb].sort()).toEqual([...vendors].sort());
    expect([...bluetooth].sort()).toEqual([...vendors].sort());
    expect(rules).toHaveLength(vendors.length * 2);
  });

  it('sorts before 73-seat-late.rules, where systemd applies uaccess tags', () => {
    expect(path.basename(FILE) < '73-seat-late.rules').toBe(true);
    expect(path.basename(FILE)).toMatch(/\.rules$/);
  });

  it('refuses what udev would not read', () => {
    expect(() => parseUdevRules('SUBSYSTEM=="hidraw" KERNEL=="x"')).toThrow(/cannot parse at "SUBSYSTEM/); // no comma
    expect(() => parseUdevRules('SUBSYSTEM==hidraw')).toThrow(/cannot parse/);
    expect(parseUdevRules('# only a comment\n\nA=="1", \\\n  TAG+="x"\n')).toEqual([[{ key: 'A', op: '==', value: '1' }, { key: 'TAG', op: '+=', value: 'x' }]]);
  });
});
