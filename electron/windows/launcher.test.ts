import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { parseServerString } from '../../common/server-string';
import { createLauncherController, type LauncherControllerOptions } from './launcher';

function make(over: Partial<LauncherControllerOptions> = {}) {
  const loaded: string[] = [];
  const origins: (string | undefined)[] = [];
  let stored = '';
  const logger = memoryLogger();
  const c = createLauncherController({
    logger,
    identity: { name: 'myApps', version: '0.1.0', build: 'b', platform: 'linux', language: 'en' },
    parseServer: parseServerString,
    server: () => stored,
    serverLocked: () => false,
    saveServer: async (s) => { stored = s; },
    setPbxOrigin: (o) => origins.push(o),
    loadMain: (u) => loaded.push(u),
    openSettingsWindow: () => loaded.push('settings-window'),
    appClientConfig: () => undefined,
    ...over,
  });
  const caller = { kind: 'launcher' as const, url: 'myapps-launcher://pages/connect.html', webContentsId: 1 };
  return { c, loaded, origins, logger, caller, stored: () => stored };
}

describe('launcher controller', () => {
  it('starts on the connect form, connects, changes server, retries', async () => {
    const { c, loaded, origins, caller, stored } = make();
    c.start();
    expect(loaded).toEqual(['myapps-launcher://pages/connect.html']);
    expect(origins).toEqual([undefined]);
    expect(await c.handlers.connect!({ server: 'pbx.example.com/PBX0-1#phys=master' }, caller)).toEqual({ ok: true });
    expect(stored()).toBe('pbx.example.com/PBX0-1#phys=master');
    expect(loaded.at(-1)).toBe('https://pbx.example.com/PBX0-1/APPCLIENT/appclient.htm#phys=master');
    expect(c.pbxOrigin()).toBe('https://pbx.example.com');
    expect(await c.handlers.connect!({ server: 'https://x' }, caller)).toMatchObject({ ok: false });
    c.loadFailed({ kind: 'dns', title: 'Server not found', message: 'Check the name', url: 'https://pbx.example.com/PBX0-1/APPCLIENT/appclient.htm' });
    expect(loaded.at(-1)).toBe('myapps-launcher://pages/error.html');
    expect(await c.handlers.getConnectState!({}, caller)).toMatchObject({ server: 'pbx.example.com/PBX0-1#phys=master', error: 'Check the name', failure: { kind: 'dns' } });
    await c.handlers.retry!({}, caller);
    expect(loaded.at(-1)).toBe('https://pbx.example.com/PBX0-1/APPCLIENT/appclient.htm#phys=master');
    await c.handlers.changeServer!({}, { ...caller, kind: 'pbx' });
    expect(loaded.at(-1)).toBe('myapps-launcher://pages/connect.html');
    await c.handlers.openSettings!({}, caller);
    expect(loaded.at(-1)).toBe('settings-window');
    await expect(Promise.resolve().then(() => c.handlers.getConfig!({}, caller))).rejects.toThrow(/not running/);
  });
  it('a stored server loads the web client at once; a broken one shows the form with the reason', () => {
    const a = make({ server: () => 'pbx.example.com:4444' });
    a.c.start();
    expect(a.loaded).toEqual(['https://pbx.example.com:4444/PBX0/APPCLIENT/appclient.htm']);
    const b = make({ server: () => 'http://pbx' });
    b.c.start();
    expect(b.loaded).toEqual(['myapps-launcher://pages/connect.html']);
    expect(b.logger.lines.some((l) => l.level === 'warn')).toBe(true);
  });
  it('a preset (locked) server cannot be replaced from the form', async () => {
    const { c, caller } = make({ server: () => 'pbx.example.com', serverLocked: () => true });
    expect(await c.handlers.connect!({ server: 'evil.example.com' }, caller)).toEqual({ ok: false, error: 'The server is preset by your administrator.' });
    expect(await c.handlers.connect!({ server: 'pbx.example.com' }, caller)).toEqual({ ok: true });
  });
  it('trusts only the certificate that was presented', async () => {
    const pins: string[] = [];
    const { c, caller, loaded } = make({ server: () => 'pbx.example.com', pinCertificate: async (o, f) => void pins.push(`${o} ${f}`) });
    c.start();
    const fp = Array(32).fill('AA').join(':');
    expect(await c.handlers.trustCertificate!({ origin: 'https://pbx.example.com', fingerprint256: fp }, caller)).toMatchObject({ ok: false });
    c.loadFailed({ kind: 'certificate', title: 't', message: 'm', url: 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm', certificate: { fingerprint256: fp } });
    expect(await c.handlers.trustCertificate!({ origin: 'https://evil.example.com', fingerprint256: fp }, caller)).toMatchObject({ ok: false });
    expect(await c.handlers.trustCertificate!({ origin: 'https://pbx.example.com', fingerprint256: Array(32).fill('BB').join(':') }, caller)).toMatchObject({ ok: false });
    expect(pins).toEqual([]);
    expect(await c.handlers.trustCertificate!({ origin: 'https://pbx.example.com', fingerprint256: fp.toLowerCase() }, caller)).toEqual({ ok: true });
    expect(pins).toEqual([`https://pbx.example.com ${fp}`]);
    expect(loaded.at(-1)).toBe('https://pbx.example.com/PBX0/APPCLIENT/appclient.htm');
  });
});
