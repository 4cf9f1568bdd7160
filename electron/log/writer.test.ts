import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { TraceWriter, createTraceFiles, listTraceFiles, collectLogs, redact, redactData, registerSecret } from './index';
import { TRACE_CATEGORIES, CALL_PROBLEM_FLAGS } from '../../common/log-categories';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-test-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

function readAll(files: string[]): string {
  return files.map((f) => fs.readFileSync(f, 'utf8')).join('');
}

describe('redact', () => {
  it('removes the documented kinds of secrets', () => {
    expect(redact('GET https://pbx/PBX0/APPS/x?user=a&pwd=geheim&x=1')).toBe('GET https://pbx/PBX0/APPS/x?user=a&pwd=***&x=1');
    expect(redact('ws://127.0.0.1:1234/bus?token=abcdef123&v=1')).toBe('ws://127.0.0.1:1234/bus?token=***&v=1');
    expect(redact('open https://pbx/app#pwd=xyz')).toBe('open https://pbx/app#pwd=***');
    expect(redact('Authorization: Bearer eyJhbGciOi.abc')).toBe('Authorization: Bearer ***');
    expect(redact('Proxy-Authorization: Basic dXNlcjpwYXNz')).toBe('Proxy-Authorization: Basic ***');
    expect(redact('{"appclient-password":"s3cr3t","user":"bob"}')).toBe('{"appclient-password":"***","user":"bob"}');
    expect(redact('{"sessionKey": "k1", "password":"p\\"w", "token":12345}')).toBe('{"sessionKey": "***", "password":"***", "token":"***"}');
    expect(redact('login password=hunter2 ok')).toBe('login password=*** ok');
    expect(redact('proxy http://alice:pa55@proxy:3128')).toBe('proxy http://alice:***@proxy:3128');
    expect(redact('nothing secret here, call 123')).toBe('nothing secret here, call 123');
    expect(redact('GET https://h/x?key=abc&sig=def&n=1')).toBe('GET https://h/x?key=***&sig=***&n=1');
    expect(redact('{"apiKey":"x","hotkeyDial":"F8"}')).toBe('{"apiKey":"***","hotkeyDial":"F8"}');
    expect(redact('Signaling: assign key F9 to dial')).toBe('Signaling: assign key F9 to dial');
  });

  it('redacts registered literal secrets (the bus token)', () => {
    const un = registerSecret('Zx9-bus-token-77');
    try {
      expect(redact('client connected with Zx9-bus-token-77 from 127.0.0.1')).toBe('client connected with *** from 127.0.0.1');
    } finally { un(); }
    expect(redact('Zx9-bus-token-77')).toBe('Zx9-bus-token-77');
  });

  it('redactData masks secret-named keys deeply and survives cycles/BigInt', () => {
    const o: Record<string, unknown> = { user: 'bob', password: 'x', nested: { 'appclient-password': 'y', url: 'https://h/?token=t' }, mask: 0x856000001n };
    o.self = o;
    expect(redactData(o)).toEqual({ user: 'bob', password: '***', nested: { 'appclient-password': '***', url: 'https://h/?token=***' }, mask: '0x856000001', self: '[cycle]' });
  });
});

