import { describe, expect, it } from 'vitest';
import {
  classifyOrigin, decideCertificateError, decideDevicePermission, decideExternalLink, decideNavigation, decidePermission,
  decideRedirect, decideWindowOpen, fixedOriginPolicy, isHeadsetHidDevice, parseLauncherArgv, resolveLauncherFile,
  secureWebPreferences, selectHidDevice, userArgs,
} from './index';

const policy = fixedOriginPolicy('https://pbx.example.com:4444/PBX0/APPCLIENT/appclient.htm');
const PBX = 'https://pbx.example.com:4444/PBX0/APPCLIENT/appclient.htm';
const LAUNCHER = 'myapps-launcher://pages/connect.html';

describe('origins', () => {
  it('normalises and classifies', () => {
    expect(classifyOrigin(PBX, policy)).toBe('pbx');
    expect(classifyOrigin('https://pbx.example.com:4444/other', policy)).toBe('pbx');
    expect(classifyOrigin(LAUNCHER, policy)).toBe('launcher');
    expect(classifyOrigin('https://pbx.example.com/PBX0/APPCLIENT/appclient.htm', policy)).toBeNull(); // other port
    expect(classifyOrigin('http://pbx.example.com:4444/', policy)).toBeNull(); // other scheme
    expect(classifyOrigin('https://pbx.example.com.evil.com:4444/', policy)).toBeNull();
    expect(classifyOrigin('myapps-launcher://other/x.html', policy)).toBeNull();
    expect(classifyOrigin(PBX, fixedOriginPolicy(null))).toBeNull();
  });
});

describe('permission table', () => {
  it('grants media, notifications and HID to the PBX origin only', () => {
    for (const p of ['media', 'notifications', 'hid', 'display-capture']) {
      expect(decidePermission(p, PBX, policy).granted).toBe(true);
      expect(decidePermission(p, 'https://evil.example.com/', policy).granted).toBe(false);
      expect(decidePermission(p, LAUNCHER, policy).granted).toBe(false);
    }
    for (const p of ['geolocation', 'openExternal', 'midiSysex', 'usb', 'serial', 'pointerLock', 'clipboard-read', 'unknown']) {
      expect(decidePermission(p, PBX, policy).granted).toBe(false);
    }
    expect(decidePermission('hid', PBX, policy, { disableHeadsets: true })).toEqual({ granted: false, reason: 'headsets disabled (DISABLEHEADSETS)' });
    expect(decidePermission('media', undefined, policy).granted).toBe(false);
    const withEngine = { ...policy, engineOrigins: () => ['http://127.0.0.1:4000'] };
    expect(decidePermission('media', 'http://127.0.0.1:4000/media/engine/#token=x', withEngine).granted).toBe(true);
    expect(decidePermission('hid', 'http://127.0.0.1:4000/', withEngine).granted).toBe(true);
    expect(decidePermission('notifications', 'http://127.0.0.1:4000/', withEngine).granted).toBe(false);
    expect(decidePermission('media', 'http://127.0.0.1:4001/', withEngine).granted).toBe(false);
    expect(classifyOrigin('http://127.0.0.1:4000/', withEngine)).toBeNull(); // never the preload API
    expect(decideDevicePermission('hid', 'http://127.0.0.1:4000', { vendorId: 0x0b0e }, withEngine).granted).toBe(true);
  });
  it('lets the PBX and App Platform origins reach the loopback services (Local Network Access), nothing more for apps', () => {
    const withApps = { ...policy, appOrigins: () => ['https://apps.example.com'] };
    for (const p of ['local-network-access', 'loopback-network', 'local-network']) {
      expect(decidePermission(p, PBX, withApps).granted).toBe(true);
      expect(decidePermission(p, 'https://apps.example.com/app/x.htm', withApps)).toEqual({ granted: true, reason: 'app origin: launcher services' });
      expect(decidePermission(p, 'https://evil.example.com/', withApps).granted).toBe(false);
      expect(decidePermission(p, LAUNCHER, withApps).granted).toBe(false);
    }
    for (const p of ['media', 'hid', 'notifications', 'display-capture']) {
      expect(decidePermission(p, 'https://apps.example.com/', withApps).granted).toBe(false);
    }
  });
  it('filters HID devices to headsets', () => {
    expect(isHeadsetHidDevice({ vendorId: 0x0b0e })).toBe(true); // Jabra
    expect(isHeadsetHidDevice({ vendorId: 0x1395 })).toBe(true); // EPOS
    expect(isHeadsetHidDevice({ vendorId: 0x047f })).toBe(true); // Poly
    expect(isHeadsetHidDevice({ vendorId: 0x251c })).toBe(true); // Snom
    expect(isHeadsetHidDevice({ vendorId: 0x6993 })).toBe(true); // Yealink
    expect(isHeadsetHidDevice({ vendorId: 0x046d, collections: [{ usagePage: 0x0b }] })).toBe(true); // telephony page
    expect(isHeadsetHidDevice({ vendorId: 0x046d, collections: [{ usagePage: 0x01, usage: 6 }] })).toBe(false); // a keyboard
    expect(decideDevicePermission('hid', 'https://pbx.example.com:4444', { vendorId: 0x0b0e }, policy).granted).toBe(true);
    expect(decideDevicePermission('hid', 'https://pbx.example.com:4444', { vendorId: 0x046d }, policy).granted).toBe(false);
    expect(decideDevicePermission('usb', 'https://pbx.example.com:4444', { vendorId: 0x0b0e }, policy).granted).toBe(false);
    expect(decideDevicePermission('hid', 'https://evil.example.com', { vendorId: 0x0b0e }, policy).granted).toBe(false);
    const list = [{ deviceId: 'kbd', vendorId: 0x046d, collections: [{ usagePage: 1 }] }, { deviceId: 'jabra', vendorId: 0x0b0e }];
    expect(selectHidDevice(list, PBX, policy)).toBe('jabra');
    expect(selectHidDevice(list, 'https://evil.example.com/', policy)).toBeUndefined();
    expect(selectHidDevice(list.slice(0, 1), PBX, policy)).toBeUndefined();
  });
});

