/**
 * The call services with the real bus router and in-memory window and power ports: what is kept
 * awake for which channels, when the sharing bar and the incoming-call window open and close,
 * and what Accept / Reject / Stop send.
 */
import { describe, expect, it } from 'vitest';
import { ApiRouter } from '../bus';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { translator } from '../../common/i18n';
import { incomingCallWindowHeight } from '../../common/call-window';
import type { PreloadEventName } from '../../common/preload';
import type { DialogHost, DialogSpec, DialogWindow } from '../windows';
import type { MediaActivity } from '../media';
import { alertingCalls, awakeWanted, AwakeKeeper, IncomingCallWindow, SharingWindow, type AwakeLevel, type PowerSaveBlocker } from '.';

const idle: MediaActivity = { audio: 0, video: 0, sharing: [], watching: 0 };
const sharingOne: MediaActivity = { audio: 1, video: 0, sharing: [{ session: 'm1', channel: 's', kind: 'appsharing', sends: true }], watching: 0 };
const flush = () => new Promise((r) => setTimeout(r, 5));

/** Records the dialogs opened, what they were sent and lets the test close one as the user would. */
class FakeDialogs implements DialogHost {
  next = 100;
  opened: { spec: DialogSpec; win: DialogWindow; events: { event: PreloadEventName; payload: unknown }[]; heights: number[]; closed: boolean; userClose(): void }[] = [];
  open(spec: DialogSpec): DialogWindow {
    const closedCbs: (() => void)[] = [];
    const rec = {
      spec,
      events: [] as { event: PreloadEventName; payload: unknown }[],
      heights: [] as number[],
      closed: false,
      win: undefined as unknown as DialogWindow,
      userClose: () => {
        rec.closed = true;
        closedCbs.splice(0).forEach((c) => c());
      },
    };
    rec.win = {
      id: this.next++,
      emit: (event, payload) => void rec.events.push({ event, payload }),
      focus() {},
      setHeight: (h) => void rec.heights.push(h),
      close: () => rec.userClose(),
      onClosed: (cb) => void (rec.closed ? cb() : closedCbs.push(cb)),
    };
    this.opened.push(rec);
    return rec.win;
  }
  open_(): typeof this.opened {
    return this.opened.filter((o) => !o.closed);
  }
}

const caller = (id: number) => ({ kind: 'launcher' as const, url: 'myapps-launcher://pages/x.html', webContentsId: id });

describe('awake during calls', () => {
  it('wants the system awake for any call, the display for video, sharing or watching', () => {
    expect(awakeWanted(idle)).toEqual({ system: false, display: false });
    expect(awakeWanted({ ...idle, audio: 1 })).toEqual({ system: true, display: false });
    expect(awakeWanted({ ...idle, audio: 1, video: 1 })).toEqual({ system: true, display: true });
    expect(awakeWanted({ ...idle, watching: 1 })).toEqual({ system: true, display: true });
    expect(awakeWanted(sharingOne)).toEqual({ system: true, display: true });
  });

  it('asks the blocker once per level, releases when the call ends, warns once when the desktop refuses', async () => {
    const log: string[] = [];
    let refuse = false;
    const blocker: PowerSaveBlocker = {
      async start(level: AwakeLevel, reason: string) {
        if (refuse) throw new Error('nothing takes it');
        log.push(`start ${level} ${reason}`);
        return { release: () => void log.push(`release ${level}`) };
      },
    };
    const logger = memoryLogger();
    const k = new AwakeKeeper({ blocker, logger, words: translator('de') });
    await k.update({ ...idle, audio: 1 });
    await k.update({ ...idle, audio: 1 });
    await k.update({ ...idle, audio: 1, video: 1 });
    expect(k.state()).toEqual({ system: true, display: true });
    await k.update({ ...idle, audio: 1 });
    await k.update(idle);
    expect(log).toEqual(['start system Laufender Anruf', 'start display Videoanruf oder Bildschirmfreigabe', 'release display', 'release system']);
    refuse = true;
    await k.update({ ...idle, audio: 1 });
    await k.update(idle);
    await k.update({ ...idle, audio: 1 });
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual(['awake: the system cannot be kept awake on this desktop']);
    refuse = false;
    await k.update({ ...idle, audio: 2 });
    await k.close();
    expect(log.slice(-2)).toEqual(['start system Laufender Anruf', 'release system']);
    expect(k.stats).toEqual({ started: 3, released: 3, failed: 2 });
  });
});

