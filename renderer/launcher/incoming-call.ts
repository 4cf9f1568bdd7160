/**
 * Incoming-call window (electron/calls/incoming.ts IncomingCallWindow): the caller's name and
 * number and Accept / Reject for each alerting incoming call; it stays until the call is handled
 * (the main process closes it). It appears without taking the keyboard focus, so typing elsewhere
 * never answers a call; the calls are announced to screen readers.
 */
import type { Translator } from '../../common/i18n';
import type { IncomingCallView, LauncherPagesApi } from './api';
import { demoBanner, h, startStatePage } from './dom';

function view(root: HTMLElement, api: LauncherPagesApi, w: Translator, st: IncomingCallView): void {
  const err = h('div', { id: 'error', class: 'msg-error', role: 'alert', hidden: true });
  const calls = st.calls.map((c, i) => {
    const name = c.name || w.t('call.unknown');
    const accept = h('button', { type: 'button', class: 'accept', 'data-key': c.key, 'aria-label': w.t('call.acceptFrom', { name }) }, w.t('call.accept'));
    const reject = h('button', { type: 'button', class: 'reject', 'data-key': c.key, 'aria-label': w.t('call.rejectFrom', { name }) }, w.t('call.reject'));
    const status = h('p', { class: 'hint call-status' }, c.pending ? w.t('call.answering') : '');
    accept.disabled = c.pending;
    reject.disabled = c.pending;
    const answer = (action: 'accept' | 'reject') => () => {
      accept.disabled = true;
      reject.disabled = true;
      status.textContent = action === 'accept' ? w.t('call.answering') : '';
      void api.answerCall(c.key, action).then((r) => {
        if (r.ok) return;
        err.textContent = r.error;
        err.hidden = false;
        accept.disabled = false;
        reject.disabled = false;
        status.textContent = '';
      });
    };
    accept.addEventListener('click', answer('accept'));
    reject.addEventListener('click', answer('reject'));
    return h('section', { class: 'call', 'aria-labelledby': `caller-${i}` },
      h('h2', { id: `caller-${i}`, class: 'caller' }, name),
      c.number && c.number !== name ? h('p', { class: 'number' }, c.number) : null,
      status,
      h('div', { class: 'actions' }, accept, reject));
  });
  root.replaceChildren(
    ...(api.demo ? [demoBanner(w)] : []),
    h('main', { class: 'card dialog call-window' },
      h('h1', {}, w.t('call.heading')),
      h('div', { id: 'calls', 'aria-live': 'assertive' }, ...(calls.length ? calls : [h('p', { class: 'lead', id: 'none' }, w.t('call.none'))])),
      st.waiting ? h('p', { class: 'hint', id: 'waiting' }, w.t('call.more', { count: st.waiting })) : null,
      err),
  );
  document.body.dataset.calls = String(st.calls.length);
  document.body.dataset.ready = 'true';
}

startStatePage('call.docTitle', (api) => ({ changes: (cb) => api.onIncomingCallsChanged(cb), current: () => api.incomingCalls() }), view);
