import { describe, it, expect } from 'vitest';
import { parseLink, linkProblem, MAX_LINK_LENGTH } from './links';
import { decideExternalLink } from '../electron/security/links';
import { parseLauncherArgv } from '../electron/security/argv';

describe('parseLink', () => {
  const ok: [string, unknown][] = [
    ['tel:4711', { api: 'com.innovaphone.phone', msg: { mt: 'StartCall', num: '4711', adjust: true } }],
    ['tel:+49%207031%2073009-0', { api: 'com.innovaphone.phone', msg: { mt: 'StartCall', num: '+497031730090', adjust: true } }],
    ['TEL:+1-(212)-555.0100', { api: 'com.innovaphone.phone', msg: { mt: 'StartCall', num: '+12125550100', adjust: true } }],
    ['tel:7042;phone-context=example.com', { api: 'com.innovaphone.phone', msg: { mt: 'StartCall', num: '7042', adjust: true } }],
    ['tel:863-1234;phone-context=+1-914-555', { api: 'com.innovaphone.phone', msg: { mt: 'StartCall', num: '8631234', adjust: true } }],
    ['tel://0703173009', { api: 'com.innovaphone.phone', msg: { mt: 'StartCall', num: '0703173009', adjust: true } }],
    ['tel:*21#', { api: 'com.innovaphone.phone', msg: { mt: 'StartCall', num: '*21#', adjust: true } }],
    ['sip:zkl@innovaphone.com', { api: 'com.innovaphone.phone', msg: { mt: 'StartCall', sip: 'zkl@innovaphone.com', adjust: true } }],
    ['sips:zkl@innovaphone.com;transport=tls?subject=x', { api: 'com.innovaphone.phone', msg: { mt: 'StartCall', sip: 'zkl@innovaphone.com', adjust: true } }],
    ['sip:alice%20b@example.com', undefined],
    ['sip:+15551234;isub=1@gw.example.com;user=phone', { api: 'com.innovaphone.phone', msg: { mt: 'StartCall', sip: '+15551234@gw.example.com', adjust: true } }],
    ['SIP:bob@example.com:5061', { api: 'com.innovaphone.phone', msg: { mt: 'StartCall', sip: 'bob@example.com:5061', adjust: true } }],
    ['im:zkl@innovaphone.com', { api: 'com.innovaphone.chat', msg: { mt: 'StartChat', sip: 'zkl@innovaphone.com' } }],
    ['im:zkl@innovaphone.com?body=hi', { api: 'com.innovaphone.chat', msg: { mt: 'StartChat', sip: 'zkl@innovaphone.com' } }],
    ['callto:+49 7031 73009-0', { api: 'com.innovaphone.phone', msg: { mt: 'StartCall', num: '+497031730090', adjust: true } }],
    ['callto://4711', { api: 'com.innovaphone.phone', msg: { mt: 'StartCall', num: '4711', adjust: true } }],
  ];
  for (const [link, want] of ok) {
    it(`${link}`, () => {
      const r = parseLink(link);
      if (want === undefined) expect(r.ok).toBe(false);
      else expect(r).toMatchObject({ ok: true, request: want });
    });
  }

  const bad = [
    '', 'http://example.com', 'javascript:alert(1)', 'tel:', 'tel:abc', 'tel:--inspect', 'tel:12\n34', 'tel:12%0a34',
    'tel:%zz', 'sip:', 'sip:@host', 'sip:--inspect=9229', 'sip:a b@c', 'sip:"x"@y', 'im:', 'tel:123?x=1', '--inspect', 'mailto:a@b',
    `tel:${'1'.repeat(MAX_LINK_LENGTH)}`, 'sip:a@b\u0000', 'tel:\u202e123', 'sip:x@y`id`', 'sip:$(id)@h',
  ];
  for (const link of bad) {
    it(`refuses ${JSON.stringify(link).slice(0, 40)}`, () => {
      const r = parseLink(link);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
    });
  }
  it('refuses non-strings', () => {
    expect(parseLink(undefined).ok).toBe(false);
    expect(parseLink(42).ok).toBe(false);
  });
});

describe('one rule for every place a link arrives', () => {
  it('command line, pages and the parser refuse the same links for the same reason', () => {
    for (const link of [`tel:${'1'.repeat(MAX_LINK_LENGTH)}`, 'tel:1\u202e2', 'sip:a@b\u0085', 'im:a@b\n--x']) {
      const problem = linkProblem(link);
      expect(problem, link).toBeDefined();
      expect(parseLink(link)).toEqual({ ok: false, error: problem });
      expect(parseLauncherArgv([link]).ignored).toEqual([{ arg: `${link.slice(0, link.indexOf(':'))}:… (${link.length} characters)`, reason: `link ${problem}` }]);
      expect(decideExternalLink(link)).toEqual({ action: 'deny', reason: `link ${problem}` });
    }
    const longest = `tel:${'1'.repeat(MAX_LINK_LENGTH - 4)}`;
    expect(linkProblem(longest)).toBeUndefined();
    expect(parseLauncherArgv([longest]).link).toBe(longest);
    expect(decideExternalLink(longest).action).toBe('internal');
  });
});

describe('parseLauncherArgv (the one command-line parser) for links', () => {
  it('takes the first link argument, never switches', () => {
    expect(parseLauncherArgv(['/usr/bin/myapps', '--no-sandbox', '--', 'tel:123', '--inspect', 'sip:a@b', 'foo'])).toMatchObject({ link: 'tel:123', options: {} });
  });
});

describe('parseLink fuzz', () => {
  it('100k random strings: no crash, nothing switch-like or unsafe accepted', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = ['tel:', 'sip:', 'sips:', 'im:', 'TEL:', '-', '--', '+', '%', '%2d', '%0a', '%00', '%22', '@', ';', '?', '=', ' ', '"', "'", '`', '$', '(', ')', '\\', '\n', '\u0000', '\u202e', '1', '9', 'a', 'Z', '.', '/', ':', '#', '*', 'é', '\ud800', 'inspect', 'remote-debugging-port=1'];
    let accepted = 0;
    for (let i = 0; i < 100_000; i++) {
      let s = i % 3 === 0 ? '' : alphabet[Math.floor(rnd() * 4)]!;
      const len = Math.floor(rnd() * 24);
      for (let j = 0; j < len; j++) s += rnd() < 0.8 ? alphabet[Math.floor(rnd() * alphabet.length)]! : String.fromCharCode(Math.floor(rnd() * 0xffff));
      const r = parseLink(s);
      if (!r.ok) continue;
      accepted++;
      const values = Object.values(r.request.msg).filter((v): v is string => typeof v === 'string' && v !== r.request.msg.mt);
      for (const v of values) {
        expect(v.startsWith('-')).toBe(false);
        // eslint-disable-next-line no-control-regex -- no control character may get through
        expect(/[\u0000-\u001f\u007f\s"`\\]/.test(v)).toBe(false);
        expect(v.length).toBeGreaterThan(0);
      }
    }
    expect(accepted).toBeGreaterThan(100); // the fuzz does reach the accepting paths
  });
});
