/**
 * The incoming-call window (docs/notifications.md, "Incoming-call window"): a small launcher page
 * (renderer/launcher/incoming-call.html) that stays while a call alerts, shows the caller's name
 * and number and answers it. It follows the calls of the com.innovaphone.phone providers' models
 * (published: `calls[{id, dir, num, sip, dn, state}]`): every incoming call in state `Alerting`
 * is shown until it leaves that state. Accept sends `ConnectCall`, Reject `DisconnectCall` to the
 * provider whose model holds the call, through the bus as the launcher module "Incoming calls".
 *
 * Notification rules: "Desktop notifications" off → no window; where only one incoming-call
 * notification can be shown at a time (Windows Server editions) the window shows one call, the
 * others wait (`waiting`) until it is handled. Closing the window leaves the calls ringing and
 * does not bring it back for them (a new call opens it again).
 */
import type { ApiRouter, ConsumedApi, LocalModule } from '../bus';
import { Api } from '../../common/bus';
import { english, type Translator } from '../../common/i18n';
import { INCOMING_CALL_WINDOW_WIDTH, incomingCallWindowHeight } from '../../common/call-window';
import type { PreloadResponse } from '../../common/preload';
import type { PreloadHandlers } from '../security';
import type { DialogHost, DialogWindow } from '../windows';
import type { Logger } from '../platform';

export type IncomingCallState = PreloadResponse<'incomingCall.getState'>;

/** An alerting incoming call of a phone provider's model. */
export interface AlertingCall {
  key: string;
  provider: string;
  id?: number | string;
  name: string;
  number: string;
}

// control characters never reach the page or the window title
// eslint-disable-next-line no-control-regex
const clean = (v: unknown, n = 200): string => (typeof v === 'string' ? v.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, n) : '');

/** The incoming calls in state Alerting of every provider's model, in model order. */
export function alertingCalls(providers: Record<string, { model?: Record<string, unknown> }>): AlertingCall[] {
  const out: AlertingCall[] = [];
  for (const [provider, p] of Object.entries(providers)) {
    const calls = p.model?.calls;
    if (!Array.isArray(calls)) continue;
    calls.forEach((c: unknown, i) => {
      if (!c || typeof c !== 'object') return;
      const call = c as Record<string, unknown>;
      if (call.dir !== 'i' || call.state !== 'Alerting') return;
      const id = typeof call.id === 'number' || typeof call.id === 'string' ? call.id : undefined;
      const dn = clean(call.dn);
      const num = clean(call.num);
      const sip = clean(call.sip);
      out.push({
        key: JSON.stringify([provider, id ?? `#${i}`]).slice(0, 400),
        provider,
        ...(id !== undefined ? { id } : {}),
        name: dn || sip || num,
        number: num || (dn ? sip : ''),
      });
    });
  }
  return out;
}

export interface IncomingCallWindowOptions {
  router: ApiRouter;
  logger: Logger;
  dialogs: DialogHost;
  productName: string;
  words?: Translator;
  /** "Desktop notifications" (settings key `notifications`). */
  enabled: boolean;
  /** One incoming call at a time (Windows Server editions, docs/notifications.md). */
  oneAtATime?: boolean;
  /** How long Accept/Reject waits for the phone app before its buttons work again [10 s]. */
  pendingMs?: number;
}

export class IncomingCallWindow {
  /** The launcher module the window's requests come from (`@local-<id>`, "Incoming calls"). */
  readonly module: LocalModule;
  readonly handlers: PreloadHandlers;
  readonly stats = { opened: 0, accepted: 0, rejected: 0, failed: 0 };
  private readonly phone: ConsumedApi;
  private readonly offUpdate: () => void;
  private calls: AlertingCall[] = [];
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly dismissed = new Set<string>();
  private enabled: boolean;
  private win: DialogWindow | undefined;
  /** The window's content height now (it follows the number of calls shown). */
  private height = 0;
  private closed = false;

  constructor(private readonly o: IncomingCallWindowOptions) {
    this.enabled = o.enabled;
    this.module = o.router.localModule('Incoming calls');
    this.phone = this.module.consume(Api.phone);
    this.offUpdate = this.phone.onUpdate((providers) => this.onModel(providers));
    const notThisWindow = 'not the incoming-call window';
    this.handlers = {
      'incomingCall.getState': (_r, caller) => {
        if (caller.webContentsId !== this.win?.id) throw new Error(notThisWindow);
        return this.state();
      },
      'incomingCall.answer': ({ key, action }, caller) => {
        if (caller.webContentsId !== this.win?.id) return { ok: false as const, error: notThisWindow };
        return this.answer(key, action);
      },
    };
    this.onModel(this.phone.providers());
  }