describe('sharing bar', () => {
  it('opens while the screen is shared, Stop ends every sharing channel, closes when sharing ends, comes back when closed meanwhile', async () => {
    let activity: MediaActivity = idle;
    const listeners = new Set<(a: MediaActivity) => void>();
    const stopped: string[] = [];
    const media = {
      activity: () => activity,
      onActivity: (cb: (a: MediaActivity) => void) => (listeners.add(cb), () => listeners.delete(cb)),
      stopChannel: (session: string, channel: string) => (stopped.push(`${session}/${channel}`), true),
    };
    const set = (a: MediaActivity) => {
      activity = a;
      listeners.forEach((l) => l(a));
    };
    const dialogs = new FakeDialogs();
    const w = new SharingWindow({ media, dialogs, logger: memoryLogger(), productName: 'myApps', words: translator('en') });
    expect(dialogs.opened).toEqual([]);
    set({ ...idle, audio: 1, watching: 1 }); // watching someone else's screen: no bar
    expect(dialogs.opened).toEqual([]);
    set(sharingOne);
    expect(dialogs.open_()).toHaveLength(1);
    expect(dialogs.opened[0]!.spec).toMatchObject({ page: 'sharing.html', title: 'myApps – sharing your screen', floating: true, placement: 'top-center', inactive: true });
    const id = dialogs.opened[0]!.win.id;
    expect(w.handlers['sharing.getState']!({}, caller(id))).toEqual({ sharing: true, channels: 1 });
    expect(() => w.handlers['sharing.getState']!({}, caller(1))).toThrow(/not the sharing window/);
    expect(await w.handlers['sharing.stop']!({}, caller(1))).toEqual({ ok: false, error: 'not the sharing window' });
    // the user closes the bar: it comes back while the sharing runs
    dialogs.opened[0]!.userClose();
    await new Promise((r) => setTimeout(r, 300));
    expect(dialogs.open_()).toHaveLength(1);
    const again = dialogs.open_()[0]!;
    expect(await w.handlers['sharing.stop']!({}, caller(again.win.id))).toEqual({ ok: true });
    expect(stopped).toEqual(['m1/s']);
    set({ ...idle, audio: 1 });
    expect(dialogs.open_()).toHaveLength(0);
    expect(w.stats).toEqual({ opened: 2, stops: 1, reopened: 1 });
    w.close();
  });
});