describe('external links', () => {
  it.each([
    ['https://www.innovaphone.com/de?a=1', 'external'],
    ['http://example.com/', 'external'],
    ['mailto:a@example.com', 'external'],
    ['tel:+4970317300', 'internal'],
    ['sip:zkl@innovaphone.com', 'internal'],
    ['IM:zkl@innovaphone.com', 'internal'],
    ['callto:123', 'internal'],
    ['file:///C:/Windows/System32/calc.exe', 'deny'],
    ['javascript:alert(1)', 'deny'],
    ['data:text/html,<script>1</script>', 'deny'],
    ['vbscript:msgbox', 'deny'],
    ['smb://evil/share', 'deny'],
    ['ms-msdt:/id PCWDiagnostic', 'deny'],
    ['ms-anything:foo', 'deny'],
    ['search-ms:query=x', 'deny'],
    ['ftp://example.com', 'deny'],
    ['steam://run/1', 'deny'],
    ['https://user:pw@example.com/', 'deny'],
    ['https://example.com/\n', 'deny'],
    ['relative/path', 'deny'],
    ['', 'deny'],
  ])('%s -> %s', (url, action) => {
    expect(decideExternalLink(url).action).toBe(action);
  });
  it('re-serialises what goes out', () => {
    expect(decideExternalLink('HTTPS://Example.COM/a b')).toEqual({ action: 'external', url: 'https://example.com/a%20b' });
    expect(decideExternalLink('callto:123')).toEqual({ action: 'internal', url: 'callto:123', scheme: 'tel' });
  });
});

