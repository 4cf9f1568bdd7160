# Copy-keystroke helper for the myApps "dial selected text" hot key on Windows
# (electron/hotkeys/copy-selection.ts; client and protocol: native/copy-helper.ts; docs/hotkeys.md).
# Run (by myApps, with an argument array, never through a shell):
#   powershell.exe -NoProfile -NonInteractive -NoLogo -ExecutionPolicy Bypass -File native\win\send-copy.ps1
# Long-lived: reads one command per line on stdin, answers one JSON object per line on stdout.
#   at start  -> {"ready":true,"version":1,"seq":N}
#   "seq"     -> {"seq":N}          N = GetClipboardSequenceNumber (changes on every clipboard write)
#   "copy"    -> {"copied":true}    Ctrl+C sent to the focused window with SendInput
#              | {"error":"send-failed","message":"...","code":<Win32 error>}
#   other     -> {"error":"bad-command","message":"..."}
#   Add-Type not possible (e.g. Constrained Language Mode / AppLocker) ->
#                {"error":"unavailable","message":"..."} and exit code 3
# stdin closed -> exit 0. The script never reads or prints clipboard content.
#
# Limits (Windows, not fixable here): SendInput into a window of a program running as
# administrator is blocked by UIPI without any error (the hot key then finds no selection); a
# program that ignores Ctrl+C (terminals, some games, remote-desktop windows) copies nothing; a
# modifier the user lets go of in the microseconds between GetAsyncKeyState and SendInput stays
# logically down until it is pressed again.
$ErrorActionPreference = 'Stop'
try { [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false } catch { }

function Reply($obj) {
  [Console]::Out.WriteLine((ConvertTo-Json -InputObject $obj -Compress))
  [Console]::Out.Flush()
}

try {
  Add-Type -TypeDefinition @'
using System;
using System.Runtime.InteropServices;

public static class MyAppsSendCopy {
  // INPUT must have the size Windows expects (40 bytes on x64, 28 on x86): the union therefore
  // carries MOUSEINPUT, its largest member, even though only keyboard input is sent.
  [StructLayout(LayoutKind.Sequential)]
  struct MOUSEINPUT { public int dx; public int dy; public uint mouseData; public uint dwFlags; public uint time; public IntPtr dwExtraInfo; }
  [StructLayout(LayoutKind.Sequential)]
  struct KEYBDINPUT { public ushort wVk; public ushort wScan; public uint dwFlags; public uint time; public IntPtr dwExtraInfo; }
  [StructLayout(LayoutKind.Explicit)]
  struct InputUnion { [FieldOffset(0)] public MOUSEINPUT mi; [FieldOffset(0)] public KEYBDINPUT ki; }
  [StructLayout(LayoutKind.Sequential)]
  struct INPUT { public uint type; public InputUnion u; }

  [DllImport("user32.dll", SetLastError = true)]
  static extern uint SendInput(uint nInputs, INPUT[] pInputs, int cbSize);
  [DllImport("user32.dll")]
  static extern short GetAsyncKeyState(int vKey);
  [DllImport("user32.dll")]
  static extern uint MapVirtualKey(uint uCode, uint uMapType);
  [DllImport("user32.dll")]
  public static extern uint GetClipboardSequenceNumber();

  const uint INPUT_KEYBOARD = 1;
  const uint KEYEVENTF_EXTENDEDKEY = 0x0001;
  const uint KEYEVENTF_KEYUP = 0x0002;
  const ushort VK_CONTROL = 0x11, VK_C = 0x43;
  // An unassigned virtual key: tapped while Alt or Win is down so that releasing it does not
  // open the window menu / Start menu (the same trick AutoHotkey uses).
  const ushort VK_MASK = 0xE8;
  // Modifiers the user may still hold from the hot-key chord (e.g. CTRL+ALT+F9): released first,
  // otherwise the application would see Ctrl+Alt+C (AltGr+C on many layouts) instead of Ctrl+C;
  // pressed again afterwards, so that Windows' idea of the keyboard matches the keys the user
  // holds (a second tap of F9 with CTRL+ALT still held is then the same chord again).
  static readonly ushort[] MODIFIERS = { 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0x5B, 0x5C }; // L/R Shift, Ctrl, Alt, Win
  // Indirection so that the event list can be checked off Windows (native/win/send-copy.test.ts).
  static Func<uint, uint, uint> MapKey = MapVirtualKey;
  static bool Extended(ushort vk) { return vk == 0xA3 || vk == 0xA5 || vk == 0x5B || vk == 0x5C; }

  static INPUT Key(ushort vk, bool up) {
    INPUT i = new INPUT();
    i.type = INPUT_KEYBOARD;
    i.u.ki.wVk = vk;
    i.u.ki.wScan = (ushort)MapKey(vk, 0); // MAPVK_VK_TO_VSC
    i.u.ki.dwFlags = (up ? KEYEVENTF_KEYUP : 0) | (Extended(vk) ? KEYEVENTF_EXTENDEDKEY : 0);
    return i;
  }

  // The key events: release the held modifiers, Ctrl+C, press the held modifiers again.
  static INPUT[] Build(System.Collections.Generic.List<ushort> held, bool altOrWin) {
    var list = new System.Collections.Generic.List<INPUT>();
    if (altOrWin) { list.Add(Key(VK_MASK, false)); list.Add(Key(VK_MASK, true)); }
    foreach (ushort vk in held) list.Add(Key(vk, true));
    list.Add(Key(VK_CONTROL, false));
    list.Add(Key(VK_C, false));
    list.Add(Key(VK_C, true));
    list.Add(Key(VK_CONTROL, true));
    foreach (ushort vk in held) list.Add(Key(vk, false));
    // Alt/Win are down again: tap the mask key so that the user's own release opens no menu.
    if (altOrWin) { list.Add(Key(VK_MASK, false)); list.Add(Key(VK_MASK, true)); }
    return list.ToArray();
  }

  // Returns 0 when every event was inserted, else the Win32 error code (or -1 when none was set).
  public static int SendCopy() {
    var held = new System.Collections.Generic.List<ushort>();
    bool altOrWin = false;
    foreach (ushort vk in MODIFIERS) {
      if ((GetAsyncKeyState(vk) & 0x8000) != 0) {
        held.Add(vk);
        if (vk == 0xA4 || vk == 0xA5 || vk == 0x5B || vk == 0x5C) altOrWin = true;
      }
    }
    INPUT[] inputs = Build(held, altOrWin);
    // One SendInput call: no physical key event can come in between.
    uint sent = SendInput((uint)inputs.Length, inputs, Marshal.SizeOf(typeof(INPUT)));
    if (sent == inputs.Length) return 0;
    int err = Marshal.GetLastWin32Error();
    return err != 0 ? err : -1;
  }
}
'@
} catch {
  Reply ([ordered]@{ error = 'unavailable'; message = [string]$_.Exception.Message })
  exit 3
}

Reply ([ordered]@{ ready = $true; version = 1; seq = [MyAppsSendCopy]::GetClipboardSequenceNumber() })
while ($true) {
  $line = [Console]::In.ReadLine()
  if ($null -eq $line) { break }          # myApps closed our stdin: done
  $cmd = $line.Trim()
  if ($cmd -eq 'seq') {
    Reply ([ordered]@{ seq = [MyAppsSendCopy]::GetClipboardSequenceNumber() })
  } elseif ($cmd -eq 'copy') {
    $rc = [MyAppsSendCopy]::SendCopy()
    if ($rc -eq 0) { Reply ([ordered]@{ copied = $true }) }
    else { Reply ([ordered]@{ error = 'send-failed'; message = 'SendInput did not insert the Ctrl+C key events (another program may be blocking input)'; code = $rc }) }
  } elseif ($cmd -ne '') {
    Reply ([ordered]@{ error = 'bad-command'; message = "unknown command: $cmd" })
  }
}
exit 0
