import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiRouter } from '../bus';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { NodeSpawner } from '../../native/spawner';
import { buildArgs, buildUrl, isUrlPath, splitTemplate, numberFormats, urlTemplateError, type DialPrefixes } from './substitute';
import { parseExternalAppsJson, validateApps } from './config';
import type { UrlOpener } from './ports';
import { ExternalAppsService } from './service';

const DE: DialPrefixes = { intl: '000', ntl: '00', subs: '0', area: '7031', country: '49' };

describe('splitTemplate', () => {
  const cases: [string, string[]][] = [
    ['test $I', ['test', '$I']],
    ['  a   b ', ['a', 'b']],
    ['"a b" c', ['a b', 'c']],
    ["'$n x' y", ['$n x', 'y']],
    ['--name="$d" --x', ['--name=$d', '--x']],
    ['a\\ b', ['a b']],
    ['"say \\"hi\\""', ['say "hi"']],
    ['""', ['']],
    ['', []],
  ];
  for (const [t, want] of cases) it(JSON.stringify(t), () => expect(splitTemplate(t)).toEqual(want));
  it('refuses unbalanced quotes', () => expect(() => splitTemplate('"abc')).toThrow(/unbalanced/));
});

describe('numberFormats', () => {
  const cases: [string, DialPrefixes, string, string][] = [
    ['007031730090', DE, '07031730090', '+497031730090'],
    ['0004930123456', DE, '030123456', '+4930123456'],
    ['+497031730090', DE, '07031730090', '+497031730090'],
    ['00033123456789', DE, '0033123456789', '+33123456789'],
    ['07031730090', { intl: '00', ntl: '0', country: '49', area: '7031' }, '07031730090', '+497031730090'],
    ['730090', DE, '730090', '730090'],
    ['42', DE, '42', '42'],
    ['bob', DE, 'bob', 'bob'],
    ['007031730090', {}, '007031730090', '007031730090'],
  ];
  for (const [n, p, N, I] of cases) it(`${n}`, () => expect(numberFormats(n, p)).toEqual({ national: N, international: I }));
});

describe('buildArgs', () => {
  const call = { num: '007031730090', dn: 'Bob"; rm -rf ~; "', uri: 'bob@example.com', conf: 'fff79c5bd2115d0109f400903341035b' };
  it('substitutes every variable inside the split arguments', () => {
    expect(buildArgs('call $n $N $I "$d" --uri=$u --conf $c $$n $x', call, DE)).toEqual([
      'call', '007031730090', '07031730090', '+497031730090', 'Bob"; rm -rf ~; "', '--uri=bob@example.com', '--conf', 'fff79c5bd2115d0109f400903341035b', '$n', '$x',
    ]);
  });
  it('a hostile display name stays one argument even unquoted', () => {
    expect(buildArgs('$d', { dn: 'a b $(id) `x` --evil' }, DE)).toEqual(['a b $(id) `x` --evil']);
    expect(buildArgs('$d', { dn: '' }, DE)).toEqual(['']);
  });
  it('call data never becomes an option', () => {
    expect(() => buildArgs('$n', { num: '--inspect=0' }, DE)).toThrow(/option/);
    expect(() => buildArgs('call "$d"', { dn: '-e' }, DE)).toThrow(/option/);
    expect(buildArgs('--name=$d -x $u', { dn: '-e', uri: 'a-b' }, DE)).toEqual(['--name=-e', '-x', 'a-b']);
    expect(() => buildArgs('$d', { dn: '/c calc' }, DE)).toThrow(/option/);
    expect(buildArgs('/name:$d', { dn: '/x' }, DE)).toEqual(['/name:/x']);
    expect(() => buildArgs('$u', { uri: '/home/x' }, DE)).toThrow(/option/);
    for (const dn of ['–Command', '—x', '@file', '+x', '\u2010y', '\u2212']) if (/^[-/@+\p{Pd}]/u.test(dn)) expect(() => buildArgs('$d', { dn }, DE), dn).toThrow(/option/);
    expect(buildArgs('$I', { num: '007031730090' }, DE)).toEqual(['+497031730090']);
  });
});

