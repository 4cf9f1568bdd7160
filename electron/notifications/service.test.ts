import { describe, it, expect } from 'vitest';
import { ApiRouter } from '../bus';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { NotificationService } from './service';
import { mapAddLocalNotification } from './rules';
import type { NativeNotification, NotificationEvents, Notifier } from './ports';

/** In-memory notifier port: records what is visible and lets the test click. */
class FakeNotifier implements Notifier {
  shown: { n: NativeNotification; ev: NotificationEvents; open: boolean }[] = [];
  async show(n: NativeNotification, ev: NotificationEvents) {
    const rec = { n, ev, open: true };
    this.shown.push(rec);
    return { close: () => { rec.open = false; } };
  }
  open() { return this.shown.filter((s) => s.open); }
}

function setup(enabled = true) {
  const router = new ApiRouter(memoryLogger());
  const notifier = new FakeNotifier();
  const attention: boolean[] = [];
  let focused = 0;
  const svc = new NotificationService({ router, logger: memoryLogger(), notifier, enabled, attention: { requestAttention: (on) => attention.push(on) }, window: { showAndFocus: () => focused++ } });
  const app = router.consume('com.innovaphone.launcher');
  const results: { src?: string; msg: Record<string, unknown> }[] = [];
  app.onResult((f) => results.push({ src: f.src, msg: f.msg }));
  const flush = () => new Promise((r) => setTimeout(r, 5));
  return { router, svc, notifier, app, results, attention, flush, focused: () => focused };
}

describe('mapAddLocalNotification', () => {
  it('maps the kinds of docs/notifications.md', () => {
    expect(mapAddLocalNotification({ type: 'PhoneCall', title: 'Bob', acceptTitle: 'Connect', rejectTitle: 'Reject' })).toMatchObject({ ok: true, notification: { kind: 'call', persistent: true, urgent: true, buttons: [{ action: 'accept', label: 'Connect' }, { action: 'reject', label: 'Reject' }] } });
    expect(mapAddLocalNotification({ type: 'PhoneCall', title: 'Missed call from Bob' })).toMatchObject({ ok: true, notification: { kind: 'missed', persistent: true, urgent: false } });
    expect(mapAddLocalNotification({ type: 'ChatMessage', title: 'Bob', text: 'hi', replyTitle: 'Reply' })).toMatchObject({ ok: true, notification: { kind: 'chat', replyLabel: 'Reply', persistent: false } });
    expect(mapAddLocalNotification({ title: 'x', buttonTitle: 'Open', soundUrl: '*' })).toMatchObject({ ok: true, notification: { kind: 'default', buttons: [{ action: '', label: 'Open' }], silent: false } });
    expect(mapAddLocalNotification({ type: 'Bogus', title: 'x' }).ok).toBe(false);
    expect(mapAddLocalNotification({ type: 'Default' }).ok).toBe(false);
  });
});

describe('NotificationService', () => {
  it('shows, reports a click as ApiResult with the same src and through notificationhandler', async () => {
    const { router, app, notifier, results, flush, focused } = setup();
    const handled: { src?: string; msg: Record<string, unknown> }[] = [];
    router.provide('com.innovaphone.notificationhandler', 'chat', (req) => { handled.push({ src: req.src, msg: req.msg }); });
    app.send({ mt: 'AddLocalNotification', type: 'ChatMessage', title: 'Bob', text: 'hi', replyTitle: 'Reply' }, { provider: '*', src: 'n-1' });
    await flush();
    expect(notifier.open()).toHaveLength(1);
    notifier.shown[0]!.ev.onAction('reply', 'on my way');
    expect(results).toEqual([{ src: 'n-1', msg: { mt: 'LocalNotificationClicked', action: 'reply', replyText: 'on my way' } }]);
    expect(handled).toEqual([{ src: 'n-1', msg: { mt: 'LocalNotificationClicked', action: 'reply', replyText: 'on my way' } }]);
    expect(focused()).toBe(1);
    expect(notifier.open()).toHaveLength(0);
  });

  it('incoming call stays and draws attention until removed; at most one missed call stays', async () => {
    const { app, notifier, attention, flush, svc } = setup();
    app.send({ mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Missed: Alice' }, { provider: '*', src: 'm1' });
    await flush();
    app.send({ mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Missed: Carol' }, { provider: '*', src: 'm2' });
    await flush();
    expect(svc.visible()).toEqual([{ src: 'm1', kind: 'default', persistent: false }, { src: 'm2', kind: 'missed', persistent: true }]);
    app.send({ mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Bob', acceptTitle: 'Connect', rejectTitle: 'Reject' }, { provider: '*', src: 'c1' });
    await flush();
    expect(svc.visible().filter((v) => v.kind === 'missed')).toEqual([]);
    expect(svc.visible().find((v) => v.src === 'c1')).toEqual({ src: 'c1', kind: 'call', persistent: true });
    expect(attention).toEqual([true]);
    expect(notifier.open().filter((s) => s.n.persistent).map((s) => s.n.title)).toEqual(['Bob']);
    app.send({ mt: 'RemoveLocalNotification' }, { provider: '*', src: 'c1' });
    await flush();
    expect(attention).toEqual([true, false]);
    expect(notifier.open().map((s) => s.n.title)).toEqual(['Missed: Alice', 'Missed: Carol']);
  });

  it('clicks after the app is gone still reach notificationhandler; setting off shows nothing', async () => {
    const { router, app, notifier, flush, svc } = setup();
    const handled: Record<string, unknown>[] = [];
    router.provide('com.innovaphone.notificationhandler', 'phone', (req) => { handled.push({ src: req.src, ...req.msg }); });
    app.send({ mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Bob', acceptTitle: 'Connect', rejectTitle: 'Reject' }, { provider: '*', src: 'c9' });
    await flush();
    app.close();
    notifier.shown[0]!.ev.onAction('accept');
    expect(handled).toEqual([{ src: 'c9', mt: 'LocalNotificationClicked', action: 'accept' }]);
    svc.setEnabled(false);
    const app2 = router.consume('com.innovaphone.launcher');
    app2.send({ mt: 'AddLocalNotification', title: 'x' }, { provider: '*', src: 'z' });
    await flush();
    expect(notifier.shown).toHaveLength(1);
    expect(svc.stats.suppressed).toBe(1);
  });

  it('a notification added without src is shown, and its click answered without src', async () => {
    const { app, notifier, results, flush } = setup();
    app.send({ mt: 'AddLocalNotification', title: 'no id' }, { provider: '*' });
    await flush();
    expect(notifier.open().map((s) => s.n.title)).toEqual(['no id']);
    notifier.shown[0]!.ev.onAction('');
    expect(results).toEqual([{ src: undefined, msg: { mt: 'LocalNotificationClicked', action: '' } }]);
  });

  it('re-adding the same src replaces the notification; events of the old one are ignored', async () => {
    const { app, notifier, results, flush } = setup();
    app.send({ mt: 'AddLocalNotification', title: 'v1' }, { provider: '*', src: 'same' });
    await flush();
    app.send({ mt: 'AddLocalNotification', title: 'v2' }, { provider: '*', src: 'same' });
    await flush();
    expect(notifier.open().map((s) => s.n.title)).toEqual(['v2']);
    notifier.shown[0]!.ev.onAction('');
    expect(results).toEqual([]);
    notifier.shown[1]!.ev.onAction('');
    expect(results).toEqual([{ src: 'same', msg: { mt: 'LocalNotificationClicked', action: '' } }]);
  });
});
