/**
 * Chromium command-line switches the client sets before `app.ready` (Electron-free, unit-tested).
 * Each one is a deliberate trade-off, recorded in docs/security.md.
 */
import { detectDisplaySession, isWayland } from '../../common/session';

export interface SwitchInput {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
}

export interface ChromiumSwitch {
  name: string;
  value?: string;
  why: string;
}

export function chromiumSwitches(input: SwitchInput): ChromiumSwitch[] {
  const out: ChromiumSwitch[] = [
    {
      name: 'allow-loopback-in-peer-connection',
      why: 'the media viewer receives decoded video from the engine over a 127.0.0.1-only peer connection',
    },
  ];
  const disable = ['WebRtcHideLocalIpsWithMdns'];
  const enable: string[] = [];
  // Global hot keys in a Wayland session (with or without XWayland: Electron then runs as a
  // Wayland client) go through globalShortcut and the desktop portal; on X11 the client grabs
  // them itself (native/linux/grab-key-listener.ts).
  if (isWayland(detectDisplaySession(input.env, input.platform))) enable.push('GlobalShortcutsPortal');
  out.push({
    name: 'disable-features',
    value: disable.join(','),
    why: 'the viewer frame has no camera/microphone permission, so Chromium would hide its host candidates behind mDNS names that the engine cannot resolve; the pages that can use WebRTC here are the PBX, its apps and our own, which see the host addresses a native softphone signals anyway',
  });
  if (enable.length) out.push({ name: 'enable-features', value: enable.join(','), why: 'Wayland: global shortcuts through the XDG desktop portal' });
  return out;
}
