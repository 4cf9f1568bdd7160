/**
 * The error page: what failed (DNS, refused, timeout, certificate, HTTP, proxy), with Retry and
 * Change server. A certificate failure shows the certificate's details; trusting it needs an
 * explicit confirmation and pins exactly this fingerprint for exactly this origin.
 */
import { getLauncherApi, type LauncherPagesApi } from './api';
import { webOrigin } from '../../common/origin';
import { demoBanner, fatal, h } from './dom';

async function render(root: HTMLElement, api: LauncherPagesApi): Promise<void> {
  const state = await api.getConnectState();
  const f = state.failure;
  const title = f?.title ?? 'Cannot connect';
  const message = f?.message ?? state.error ?? 'The connection to the PBX failed.';
  const url = f?.url ?? state.url ?? '';
  const retry = h('button', { id: 'retry', class: 'primary', type: 'button' }, 'Retry');
  const change = h('button', { id: 'change-server', type: 'button' }, 'Change server');
  retry.addEventListener('click', () => {
    retry.disabled = true;
    void api.retry().finally(() => (retry.disabled = false));
  });
  change.addEventListener('click', () => void api.changeServer());

  const details = h('dl', { class: 'details' });
  const add = (k: string, v: string | number | undefined) => {
    if (v === undefined || v === '') return;
    details.append(h('dt', {}, k), h('dd', {}, String(v)));
  };
  add('Address', url);
  add('Error', f?.code);
  add('HTTP status', f?.status);
  let trust: HTMLElement | null = null;
  const c = f?.certificate;
  if (c) {
    add('Subject', c.subject);
    add('Issuer', c.issuer);
    add('Alternative names', c.subjectAltName);
    add('Valid from', c.validFrom);
    add('Valid until', c.validTo);
    add('SHA-256 fingerprint', c.fingerprint256);
    add('Serial number', c.serialNumber);
    const origin = webOrigin(url);
    if (api.trustCertificate && origin) {
      const confirm = h('input', { id: 'trust-confirm', type: 'checkbox' });
      const trustBtn = h('button', { id: 'trust', type: 'button', disabled: true }, 'Trust this certificate and connect');
      const trustErr = h('div', { class: 'row-error', role: 'alert' });
      confirm.addEventListener('change', () => (trustBtn.disabled = !confirm.checked));
      trustBtn.addEventListener('click', () => {
        void api.trustCertificate!(origin, c.fingerprint256).then((r) => {
          if (!r.ok) trustErr.textContent = r.error;
          else void api.retry();
        });
      });
      trust = h('div', { class: 'trust' },
        h('label', {}, confirm, h('span', {}, `I compared the fingerprint above with my administrator and trust this certificate for ${origin} only.`)),
        h('div', { class: 'actions' }, trustBtn),
        trustErr);
    }
  }
  root.replaceChildren(
    ...(api.demo ? [demoBanner()] : []),
    h('main', { class: 'card' },
      h('h1', { id: 'title' }, title),
      h('p', { id: 'message', class: 'lead' }, message),
      details,
      h('div', { class: 'actions' }, retry, change),
      trust),
  );
  document.body.dataset.ready = 'true';
  document.body.dataset.failure = f?.kind ?? 'unknown';
}

const root = document.getElementById('root')!;
try {
  void render(root, getLauncherApi()).catch((err: unknown) => fatal(root, err));
} catch (err) {
  fatal(root, err);
}
