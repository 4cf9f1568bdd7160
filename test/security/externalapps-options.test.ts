/**
 * Issue 12, finding 7 (externalapps-options): only a leading ASCII `-` (and `/` on Windows) in
 * call data was refused, so `–Command`, `—x` (PowerShell reads Unicode dashes as parameter
 * prefixes), `@file` (response files) and `+x` reached the program as options. And any bus client
 * could start a configured app at any time with call data it chose.
 *
 * Now a value may not begin an argument with `-`, `/`, `@`, `+` or any `\p{Pd}` (unless the
 * administrator wrote that character in the template; an international number `+49…` is data),
 * and apps start only for calls the phone model knows, with the model's call data. Real bus
 * router, real process (a script that records its argv), real files.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiRouter } from '../../electron/bus';
import { ExternalAppsService } from '../../electron/externalapps';
import { NodeSpawner } from '../../native/spawner';
import { memoryLogger } from '../fixtures/memory-logger';

const DE = { intl: '00', ntl: '0', subs: '', area: '7031', country: '49' };
let dir: string;
let out: string;
let script: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sec-extapps-'));
  out = path.join(dir, 'argv.json');
  script = path.join(dir, 'record');
  writeFileSync(script, `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)));\n`, { mode: 0o755 });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function setup(calls: Record<string, unknown>[], param = '$d') {
  const router = new ApiRouter(memoryLogger());
  const log = memoryLogger();
  const phone = router.provide('com.innovaphone.phone', 'phone', () => {}, { model: { registered: true, calls } });
  const svc = new ExternalAppsService({ router, logger: log, spawner: new NodeSpawner({ cwd: dir }), prefixes: DE, apps: [{ id: 1, name: 'Tool', path: script, param }] });
  // any bus client: here a launcher module of the same router the WebSocket clients reach
  const client = router.consume('com.innovaphone.externalapps');
  const start = async (call: Record<string, unknown>, event = 'ring') => (await client.request({ mt: 'StartExternalApp', id: 1, event, call }))[0]!;
  return { router, log, phone, svc, start };
}

async function recorded(): Promise<string[] | undefined> {
  for (let i = 0; i < 150 && !(existsSync(out) && readFileSync(out, 'utf8')); i++) await new Promise((r) => setTimeout(r, 20));
  return existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) as string[] : undefined;
}

describe('externalapps-options: no option from call data, no start for unknown calls', () => {
  it.each([
    ['en dash', '\u2013Command Get-Process'],
    ['em dash', '\u2014x'],
    ['hyphen', '\u2010x'],
    ['minus-like dash U+2E3A', '\u2e3ax'],
    ['response file', '@/etc/passwd'],
    ['plus', '+x'],
    ['slash', '/c calc'],
    ['ASCII dash', '--inspect=0'],
  ])('a display name starting with %s never reaches the program', async (_what, dn) => {
    const { svc, start } = setup([{ id: 1, guid: 'g1', num: '200', dn, state: 'Alerting' }]);
    const r = await start({ guid: 'g1' });
    expect(r).toMatchObject({ mt: 'StartExternalAppResult', started: [], failed: [{ id: 1, error: expect.stringMatching(/would become an option/) }] });
    await new Promise((res) => setTimeout(res, 200));
    expect(existsSync(out)).toBe(false);
    svc.close();
  });

  it('an international number and a dash the administrator wrote are fine', async () => {
    const { svc, start } = setup([{ id: 1, guid: 'g2', num: '07031730090', dn: '\u2013x', state: 'Connected' }], '$I --name=$d');
    expect(await start({ guid: 'g2' })).toMatchObject({ started: [1], failed: [] });
    expect(await recorded()).toEqual(['+497031730090', '--name=\u2013x']);
    svc.close();
  });

  it('a bus client cannot start an app for a call the phone does not have, or choose its data', async () => {
    const { svc, start, phone, log } = setup([{ id: 7, guid: 'known', num: '201', sip: 'bob@example.com', dn: 'Bob', state: 'Alerting' }], '$n $d $u $c');
    // no such call: refused, nothing runs
    expect(await start({ num: '0900123456', dn: 'x', guid: 'made-up' })).toMatchObject({ started: [], failed: [{ id: 1, error: expect.stringMatching(/no such call in the phone model/) }] });
    expect(await start({ num: '0900123456' })).toMatchObject({ started: [] });
    await new Promise((res) => setTimeout(res, 200));
    expect(existsSync(out)).toBe(false);
    expect(log.lines.some((l) => l.level === 'warn' && /refused/.test(l.message))).toBe(true);
    // a known call: started with the phone model's data, whatever the request says
    expect(await start({ guid: 'known', num: '0900123456', dn: '@evil', sip: 'evil@example.com' })).toMatchObject({ started: [1] });
    expect(await recorded()).toEqual(['201', 'Bob', 'bob@example.com', 'known']);
    // once the call is gone (disconnected), nothing starts for it any more
    rmSync(out);
    phone.setModel({ registered: true, calls: [{ id: 7, guid: 'known', num: '201', state: 'Disconnected' }] });
    svc['startedFor'].clear();
    expect(await start({ guid: 'known' })).toMatchObject({ started: [], failed: [{ error: expect.stringMatching(/no such call/) }] });
    svc.close();
  });
});
