import { describe, expect, it } from 'vitest';
import {
  parseLogFlags, tryParseLogFlags, formatLogFlags, formatLogFlagsPbx, describeLogFlags, maskOf,
  effectiveLogFlags, LogFlagsError, KNOWN_LOG_FLAGS,
} from './log-flags';
import { CALL_PROBLEM_FLAGS, TRACE_CATEGORIES } from './log-categories';

describe('parseLogFlags', () => {
  it('accepts the documented forms', () => {
    expect(parseLogFlags('0x856000001')).toBe(0x856000001n);
    expect(parseLogFlags('856000001')).toBe(0x856000001n);
    expect(parseLogFlags('0X856000001')).toBe(0x856000001n);
    expect(parseLogFlags('0x280008089')).toBe(0x280008089n);
    expect(parseLogFlags('  0xABCdef  ')).toBe(0xabcdefn);
    expect(parseLogFlags('0x8 5600 0001')).toBe(0x856000001n);
    expect(parseLogFlags('00000000d6800001')).toBe(0xd6800001n); // the PBX's 16 digits
    expect(parseLogFlags('')).toBe(0n);
    expect(parseLogFlags('0')).toBe(0n);
    expect(parseLogFlags(5)).toBe(5n);
    expect(parseLogFlags(0x856000001n)).toBe(0x856000001n);
  });

  it('keeps bits beyond 32 (BigInt, no 32-bit truncation)', () => {
    const m = parseLogFlags('0x800000000');
    expect(m & TRACE_CATEGORIES.Signaling).toBe(TRACE_CATEGORIES.Signaling);
    expect(parseLogFlags('ffffffffffffffff')).toBe((1n << 64n) - 1n);
  });

  it('rejects junk with a clear message', () => {
    expect(() => parseLogFlags('0xZZ')).toThrow(LogFlagsError);
    expect(() => parseLogFlags('0xZZ')).toThrow(/"Z" is not a hexadecimal digit/);
    expect(() => parseLogFlags('0x')).toThrow(/no digits/);
    expect(() => parseLogFlags('-1')).toThrow(/"-" is not a hexadecimal digit/);
    expect(() => parseLogFlags('12345678901234567')).toThrow(/17 hex digits \(at most 16\)/);
    expect(() => parseLogFlags(-1)).toThrow(/non-negative/);
    expect(() => parseLogFlags(1.5)).toThrow(LogFlagsError);
    expect(tryParseLogFlags('app')).toEqual({ ok: false, error: expect.stringMatching(/Invalid log flags "app".*0x856000001/) });
  });

  it('formats back to hex, both forms, round trip', () => {
    expect(formatLogFlags(0x856000001n)).toBe('0x856000001');
    expect(formatLogFlags(0n)).toBe('0x0');
    expect(formatLogFlagsPbx(0x856000001n)).toBe('0000000856000001');
    expect(parseLogFlags(formatLogFlagsPbx(0xd6800001n))).toBe(0xd6800001n);
  });
});

describe('describeLogFlags', () => {
  it('names the recommended mask', () => {
    const d = describeLogFlags(CALL_PROBLEM_FLAGS);
    expect(d.categories).toEqual(['App', 'ICE', 'TURN', 'Audio', 'Browser', 'Signaling']);
    expect(d.unknownBits).toBe(0n);
    expect(d.text).toBe('0x856000001 = App, ICE, TURN, Audio, Browser, Signaling');
  });

  it('keeps and shows unknown bits', () => {
    const d = describeLogFlags(0x100000006n | TRACE_CATEGORIES.DNS);
    expect(d.categories).toEqual(['DNS']);
    expect(d.unknownBits).toBe(0x100000006n);
    expect(d.text).toBe('0x10000000e = DNS, unknown bits 0x100000006');
    expect(describeLogFlags(0n).text).toBe('0x0 = no traces');
  });

  it('has 22 categories and maskOf accepts keys and labels', () => {
    expect(Object.keys(TRACE_CATEGORIES)).toHaveLength(22);
    expect(KNOWN_LOG_FLAGS).toBe(0xEFFE0DC89n);
    expect(maskOf('App', 'browser', 'ICE', 'TURN', 'Signaling', 'Audio')).toBe(CALL_PROBLEM_FLAGS);
    expect(maskOf('HTTP client', 'Browser Console')).toBe(0x400000080n);
    expect(() => maskOf('Nope')).toThrow(/Unknown trace category/);
  });
});

describe('command line and sources', () => {
  it('command line wins over settings', () => {
    expect(effectiveLogFlags({ commandLine: 1n, settings: 8n })).toEqual({ mask: 1n, source: 'command-line' });
    expect(effectiveLogFlags({ settings: 8n })).toEqual({ mask: 8n, source: 'settings' });
    expect(effectiveLogFlags({})).toEqual({ mask: 0n, source: 'default' });
  });
});
