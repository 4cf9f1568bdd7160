import { describe, expect, it } from 'vitest';
import { notStarted, powershellExe, runProcess, system32, systemRoot } from './process';

describe('runProcess (the one process runner)', () => {
  it('resolves with the exit code and output, without a shell', async () => {
    expect(await runProcess('/bin/sh', ['-c', 'echo out; echo err >&2; exit 3'])).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    expect((await runProcess('/bin/echo', ['$(id); rm -rf /tmp/x'])).stdout).toBe('$(id); rm -rf /tmp/x\n');
  });
  it('kills on timeout and on too much output, and says so', async () => {
    expect(await runProcess('/bin/sleep', ['5'], { timeoutMs: 100 })).toMatchObject({ code: null, killed: expect.stringMatching(/^timeout/) });
    expect(await runProcess('/bin/sh', ['-c', 'head -c 100000 /dev/zero'], { maxBytes: 1000 })).toMatchObject({ killed: 'output too large' });
  });
  it('rejects only when the program cannot start; notStarted turns that into a result', async () => {
    const err = await runProcess('/nonexistent/helper', []).catch((e: Error) => e);
    expect(String(err)).toMatch(/ENOENT/);
    expect(notStarted(err)).toMatchObject({ code: null, stdout: '', stderr: expect.stringMatching(/ENOENT/) });
  });
  it('starts detached programs and returns their pid', async () => {
    const r = await runProcess('/bin/true', [], { detached: true });
    expect(r).toMatchObject({ code: null, stdout: '', stderr: '' });
    expect(r.pid).toBeGreaterThan(0);
  });
});

describe('Windows system programs by absolute path (one SystemRoot rule)', () => {
  it('uses %SystemRoot%, then %windir%, then C:\\Windows', () => {
    expect(systemRoot({ SystemRoot: 'D:\\WIN', windir: 'E:\\W' })).toBe('D:\\WIN');
    expect(systemRoot({ windir: 'E:\\W' })).toBe('E:\\W');
    expect(systemRoot({})).toBe('C:\\Windows');
    expect(system32('reg.exe', { SystemRoot: 'D:\\WIN' })).toBe('D:\\WIN\\System32\\reg.exe');
    expect(powershellExe({})).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  });
});
