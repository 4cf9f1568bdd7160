/** Which display server the client runs under; global hot keys need X11 (or XWayland). */
export type DisplaySession = 'x11' | 'wayland' | 'xwayland' | 'none' | 'other';

export function detectDisplaySession(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): DisplaySession {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return 'other';
  const wayland = env.XDG_SESSION_TYPE === 'wayland' || !!env.WAYLAND_DISPLAY;
  const x = !!env.DISPLAY;
  if (wayland) return x ? 'xwayland' : 'wayland';
  return x ? 'x11' : 'none';
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
