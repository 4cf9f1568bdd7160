/**
 * Link confirmation dialog (electron/windows/link-confirm.ts): a tel:/sip:/im:/callto: link that
 * came from page content, not from the user's desktop, is dialled only after "Call". Shows the
 * number or address as it will be sent and the origin of the frame that asked (or "An unknown
 * page"). Escape or closing the window cancels. Words: common/i18n `linkConfirm.*`.
 */
import type { Translator } from '../../common/i18n';
import type { LauncherPagesApi, LinkConfirmRequestView } from './api';
import { demoBanner, h, startStatePage } from './dom';

let onKey: ((e: KeyboardEvent) => void) | undefined;

function view(root: HTMLElement, api: LauncherPagesApi, w: Translator, req: LinkConfirmRequestView): void {
  if (onKey) document.removeEventListener('keydown', onKey);
  onKey = undefined;
  if (!req.pending || !req.action || !req.target) {
    root.replaceChildren(...(api.demo ? [demoBanner(w)] : []), h('main', { class: 'card dialog' }, h('p', { class: 'lead', id: 'done' }, w.t('linkConfirm.nothing'))));
    document.body.dataset.ready = 'true';
    return;
  }
  const action = req.action;
  const err = h('div', { id: 'error', class: 'msg-error', role: 'alert', hidden: true });
  const ok = h('button', { id: 'confirm', class: 'primary', type: 'button' }, w.t(action === 'chat' ? 'linkConfirm.chat' : 'linkConfirm.call'));
  const cancel = h('button', { id: 'cancel', type: 'button', autofocus: true }, w.t('common.cancel'));
  const answer = (confirm: boolean) => {
    ok.disabled = true;
    cancel.disabled = true;
    void api.answerLinkConfirm(confirm).then(
      (r) => {
        if (r.ok) return;
        err.textContent = r.error;
        err.hidden = false;
      },
      (x: unknown) => {
        err.textContent = String(x);
        err.hidden = false;
      },
    );
  };
  ok.addEventListener('click', () => answer(true));
  cancel.addEventListener('click', () => answer(false));
  onKey = (e) => { if (e.key === 'Escape') answer(false); };
  document.addEventListener('keydown', onKey);
  root.replaceChildren(
    ...(api.demo ? [demoBanner(w)] : []),
    h('main', { class: 'card dialog' },
      h('h1', {}, w.t(action === 'chat' ? 'linkConfirm.headingChat' : 'linkConfirm.headingCall')),
      h('p', { class: 'lead', id: 'from' }, w.t(action === 'chat' ? 'linkConfirm.leadChat' : 'linkConfirm.leadCall', { from: req.from ?? w.t('linkConfirm.unknownPage') })),
      h('p', { class: 'target', id: 'target' }, req.target),
      h('p', { class: 'hint', id: 'hint' }, w.t('linkConfirm.hint')),
      req.more ? h('p', { class: 'hint', id: 'more' }, w.t('linkConfirm.more', { count: req.more })) : null,
      err,
      // Cancel first and focused: Enter does not dial
      h('div', { class: 'actions' }, cancel, ok)),
  );
  cancel.focus();
  document.body.dataset.ready = 'true';
}

startStatePage('linkConfirm.docTitle', (api) => ({ changes: (cb) => api.onLinkConfirmRequest(cb), current: () => api.linkConfirmRequest() }), view);
