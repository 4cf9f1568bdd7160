/**
 * The error page: what failed (DNS, refused, timeout, certificate, HTTP, proxy), with Retry and
 * Change server. A certificate failure shows the certificate's details; trusting it needs an
 * explicit confirmation and pins exactly this fingerprint for exactly this origin. Title and
 * advice are the page's own words for the failure kind; what the main process found out beyond
 * that (the network error, the HTTP path) is shown as it came, under "Details".
 */
import { FAILURE_ADVICE, type FailureKind } from '../../common/connect-failure';
import type { Translator } from '../../common/i18n';
import { getLauncherApi, type LauncherPagesApi } from './api';
import { webOrigin } from '../../common/origin';
import { demoBanner, fatal, h, pageWords } from './dom';

const KINDS = Object.keys(FAILURE_ADVICE) as FailureKind[];

/** The main process's message without the English advice the page already says in its language. */
function technicalDetail(kind: FailureKind, message: string): string {
  return message.replace(FAILURE_ADVICE[kind], '').replace(/^\s*\((.*)\)\s*$/, '$1').trim();
}

async function render(root: HTMLElement, api: LauncherPagesApi, w: Translator): Promise<void> {
  const state = await api.getConnectState();
  const f = state.failure;
  const kind = f && (KINDS as string[]).includes(f.kind) ? (f.kind as FailureKind) : undefined;
  const title = kind ? w.t(`failure.${kind}.title`) : w.t('error.cannotConnect');
  const message = kind ? w.t(`failure.${kind}.advice`) : state.error ?? w.t('error.failed');
  const url = f?.url ?? state.url ?? '';
  const retry = h('button', { id: 'retry', class: 'primary', type: 'button' }, w.t('error.retry'));
  const change = h('button', { id: 'change-server', type: 'button' }, w.t('error.changeServer'));
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
  add(w.t('error.address'), url);
  add(w.t('error.code'), f?.code);
  add(w.t('error.httpStatus'), f?.status);
  const detail = kind && f ? technicalDetail(kind, f.message) : '';
  if (detail && detail !== f?.code) add(w.t('error.detail'), detail);
  let trust: HTMLElement | null = null;
  const c = f?.certificate;
  if (c) {
    add(w.t('error.subject'), c.subject);
    add(w.t('error.issuer'), c.issuer);
    add(w.t('error.altNames'), c.subjectAltName);
    add(w.t('error.validFrom'), c.validFrom);
    add(w.t('error.validTo'), c.validTo);
    add(w.t('error.fingerprint'), c.fingerprint256);
    add(w.t('error.serial'), c.serialNumber);
    const origin = webOrigin(url);
    if (api.trustCertificate && origin) {
      const confirm = h('input', { id: 'trust-confirm', type: 'checkbox' });
      const trustBtn = h('button', { id: 'trust', type: 'button', disabled: true }, w.t('error.trust'));
      const trustErr = h('div', { class: 'row-error', role: 'alert' });
      confirm.addEventListener('change', () => (trustBtn.disabled = !confirm.checked));
      trustBtn.addEventListener('click', () => {
        void api.trustCertificate!(origin, c.fingerprint256).then((r) => {
          if (!r.ok) trustErr.textContent = r.error;
          else void api.retry();
        });
      });
      trust = h('div', { class: 'trust' },
        h('label', {}, confirm, h('span', {}, w.t('error.trustConfirm', { origin }))),
        h('div', { class: 'actions' }, trustBtn),
        trustErr);
    }
  }
  root.replaceChildren(
    ...(api.demo ? [demoBanner(w)] : []),
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
  const api = getLauncherApi();
  void pageWords(api, 'error.docTitle').then((w) => render(root, api, w).catch((err: unknown) => fatal(root, err, w)));
} catch (err) {
  fatal(root, err);
}