describe('URL paths', () => {
  it('tells URLs from program paths, Windows drives included', () => {
    expect(isUrlPath('https://crm.example.com/Customer1/$n')).toBe(true);
    expect(isUrlPath('file:///usr/bin/x')).toBe(true);
    expect(isUrlPath('javascript:alert(1)')).toBe(true);
    expect(isUrlPath('C:\\Program Files\\CRM\\crm.exe')).toBe(false);
    expect(isUrlPath('/usr/bin/crm')).toBe(false);
  });
  it('allows variables only after the host, and only http and https', () => {
    expect(urlTemplateError('https://crm.example.com/Customer1/$n')).toBeUndefined();
    expect(urlTemplateError('http://crm.example.com:8080/find?num=$I&name=$d#$c')).toBeUndefined();
    expect(urlTemplateError('https://$d.example.com/')).toMatch(/only in the path, query or fragment/);
    expect(urlTemplateError('https://crm.example.com$n/')).toMatch(/only in the path/);
    expect(urlTemplateError('file:///etc/passwd')).toMatch(/only http and https/);
    expect(urlTemplateError('javascript:alert($n)')).toMatch(/only http and https/);
    expect(urlTemplateError('https://user:pw@crm.example.com/$n')).toMatch(/credentials/);
  });
  it('percent-encodes every value, so a caller cannot change host, path or query', () => {
    const call = { num: '+497031730090', dn: 'Bob "the" O\'Neil & co/../../admin?x=1#y', uri: 'bob@evil.example/x', conf: 'abc' };
    expect(buildUrl('https://crm.example.com/Customer1/$n', call, DE)).toBe('https://crm.example.com/Customer1/%2B497031730090');
    const u = new URL(buildUrl('https://crm.example.com/find/$d?who=$u&intl=$I&n=$N#$c', call, DE));
    expect(u.host).toBe('crm.example.com');
    expect(u.pathname).toBe(`/find/${encodeURIComponent(call.dn)}`);
    expect(decodeURIComponent(u.pathname.slice(6))).toBe(call.dn);
    expect([...u.searchParams.keys()]).toEqual(['who', 'intl', 'n']);
    expect(u.searchParams.get('who')).toBe('bob@evil.example/x');
    expect(u.searchParams.get('intl')).toBe('+497031730090');
    expect(u.hash).toBe('#abc');
    expect(buildUrl('https://crm.example.com/$$n/$x', { num: '1' }, DE)).toBe('https://crm.example.com/$n/$x');
  });
});

