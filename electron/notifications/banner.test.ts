/**
 * The in-app banner behind the OS notifier (docs/notifications.md, "When no notification service
 * runs"): the notification service with the real bus router, an OS notifier that has no service
 * (NoNotificationServerError) and then gets one, and an in-memory overlay view.
 */
import { describe, expect, it } from 'vitest';
import { ApiRouter } from '../bus';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import type { PreloadEventName } from '../../common/preload';
import { NotificationService } from './service';
import { BANNER_ITEM_HEIGHT, BANNER_PADDING, InAppBanner, withInAppFallback } from './banner';
import { NoNotificationServerError, type NativeNotification, type NotificationEvents, type Notifier, type OverlayHost, type OverlaySpec, type OverlayView } from './ports';

class FakeOverlays implements OverlayHost {
  views: { spec: OverlaySpec; heights: number[]; events: { event: PreloadEventName; payload: unknown }[]; closed: boolean; id: number }[] = [];
  open(spec: OverlaySpec): OverlayView {
    const rec = { spec, heights: [] as number[], events: [] as { event: PreloadEventName; payload: unknown }[], closed: false, id: 500 + this.views.length };
    this.views.push(rec);
    return { id: rec.id, emit: (event, payload) => void rec.events.push({ event, payload }), setHeight: (h) => void rec.heights.push(h), close: () => void (rec.closed = true) };
  }
}

/** An OS notifier whose notification service can be switched off and on. */
class SwitchableNotifier implements Notifier {
  running = false;
  shown: { n: NativeNotification; ev: NotificationEvents }[] = [];
  async show(n: NativeNotification, ev: NotificationEvents) {
    if (!this.running) throw new NoNotificationServerError('no notification service on the session D-Bus (org.freedesktop.Notifications has no owner)');
    this.shown.push({ n, ev });
    return { close() {} };
  }
}

const banner = (c: number) => ({ kind: 'launcher' as const, url: 'myapps-launcher://pages/banner.html', webContentsId: c });
const flush = () => new Promise((r) => setTimeout(r, 5));

describe('in-app banner when the desktop has no notification service', () => {
  function setup() {
    const logger = memoryLogger();
    const router = new ApiRouter(logger);
    const os = new SwitchableNotifier();
    const overlays = new FakeOverlays();
    const b = new InAppBanner({ overlays, logger, expireMs: 40 });
    const notifier = withInAppFallback(os, b, logger);
    const svc = new NotificationService({ router, logger, notifier, enabled: true });
    const app = router.consume('com.innovaphone.launcher');
    const results: { src?: string; msg: Record<string, unknown> }[] = [];
    app.onResult((f) => results.push({ src: f.src, msg: f.msg }));
    return { logger, os, overlays, b, notifier, svc, app, results };
  }

  it('shows the notifications in the main window, reports clicks as for OS notifications, and goes back to the OS when its service runs', async () => {
    const { logger, os, overlays, b, notifier, svc, app, results } = setup();
    app.send({ mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Bob Builder', text: '210', acceptTitle: 'Accept', rejectTitle: 'Reject' }, { provider: '*', src: 'c1' });
    app.send({ mt: 'AddLocalNotification', type: 'ChatMessage', title: 'Carol', text: 'hi', replyTitle: 'Reply' }, { provider: '*', src: 'm1' });
    await flush();
    expect(notifier.inApp).toBe(true);
    const v = overlays.views[0]!;
    expect(overlays.views).toHaveLength(1);
    expect(v.spec).toEqual({ page: 'banner.html', width: 380 });
    expect(v.heights.at(-1)).toBe(BANNER_PADDING + 2 * BANNER_ITEM_HEIGHT);
    const st = b.handlers['banner.getState']!({}, banner(v.id)) as { items: { id: string; title: string; kind: string; buttons: unknown[] }[] };
    // newest first; the chat has no reply field in the banner
    expect(st.items.map((i) => [i.title, i.kind, i.buttons])).toEqual([
      ['Carol', 'chat', []],
      ['Bob Builder', 'call', [{ action: 'accept', label: 'Accept' }, { action: 'reject', label: 'Reject' }]],
    ]);
    expect(() => b.handlers['banner.getState']!({}, banner(1))).toThrow(/not the notification banner/);
    // Accept on the call: the app hears it as from an OS notification
    expect(await b.handlers['banner.act']!({ id: st.items[1]!.id, action: 'accept' }, banner(v.id))).toEqual({ ok: true });
    expect(results).toEqual([{ src: 'c1', msg: { mt: 'LocalNotificationClicked', action: 'accept' } }]);
    expect(await b.handlers['banner.act']!({ id: st.items[1]!.id, action: 'accept' }, banner(v.id))).toEqual({ ok: false, error: 'That notification is gone.' });
    // the chat expires like an OS notification; the view shrinks to nothing
    await new Promise((r) => setTimeout(r, 80));
    expect(v.heights.at(-1)).toBe(0);
    expect(svc.visible()).toEqual([]);
    expect((v.events.at(-1)!.payload as { items: unknown[] }).items).toEqual([]);
    // a warning when it starts, a trace line per notification
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'notifications: no notification service on the session D-Bus (org.freedesktop.Notifications has no owner); notifications are shown in the main window instead',
    ]);
    expect(logger.lines.filter((l) => /in-app banner/.test(l.message)).map((l) => l.message)).toEqual([
      'notifications: call notification shown as an in-app banner (no notification service)',
      'notifications: chat notification shown as an in-app banner (no notification service)',
    ]);
    // the notification service starts: the next one goes to the desktop
    os.running = true;
    app.send({ mt: 'AddLocalNotification', title: 'Update' }, { provider: '*', src: 'u1' });
    await flush();
    expect(os.shown.map((s) => s.n.title)).toEqual(['Update']);
    expect(notifier.inApp).toBe(false);
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message).at(-1)).toBe('notifications: the notification service is back; notifications go to the desktop again');
    svc.close();
    b.close();
    expect(v.closed).toBe(true);
  });

  it('Dismiss closes a notification as the OS would; a removed notification leaves the banner; other OS failures are not hidden', async () => {
    const { overlays, b, svc, app, results } = setup();
    app.send({ mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Missed: Alice' }, { provider: '*', src: 'x1' });
    app.send({ mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Dave', acceptTitle: 'Accept', rejectTitle: 'Reject' }, { provider: '*', src: 'x2' });
    await flush();
    const v = overlays.views[0]!;
    const ids = (b.state().items as { id: string; title: string }[]).map((i) => i.id);
    expect(await b.handlers['banner.act']!({ id: ids[1]!, action: 'dismiss' }, banner(v.id))).toEqual({ ok: true });
    expect(results).toEqual([]);
    expect(svc.visible().map((e) => e.src)).toEqual(['x2']);
    app.send({ mt: 'RemoveLocalNotification' }, { provider: '*', src: 'x2' });
    await flush();
    expect(b.state().items).toEqual([]);
    const logger = memoryLogger();
    const broken = withInAppFallback({ show: async () => { throw new Error('D-Bus: access denied'); } }, b, logger);
    await expect(broken.show({ title: 't', body: '', kind: 'default', persistent: false, urgent: false, silent: true, buttons: [] }, { onAction() {}, onClosed() {} })).rejects.toThrow(/access denied/);
    svc.close();
    b.close();
  });
});
