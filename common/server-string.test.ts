import { describe, expect, it } from 'vitest';
import { parseServerString } from './server-string';

const valid: [input: string, url: string, extra?: Record<string, unknown>][] = [
  // docs/settings.md `server` examples
  ['pbx.example.com', 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm', { origin: 'https://pbx.example.com', module: 'PBX0' }],
  ['pbx.example.com:4444', 'https://pbx.example.com:4444/PBX0/APPCLIENT/appclient.htm', { port: 4444, origin: 'https://pbx.example.com:4444' }],
  ['pbx.example.com/PBX0-1', 'https://pbx.example.com/PBX0-1/APPCLIENT/appclient.htm', { module: 'PBX0-1' }],
  ['pbx.example.com#phys=slave', 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm#phys=slave', { phys: 'slave' }],
  ['slave.example.com:4444/PBX0-1#phys=master', 'https://slave.example.com:4444/PBX0-1/APPCLIENT/appclient.htm#phys=master', { port: 4444, module: 'PBX0-1', phys: 'master' }],
  // normalisation
  ['  PBX.Example.COM  ', 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm', { canonical: 'pbx.example.com' }],
  ['pbx.example.com/', 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm'],
  ['pbx.example.com/PBX0', 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm', { canonical: 'pbx.example.com' }],
  ['pbx.example.com/pbx0-2/', 'https://pbx.example.com/PBX0-2/APPCLIENT/appclient.htm', { module: 'PBX0-2' }],
  ['pbx.example.com/PBX0-007', 'https://pbx.example.com/PBX0-7/APPCLIENT/appclient.htm', { module: 'PBX0-7' }],
  ['pbx.example.com:443', 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm', { origin: 'https://pbx.example.com' }],
  ['pbx.example.com.', 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm', { host: 'pbx.example.com' }],
  ['pbx', 'https://pbx/PBX0/APPCLIENT/appclient.htm'],
  ['my-pbx.example.com:1', 'https://my-pbx.example.com:1/PBX0/APPCLIENT/appclient.htm', { port: 1 }],
  ['pbx.example.com:65535', 'https://pbx.example.com:65535/PBX0/APPCLIENT/appclient.htm'],
  ['bücher.example', 'https://xn--bcher-kva.example/PBX0/APPCLIENT/appclient.htm', { host: 'xn--bcher-kva.example' }],
  ['pbx.example.com#phys=pbx-2.site_a', 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm#phys=pbx-2.site_a'],
  // IPv4
  ['192.0.2.10', 'https://192.0.2.10/PBX0/APPCLIENT/appclient.htm', { host: '192.0.2.10' }],
  ['127.0.0.1:8443/PBX0-3', 'https://127.0.0.1:8443/PBX0-3/APPCLIENT/appclient.htm'],
  // IPv6
  ['[::1]:4444', 'https://[::1]:4444/PBX0/APPCLIENT/appclient.htm', { host: '[::1]', port: 4444 }],
  ['[::1]', 'https://[::1]/PBX0/APPCLIENT/appclient.htm'],
  ['fe80::1', 'https://[fe80::1]/PBX0/APPCLIENT/appclient.htm', { host: '[fe80::1]' }],
  ['2001:DB8:0:0:0:0:0:1', 'https://[2001:db8::1]/PBX0/APPCLIENT/appclient.htm', { canonical: '[2001:db8::1]' }],
  ['[2001:db8::0001]:4444/PBX0-1#phys=x', 'https://[2001:db8::1]:4444/PBX0-1/APPCLIENT/appclient.htm#phys=x'],
  ['2001:db8::1#phys=x', 'https://[2001:db8::1]/PBX0/APPCLIENT/appclient.htm#phys=x'],
];

const invalid: [input: unknown, messagePart: RegExp][] = [
  ['', /Enter the server name/],
  ['   ', /Enter the server name/],
  [undefined, /Enter the server name/],
  ['pbx example.com', /spaces/],
  ['pbx\t.example.com', /spaces/],
  ['https://pbx.example.com', /without a protocol/],
  ['http://pbx.example.com', /without a protocol/],
  ['HTTPS://pbx.example.com/PBX0', /without a protocol/],
  ['ftp://pbx', /without a protocol/],
  ['pbx.example.com:0', /out of range/],
  ['pbx.example.com:65536', /out of range/],
  ['pbx.example.com:99999', /out of range/],
  ['pbx.example.com:123456', /not a port/],
  ['pbx.example.com:abc', /not a port/],
  ['pbx.example.com:', /not a port/],
  ['pbx.example.com:-1', /not a port/],
  ['pbx.example.com/PBX1', /Only "\/PBX0"/],
  ['pbx.example.com/PBX0/APPCLIENT/appclient.htm', /Only "\/PBX0"/],
  ['pbx.example.com/PBX0-', /Only "\/PBX0"/],
  ['pbx.example.com/PBX0-x', /Only "\/PBX0"/],
  ['pbx.example.com/admin', /Only "\/PBX0"/],
  ['pbx.example.com//PBX0', /Only "\/PBX0"/],
  ['pbx.example.com?app=phone', /query/],
  ['pbx.example.com#app=phone', /phys=/],
  ['pbx.example.com#phys=', /physical location/],
  ['pbx.example.com#phys=a b', /spaces/],
  ['pbx.example.com#phys=a/b', /physical location/],
  ['pbx.example.com#phys=<script>', /physical location/],
  ['user@pbx.example.com', /user name/],
  ['pbx..example.com', /not a valid server name/],
  ['-pbx.example.com', /not a valid server name/],
  ['pbx-.example.com', /not a valid server name/],
  ['pbx_1.example.com', /not a valid server name/],
  ['pbx$.example.com', /not a valid server name/],
  ['999.1.1.1', /not a plain IPv4 address: it has a part that is empty or larger than 255/],
  ['1.2.3', /not a plain IPv4 address: it has 3 parts instead of 4 and would mean 1.2.0.3/],
  ['[::1', /closing/],
  ['[::1]x', /Only ":<port>"/],
  ['[zz::1]', /not a valid IPv6/],
  ['[::1]:99999', /out of range/],
  ['fe80::1/PBX0', /IPv6 address with a path in brackets/],
  ['/PBX0', /missing/],
  [':4444', /missing/],
  ['#phys=a', /missing/],
  ['a\\b', /backslash/],
  ['x'.repeat(600), /too long/],
  [`${'a'.repeat(64)}.example.com`, /not a valid server name/],
  ['pbx.example.com\u0000', /control/],
];

describe('parseServerString', () => {
  it.each(valid)('accepts %j', (input, url, extra) => {
    const r = parseServerString(input);
    expect(r).toMatchObject({ ok: true, url });
    if (extra) expect(r).toMatchObject(extra);
    // The canonical form parses to the same URL (round trip).
    if (r.ok) expect(parseServerString(r.canonical)).toMatchObject({ ok: true, url });
  });

  it.each(invalid)('refuses %j', (input, message) => {
    const r = parseServerString(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('never produces anything but an https URL on the PBX0 path', () => {
    for (const [input] of valid) {
      const r = parseServerString(input);
      if (!r.ok) throw new Error(r.error);
      expect(r.url).toMatch(/^https:\/\/[^/]+\/PBX0(-\d+)?\/APPCLIENT\/appclient\.htm(#phys=[\w.-]+)?$/);
    }
  });
});
