/**
 * native/win/send-copy.ps1 cannot run here (no Windows). What can be checked: its C# P/Invoke
 * source compiles as C# 5 (what Windows PowerShell 5.1's Add-Type uses) and the INPUT structure
 * has the size SendInput demands (a wrong cbSize makes SendInput fail with ERROR_INVALID_PARAMETER).
 * Compiled with Mono's mcs (Debian mono-mcs, in test/e2e/harness/system-packages.ts).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const script = fs.readFileSync(path.join(__dirname, 'send-copy.ps1'), 'utf8');
const hasMono = fs.existsSync('/usr/bin/mcs') && fs.existsSync('/usr/bin/mono');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'send-copy-cs-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function csharpSource(): string {
  const a = script.indexOf("@'\n");
  const b = script.indexOf("\n'@");
  expect(a).toBeGreaterThan(0);
  expect(b).toBeGreaterThan(a);
  return script.slice(a + 3, b + 1);
}

describe('native/win/send-copy.ps1', () => {
  it.skipIf(!hasMono)('its C# compiles as C# 5; INPUT has the size SendInput expects; the key events release and re-press held modifiers', () => {
    // The probe replaces MapVirtualKey (user32.dll, absent here) and prints the event list that
    // SendCopy would pass to SendInput for some sets of held modifiers: "<vk hex><v|^>[e]".
    const probe = `
public static class Probe {
  const System.Reflection.BindingFlags Any = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Instance;
  static object F(object o, string name) { return o.GetType().GetField(name, Any).GetValue(o); }
  static string Plan(ushort[] held, bool altOrWin) {
    var t = typeof(MyAppsSendCopy);
    var arr = (System.Array)t.GetMethod("Build", Any).Invoke(null, new object[] { new System.Collections.Generic.List<ushort>(held), altOrWin });
    var parts = new System.Collections.Generic.List<string>();
    foreach (object input in arr) {
      object ki = F(F(input, "u"), "ki");
      uint flags = (uint)F(ki, "dwFlags");
      if ((uint)F(input, "type") != 1) return "not a keyboard input";
      parts.Add(((ushort)F(ki, "wVk")).ToString("X2") + ((flags & 2) != 0 ? "^" : "v") + ((flags & 1) != 0 ? "e" : "") + ((ushort)F(ki, "wScan")).ToString("X"));
    }
    return string.Join(" ", parts);
  }
  public static void Main() {
    var t = typeof(MyAppsSendCopy);
    t.GetField("MapKey", Any).SetValue(null, new System.Func<uint, uint, uint>((vk, type) => vk == 0x43 ? 0x2Eu : 0u));
    System.Console.WriteLine(System.IntPtr.Size + " " + System.Runtime.InteropServices.Marshal.SizeOf(t.GetNestedType("INPUT", Any)));
    System.Console.WriteLine(Plan(new ushort[0], false));
    System.Console.WriteLine(Plan(new ushort[] { 0xA2, 0xA5 }, true));
    System.Console.WriteLine(Plan(new ushort[] { 0xA3, 0xA0 }, false));
  }
}`;
    const src = path.join(dir, 'send-copy.cs');
    fs.writeFileSync(src, csharpSource() + probe);
    const exe = path.join(dir, 'send-copy.exe');
    execFileSync('/usr/bin/mcs', ['-langversion:5', '-warnaserror+', `-out:${exe}`, src], { stdio: 'pipe' });
    const [sizes, none, ctrlAltGr, rctrlShift] = execFileSync('/usr/bin/mono', [exe], { encoding: 'utf8' }).trim().split('\n');
    const [ptr, size] = sizes!.split(' ').map(Number);
    expect(size).toBe(ptr === 8 ? 40 : 28);
    // nothing held: just Ctrl+C (C carries its scan code)
    expect(none).toBe('11v0 43v2E 43^2E 11^0');
    // CTRL + right ALT held: mask tap, release both, Ctrl+C, press both again, mask tap
    expect(ctrlAltGr).toBe('E8v0 E8^0 A2^0 A5^e0 11v0 43v2E 43^2E 11^0 A2v0 A5ve0 E8v0 E8^0');
    // right CTRL (extended key) + left SHIFT: no mask needed
    expect(rctrlShift).toBe('A3^e0 A0^0 11v0 43v2E 43^2E 11^0 A3ve0 A0v0');
  });

  it('speaks the protocol of native/copy-helper.ts and never touches clipboard content', () => {
    expect(script).toMatch(/ready = \$true; version = 1; seq = \[MyAppsSendCopy\]::GetClipboardSequenceNumber\(\)/);
    expect(script).toMatch(/\$cmd -eq 'seq'/);
    expect(script).toMatch(/\$cmd -eq 'copy'/);
    expect(script).toMatch(/error = 'unavailable'[^\n]*\n\s*exit 3/);
    expect(script).not.toMatch(/Get-Clipboard|GetClipboardData|OpenClipboard|System\.Windows\.Forms\.Clipboard/i);
    // modifiers of the chord are released before Ctrl+C
    expect(script).toMatch(/GetAsyncKeyState\(vk\)/);
  });
});