describe('TraceWriter', () => {
  it('writes only enabled categories, always warnings/errors, with ms timestamps, tags and redaction', async () => {
    const w = new TraceWriter({ dir, mask: TRACE_CATEGORIES.App | TRACE_CATEGORIES.Signaling, flushOnExit: false });
    w.trace('App', 'started', { build: '1000' });
    w.trace('Signaling', 'INVITE sip:123 Authorization: Digest abc');
    w.trace('ICE', 'not written');
    w.trace('HTTP client', 'not written either');
    w.warn('careful', { token: 'abc' });
    w.error('boom', { err: new Error('x?pwd=secret') });
    await w.close();
    const files = await listTraceFiles(dir, 'myApps');
    expect(files).toHaveLength(1);
    expect(path.basename(files[0]!)).toMatch(/^myApps-\d{8}-\d{6}-\d{3}\.txt$/);
    const lines = fs.readFileSync(files[0]!, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[(App|Signaling|WARN|ERROR)\] /);
    expect(lines[0]).toContain('[App] started {"build":"1000"}');
    expect(lines[1]).toContain('Authorization: Digest ***');
    expect(lines[2]).toContain('[WARN] careful {"token":"***"}');
    expect(lines[3]).toContain('pwd=***');
    expect(lines.join('\n')).not.toContain('secret');
  });

  it('changes the mask live', async () => {
    const w = new TraceWriter({ dir, mask: 0n, flushOnExit: false });
    w.trace('Audio', 'one');
    w.setMask(CALL_PROBLEM_FLAGS);
    w.trace('Audio', 'two');
    w.trace('Video', 'three');
    w.setMask(0n);
    w.trace('Audio', 'four');
    await w.close();
    const text = readAll(await listTraceFiles(dir, 'myApps'));
    expect(text).not.toContain('one');
    expect(text).toContain('[Audio] two');
    expect(text).not.toContain('three');
    expect(text).not.toContain('four');
  });

  it('files unknown category names under App, tagged with their name', async () => {
    const w = new TraceWriter({ dir, mask: TRACE_CATEGORIES.App, flushOnExit: false });
    w.trace('Hotkeys', 'pressed F9');
    await w.close();
    expect(readAll(await listTraceFiles(dir, 'myApps'))).toContain('[Hotkeys] pressed F9');
  });

  it('rotates at the size cap and keeps a bounded number of files; no line lost or split', async () => {
    const w = new TraceWriter({ dir, mask: TRACE_CATEGORIES.App, maxFileSize: 8192, maxFiles: 3, flushOnExit: false });
    for (let i = 0; i < 2000; i++) {
      w.trace('App', `line ${i} ${'x'.repeat(40)}`);
      if (i % 500 === 499) await w.flush();
    }
    await w.close();
    const files = await listTraceFiles(dir, 'myApps');
    expect(files).toHaveLength(3);
    for (const f of files) expect(fs.statSync(f).size).toBeLessThanOrEqual(8192);
    const lines = readAll(files).trim().split('\n');
    // the newest files hold the last lines, consecutive and complete
    const nums = lines.map((l) => Number(/line (\d+) x{40}$/.exec(l)![1]));
    expect(nums[nums.length - 1]).toBe(1999);
    for (let i = 1; i < nums.length; i++) expect(nums[i]).toBe(nums[i - 1]! + 1);
    expect(w.linesWritten).toBe(2000);
  });

  it('never throws into callers when the folder cannot be written', async () => {
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, 'x');
    const w = new TraceWriter({ dir: path.join(blocker, 'logs'), mask: TRACE_CATEGORIES.App, flushOnExit: false });
    const origWrite = process.stderr.write;
    let complaint = '';
    process.stderr.write = ((s: string) => { complaint += s; return true; }) as typeof process.stderr.write;
    try {
      expect(() => w.trace('App', 'x')).not.toThrow();
      await w.flush();
      w.trace('App', 'y');
      await w.close();
    } finally {
      process.stderr.write = origWrite;
    }
    expect(complaint).toMatch(/trace writer: cannot write/);
  });

  it('bounds the queue and reports dropped lines', async () => {
    const w = new TraceWriter({ dir, mask: TRACE_CATEGORIES.App, maxBufferedBytes: 2000, flushOnExit: false });
    for (let i = 0; i < 200; i++) w.trace('App', `line ${i}`);
    await w.close();
    const text = readAll(await listTraceFiles(dir, 'myApps'));
    expect(text).toMatch(/\[WARN\] \d+ trace lines dropped/);
  });

  it('flushes synchronously on process exit (child process)', () => {
    const script = `
      import { TraceWriter } from ${JSON.stringify(path.resolve(__dirname, 'writer.ts'))};
      const w = new TraceWriter({ dir: process.argv[2], mask: 1n });
      for (let i = 0; i < 100; i++) w.trace('App', 'exit line ' + i);
      process.exit(0);
    `;
    const f = path.join(dir, 'child.mts');
    fs.writeFileSync(f, script);
    execFileSync(process.execPath, ['--import', 'tsx', f, path.join(dir, 'logs')], { cwd: path.resolve(__dirname, '../..'), stdio: 'pipe' });
    const text = fs.readdirSync(path.join(dir, 'logs')).map((n) => fs.readFileSync(path.join(dir, 'logs', n), 'utf8')).join('');
    expect(text.trim().split('\n')).toHaveLength(100);
    expect(text).toContain('exit line 99');
  });
});

