import { describe, it, expect } from 'vitest';
import { detectDisplaySession } from './session';
import { chromiumSwitches } from '../electron/security/switches';
import { linuxSessionUnsupported } from '../native/linux/edge-reservation';

describe('detectDisplaySession', () => {
  it('tells X11, Wayland and XWayland apart', () => {
    expect(detectDisplaySession({ DISPLAY: ':0' }, 'linux')).toBe('x11');
    expect(detectDisplaySession({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe('wayland');
    expect(detectDisplaySession({ XDG_SESSION_TYPE: 'wayland', DISPLAY: ':0' }, 'linux')).toBe('xwayland');
    expect(detectDisplaySession({}, 'linux')).toBe('none');
    expect(detectDisplaySession({}, 'win32')).toBe('other');
  });
});

describe('one session rule for hot keys, Chromium switches and docking', () => {
  const portal = (env: Record<string, string>) => chromiumSwitches({ platform: 'linux', env }).some((s) => s.name === 'enable-features' && s.value === 'GlobalShortcutsPortal');
  it.each([
    [{ DISPLAY: ':0' }, 'x11'],
    [{ WAYLAND_DISPLAY: 'wayland-0' }, 'wayland'],
    [{ WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' }, 'xwayland'],
    [{ XDG_SESSION_TYPE: 'wayland', DISPLAY: ':0' }, 'xwayland'],
    [{ XDG_SESSION_TYPE: 'x11', WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' }, 'x11'],
    [{ XDG_SESSION_TYPE: 'tty', WAYLAND_DISPLAY: 'wayland-0' }, 'wayland'],
    [{}, 'none'],
  ] as const)('%j is %s everywhere', (env, session) => {
    expect(detectDisplaySession(env, 'linux')).toBe(session);
    const wayland = session === 'wayland' || session === 'xwayland';
    expect(portal(env)).toBe(wayland);
    const edge = linuxSessionUnsupported(env);
    if (wayland) expect(edge).toMatch(/Wayland/);
    else if (session === 'none') expect(edge).toMatch(/no X11 display/);
    else expect(edge).toBeUndefined();
  });
});
