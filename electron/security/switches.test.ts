import { describe, expect, it } from 'vitest';
import { chromiumSwitches } from './switches';

describe('Chromium switches', () => {
  it('allows loopback peer connections and keeps host candidates for the media viewer', () => {
    const s = chromiumSwitches({ platform: 'win32', env: {} });
    expect(s.map((x) => x.name)).toEqual(['allow-loopback-in-peer-connection', 'disable-features']);
    expect(s[1]!.value).toBe('WebRtcHideLocalIpsWithMdns');
    for (const x of s) expect(x.why.length).toBeGreaterThan(20);
  });
  it('enables the global-shortcuts portal on Wayland only', () => {
    expect(chromiumSwitches({ platform: 'linux', env: { XDG_SESSION_TYPE: 'wayland' } }).find((x) => x.name === 'enable-features')?.value).toBe('GlobalShortcutsPortal');
    expect(chromiumSwitches({ platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' } }).find((x) => x.name === 'enable-features')).toBeDefined();
    expect(chromiumSwitches({ platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0', XDG_SESSION_TYPE: 'x11' } }).find((x) => x.name === 'enable-features')).toBeUndefined();
    expect(chromiumSwitches({ platform: 'darwin', env: { XDG_SESSION_TYPE: 'wayland' } }).find((x) => x.name === 'enable-features')).toBeUndefined();
  });
});