describe('createTraceFiles', () => {
  it('applies --log-flags/--log-size, live settings masks and helper files', async () => {
    const t = createTraceFiles({ dir, commandLine: { logSize: 65536 }, settingsMask: 0n, flushOnExit: false });
    expect(t.main.maxFileSize).toBe(65536);
    const hook = t.helper('myAppsHookController');
    const search = t.helper('myAppsOutlookSearch');
    t.main.trace('App', 'off');
    t.setSettingsMask(TRACE_CATEGORIES.App);
    t.main.trace('App', 'main on');
    hook.trace('App', 'hook on');
    search.trace('App', 'search on');
    await t.close();
    expect(readAll(await listTraceFiles(dir, 'myApps'))).toMatch(/Log flags changed: 0x1 = App \(from settings\)[\s\S]*main on/);
    expect(readAll(await listTraceFiles(dir, 'myAppsHookController'))).toContain('hook on');
    expect(readAll(await listTraceFiles(dir, 'myAppsOutlookSearch'))).toContain('search on');

    const t2 = createTraceFiles({ dir: path.join(dir, 'b'), commandLine: { logFlags: 0x1n }, settingsMask: 0n, flushOnExit: false });
    t2.setSettingsMask(0n);
    t2.main.trace('App', 'command line wins');
    await t2.close();
    expect(readAll(await listTraceFiles(path.join(dir, 'b'), 'myApps'))).toContain('command line wins');
  });
});

describe('collectLogs', () => {
  it('zips the trace folder, redacted settings and version info', async () => {
    const logs = path.join(dir, 'logs');
    const t = createTraceFiles({ dir: logs, settingsMask: TRACE_CATEGORIES.App, flushOnExit: false });
    t.main.trace('App', 'hello from the trace');
    t.helper('myAppsHookController').trace('App', 'hook');
    fs.mkdirSync(logs, { recursive: true });
    fs.writeFileSync(path.join(logs, 'native-helper.txt'), 'helper wrote url?pwd=leak\n');
    const r = await collectLogs({
      logsDir: logs, outDir: path.join(dir, 'out'), flush: t.flush,
      settings: { server: { value: 'pbx.example.com', source: 'installer' }, password: { value: 'pw', source: 'user' }, logFlags: { value: '0x1', source: 'pbx-forced' } },
      version: { version: '0.1.0', build: '1000', electron: '45.4.1' },
    });
    await t.close();
    expect(path.basename(r.zipPath)).toMatch(/^myApps-logs-\d{8}-\d{6}-\d{3}\.zip$/);
    expect(r.entries).toEqual(expect.arrayContaining(['settings.json', 'version.json', 'traces/native-helper.txt']));
    expect(r.entries.some((e) => /^traces\/myApps-.*\.txt$/.test(e))).toBe(true);
    expect(r.entries.some((e) => /^traces\/myAppsHookController-.*\.txt$/.test(e))).toBe(true);
    // unzip with the system's python (a real zip reader, not yazl)
    const out = execFileSync('python3', ['-c', `
import zipfile, sys, json
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps({n: z.read(n).decode() for n in z.namelist()}))
`, r.zipPath], { encoding: 'utf8' });
    const files = JSON.parse(out) as Record<string, string>;
    expect(JSON.parse(files['settings.json']!)).toEqual({ server: { value: 'pbx.example.com', source: 'installer' }, password: '***', logFlags: { value: '0x1', source: 'pbx-forced' } });
    expect(JSON.parse(files['version.json']!)).toMatchObject({ version: '0.1.0', build: '1000' });
    expect(files['traces/native-helper.txt']).toBe('helper wrote url?pwd=***\n');
    expect(Object.entries(files).find(([n]) => /^traces\/myApps-/.test(n))![1]).toContain('hello from the trace');
    expect(fs.readdirSync(path.join(dir, 'out'))).toEqual([path.basename(r.zipPath)]);
  });

  it('reports progress: bytes read of all trace files, files done, ending at the total', async () => {
    const logs = path.join(dir, 'big');
    fs.mkdirSync(logs, { recursive: true });
    const sizes = [3_000_000, 1_000_000, 0, 2_500_000];
    sizes.forEach((n, i) => fs.writeFileSync(path.join(logs, `t${i}.bin`), Buffer.alloc(n, i)));
    const seen: { done: number; total: number; files: number; filesTotal: number }[] = [];
    await collectLogs({ logsDir: logs, outDir: path.join(dir, 'out2'), settings: {}, version: {}, onProgress: (p) => seen.push(p), progressIntervalMs: 0 });
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(seen.length).toBeGreaterThan(4);
    expect(seen.every((p) => p.total === total && p.filesTotal === 4 && p.done <= total)).toBe(true);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
    expect(seen.at(-1)).toEqual({ done: total, total, files: 4, filesTotal: 4 });
  });

  it('works with an empty or missing trace folder', async () => {
    const r = await collectLogs({ logsDir: path.join(dir, 'none'), outDir: dir, settings: {}, version: {} });
    expect(r.entries).toEqual(['settings.json', 'version.json']);
    expect(fs.statSync(r.zipPath).size).toBeGreaterThan(0);
  });
});
