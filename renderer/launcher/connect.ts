/**
 * The connect form: asks for the server string, validates it as the user types with the same
 * parser the main process uses (common/server-string.ts) and shows the URL it expands to.
 */
import type { Translator } from '../../common/i18n';
import { parseServerString } from '../../common/server-string';
import { getLauncherApi, type LauncherPagesApi } from './api';
import { demoBanner, fatal, h, pageWords } from './dom';

async function render(root: HTMLElement, api: LauncherPagesApi, w: Translator): Promise<void> {
  const state = await api.getConnectState();
  const input = h('input', {
    id: 'server', class: 'server', type: 'text', name: 'server', autocomplete: 'url', spellcheck: 'false',
    placeholder: 'pbx.example.com', 'aria-describedby': 'server-hint', autofocus: true, readonly: state.locked,
  });
  input.value = state.server;
  const hint = h('div', { id: 'server-hint', class: 'hint', 'aria-live': 'polite' });
  const serverError = h('div', { id: 'server-error', class: 'msg-error', role: 'alert', hidden: !state.error }, state.error ?? '');
  const submit = h('button', { id: 'connect', class: 'primary', type: 'submit' }, w.t('connect.connect'));
  let touched = state.server !== '' || !!state.error;

  const validate = (): boolean => {
    const r = parseServerString(input.value);
    if (r.ok) {
      input.setAttribute('aria-invalid', 'false');
      hint.className = 'hint';
      hint.textContent = w.t('connect.connectsTo', { url: r.url });
      return true;
    }
    input.setAttribute('aria-invalid', touched ? 'true' : 'false');
    hint.className = touched ? 'hint error' : 'hint';
    hint.textContent = touched ? w.text(r.message) : w.t('connect.hint');
    return false;
  };
  input.addEventListener('input', () => {
    touched = true;
    serverError.hidden = true;
    validate();
  });

  const form = h('form', { id: 'connect-form', novalidate: true },
    h('label', { for: 'server' }, w.t('connect.server')),
    input,
    hint,
    serverError,
    h('div', { class: 'actions' }, submit, h('button', { id: 'settings', type: 'button' }, w.t('connect.advancedSettings'))),
    h('div', { class: 'examples' },
      `${w.t('connect.examples')} `, h('code', {}, 'pbx.example.com'), ' · ', h('code', {}, 'pbx.example.com:4444'), ' · ',
      h('code', {}, 'pbx.example.com/PBX0-1'), ' · ', h('code', {}, 'pbx.example.com#phys=slave')),
    state.locked ? h('p', { class: 'hint' }, w.t('connect.locked')) : null,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    touched = true;
    if (!validate()) {
      input.focus();
      return;
    }
    submit.disabled = true;
    void api.connect(input.value).then((r) => {
      submit.disabled = false;
      if (!r.ok) {
        serverError.textContent = r.error;
        serverError.hidden = false;
      } else {
        const p = parseServerString(input.value);
        hint.className = 'hint';
        hint.textContent = w.t('connect.connecting', { url: p.ok ? p.url : input.value });
        document.body.dataset.connected = 'true';
      }
    });
  });
  form.querySelector('#settings')!.addEventListener('click', () => void api.openSettings());

  root.replaceChildren(
    ...(api.demo ? [demoBanner(w)] : []),
    h('main', { class: 'card' },
      h('h1', {}, w.t('connect.heading')),
      h('p', { class: 'lead' }, w.t('connect.lead')),
      form),
  );
  validate();
  if (!state.locked) input.focus();
  document.body.dataset.ready = 'true';
}

const root = document.getElementById('root')!;
try {
  const api = getLauncherApi();
  void pageWords(api, 'connect.docTitle').then((w) => render(root, api, w).catch((err: unknown) => fatal(root, err, w)));
} catch (err) {
  fatal(root, err);
}
