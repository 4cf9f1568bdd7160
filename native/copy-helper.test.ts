import { describe, it, expect, afterEach } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CopyKeystrokeError } from '../electron/hotkeys/ports';
import { CopyHelper, copyHelperCommand, describeHelperExit, keystrokeError, parseHelperLine, MAC_KEYSTROKE_DENIED } from './copy-helper';

const FAKE = path.join(__dirname, 'fixtures', 'fake-copy-helper.mjs');
const helpers: CopyHelper[] = [];
const dirs: string[] = [];
function fake(mode: string, opts: { platform?: NodeJS.Platform; requestTimeoutMs?: number; startTimeoutMs?: number; record?: string } = {}) {
  const h = new CopyHelper({
    command: { file: process.execPath, args: [FAKE, mode, ...(opts.record ? [opts.record] : [])] },
    platform: opts.platform ?? 'darwin',
    requestTimeoutMs: opts.requestTimeoutMs ?? 5000,
    startTimeoutMs: opts.startTimeoutMs ?? 10_000,
  });
  helpers.push(h);
  return h;
}
afterEach(() => {
  helpers.splice(0).forEach((h) => h.close());
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

describe('copy helper command lines', () => {
  it('Windows: fixed PowerShell argument array, script from the app resources', () => {
    const c = copyHelperCommand('win32', 'C:\\Program Files\\myApps\\resources\\native', { SystemRoot: 'D:\\WINDOWS' });
    expect(c).toEqual({
      file: 'D:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      args: ['-NoProfile', '-NonInteractive', '-NoLogo', '-ExecutionPolicy', 'Bypass', '-File', 'C:\\Program Files\\myApps\\resources\\native\\win\\send-copy.ps1'],
    });
    expect(copyHelperCommand('win32', 'C:\\x', {}).file).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  });
  it('macOS: osascript JXA', () => {
    expect(copyHelperCommand('darwin', '/Applications/myApps.app/Contents/Resources/native')).toEqual({
      file: '/usr/bin/osascript',
      args: ['-l', 'JavaScript', '/Applications/myApps.app/Contents/Resources/native/mac/send-copy.js'],
    });
  });
  it('Linux has none (PRIMARY selection instead)', () => {
    expect(() => copyHelperCommand('linux', '/x')).toThrow(/PRIMARY/);
  });
  it('the shipped scripts exist where the command lines point', () => {
    expect(fs.existsSync(path.join(__dirname, 'win', 'send-copy.ps1'))).toBe(true);
    expect(fs.existsSync(path.join(__dirname, 'mac', 'send-copy.js'))).toBe(true);
  });
});

describe('parseHelperLine', () => {
  it.each([
    ['{"ready":true,"version":1,"seq":12}', { kind: 'ready', version: 1, seq: 12 }],
    ['\uFEFF{"seq":4294967295}\r', { kind: 'seq', seq: 4294967295 }],
    ['{"copied":true}', { kind: 'copied' }],
    ['{"error":"permission-denied","message":"not allowed","code":-1743}', { kind: 'error', error: 'permission-denied', message: 'not allowed', code: -1743 }],
    ['{"error":"send-failed","message":"SendInput inserted 0 of 4 events","code":5}', { kind: 'error', error: 'send-failed', message: 'SendInput inserted 0 of 4 events', code: 5 }],
    ['{"error":"weird"}', { kind: 'error', error: 'failed', message: 'weird', code: undefined }],
    ['{"code":1,"message":"x","error":"unavailable"}', { kind: 'error', error: 'unavailable', message: 'x', code: 1 }],
  ])('%s', (line, want) => expect(parseHelperLine(line)).toEqual(want));
  it.each(['', '#< CLIXML', 'not json', '[1]', '{"seq":"7"}', '{"ready":true}', '{broken', 'null', '{"copied":"yes"}'])('noise %j → undefined', (line) => {
    expect(parseHelperLine(line)).toBeUndefined();
  });
});

describe('error words', () => {
  it('macOS permission refusal names System Settings › Accessibility', () => {
    const e = keystrokeError('darwin', { kind: 'error', error: 'permission-denied', message: 'osascript is not allowed to send keystrokes.', code: 1002 });
    expect(e.kind).toBe('permission-denied');
    expect(e.message).toContain(MAC_KEYSTROKE_DENIED);
    expect(e.message).toContain('osascript is not allowed to send keystrokes. (1002)');
  });
  it('Windows send failure', () => {
    const e = keystrokeError('win32', { kind: 'error', error: 'send-failed', message: 'SendInput inserted 0 of 4 events', code: 5 });
    expect(e.kind).toBe('send-failed');
    expect(e.message).toMatch(/Windows did not accept the copy keystroke \(Ctrl\+C\).*SendInput inserted 0 of 4 events \(5\)/);
  });
  it.each([
    [3, null, undefined, 'Add-Type : Cannot add type. Definition of new types is not supported in this language mode.', 'unavailable', /exited with code 3: Add-Type : Cannot add type/],
    [1, null, undefined, 'line1\nline2\nline3\nline4', 'send-failed', /exited with code 1: line2 \| line3 \| line4$/],
    [null, 'SIGKILL', undefined, '', 'send-failed', /was killed \(SIGKILL\)$/],
    [3, null, { kind: 'error', error: 'unavailable', message: 'System Events is not scriptable' }, '', 'unavailable', /stopped: System Events is not scriptable/],
  ] as const)('exit %s %s', (code, signal, last, stderr, kind, msg) => {
    const e = describeHelperExit(code, signal as NodeJS.Signals | null, last as never, stderr);
    expect(e).toBeInstanceOf(CopyKeystrokeError);
    expect(e.kind).toBe(kind);
    expect(e.message).toMatch(msg);
  });
});

describe('CopyHelper with a real child process speaking the protocol', () => {
  it('reads the change counter and sends copy over one long-lived process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'copyhelper-'));
    dirs.push(dir);
    const record = path.join(dir, 'cmds.txt');
    const h = fake('ok', { record });
    await expect(h.changeCount()).resolves.toBe(100);
    await h.sendCopy();
    await expect(h.changeCount()).resolves.toBe(101);
    // concurrent requests are answered in order
    const [a, b] = await Promise.all([h.changeCount(), h.changeCount()]);
    expect([a, b]).toEqual([101, 101]);
    expect(h.stats.starts).toBe(1);
    expect(fs.readFileSync(record, 'utf8')).toBe('seq\ncopy\nseq\nseq\nseq\n');
  });

  it('ignores noise lines before the ready line', async () => {
    const h = fake('noise');
    await expect(h.changeCount()).resolves.toBe(100);
  });

  it('permission refusal → CopyKeystrokeError permission-denied, helper keeps running', async () => {
    const h = fake('deny');
    const e = await h.sendCopy().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CopyKeystrokeError);
    expect((e as CopyKeystrokeError).kind).toBe('permission-denied');
    expect((e as Error).message).toContain('Accessibility');
    await expect(h.changeCount()).resolves.toBe(100);
    expect(h.stats.starts).toBe(1);
  });

  it('helper that cannot work at all (exit 3) → unavailable, not restarted for a while', async () => {
    const h = fake('unavailable', { platform: 'win32' });
    const e = await h.changeCount().catch((x: unknown) => x);
    expect((e as CopyKeystrokeError).kind).toBe('unavailable');
    expect((e as Error).message).toMatch(/Constrained Language Mode/);
    const e2 = await h.sendCopy().catch((x: unknown) => x);
    expect((e2 as CopyKeystrokeError).kind).toBe('unavailable');
    expect(h.stats.starts).toBe(1);
  });

  it('crash during copy → clear error with stderr, restarted on the next request', async () => {
    const h = fake('crash-on-copy');
    await h.changeCount();
    const e = await h.sendCopy().catch((x: unknown) => x);
    expect((e as CopyKeystrokeError).kind).toBe('send-failed');
    expect((e as Error).message).toMatch(/exited with code 1: Exception: something broke/);
    await expect(h.changeCount()).resolves.toBe(100);
    expect(h.stats.starts).toBe(2);
  });

  it('no answer → timeout error, the hung helper is killed and replaced', async () => {
    const h = fake('hang-on-copy', { requestTimeoutMs: 300 });
    const e = await h.sendCopy().catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/did not answer "copy" within 300 ms/);
    await expect(h.changeCount()).resolves.toBe(100);
    expect(h.stats.starts).toBe(2);
  });

  it('helper that never says ready → start timeout', async () => {
    const h = fake('silent', { startTimeoutMs: 300 });
    const e = await h.changeCount().catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/did not answer "start" within 300 ms/);
  });

  it('missing executable → unavailable with the reason', async () => {
    const h = new CopyHelper({ command: { file: '/nonexistent/powershell.exe', args: [] }, platform: 'win32' });
    helpers.push(h);
    const e = await h.sendCopy().catch((x: unknown) => x);
    expect((e as CopyKeystrokeError).kind).toBe('unavailable');
    expect((e as Error).message).toMatch(/cannot start the copy helper \/nonexistent\/powershell.exe: .*ENOENT/);
  });

  it('close ends the process; later requests fail clearly', async () => {
    const h = fake('ok');
    await h.warmUp();
    h.close();
    await expect(h.changeCount()).rejects.toThrow(/closed/);
  });
});
