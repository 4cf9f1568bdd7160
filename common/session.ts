/**
 * Which display server the client runs under, decided once for the hot keys (X11 key listener),
 * the Chromium switches (global-shortcuts portal) and docking (X11 strut). The rule
 * (docs/hotkeys.md "Display session"): on Linux and the BSDs, XDG_SESSION_TYPE decides when it
 * says `wayland` or `x11`; otherwise (unset, `tty`, …) a WAYLAND_DISPLAY means a Wayland
 * session. DISPLAY says whether an X server is reachable — in a Wayland session that is XWayland.
 * So WAYLAND_DISPLAY and DISPLAY without XDG_SESSION_TYPE is `xwayland`.
 */
export type DisplaySession = 'x11' | 'wayland' | 'xwayland' | 'none' | 'other';

export function detectDisplaySession(env: Readonly<Record<string, string | undefined>>, platform: string): DisplaySession {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return 'other';
  const type = env.XDG_SESSION_TYPE;
  const wayland = type === 'wayland' || (type !== 'x11' && !!env.WAYLAND_DISPLAY);
  const x = !!env.DISPLAY;
  if (wayland) return x ? 'xwayland' : 'wayland';
  return x ? 'x11' : 'none';
}

/** A Wayland session, with or without XWayland. */
export function isWayland(s: DisplaySession): boolean {
  return s === 'wayland' || s === 'xwayland';
}

/** The note the settings page shows for the session, or undefined when hot keys work normally. */
export function sessionNotice(s: DisplaySession): string | undefined {
  switch (s) {
    case 'wayland':
      return 'Global hot keys are not available in a Wayland session without XWayland. Use an X11 session, or a desktop whose global-shortcuts portal Electron can use.';
    case 'xwayland':
      return 'Wayland session: hot keys are seen only while an X11 (XWayland) window has the keyboard focus. For hot keys everywhere use an X11 session or the desktop global-shortcuts portal.';
    case 'none':
      return 'No display found (DISPLAY is not set): global hot keys are off.';
    default:
      return undefined;
  }
}
