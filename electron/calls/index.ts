/**
 * What the launcher does around calls (docs/media-protocol.md, docs/notifications.md): keeps the
 * system and display awake, shows the sharing bar with Stop and the incoming-call window.
 * Electron-free and OS-free: the power-save blocker and the windows are ports.
 */
export { AwakeKeeper, awakeWanted, type AwakeKeeperOptions } from './awake';
export { IncomingCallWindow, alertingCalls, type AlertingCall, type IncomingCallState, type IncomingCallWindowOptions } from './incoming';
export { SharingWindow, type SharingSource, type SharingState, type SharingWindowOptions } from './sharing';
export type * from './ports';
