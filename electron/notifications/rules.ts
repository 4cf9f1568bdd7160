/** Mapping of AddLocalNotification (docs/notifications.md) to a native notification. Pure. */
import type { NativeNotification, NotificationAction } from './ports';

// control characters other than tab and newline are dropped from notification texts
// eslint-disable-next-line no-control-regex
const cap = (v: unknown, n: number): string | undefined => (typeof v === 'string' && v.length > 0 ? v.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').slice(0, n) : undefined);

export type AddResult = { ok: true; notification: NativeNotification } | { ok: false; error: string };

export function mapAddLocalNotification(msg: Record<string, unknown>): AddResult {
  const type = msg.type ?? 'Default';
  if (type !== 'Default' && type !== 'PhoneCall' && type !== 'ChatMessage') return { ok: false, error: `unknown type ${JSON.stringify(type).slice(0, 40)}` };
  const title = cap(msg.title, 256) ?? '';
  const body = cap(msg.text, 2000) ?? '';
  if (!title && !body) return { ok: false, error: 'neither title nor text' };
  const accept = cap(msg.acceptTitle, 64);
  const reject = cap(msg.rejectTitle, 64);
  const button = cap(msg.buttonTitle, 64);
  const reply = cap(msg.replyTitle, 64);
  const buttons: { action: NotificationAction; label: string }[] = [];
  if (accept) buttons.push({ action: 'accept', label: accept });
  if (reject) buttons.push({ action: 'reject', label: reject });
  if (button) buttons.push({ action: '', label: button });
  let kind: NativeNotification['kind'] = 'default';
  if (type === 'PhoneCall') kind = accept || reject ? 'call' : 'missed';
  else if (type === 'ChatMessage') kind = 'chat';
  const iconUrl = cap(msg.largeIcon, 2048) ?? cap(msg.smallIcon, 2048);
  return {
    ok: true,
    notification: {
      title,
      body,
      kind,
      persistent: kind === 'call' || kind === 'missed',
      urgent: kind === 'call',
      buttons,
      replyLabel: type === 'ChatMessage' ? reply : undefined,
      iconUrl,
      silent: !cap(msg.soundUrl, 2048),
    },
  };
}

/** A missed-call notification turned into an ordinary one (it may expire / go to the action center). */
export function demoteMissed(n: NativeNotification): NativeNotification {
  return { ...n, kind: 'default', persistent: false, urgent: false, silent: true };
}
