/**
 * native/win/appbar.ps1 cannot run here (no Windows). Checked: its C# compiles as C# 5 (Windows
 * PowerShell 5.1's Add-Type), APPBARDATA has the size SHAppBarMessage expects, and the message
 * sequence against a stand-in shell (a task bar on the left); the Node side's argument arrays,
 * output parsing and errors (native/win/appbar.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EdgeReservationError, type EdgeReservationRequest } from '../../electron/windows';
import { appBarCommand, parseAppBarOutput, releaseArgs, reserveArgs, WindowsAppBarReservation } from './appbar';
import type { ProcessRunner } from '../process';

const script = fs.readFileSync(path.join(__dirname, 'appbar.ps1'), 'utf8');
const hasMono = fs.existsSync('/usr/bin/mcs') && fs.existsSync('/usr/bin/mono');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appbar-cs-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function csharpSource(): string {
  const a = script.indexOf("@'\n");
  const b = script.indexOf("\n'@");
  expect(a).toBeGreaterThan(0);
  expect(b).toBeGreaterThan(a);
  return script.slice(a + 3, b + 1);
}

const hwnd = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};
const D1 = { x: 0, y: 0, width: 1920, height: 1080 };
const D2 = { x: 1920, y: -200, width: 2560, height: 1440 };
const req = (over: Partial<EdgeReservationRequest> = {}): EdgeReservationRequest => ({ window: hwnd(0x1a2b3c), edge: 'right', width: 420, display: D2, displays: [D1, D2], ...over });

describe('native/win/appbar.ps1', () => {
  it.skipIf(!hasMono)('its C# compiles as C# 5; APPBARDATA has the size the shell expects; reserve sends NEW, QUERYPOS, SETPOS and keeps the width past a task bar', () => {
    // The probe replaces SHAppBarMessage by a shell with a 48 px task bar on the left edge.
    const probe = `
public static class Probe {
  const System.Reflection.BindingFlags Any = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static;
  static System.Collections.Generic.List<string> log = new System.Collections.Generic.List<string>();
  static bool registered = false;
  static MyAppsAppBar.APPBARDATA Shell(uint msg, MyAppsAppBar.APPBARDATA d) {
    log.Add(msg + ":" + d.hWnd.ToInt64().ToString("x") + ":" + d.cbSize + ":" + d.uCallbackMessage.ToString("x") + ":" + d.uEdge + ":" + d.rc.left + "," + d.rc.top + "," + d.rc.right + "," + d.rc.bottom);
    if (msg == 0) { d.lParam = registered ? System.IntPtr.Zero : (System.IntPtr)1; registered = true; }
    if (msg == 2 && d.uEdge == 0 && d.rc.left < 48) { int w = d.rc.right - d.rc.left; d.rc.left = 48; d.rc.right = 48 + w - 10; }
    if (msg == 1) registered = false;
    return d;
  }
  public static void Main() {
    typeof(MyAppsAppBar).GetField("Send", Any).SetValue(null, new System.Func<uint, MyAppsAppBar.APPBARDATA, MyAppsAppBar.APPBARDATA>(Shell));
    System.Console.WriteLine(System.IntPtr.Size + " " + System.Runtime.InteropServices.Marshal.SizeOf(typeof(MyAppsAppBar.APPBARDATA)));
    var h = (System.IntPtr)0x1a2b3c;
    System.Console.WriteLine(string.Join(",", MyAppsAppBar.Reserve(h, true, 420, 0, 0, 1920, 1080)));
    System.Console.WriteLine(string.Join(",", MyAppsAppBar.Reserve(h, false, 400, 1920, -200, 4480, 1240)));
    MyAppsAppBar.Release(h);
    System.Console.WriteLine(string.Join(" ", log));
  }
}`;
    const src = path.join(dir, 'appbar.cs');
    fs.writeFileSync(src, csharpSource() + probe);
    const exe = path.join(dir, 'appbar.exe');
    execFileSync('/usr/bin/mcs', ['-langversion:5', '-warnaserror+', `-out:${exe}`, src], { stdio: 'pipe' });
    const [sizes, left, right, log] = execFileSync('/usr/bin/mono', [exe], { encoding: 'utf8' }).trim().split('\n');
    const [ptr, size] = sizes!.split(' ').map(Number);
    expect(size).toBe(ptr === 8 ? 48 : 36);
    // left: the shell moved the strip past its 48 px task bar; our width is kept
    expect(left).toBe('48,0,468,1080,1');
    // right on the second monitor (negative top): already registered -> not new
    expect(right).toBe('4080,-200,4480,1240,0');
    const cb = (0x8000 + 0x4d1).toString(16);
    expect(log!.split(' ')).toEqual([
      `0:1a2b3c:${size}:${cb}:0:0,0,0,0`, // ABM_NEW with the callback message
      `2:1a2b3c:${size}:0:0:0,0,420,1080`, // ABM_QUERYPOS, proposed
      `3:1a2b3c:${size}:0:0:48,0,468,1080`, // ABM_SETPOS, width restored after the shift
      `0:1a2b3c:${size}:${cb}:0:0,0,0,0`,
      `2:1a2b3c:${size}:0:2:4080,-200,4480,1240`,
      `3:1a2b3c:${size}:0:2:4080,-200,4480,1240`,
      `1:1a2b3c:${size}:0:0:0,0,0,0`, // ABM_REMOVE
    ]);
  });

  it('checks its arguments and speaks the protocol of appbar.ts', () => {
    expect(script).toMatch(/param\(\[string\]\$Action = '', \[string\]\$Hwnd = ''/);
    expect(script).toMatch(/\[long\]::TryParse\(\$Hwnd/);
    expect(script).toMatch(/IsWindow\(\$h\)/);
    expect(script).toMatch(/error = 'unavailable'[^\n]*\n\s*exit 3/);
    expect(script).not.toMatch(/Invoke-Expression|iex |Start-Process/i);
  });
});

describe('native/win/appbar.ts', () => {
  it('builds argument arrays (no shell, numbers only)', () => {
    const c = appBarCommand('C:\\Program Files\\myApps\\resources\\native', { SystemRoot: 'D:\\Win' });
    expect(c.file).toBe('D:\\Win\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(c.args).toEqual(['-NoProfile', '-NonInteractive', '-NoLogo', '-ExecutionPolicy', 'Bypass', '-File', 'C:\\Program Files\\myApps\\resources\\native\\win\\appbar.ps1']);
    expect(reserveArgs(req())).toEqual(['reserve', String(0x1a2b3c), 'right', '420', '1920', '-200', '4480', '1240']);
    expect(releaseArgs(hwnd(0x1a2b3c))).toEqual(['release', String(0x1a2b3c)]);
    const four = Buffer.alloc(4);
    four.writeUInt32LE(0x42);
    expect(releaseArgs(four)).toEqual(['release', '66']);
    expect(() => reserveArgs(req({ width: 420.5 }))).toThrow(EdgeReservationError);
    expect(() => reserveArgs(req({ width: 3000 }))).toThrow(/does not fit/);
    expect(() => reserveArgs(req({ edge: 'top' as 'left' }))).toThrow(/left or right/);
    expect(() => reserveArgs(req({ window: Buffer.alloc(8) }))).toThrow(/handle/);
    expect(() => reserveArgs(req({ window: Buffer.alloc(3) }))).toThrow(/3 bytes/);
  });

  it('parses replies', () => {
    expect(parseAppBarOutput('WARNING: x\r\n{"ok":true,"left":48,"top":0,"right":468,"bottom":1080,"new":true}\r\n')).toEqual({ ok: true, rect: { x: 48, y: 0, width: 420, height: 1080 }, fresh: true });
    expect(parseAppBarOutput('{"ok":true}')).toEqual({ ok: true });
    expect(parseAppBarOutput('{"error":"no-window","message":"no window 5"}')).toEqual({ ok: false, code: 'no-window', message: 'no window 5' });
    expect(parseAppBarOutput('{"error":"weird"}')).toMatchObject({ ok: false, code: 'failed' });
    expect(parseAppBarOutput('')).toMatchObject({ ok: false, code: 'bad-output' });
    expect(parseAppBarOutput('Add-Type : boom')).toMatchObject({ ok: false, code: 'bad-output' });
    expect(parseAppBarOutput('{"ok":true,"left":"48"}')).toMatchObject({ ok: false, code: 'bad-output' });
    expect(parseAppBarOutput('[1]')).toMatchObject({ ok: false, code: 'bad-output' });
  });

  it('runs the helper and maps its answers to results and errors', async () => {
    const calls: { file: string; args: readonly string[] }[] = [];
    const answers: { code: number; stdout: string; stderr: string }[] = [];
    const run: ProcessRunner = async (file, args) => {
      calls.push({ file, args });
      return answers.shift() ?? { code: 0, stdout: '{"ok":true}', stderr: '' };
    };
    const r = new WindowsAppBarReservation({ nativeDir: 'C:\\n', env: { SystemRoot: 'C:\\Windows' }, run });
    expect(r.unsupported()).toBeUndefined();
    answers.push({ code: 0, stdout: '{"ok":true,"left":4060,"top":-200,"right":4480,"bottom":1240,"new":true}\n', stderr: '' });
    expect(await r.reserve(req())).toEqual({ x: 4060, y: -200, width: 420, height: 1440 });
    expect(calls[0]!.args.slice(7)).toEqual(['reserve', String(0x1a2b3c), 'right', '420', '1920', '-200', '4480', '1240']);
    answers.push({ code: 2, stdout: '{"error":"no-window","message":"no window 1715004"}\n', stderr: '' });
    await expect(r.reserve(req())).rejects.toMatchObject({ code: 'failed', message: 'no window 1715004' });
    answers.push({ code: 2, stdout: '{"error":"no-window","message":"gone"}\n', stderr: '' });
    await r.release(hwnd(0x1a2b3c)); // gone window: nothing to release
    answers.push({ code: 1, stdout: '', stderr: 'Program blocked by group policy' });
    await expect(r.reserve(req())).rejects.toThrow(/exited with 1: Program blocked by group policy/);
    answers.push({ code: 0, stdout: '{"ok":true}', stderr: '' });
    await expect(r.reserve(req())).rejects.toThrow(/granted rectangle/);
    // Add-Type blocked (Constrained Language Mode): from then on reported as unsupported
    answers.push({ code: 3, stdout: '{"error":"unavailable","message":"Cannot add type. Definition of new types is not supported in this language mode."}', stderr: '' });
    await expect(r.reserve(req())).rejects.toMatchObject({ code: 'unsupported' });
    expect(r.unsupported()).toMatch(/language mode/);
    const n = calls.length;
    await expect(r.reserve(req())).rejects.toMatchObject({ code: 'unsupported' });
    await r.release(hwnd(1));
    expect(calls.length).toBe(n); // not started again
  });

  it('reports a missing powershell.exe as a failure (real execFile)', async () => {
    const r = new WindowsAppBarReservation({ nativeDir: dir, env: { SystemRoot: path.join(dir, 'no-such-windows') } });
    await expect(r.reserve(req())).rejects.toMatchObject({ code: 'failed' });
  });
});
