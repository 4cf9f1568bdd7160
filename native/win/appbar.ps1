# Docked-window AppBar helper for myApps on Windows (electron/windows edge reservation; Node side
# native/win/appbar.ts; docs/packaging.md "Docking").
# Run (by myApps, with an argument array, never through a shell), one-shot per change:
#   powershell.exe -NoProfile -NonInteractive -NoLogo -ExecutionPolicy Bypass -File native\win\appbar.ps1
#       reserve <hwnd> <left|right> <width> <monLeft> <monTop> <monRight> <monBottom>
#       release <hwnd>
# <hwnd> is the decimal HWND of Electron's getNativeWindowHandle(); the monitor rectangle and the
# width are physical screen pixels. Prints ONE JSON line:
#   reserve -> {"ok":true,"left":L,"top":T,"right":R,"bottom":B,"new":true|false}
#              the rectangle the shell granted (ABM_QUERYPOS may shift it, e.g. past a task bar on
#              the same edge); "new": false when the window already was an app bar.
#   release -> {"ok":true}
#   errors  -> {"error":"bad-args"|"no-window"|"failed","message":"..."} and exit code 2
#              {"error":"unavailable","message":"..."} and exit code 3 (Add-Type not possible, e.g.
#              Constrained Language Mode / AppLocker)
# The app bar belongs to the window, not to this process: the shell keeps it after we exit and
# drops it when the window is destroyed (myApps still releases it on undock and quit).
# Notifications (ABN_POSCHANGED, ABN_FULLSCREENAPP) are posted to the window with the callback
# message 0x8000+0x4D1 (WM_APP+0x4D1); myApps re-applies docking on display changes instead.
param([string]$Action = '', [string]$Hwnd = '', [string]$Edge = '', [string]$Width = '',
      [string]$MonLeft = '', [string]$MonTop = '', [string]$MonRight = '', [string]$MonBottom = '')
$ErrorActionPreference = 'Stop'
try { [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false } catch { }

function Reply($obj) {
  [Console]::Out.WriteLine((ConvertTo-Json -InputObject $obj -Compress))
  [Console]::Out.Flush()
}
function Fail($code, $message) {
  Reply @{ error = $code; message = $message }
  exit 2
}

try {
  Add-Type -TypeDefinition @'
using System;
using System.Runtime.InteropServices;

public static class MyAppsAppBar {
  [StructLayout(LayoutKind.Sequential)]
  public struct RECT { public int left; public int top; public int right; public int bottom; }
  [StructLayout(LayoutKind.Sequential)]
  public struct APPBARDATA {
    public uint cbSize;
    public IntPtr hWnd;
    public uint uCallbackMessage;
    public uint uEdge;
    public RECT rc;
    public IntPtr lParam;
  }

  [DllImport("shell32.dll")]
  static extern UIntPtr SHAppBarMessage(uint dwMessage, ref APPBARDATA pData);
  [DllImport("user32.dll")]
  public static extern bool IsWindow(IntPtr hWnd);
  [DllImport("user32.dll")]
  static extern IntPtr SetThreadDpiAwarenessContext(IntPtr context);

  public const uint ABM_NEW = 0, ABM_REMOVE = 1, ABM_QUERYPOS = 2, ABM_SETPOS = 3;
  public const uint ABE_LEFT = 0, ABE_RIGHT = 2;
  public const uint CALLBACK_MESSAGE = 0x8000 + 0x4D1;

  // Test seam: the compile test replaces the shell call (shell32 is absent off Windows).
  internal static Func<uint, APPBARDATA, APPBARDATA> Send = Real;
  static APPBARDATA Real(uint msg, APPBARDATA d) {
    UIntPtr r = SHAppBarMessage(msg, ref d);
    d.lParam = (IntPtr)(long)r.ToUInt64();
    return d;
  }

  public static void PhysicalPixels() {
    // The numbers myApps passes are physical pixels: make this thread per-monitor DPI aware (v2)
    // so Windows does not scale them. Before Windows 10 1703 the call does not exist: ignored.
    try { SetThreadDpiAwarenessContext((IntPtr)(-4)); } catch (EntryPointNotFoundException) { }
  }

  static APPBARDATA Data(IntPtr hwnd) {
    APPBARDATA d = new APPBARDATA();
    d.cbSize = (uint)Marshal.SizeOf(typeof(APPBARDATA));
    d.hWnd = hwnd;
    return d;
  }

  // Returns left, top, right, bottom of the granted rectangle and 1/0 for "newly registered".
  public static int[] Reserve(IntPtr hwnd, bool left, int width, int monLeft, int monTop, int monRight, int monBottom) {
    APPBARDATA d = Data(hwnd);
    d.uCallbackMessage = CALLBACK_MESSAGE;
    // ABM_NEW returns FALSE when the window already is an app bar: then it is only moved.
    bool fresh = Send(ABM_NEW, d).lParam != IntPtr.Zero;
    d = Data(hwnd);
    d.uEdge = left ? ABE_LEFT : ABE_RIGHT;
    d.rc.top = monTop;
    d.rc.bottom = monBottom;
    if (left) { d.rc.left = monLeft; d.rc.right = monLeft + width; }
    else { d.rc.right = monRight; d.rc.left = monRight - width; }
    // The shell moves the proposed edge past other app bars (e.g. a task bar on the same side);
    // keep our width from where it puts the outer edge.
    d = Send(ABM_QUERYPOS, d);
    if (left) d.rc.right = d.rc.left + width; else d.rc.left = d.rc.right - width;
    d = Send(ABM_SETPOS, d);
    return new int[] { d.rc.left, d.rc.top, d.rc.right, d.rc.bottom, fresh ? 1 : 0 };
  }

  public static void Release(IntPtr hwnd) {
    Send(ABM_REMOVE, Data(hwnd));
  }
}
'@
} catch {
  Reply @{ error = 'unavailable'; message = "$($_.Exception.Message)" }
  exit 3
}

$n = [long]0
if (-not [long]::TryParse($Hwnd, [ref]$n) -or $n -le 0) { Fail 'bad-args' "hwnd must be a positive decimal number, not '$Hwnd'" }
$h = [IntPtr]$n
if (-not [MyAppsAppBar]::IsWindow($h)) { Fail 'no-window' "no window $Hwnd" }
[MyAppsAppBar]::PhysicalPixels()

try {
  if ($Action -eq 'release') {
    [MyAppsAppBar]::Release($h)
    Reply @{ ok = $true }
    exit 0
  }
  if ($Action -ne 'reserve') { Fail 'bad-args' "action must be reserve or release, not '$Action'" }
  if ($Edge -ne 'left' -and $Edge -ne 'right') { Fail 'bad-args' "edge must be left or right, not '$Edge'" }
  $nums = @($Width, $MonLeft, $MonTop, $MonRight, $MonBottom) | ForEach-Object {
    $v = 0
    if (-not [int]::TryParse($_, [ref]$v)) { Fail 'bad-args' "not a whole number: '$_'" }
    $v
  }
  if ($nums[0] -le 0 -or $nums[0] -ge ($nums[3] - $nums[1]) -or $nums[4] -le $nums[2]) { Fail 'bad-args' 'strip does not fit the monitor' }
  $r = [MyAppsAppBar]::Reserve($h, $Edge -eq 'left', $nums[0], $nums[1], $nums[2], $nums[3], $nums[4])
  Reply @{ ok = $true; left = $r[0]; top = $r[1]; right = $r[2]; bottom = $r[3]; new = ($r[4] -eq 1) }
  exit 0
} catch {
  Fail 'failed' "$($_.Exception.Message)"
}