describe('navigation and window.open', () => {
  it('keeps navigation inside the trusted page kind', () => {
    expect(decideNavigation('https://pbx.example.com:4444/PBX0/APPCLIENT/appclient.htm?lang=de', PBX, policy)).toEqual({ action: 'allow' });
    expect(decideNavigation('myapps-launcher://pages/error.html', LAUNCHER, policy)).toEqual({ action: 'allow' });
    expect(decideNavigation(LAUNCHER, PBX, policy).action).toBe('deny');
    expect(decideNavigation(PBX, LAUNCHER, policy).action).toBe('deny');
    expect(decideNavigation('https://www.example.com/', PBX, policy)).toEqual({ action: 'external', url: 'https://www.example.com/' });
    expect(decideNavigation('tel:123', PBX, policy)).toEqual({ action: 'internal', url: 'tel:123', scheme: 'tel' });
    expect(decideNavigation('file:///etc/passwd', PBX, policy).action).toBe('deny');
    expect(decideRedirect('https://pbx.example.com:4444/PBX0/x', policy).action).toBe('allow');
    expect(decideRedirect('https://evil.example.com/', policy).action).toBe('deny');
  });
  it('denies window.open by default', () => {
    expect(decideWindowOpen('https://pbx.example.com:4444/PBX0/APPS/app.htm', PBX, policy)).toEqual({ action: 'popup', url: 'https://pbx.example.com:4444/PBX0/APPS/app.htm' });
    expect(decideWindowOpen('https://pbx.example.com:4444/x', LAUNCHER, policy).action).toBe('deny');
    expect(decideWindowOpen(LAUNCHER, PBX, policy).action).toBe('deny');
    expect(decideWindowOpen('about:blank', PBX, policy).action).toBe('deny');
    expect(decideWindowOpen('https://docs.example.com/', PBX, policy).action).toBe('external');
    expect(decideWindowOpen('javascript:1', PBX, policy).action).toBe('deny');
  });
  it('refuses certificate errors unless pinned', () => {
    expect(decideCertificateError('https://pbx/', 'sha256/abc', []).allow).toBe(false);
    expect(decideCertificateError('https://pbx/', 'sha256/abc', ['sha256/abc']).allow).toBe(true);
    expect(decideCertificateError('https://pbx/', 'sha256/abd', ['sha256/abc']).allow).toBe(false);
  });
});

