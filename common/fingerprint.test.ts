import { describe, expect, it } from 'vitest';
import { normaliseFingerprint } from './fingerprint';

const FP = 'AB:'.repeat(31) + 'AB';

describe('normaliseFingerprint', () => {
  it('reads Electron sha256/base64 fingerprints', () => {
    const b64 = Buffer.from(FP.replace(/:/g, ''), 'hex').toString('base64');
    expect(normaliseFingerprint(`sha256/${b64}`)).toBe(FP);
    expect(normaliseFingerprint('sha256/AAAA')).toBeUndefined();
  });
  it('reads Node\'s colon hex in any case, with or without colons', () => {
    const hex = Array(32).fill('AB').join(':');
    expect(normaliseFingerprint('sha256/' + Buffer.alloc(32, 0xab).toString('base64'))).toBe(hex);
    expect(normaliseFingerprint(hex.toLowerCase())).toBe(hex);
    expect(normaliseFingerprint(hex.replace(/:/g, ''))).toBe(hex);
    expect(normaliseFingerprint('xyz')).toBeUndefined();
  });
});
