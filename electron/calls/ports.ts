/**
 * Ports of the call services (docs/media-protocol.md, "What the launcher does around calls").
 * The windows they open go through the window-host ports of electron/windows (DialogHost).
 */

/** `system`: no idle sleep (any call); `display`: the screen stays on too (video, sharing). */
export type AwakeLevel = 'system' | 'display';

export interface AwakeHandle {
  /** Ends this request (idempotent). */
  release(): void | Promise<void>;
}

/**
 * Keeps the machine or its display awake: Electron's powerSaveBlocker on Windows and macOS
 * (native/electron/power-save.ts), the desktop's D-Bus inhibit APIs on Linux
 * (native/linux/power-save.ts). `reason` is shown by some desktops (KDE's battery applet).
 */
export interface PowerSaveBlocker {
  /** Rejects when nothing on this desktop takes the request (the caller traces why). */
  start(level: AwakeLevel, reason: string): Promise<AwakeHandle>;
}
