/**
 * Issue 12, "Also fix": server strings that mean another host than they seem to. The WHATWG URL
 * parser reads `010.000.000.005` as 8.0.0.5 (octal), `017.0.0.1` as 15.0.0.1, `0x7f.1` as
 * 127.0.0.1 and `0xc0a80001` as 192.168.0.1; the client connected there. Now any IPv4 address
 * that is not plain dotted decimal is refused, saying why and what it would have meant. And two
 * refusals named the wrong reason: `https:pbx.example.com` ("not a port number") and
 * `host:4444:5555` ("not a valid IPv6 address").
 *
 * The same rule runs in the connect form (bundled common/server-string.ts), the settings field
 * (managed/PBX/user `server`) and `--server=`.
 */
import { describe, expect, it } from 'vitest';
import { parseServerString } from '../../common/server-string';
import { coerceSetting } from '../../common/settings/schema';

const refuse = (input: string) => {
  const r = parseServerString(input);
  expect(r.ok, `${input} must be refused`).toBe(false);
  return r.ok ? '' : r.error;
};

describe('server-string-forms: only plain dotted-decimal IPv4, and the real reason for a refusal', () => {
  it.each([
    ['010.000.000.005', /leading zero.*octal.*8\.0\.0\.5/],
    ['017.0.0.1', /leading zero.*15\.0\.0\.1/],
    ['0x7f.1', /hexadecimal.*127\.0\.0\.1/],
    ['0xc0a80001', /hexadecimal.*192\.168\.0\.1/],
    ['0X7F.0.0.1:4444/PBX0', /hexadecimal.*127\.0\.0\.1/],
    ['127.1', /2 parts instead of 4.*127\.0\.0\.1/],
    ['3232235521', /single number.*192\.168\.0\.1/],
    ['192.168.0.1.', /ends with a dot/],
    ['1.2.3.256', /larger than 255/],
  ])('refuses %s, saying why', (input, why) => {
    const error = refuse(input);
    expect(error).toMatch(/is not a plain IPv4 address/);
    expect(error).toMatch(why);
    expect(error).toMatch(/four decimal numbers 0-255 without leading zeros/);
  });

  it('accepts plain dotted decimal (0 is a number, not a leading zero)', () => {
    for (const ok of ['192.168.0.5', '10.0.0.1:4444', '0.0.0.0', '255.255.255.255/PBX0-1', '100.64.0.10#phys=a']) {
      expect(parseServerString(ok), ok).toMatchObject({ ok: true });
    }
    expect(parseServerString('10.0.0.1')).toMatchObject({ ok: true, host: '10.0.0.1', origin: 'https://10.0.0.1' });
  });

  it('a protocol without "//" is named as such, not as a bad port', () => {
    expect(refuse('https:pbx.example.com')).toMatch(/without a protocol: write pbx\.example\.com, not https:pbx\.example\.com/);
    expect(refuse('http:pbx.example.com:4444')).toMatch(/without a protocol/);
    expect(refuse('https:/pbx.example.com')).toMatch(/without a protocol: write pbx\.example\.com/);
    // a real bad port still says so
    expect(refuse('pbx.example.com:https')).toMatch(/not a port number/);
  });

  it('a name with two ports is named as such, not as a bad IPv6 address', () => {
    expect(refuse('host:4444:5555')).toMatch(/"host:4444:5555" has more than one ":": only one ":<port>" may follow a server name/);
    expect(refuse('pbx.example.com:4444:5555/PBX0')).toMatch(/more than one ":"/);
    expect(refuse('10.0.0.1:80:90')).toMatch(/more than one ":"/);
    // IPv6 stays IPv6
    expect(parseServerString('fe80::1')).toMatchObject({ ok: true, host: '[fe80::1]' });
    expect(parseServerString('::1')).toMatchObject({ ok: true, host: '[::1]' });
    expect(refuse('[zz::1]')).toMatch(/not a valid IPv6 address/);
  });

  it('the settings field refuses the same strings (managed, PBX and user values)', () => {
    for (const s of ['010.000.000.005', '0x7f.1', 'https:pbx.example.com', 'host:4444:5555']) {
      const c = coerceSetting('server', s, true);
      expect(c.ok, s).toBe(false);
    }
  });
});