describe('parseExternalAppsJson', () => {
  it('reads the MSI JSON, plain or with doubled quotes', () => {
    const plain = '{"externalApps":[{"id":0,"name":"Wireshark","path":"C:\\\\Program Files\\\\Wireshark\\\\Wireshark.exe","param":"test $I"}]}';
    expect(parseExternalAppsJson(plain)).toEqual({ apps: [{ id: 0, name: 'Wireshark', path: 'C:\\Program Files\\Wireshark\\Wireshark.exe', param: 'test $I', startOnAccept: false }], warnings: [] });
    const msi = '"{""externalApps"":[{""id"":0,""name"":""W"",""path"":""/bin/w"",""param"":""$n""}]}"';
    expect(parseExternalAppsJson(msi).apps).toEqual([{ id: 0, name: 'W', path: '/bin/w', param: '$n', startOnAccept: false }]);
  });
  it('reads URL apps and "Start with call acceptance"; drops URLs that cannot be opened safely', () => {
    const r = validateApps([
      { id: 1, name: 'CRM', path: 'https://crm.example.com/Customer1/$n', startOnAccept: true },
      { id: 2, name: 'Host var', path: 'https://$d.example.com/' },
      { id: 3, name: 'File', path: 'file:///etc/passwd' },
      { id: 4, name: 'Params', path: 'https://crm.example.com/$n', param: '--x' },
    ]);
    expect(r.apps).toEqual([
      { id: 1, name: 'CRM', path: 'https://crm.example.com/Customer1/$n', param: '', startOnAccept: true },
      { id: 4, name: 'Params', path: 'https://crm.example.com/$n', param: '--x', startOnAccept: false },
    ]);
    expect(r.warnings).toEqual([
      'external app #1 ignored: variables may stand only in the path, query or fragment of a URL',
      'external app #2 ignored: only http and https URLs can be opened',
      'external app #3: param is not used for a URL (put variables into the URL)',
    ]);
    expect(validateApps(Array.from({ length: 51 }, (_, i) => ({ id: i, name: `a${i}`, path: '/x' }))).apps).toHaveLength(50);
  });
  it('ignores malformed JSON and bad entries with warnings', () => {
    expect(parseExternalAppsJson('{"externalApps":[')).toMatchObject({ apps: [], warnings: [expect.stringMatching(/malformed JSON/)] });
    const r = parseExternalAppsJson('{"externalApps":[{"id":1,"name":"ok","path":"/x"},{"id":2,"path":"/y"},{"id":1,"name":"dup","path":"/z"}]}');
    expect(r.apps.map((a) => a.name)).toEqual(['ok']);
    expect(r.warnings).toHaveLength(2);
    expect(parseExternalAppsJson(undefined)).toEqual({ apps: [], warnings: [] });
  });
});

