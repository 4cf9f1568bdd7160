/**
 * Proxy sign-in dialog (electron/windows/dialogs.ts createProxyAuth): one question for all
 * requests to the same proxy, from the web client's traffic (Chromium's login event) and from
 * Node-side traffic (update downloads). The credentials are kept encrypted by the OS credential
 * store (safeStorage) and used again without asking until the proxy refuses them.
 */
import type { Translator } from '../../common/i18n';
import type { LauncherPagesApi, ProxyAuthRequestView } from './api';
import { demoBanner, h, startStatePage } from './dom';

function view(root: HTMLElement, api: LauncherPagesApi, w: Translator, req: ProxyAuthRequestView): void {
  if (!req.pending) {
    root.replaceChildren(...(api.demo ? [demoBanner(w)] : []), h('main', { class: 'card dialog' }, h('h1', {}, w.t('proxyAuth.heading')), h('p', { class: 'lead', id: 'done' }, w.t('proxyAuth.nothing'))));
    document.body.dataset.ready = 'true';
    return;
  }
  const user = h('input', { id: 'username', type: 'text', autocomplete: 'username', spellcheck: 'false', autofocus: true, required: true });
  const pass = h('input', { id: 'password', type: 'password', autocomplete: 'current-password' });
  const err = h('div', { id: 'error', class: 'msg-error', role: 'alert', hidden: true });
  const ok = h('button', { id: 'sign-in', class: 'primary', type: 'submit' }, w.t('proxyAuth.signIn'));
  const cancel = h('button', { id: 'cancel', type: 'button' }, w.t('common.cancel'));
  const busy = (on: boolean) => {
    ok.disabled = on;
    cancel.disabled = on;
  };
  const fail = (e: string) => {
    err.textContent = e;
    err.hidden = false;
    busy(false);
  };
  const form = h('form', { id: 'proxy-form', novalidate: true },
    h('label', { for: 'username' }, w.t('proxyAuth.username')), user,
    h('label', { for: 'password', class: 'spaced' }, w.t('proxyAuth.password')), pass,
    err,
    h('div', { class: 'actions' }, ok, cancel));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!user.value.trim()) return fail(w.t('proxyAuth.enterUser'));
    busy(true);
    void api.answerProxyAuth({ username: user.value.trim(), password: pass.value }).then((r) => (r.ok ? undefined : fail(r.error)), (x: unknown) => fail(String(x)));
  });
  cancel.addEventListener('click', () => {
    busy(true);
    void api.answerProxyAuth({ cancel: true }).then((r) => (r.ok ? undefined : fail(r.error)), (x: unknown) => fail(String(x)));
  });
  const proxy = `${req.host}:${req.port}`;
  root.replaceChildren(
    ...(api.demo ? [demoBanner(w)] : []),
    h('main', { class: 'card dialog' },
      h('h1', {}, w.t('proxyAuth.heading')),
      h('p', { class: 'lead', id: 'proxy' }, req.realm ? w.t('proxyAuth.leadRealm', { proxy, realm: req.realm }) : w.t('proxyAuth.lead', { proxy })),
      req.retry ? h('div', { class: 'msg-error', id: 'refused', role: 'alert' }, w.t('proxyAuth.refused')) : null,
      form,
      h('p', { class: 'hint' }, w.t('proxyAuth.keep'))),
  );
  user.focus();
  document.body.dataset.ready = 'true';
}

startStatePage('proxyAuth.docTitle', (api) => ({ changes: (cb) => api.onProxyAuthRequest(cb), current: () => api.proxyAuthRequest() }), view);