describe('argv', () => {
  it('takes the first link and stops', () => {
    const r = parseLauncherArgv(['--allow-file-access-from-files', 'tel:4711', '--inspect=9229', 'sip:x@y']);
    expect(r.link).toBe('tel:4711');
    expect(r.options).toEqual({});
    expect(r.ignored.map((i) => i.reason)).toEqual(['not our option', 'after the link', 'after the link']);
  });
  it('never treats link text as an option', () => {
    expect(parseLauncherArgv(['tel:--inspect']).link).toBe('tel:--inspect');
    expect(parseLauncherArgv(['tel:--inspect']).options).toEqual({});
    expect(parseLauncherArgv(['sip:--server=evil']).options).toEqual({});
    expect(parseLauncherArgv(['--', '--server=x', 'tel:1'])).toMatchObject({ link: 'tel:1', options: {} });
    expect(parseLauncherArgv(['--inspect-brk', '--remote-debugging-port=9222', '--js-flags=--x']).options).toEqual({});
  });
  it('parses our options strictly', () => {
    expect(parseLauncherArgv(['--server=pbx.example.com:4444/PBX0-1#phys=master', '--log-size=1048576', '--log-flags=0x856000001', '--hidden']).options)
      .toEqual({ server: 'pbx.example.com:4444/PBX0-1#phys=master', logSize: 1048576, logFlags: 0x856000001n, hidden: true });
    const bad = parseLauncherArgv(['--server=a b', '--server=$(reboot)', '--log-size=12', '--log-size=-1', '--log-flags=zz', '--hidden=1', '-x']);
    expect(bad.options).toEqual({});
    expect(bad.ignored).toHaveLength(7);
    const fp = 'sha256/' + 'A'.repeat(43) + '=';
    expect(parseLauncherArgv([`--trust-certificate=${fp}`]).options.trustCertificates).toEqual([fp]);
    expect(parseLauncherArgv(['--trust-certificate=anything']).options.trustCertificates).toBeUndefined();
    const hex = Array(32).fill('AB').join(':');
    expect(parseLauncherArgv([`--trust-certificate=${hex}`]).options.trustCertificates).toEqual([hex]);
  });
  it('reads --log-flags and --log-size, also with the value as the next argument', () => {
    expect(parseLauncherArgv(['--log-flags=0x856000001', '--log-size=100000000']).options).toEqual({ logFlags: 0x856000001n, logSize: 100000000 });
    expect(parseLauncherArgv(['--log-flags', 'd6800001', '--log-size', '65536']).options).toEqual({ logFlags: 0xd6800001n, logSize: 65536 });
    // the next argument is a value only when it is neither an option nor a link
    expect(parseLauncherArgv(['--log-flags', 'tel:1'])).toMatchObject({ options: {}, link: 'tel:1' });
    const r = parseLauncherArgv(['--log-flags=xyz', '--log-size=big', '--log-size=10', '--log-flags']);
    expect(r.options).toEqual({});
    expect(r.ignored).toEqual([
      { arg: '--log-flags=xyz', reason: expect.stringMatching(/^--log-flags: Invalid log flags "xyz"/), ours: true },
      { arg: '--log-size=big', reason: '--log-size: "big" is not a number of bytes', ours: true },
      { arg: '--log-size=10', reason: expect.stringMatching(/--log-size: 10 is below the minimum/), ours: true },
      { arg: '--log-flags', reason: '--log-flags needs a value', ours: true },
    ]);
  });
  it('refuses links with control characters or too long', () => {
    expect(parseLauncherArgv(['tel:1\n--x']).link).toBeUndefined();
    expect(parseLauncherArgv(['tel:' + '1'.repeat(3000)]).link).toBeUndefined();
    expect(parseLauncherArgv(['C:\\some\\path', 'TEL:1']).link).toBe('TEL:1');
  });
  it('skips exe and app path', () => {
    expect(userArgs(['/opt/myApps/myapps', 'tel:1'], true)).toEqual(['tel:1']);
    expect(userArgs(['/usr/bin/electron', '.', 'tel:1'], false)).toEqual(['tel:1']);
  });
});

describe('launcher pages', () => {
  const root = '/opt/app/dist/renderer';
  it('serves files under the root only', () => {
    expect(resolveLauncherFile(root, 'myapps-launcher://pages/connect.html')).toEqual({ ok: true, file: '/opt/app/dist/renderer/connect.html', contentType: 'text/html; charset=utf-8' });
    expect(resolveLauncherFile(root, 'myapps-launcher://pages/')).toMatchObject({ ok: true, file: '/opt/app/dist/renderer/connect.html' });
    // The URL parser already folds dot segments (also %2e%2e): whatever is left stays under the root.
    for (const u of ['myapps-launcher://pages/../../../etc/x.css', 'myapps-launcher://pages/%2e%2e/%2e%2e/etc/shadow.css', 'myapps-launcher://pages/a/./../../b.js']) {
      const r = resolveLauncherFile(root, u);
      if (r.ok) expect(r.file.startsWith(root + '/')).toBe(true);
    }
    expect(resolveLauncherFile(root, 'myapps-launcher://pages/a%2f..%2f..%2f..%2fetc%2fx.css')).toMatchObject({ ok: false, status: 403 });
    expect(resolveLauncherFile(root, 'myapps-launcher://pages/..%5c..%5cwin.ini')).toMatchObject({ ok: false, status: 403 });
    expect(resolveLauncherFile(root, 'myapps-launcher://pages/x.exe')).toMatchObject({ ok: false, status: 403 });
    expect(resolveLauncherFile(root, 'myapps-launcher://other/connect.html')).toMatchObject({ ok: false, status: 404 });
    expect(resolveLauncherFile(root, 'https://pages/connect.html')).toMatchObject({ ok: false });
  });
});

describe('webPreferences', () => {
  it('are locked down', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: '/p.cjs', webviewTag: false, spellcheck: true });
    expect('preload' in secureWebPreferences(undefined)).toBe(false);
  });
});