  /** "Desktop notifications" changed. */
  setEnabled(on: boolean): void {
    this.enabled = on;
    this.render();
  }

  /** What the window shows (also when it is closed: what it would show). */
  state(): IncomingCallState {
    const all = this.visible();
    const shown = this.o.oneAtATime ? all.slice(0, 1) : all.slice(0, 20);
    return { calls: shown.map((c) => ({ key: c.key, name: c.name, number: c.number, pending: this.pending.has(c.key) })), waiting: all.length - shown.length };
  }

  isOpen(): boolean {
    return this.win !== undefined;
  }

  /** Accept (ConnectCall) or reject (DisconnectCall) one shown call. */
  answer(key: string, action: 'accept' | 'reject'): { ok: true } | { ok: false; error: string } {
    const call = this.state().calls.some((c) => c.key === key) ? this.calls.find((c) => c.key === key) : undefined;
    if (!call) return { ok: false, error: 'That call is not alerting any more.' };
    // `id` (ours, beside the published message) names the call when a phone app has several.
    const msg = { mt: action === 'accept' ? 'ConnectCall' : 'DisconnectCall', ...(call.id !== undefined ? { id: call.id } : {}) };
    try {
      this.phone.send(msg, { provider: call.provider });
    } catch (err) {
      this.stats.failed++;
      this.o.logger.warn(`incoming call: ${msg.mt} not sent`, { error: err instanceof Error ? err.message : String(err) });
      return { ok: false, error: 'The phone app cannot be reached.' };
    }
    if (action === 'accept') this.stats.accepted++;
    else this.stats.rejected++;
    this.o.logger.trace('App', `incoming call: ${msg.mt} sent to ${Api.phone}`, { provider: call.provider });
    clearTimeout(this.pending.get(key));
    const t = setTimeout(() => {
      this.pending.delete(key);
      this.render();
    }, this.o.pendingMs ?? 10_000);
    t.unref?.();
    this.pending.set(key, t);
    this.render();
    return { ok: true };
  }

  close(): void {
    this.closed = true;
    this.offUpdate();
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    const w = this.win;
    this.win = undefined;
    w?.close();
    this.module.close();
  }

  private visible(): AlertingCall[] {
    return this.enabled ? this.calls.filter((c) => !this.dismissed.has(c.key)) : [];
  }

  private onModel(providers: Record<string, { model?: Record<string, unknown> }>): void {
    const now = alertingCalls(providers);
    const keys = new Set(now.map((c) => c.key));
    // calls already shown keep their place (the oldest first); new ones are added at the end
    const known = this.calls.filter((c) => keys.has(c.key)).map((c) => now.find((n) => n.key === c.key)!);
    const added = now.filter((c) => !this.calls.some((k) => k.key === c.key));
    this.calls = [...known, ...added];
    for (const k of [...this.pending.keys()]) if (!keys.has(k)) {
      clearTimeout(this.pending.get(k));
      this.pending.delete(k);
    }
    for (const k of [...this.dismissed]) if (!keys.has(k)) this.dismissed.delete(k);
    this.render();
  }

  private render(): void {
    if (this.closed) return;
    const st = this.state();
    if (st.calls.length === 0) {
      const w = this.win;
      this.win = undefined;
      w?.close();
      return;
    }
    const height = incomingCallWindowHeight(st.calls.length, st.waiting);
    if (this.win) {
      if (height !== this.height) this.win.setHeight((this.height = height));
      this.win.emit('incomingCallChanged', st);
      return;
    }
    const w = this.o.words ?? english;
    this.height = height;
    const opened = this.o.dialogs.open({
      page: 'incoming-call.html',
      title: w.t('window.incomingCall', { product: this.o.productName }),
      width: INCOMING_CALL_WINDOW_WIDTH,
      height,
      floating: true,
      placement: 'bottom-right',
      inactive: true,
    });
    this.win = opened;
    this.stats.opened++;
    this.o.logger.trace('App', 'incoming call: window shown', { calls: st.calls.length, waiting: st.waiting });
    opened.onClosed(() => {
      if (this.win !== opened) return;
      // closed by the user: these calls ring on without the window
      this.win = undefined;
      for (const c of this.visible()) this.dismissed.add(c.key);
      this.o.logger.trace('App', 'incoming call: window closed by the user; the call keeps alerting');
    });
  }
}
