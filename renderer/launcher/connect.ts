/**
 * The connect form: asks for the server string, validates it as the user types with the same
 * parser the main process uses (common/server-string.ts) and shows the URL it expands to.
 */
import { parseServerString } from '../../common/server-string';
import { getLauncherApi, type LauncherPagesApi } from './api';
import { demoBanner, fatal, h } from './dom';

async function render(root: HTMLElement, api: LauncherPagesApi): Promise<void> {
  const state = await api.getConnectState();
  const input = h('input', {
    id: 'server', class: 'server', type: 'text', name: 'server', autocomplete: 'url', spellcheck: 'false',
    placeholder: 'pbx.example.com', 'aria-describedby': 'server-hint', autofocus: true, readonly: state.locked,
  });
  input.value = state.server;
  const hint = h('div', { id: 'server-hint', class: 'hint', 'aria-live': 'polite' });
  const serverError = h('div', { id: 'server-error', class: 'msg-error', role: 'alert', hidden: !state.error }, state.error ?? '');
  const submit = h('button', { id: 'connect', class: 'primary', type: 'submit' }, 'Connect');
  let touched = state.server !== '' || !!state.error;

  const validate = (): boolean => {
    const r = parseServerString(input.value);
    if (r.ok) {
      input.setAttribute('aria-invalid', 'false');
      hint.className = 'hint';
      hint.textContent = `Connects to ${r.url}`;
      return true;
    }
    input.setAttribute('aria-invalid', touched ? 'true' : 'false');
    hint.className = touched ? 'hint error' : 'hint';
    hint.textContent = touched ? r.error : 'Enter the DNS name or IP address of your PBX.';
    return false;
  };
  input.addEventListener('input', () => {
    touched = true;
    serverError.hidden = true;
    validate();
  });

  const form = h('form', { id: 'connect-form', novalidate: true },
    h('label', { for: 'server' }, 'Server'),
    input,
    hint,
    serverError,
    h('div', { class: 'actions' }, submit, h('button', { id: 'settings', type: 'button' }, 'Advanced settings')),
    h('div', { class: 'examples' },
      'Examples: ', h('code', {}, 'pbx.example.com'), ' · ', h('code', {}, 'pbx.example.com:4444'), ' · ',
      h('code', {}, 'pbx.example.com/PBX0-1'), ' · ', h('code', {}, 'pbx.example.com#phys=slave')),
    state.locked ? h('p', { class: 'hint' }, 'The server is preset by your administrator.') : null,
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
        hint.className = 'hint';
        hint.textContent = `Connecting to ${parseServerString(input.value).ok ? (parseServerString(input.value) as { url: string }).url : input.value} …`;
        document.body.dataset.connected = 'true';
      }
    });
  });
  form.querySelector('#settings')!.addEventListener('click', () => void api.openSettings());

  root.replaceChildren(
    ...(api.demo ? [demoBanner()] : []),
    h('main', { class: 'card' },
      h('h1', {}, 'Connect to your PBX'),
      h('p', { class: 'lead' }, 'myApps needs the address of your innovaphone PBX. Your administrator can tell you.'),
      form),
  );
  validate();
  if (!state.locked) input.focus();
  document.body.dataset.ready = 'true';
}

const root = document.getElementById('root')!;
try {
  void render(root, getLauncherApi()).catch((err: unknown) => fatal(root, err));
} catch (err) {
  fatal(root, err);
}
