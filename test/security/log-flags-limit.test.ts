/**
 * Issue 12, "Also fix": docs/log-flags.md says masks of more than 16 hex digits are refused, but
 * the parser counted digits only after removing leading zeros, so a 20-digit zero-padded mask was
 * accepted. Now every place a mask arrives (the parser, the settings field, the command line)
 * counts every digit, as the doc says.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseLogFlags, tryParseLogFlags } from '../../common/log-flags';
import { coerceSetting } from '../../common/settings/schema';
import { parseLauncherArgv } from '../../electron/security';

const PADDED_20 = '00000000000856000001';

describe('log-flags-limit: at most 16 hex digits, leading zeros included', () => {
  it('the doc still says so', () => {
    const doc = readFileSync(path.resolve(__dirname, '../../docs/log-flags.md'), 'utf8');
    expect(doc).toMatch(/more than 16 hex\s+digits\) is refused/);
  });

  it('the parser refuses 17 and 20 digits, zero-padded or not, with the reason', () => {
    expect(() => parseLogFlags(PADDED_20)).toThrow(/20 hex digits \(at most 16\)/);
    expect(() => parseLogFlags(`0x${PADDED_20}`)).toThrow(/at most 16/);
    expect(() => parseLogFlags('0'.repeat(17))).toThrow(/at most 16/);
    expect(tryParseLogFlags(PADDED_20).ok).toBe(false);
  });

  it('16 digits (the PBX form) and separators still pass', () => {
    expect(parseLogFlags('0000000856000001')).toBe(0x856000001n);
    expect(parseLogFlags('0x0000_0008_5600_0001')).toBe(0x856000001n);
    expect(parseLogFlags('ffffffffffffffff')).toBe((1n << 64n) - 1n);
  });

  it('the settings field and the command line give the same answer', () => {
    expect(coerceSetting('logFlags', PADDED_20).ok).toBe(false);
    expect(coerceSetting('logFlags', '0000000856000001')).toEqual({ ok: true, value: '0x856000001' });
    const cli = parseLauncherArgv([`--log-flags=${PADDED_20}`]);
    expect(cli.options.logFlags).toBeUndefined();
    expect(cli.ignored[0]?.reason).toMatch(/at most 16/);
  });
});
