/**
 * The settings the windows service reads and the tray changes (user layer). Changes reach the
 * service through its apply* methods, called by the one settings reaction table
 * (electron/wiring/reactions.ts), never by a listener of its own.
 */
export type WindowSettingKey = 'autostart' | 'showInTaskbar' | 'docking';

export interface WindowSettings {
  get(key: WindowSettingKey): unknown;
  /** Forced by the PBX: the tray shows it, but does not let the user change it. */
  isForced(key: WindowSettingKey): boolean;
  set(key: WindowSettingKey, value: boolean | string): Promise<void>;
}
