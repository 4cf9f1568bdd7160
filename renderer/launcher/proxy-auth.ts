/**
 * Proxy sign-in dialog (electron/windows/dialogs.ts createProxyAuth): one question for all
 * requests to the same proxy, from the web client's traffic (Chromium's login event) and from
 * Node-side traffic (update downloads). The credentials are kept encrypted by the OS credential
 * store (safeStorage) and used again without asking until the proxy refuses them.
 */
import { getLauncherApi, type LauncherPagesApi, type ProxyAuthRequestView } from './api';
import { demoBanner, fatal, h } from './dom';

function view(root: HTMLElement, api: LauncherPagesApi, req: ProxyAuthRequestView): void {
  if (!req.pending) {
    root.replaceChildren(...(api.demo ? [demoBanner()] : []), h('main', { class: 'card dialog' }, h('h1', {}, 'Proxy sign-in'), h('p', { class: 'lead', id: 'done' }, 'Nothing is waiting for credentials.')));
    document.body.dataset.ready = 'true';
    return;
  }
  const user = h('input', { id: 'username', type: 'text', autocomplete: 'username', spellcheck: 'false', autofocus: true, required: true });
  const pass = h('input', { id: 'password', type: 'password', autocomplete: 'current-password' });
  const err = h('div', { id: 'error', class: 'msg-error', role: 'alert', hidden: true });
  const ok = h('button', { id: 'sign-in', class: 'primary', type: 'submit' }, 'Sign in');
  const cancel = h('button', { id: 'cancel', type: 'button' }, 'Cancel');
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
    h('label', { for: 'username' }, 'User name'), user,
    h('label', { for: 'password', class: 'spaced' }, 'Password'), pass,
    err,
    h('div', { class: 'actions' }, ok, cancel));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!user.value.trim()) return fail('Enter a user name.');
    busy(true);
    void api.answerProxyAuth({ username: user.value.trim(), password: pass.value }).then((r) => (r.ok ? undefined : fail(r.error)), (x: unknown) => fail(String(x)));
  });
  cancel.addEventListener('click', () => {
    busy(true);
    void api.answerProxyAuth({ cancel: true }).then((r) => (r.ok ? undefined : fail(r.error)), (x: unknown) => fail(String(x)));
  });
  root.replaceChildren(
    ...(api.demo ? [demoBanner()] : []),
    h('main', { class: 'card dialog' },
      h('h1', {}, 'Proxy sign-in'),
      h('p', { class: 'lead', id: 'proxy' }, `The proxy ${req.host}:${req.port}${req.realm ? ` (“${req.realm}”)` : ''} asks for your user name and password.`),
      req.retry ? h('div', { class: 'msg-error', id: 'refused', role: 'alert' }, 'The proxy did not accept the last user name or password. Try again.') : null,
      form,
      h('p', { class: 'hint' }, 'myApps keeps these credentials encrypted for this proxy and asks again only when the proxy refuses them.')),
  );
  user.focus();
  document.body.dataset.ready = 'true';
}

const root = document.getElementById('root')!;
try {
  const api = getLauncherApi();
  api.onProxyAuthRequest((r) => view(root, api, r));
  void api.proxyAuthRequest().then((r) => view(root, api, r)).catch((err: unknown) => fatal(root, err));
} catch (err) {
  fatal(root, err);
}
