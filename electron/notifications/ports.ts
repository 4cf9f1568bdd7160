/** Ports of the notification service. */
import type { PreloadEventName, PreloadEventPayload } from '../../common/preload';

export type NotificationAction = '' | 'accept' | 'reject' | 'reply';

/** What the OS notification shows (already mapped from AddLocalNotification). */
export interface NativeNotification {
  title: string;
  body: string;
  /** call: incoming call; missed: missed call (also stays); chat; default. */
  kind: 'default' | 'call' | 'missed' | 'chat';
  /** Stays visible until handled (no expiry). */
  persistent: boolean;
  urgent: boolean;
  /** Buttons: action reported, label shown. '' is the "view"/single button (= default click). */
  buttons: { action: NotificationAction; label: string }[];
  /** Label of the inline-reply button (chat), when the app asked for one. */
  replyLabel?: string;
  /** Large icon (profile picture) URL as the app gave it; adapters may not be able to show it. */
  iconUrl?: string;
  /** False when the app asked for a sound (soundUrl), so the OS may play its default sound. */
  silent: boolean;
}

export interface NotificationEvents {
  /** A click: '' = body/default, or a button; replyText for inline replies. */
  onAction(action: NotificationAction, replyText?: string): void;
  /** Closed without an action (expired, dismissed, or closed by us). */
  onClosed(): void;
}

export interface NotificationHandle {
  close(): void;
}

export interface Notifier {
  show(n: NativeNotification, events: NotificationEvents): Promise<NotificationHandle>;
}

/** Draws attention to the window for an incoming call (flashFrame / dock bounce) until handled. */
export interface AttentionPort {
  requestAttention(on: boolean): void;
}

/**
 * Thrown by a Notifier when the desktop has no notification service right now (Linux: no owner
 * of org.freedesktop.Notifications on the session bus; Electron: notifications not supported).
 * withInAppFallback shows the notification in the main window instead (docs/notifications.md).
 */
export class NoNotificationServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoNotificationServerError';
  }
}

/** Also true for such an error that crossed a module boundary (recognised by its name). */
export function isNoNotificationServer(err: unknown): boolean {
  return err instanceof Error && err.name === 'NoNotificationServerError';
}

// ---- the in-app banner's view: a launcher page over the main window (banner.ts) -----------------

export interface OverlaySpec {
  /** Launcher page file, e.g. 'banner.html'. */
  page: string;
  /** Width of the overlay, at the main window's top right corner, in DIP. */
  width: number;
}

/**
 * A launcher page drawn over the top right corner of the main window's content — a view of its
 * own, never part of the web client's frame. Hidden at height 0.
 */
export interface OverlayView {
  /** webContents id of the overlay (the sender id its calls arrive with). */
  readonly id: number;
  emit<E extends PreloadEventName>(event: E, payload: PreloadEventPayload<E>): void;
  /** Height in DIP (clamped to the main window); 0 hides it. */
  setHeight(height: number): void;
  close(): void;
}

export interface OverlayHost {
  open(spec: OverlaySpec): OverlayView;
}