describe('incoming-call window', () => {
  function setup(o: { enabled?: boolean; oneAtATime?: boolean } = {}) {
    const router = new ApiRouter(memoryLogger());
    const requests: { provider: string; msg: Record<string, unknown> }[] = [];
    const softphone = router.provide('com.innovaphone.phone', 'softphone', (req) => void requests.push({ provider: 'softphone', msg: req.msg }), { model: { calls: [] } });
    const phone = router.provide('com.innovaphone.phone', 'phone', (req) => void requests.push({ provider: 'phone', msg: req.msg }), { model: { calls: [] } });
    const dialogs = new FakeDialogs();
    const w = new IncomingCallWindow({ router, logger: memoryLogger(), dialogs, productName: 'myApps', words: translator('de'), enabled: o.enabled ?? true, oneAtATime: o.oneAtATime, pendingMs: 50 });
    return { router, softphone, phone, requests, dialogs, w };
  }
  const bob = { id: 7, guid: 'g', dir: 'i', num: '210', sip: 'bob', dn: 'Bob Builder', state: 'Alerting' };

  it('finds the alerting incoming calls of every phone provider with name and number', () => {
    expect(alertingCalls({
      softphone: { model: { calls: [bob, { id: 8, dir: 'o', state: 'Alerting' }, { id: 9, dir: 'i', state: 'Connected' }] } },
      phone: { model: { calls: [{ id: 1, dir: 'i', state: 'Alerting', sip: 'carol' }, { dir: 'i', state: 'Alerting', num: '0\u00007031' }] } },
      other: { model: {} },
    })).toEqual([
      { key: '["softphone",7]', provider: 'softphone', id: 7, name: 'Bob Builder', number: '210' },
      { key: '["phone",1]', provider: 'phone', id: 1, name: 'carol', number: '' },
      { key: '["phone","#1"]', provider: 'phone', name: '0 7031', number: '0 7031' },
    ]);
  });

  it('opens for an alerting call, sends ConnectCall / DisconnectCall to its phone app, closes when it stops alerting', async () => {
    const { softphone, phone, requests, dialogs, w } = setup();
    softphone.setModel({ calls: [bob] });
    await flush();
    expect(dialogs.open_()).toHaveLength(1);
    const d = dialogs.opened[0]!;
    expect(d.spec).toMatchObject({ page: 'incoming-call.html', title: 'myApps – eingehender Anruf', width: 380, height: incomingCallWindowHeight(1, 0), floating: true, placement: 'bottom-right', inactive: true });
    const key = '["softphone",7]';
    expect(w.handlers['incomingCall.getState']!({}, caller(d.win.id))).toEqual({ calls: [{ key, name: 'Bob Builder', number: '210', pending: false }], waiting: 0 });
    expect(() => w.handlers['incomingCall.getState']!({}, caller(1))).toThrow(/not the incoming-call window/);
    // a second call on the other phone app: the window shows both
    phone.setModel({ calls: [{ id: 3, dir: 'i', state: 'Alerting', num: '555' }] });
    await flush();
    expect((d.events.at(-1)!.payload as { calls: unknown[] }).calls).toHaveLength(2);
    // the window grows with the calls it shows (up to three without scrolling)
    expect(d.heights).toEqual([incomingCallWindowHeight(2, 0)]);
    expect(incomingCallWindowHeight(2, 0)).toBeGreaterThan(incomingCallWindowHeight(1, 0));
    expect(incomingCallWindowHeight(5, 0)).toBe(incomingCallWindowHeight(3, 0));
    expect(await w.handlers['incomingCall.answer']!({ key, action: 'accept' }, caller(d.win.id))).toEqual({ ok: true });
    expect(await w.handlers['incomingCall.answer']!({ key: '["phone",3]', action: 'reject' }, caller(d.win.id))).toEqual({ ok: true });
    expect(await w.handlers['incomingCall.answer']!({ key: 'nope', action: 'reject' }, caller(d.win.id))).toEqual({ ok: false, error: 'That call is not alerting any more.' });
    await flush();
    expect(requests).toEqual([{ provider: 'softphone', msg: { mt: 'ConnectCall', id: 7 } }, { provider: 'phone', msg: { mt: 'DisconnectCall', id: 3 } }]);
    expect(w.state().calls.map((c) => c.pending)).toEqual([true, true]);
    // the phone apps handle them: the window closes
    softphone.setModel({ calls: [{ ...bob, state: 'Connected' }] });
    phone.setModel({ calls: [] });
    await flush();
    expect(dialogs.open_()).toHaveLength(0);
    expect(w.stats).toMatchObject({ opened: 1, accepted: 1, rejected: 1 });
    w.close();
  });

  it('"Desktop notifications" off: no window; one call at a time where that rule applies; closed by the user: not again for that call', async () => {
    const off = setup({ enabled: false });
    off.softphone.setModel({ calls: [bob] });
    await flush();
    expect(off.dialogs.opened).toHaveLength(0);
    off.w.setEnabled(true);
    expect(off.dialogs.open_()).toHaveLength(1);
    off.w.setEnabled(false);
    expect(off.dialogs.open_()).toHaveLength(0);
    off.w.close();

    const one = setup({ oneAtATime: true });
    one.softphone.setModel({ calls: [bob, { ...bob, id: 8, dn: 'Carol' }] });
    await flush();
    const d = one.dialogs.opened[0]!;
    expect(one.w.state()).toEqual({ calls: [{ key: '["softphone",7]', name: 'Bob Builder', number: '210', pending: false }], waiting: 1 });
    // room for the "1 more call is waiting" line
    expect(d.spec.height).toBe(incomingCallWindowHeight(1, 1));
    expect(await one.w.handlers['incomingCall.answer']!({ key: '["softphone",8]', action: 'accept' }, caller(d.win.id))).toMatchObject({ ok: false });
    one.softphone.setModel({ calls: [{ ...bob, id: 8, dn: 'Carol' }] });
    await flush();
    expect(one.w.state().calls.map((c) => c.name)).toEqual(['Carol']);
    // the user closes the window: Carol's call rings on without it; a new call opens it again
    d.userClose();
    one.softphone.setModel({ calls: [{ ...bob, id: 8, dn: 'Carol' }] });
    await flush();
    expect(one.dialogs.open_()).toHaveLength(0);
    one.softphone.setModel({ calls: [{ ...bob, id: 8, dn: 'Carol' }, { ...bob, id: 9, dn: 'Dave' }] });
    await flush();
    expect(one.dialogs.open_()).toHaveLength(1);
    expect(one.w.state().calls.map((c) => c.name)).toEqual(['Dave']);
    one.w.close();
  });

  it('Accept waits for the phone app; when its call does not change, the buttons work again', async () => {
    const { softphone, dialogs, w } = setup();
    softphone.setModel({ calls: [bob] });
    await flush();
    const d = dialogs.opened[0]!;
    const key = '["softphone",7]';
    expect(await w.handlers['incomingCall.answer']!({ key, action: 'accept' }, caller(d.win.id))).toEqual({ ok: true });
    expect(w.state().calls[0]!.pending).toBe(true);
    await new Promise((r) => setTimeout(r, 80));
    expect(w.state().calls[0]!.pending).toBe(false);
    w.close();
  });
});
