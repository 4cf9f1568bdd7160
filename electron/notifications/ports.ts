/** Ports of the notification service. */

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
