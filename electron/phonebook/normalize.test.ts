import { describe, expect, it } from 'vitest';
import { dialStringKeys, storedNumberKeys, type DialContext } from './normalize';

// The PBX of the Lookup example (docs/phonebook.md): external line 0, so "000" international and
// "00" national, in Sindelfingen (+49 7031).
const DE: DialContext = { prefixIntl: '000', prefixNtl: '00', prefixExt: '0', area: '7031', country: '49' };
// A PBX without an external line prefix.
const DE_NOEXT: DialContext = { prefixIntl: '00', prefixNtl: '0', prefixExt: '', area: '7031', country: '49' };
// New York, line prefix 9: 9011 international, 91 national.
const US: DialContext = { prefixIntl: '9011', prefixNtl: '91', prefixExt: '9', area: '212', country: '1' };
// London, line prefix 9.
const GB: DialContext = { prefixIntl: '900', prefixNtl: '90', prefixExt: '9', area: '20', country: '44' };
// Rome: Italy keeps the leading 0 of the area as part of the number and has no trunk prefix.
const IT: DialContext = { prefixIntl: '000', prefixNtl: '0', prefixExt: '0', area: '', country: '39' };
// Vienna, with the PBX's own subscriber number: extensions are also reachable from outside.
const AT: DialContext = { prefixIntl: '000', prefixNtl: '00', prefixExt: '0', area: '1', country: '43', subscriber: '5551' };

describe('dialStringKeys (PBX dialling form)', () => {
  it.each<[string, DialContext, string[]]>([
    ['0004970311234567', DE, ['+4970311234567']],
    ['0070311234567', DE, ['+4970311234567']],
    ['01234567', DE, ['+4970311234567']],
    ['11111', DE, ['ext:11111']],
    ['+4970311234567', DE, ['+4970311234567']],
    ['000 49 7031 1234567', DE, ['+4970311234567']],
    ['00012125550100', DE, ['+12125550100']],
    ['004970311234567', DE_NOEXT, ['+4970311234567']],
    ['070311234567', DE_NOEXT, ['+4970311234567']],
    ['1234567', DE_NOEXT, ['ext:1234567', '+4970311234567']],
    ['901149703112345', US, ['+49703112345']],
    ['912125550100', US, ['+12125550100']],
    ['95550100', US, ['+12125550100']],
    ['4711', US, ['ext:4711']],
    ['9004930123456', GB, ['+4930123456']],
    ['902079460958', GB, ['+442079460958']],
    ['979460958', GB, ['+442079460958']],
    ['000390612345678', IT, ['+390612345678']],
    ['00612345678', IT, ['+390612345678']],
    ['123', AT, ['ext:123', '+4315551123']],
    ['', DE, []],
    ['abc', DE, []],
  ])('%s in %o', (lookup, ctx, keys) => {
    expect(dialStringKeys(lookup, ctx)).toEqual(keys);
  });
});

describe('storedNumberKeys (numbers as typed into contacts)', () => {
  it.each<[string, DialContext, string]>([
    ['+49 (7031) 123-4567', DE, '+4970311234567'],
    ['07031 1234567', DE, '+4970311234567'],
    ['0049 7031 1234567', DE, '+4970311234567'],
    ['+49 (0)7031 1234567', DE, '+4970311234567'],
    ['+49 (0) 7031 / 123 45 67', DE, '+4970311234567'],
    ['(07031) 123 45-67', DE, '+4970311234567'],
    ['1234567', DE, '+4970311234567'],
    ['0004970311234567', DE, '+4970311234567'],
    ['tel:+49-7031-1234567', DE, '+4970311234567'],
    ['+49 7031 1234567 ext. 12', DE, '+4970311234567'],
    ['11111', DE, 'ext:11111'],
    ['+1 (212) 555-0100', DE, '+12125550100'],
    ['(212) 555-0100', US, '+12125550100'],
    ['1 212 555 0100', US, '+12125550100'],
    ['011 49 7031 1234567', US, '+4970311234567'],
    ['555-0100', US, '+12125550100'],
    ['020 7946 0958', GB, '+442079460958'],
    ['+44 (0)20 7946 0958', GB, '+442079460958'],
    ['06 1234 5678', IT, '+390612345678'],
    ['+39 06 1234 5678', IT, '+390612345678'],
    ['+43 1 5551 123', AT, '+4315551123'],
    ['+49 07031 1234567', DE, '+4970311234567'],
    ['+7 8 495 123-45-67', DE, '+74951234567'],
    ['+7 495 123-45-67', DE, '+74951234567'],
    ['+33 (0)1 23 45 67 89', DE, '+33123456789'],
    ['00 33 1 23 45 67 89', DE, '+33123456789'],
  ])('%s in %o contains %s', (stored, ctx, key) => {
    expect(storedNumberKeys(stored, ctx)).toContain(key);
  });

  it('does not read letters or SIP URIs as numbers', () => {
    expect(storedNumberKeys('john@example.com', DE)).toEqual([]);
    expect(storedNumberKeys('CALL-ME-NOW', DE)).toEqual([]);
  });

  it('matches the Lookup example of the documentation, whatever form the contact holds', () => {
    const dial = dialStringKeys('0004970311234567', DE);
    for (const stored of ['+49 (7031) 123-4567', '07031 1234567', '0049 7031 1234567', '1234567', '0004970311234567']) {
      expect(storedNumberKeys(stored, DE).some((k) => dial.includes(k)), stored).toBe(true);
    }
    // A different number in the same area does not match.
    expect(storedNumberKeys('07031 1234568', DE).some((k) => dial.includes(k))).toBe(false);
    // The same digits in another country do not match.
    expect(storedNumberKeys('+43 7031 1234567', DE).some((k) => dial.includes(k))).toBe(false);
  });

  it('matches an internal extension only with the same extension', () => {
    const dial = dialStringKeys('11111', DE);
    expect(storedNumberKeys('11111', DE).some((k) => dial.includes(k))).toBe(true);
    expect(storedNumberKeys('111112', DE).some((k) => dial.includes(k))).toBe(false);
    expect(storedNumberKeys('+49 7031 11111', DE).some((k) => dial.includes(k))).toBe(false);
  });
});