describe('ExternalAppsService (real processes)', () => {
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

  it('starts a real script with the exact argv, hostile names included, and reports missing programs', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'extapps-'));
    dirs.push(dir);
    const out = path.join(dir, 'argv.json');
    const script = path.join(dir, 'record.sh');
    // the script records its argv as JSON lines via node (no shell expansion of the values)
    writeFileSync(script, `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)));\n`, { mode: 0o755 });
    const router = new ApiRouter(memoryLogger());
    const log = memoryLogger();
    const svc = new ExternalAppsService({
      router, logger: log, spawner: new NodeSpawner(), prefixes: DE,
      apps: [
        { id: 1, name: 'Recorder', path: script, param: '--number $I --name "$d" $u $c' },
        { id: 2, name: 'Missing', path: path.join(dir, 'nope'), param: '$n' },
      ],
    });
    const hostile = 'Bob"; rm -rf ~; " $(touch pwned) `id`';
    // the calls the phone app knows (its model): apps start only for these, with these data
    router.provide('com.innovaphone.phone', 'phone', () => {}, { model: { registered: true, calls: [
      { id: 1, guid: 'abc123', dir: 'i', num: '007031730090', sip: 'bob@example.com', dn: hostile, state: 'Alerting' },
      { id: 2, guid: 'def456', dir: 'o', num: '1', state: 'Dialing' },
    ] } });
    const c = router.consume('com.innovaphone.externalapps');
    const list = await c.request({ mt: 'GetExternalApps' });
    const listed = [{ id: 1, name: 'Recorder', startOnAccept: false }, { id: 2, name: 'Missing', startOnAccept: false }];
    expect(list[0]).toEqual({ mt: 'GetExternalAppsResult', apps: listed });
    expect(c.providers()[svc.providerName]?.model).toEqual({ apps: listed });

    const res = await c.request({ mt: 'StartExternalApp', id: 1, call: { guid: 'abc123', dn: 'not the name the request chooses' } });
    expect(res[0]).toEqual({ mt: 'StartExternalAppResult', started: [1], failed: [], skipped: [] });
    for (let i = 0; i < 100 && !existsSync(out); i++) await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 50 && readFileSync(out, 'utf8') === ''; i++) await new Promise((r) => setTimeout(r, 20));
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(['--number', '+497031730090', '--name', hostile, 'bob@example.com', 'abc123']);
    expect(existsSync(path.join(dir, 'pwned'))).toBe(false);

    const frames: { errorText?: string; msg: Record<string, unknown> }[] = [];
    c.onResult((f) => frames.push(f));
    await c.request({ mt: 'StartExternalApp', id: 2, call: { num: '1' } });
    expect(frames[0]!.msg).toMatchObject({ started: [], failed: [{ id: 2, error: expect.stringMatching(/Missing.*not found/) }] });
    expect(frames[0]!.errorText).toMatch(/not found/);
    expect(log.lines.some((l) => l.level === 'warn' && /not found/.test(l.message))).toBe(true);
    expect(JSON.stringify(log.lines)).not.toContain('Bob');
    svc.close();
  });

  it('starts each app on its event (ring or accept), once per call; URLs go to the browser opener', async () => {
    const opened: string[] = [];
    const opener: UrlOpener = { openExternal: async (u) => { opened.push(u); } };
    const spawned: string[][] = [];
    const spawner = { spawn: async (file: string, args: readonly string[]) => { spawned.push([file, ...args]); return { pid: 1 }; } };
    const log = memoryLogger();
    const svc = new ExternalAppsService({
      router: new ApiRouter(memoryLogger()), logger: log, spawner, opener, prefixes: DE,
      apps: [
        { id: 'ring', name: 'Ring', path: '/bin/ring', param: '$n' },
        { id: 'web', name: 'CRM', path: 'https://crm.example.com/Customer1/$n?name=$d', startOnAccept: true },
      ],
    });
    const call = { num: '007031730090', dn: 'Bob B', conf: 'c1' };
    expect(await svc.start(svc['apps'], call, 'ring')).toEqual({ started: ['ring'], failed: [], skipped: [{ id: 'web', reason: 'starts when the call is accepted' }] });
    expect(await svc.start(svc['apps'], call, 'accept')).toEqual({ started: ['web'], failed: [], skipped: [{ id: 'ring', reason: 'starts when the call rings' }] });
    expect(opened).toEqual(['https://crm.example.com/Customer1/007031730090?name=Bob%20B']);
    expect(spawned).toEqual([['/bin/ring', '007031730090']]);
    // the same call again: nothing starts twice; another call starts again
    expect((await svc.start(svc['apps'], call, 'accept')).skipped).toEqual([{ id: 'ring', reason: 'starts when the call rings' }, { id: 'web', reason: 'already started for this call' }]);
    expect((await svc.start(svc['apps'], { ...call, conf: 'c2' }, 'accept')).started).toEqual(['web']);
    expect(JSON.stringify(log.lines)).not.toContain('007031730090');
    // without an opener a URL app fails clearly; a bad event is refused
    const bare = new ExternalAppsService({ router: new ApiRouter(memoryLogger()), logger: memoryLogger(), spawner, prefixes: DE, apps: [{ id: 1, name: 'CRM', path: 'https://crm.example.com/$n', startOnAccept: true }] });
    expect((await bare.start(bare['apps'], call, 'accept')).failed).toEqual([{ id: 1, error: 'cannot start "CRM": no browser to open URLs on this system' }]);
    const c = bare['opts'].router.consume('com.innovaphone.externalapps');
    const frames: { errorText?: string; msg: Record<string, unknown> }[] = [];
    c.onResult((f) => frames.push(f));
    await c.request({ mt: 'StartExternalApp', event: 'hangup', call });
    expect(frames[0]).toMatchObject({ msg: { started: [], failed: [{ id: null, error: 'event must be "ring" or "accept"' }] }, errorText: 'event must be "ring" or "accept"' });
    svc.close();
    bare.close();
  });

  it('reads prefixes from the com.innovaphone.client model', async () => {
    const router = new ApiRouter(memoryLogger());
    router.provide('com.innovaphone.client', '@client-1', () => {}, { model: { user: { prefix: { intl: '00', ntl: '0', subs: '', area: '7031', country: '49' } } } });
    const svc = new ExternalAppsService({ router, logger: memoryLogger(), spawner: new NodeSpawner(), apps: [] });
    expect(svc.prefixes).toMatchObject({ intl: '00', ntl: '0', country: '49' });
    svc.close();
  });
});
