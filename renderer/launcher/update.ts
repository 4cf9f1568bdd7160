/**
 * Update progress popup (electron/windows/dialogs.ts createUpdateUi): shown while a verified
 * update package is handed to the installer, at start ("ready at start") or after "Install now".
 * The main process closes it; the client then quits or restarts.
 */
import type { Translator } from '../../common/i18n';
import type { LauncherPagesApi, UpdateProgressView } from './api';
import { demoBanner, h, startStatePage } from './dom';

function view(root: HTMLElement, api: LauncherPagesApi, w: Translator, s: UpdateProgressView): void {
  const bar = h('progress', { id: 'progress', max: '1', 'aria-label': w.t('install.progress') });
  if (s.fraction !== null) bar.value = s.fraction;
  else bar.removeAttribute('value'); // indeterminate
  const pct = s.fraction === null ? w.t('install.preparing') : w.percent(s.fraction);
  root.replaceChildren(
    ...(api.demo ? [demoBanner(w)] : []),
    h('main', { class: 'card dialog' },
      h('h1', {}, s.phase === 'failed' ? w.t('install.failed') : w.t('install.heading')),
      h('p', { class: 'lead', id: 'build' }, w.t('install.lead', { build: s.build })),
      bar,
      h('div', { class: 'hint', id: 'percent', 'aria-live': 'polite' }, pct),
      s.detail ? h('p', { class: s.phase === 'failed' ? 'msg-error' : 'hint' }, s.detail) : null),
  );
  document.body.dataset.fraction = s.fraction === null ? '' : String(s.fraction);
  document.body.dataset.ready = 'true';
}

startStatePage('install.docTitle', (api) => ({ changes: (cb) => api.onUpdateProgress(cb), current: () => api.updateState() }), view);
