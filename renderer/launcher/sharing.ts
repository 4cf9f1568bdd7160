/**
 * Sharing bar (electron/calls/sharing.ts SharingWindow): while an app sends the user's screen,
 * "You are sharing your screen" and Stop, above every window. Stop ends the sharing through the
 * launcher (the app is told as when the shared screen goes away); the main process closes the bar.
 */
import type { Translator } from '../../common/i18n';
import type { LauncherPagesApi, SharingView } from './api';
import { demoBanner, h, startStatePage } from './dom';

function view(root: HTMLElement, api: LauncherPagesApi, w: Translator, st: SharingView): void {
  const stop = h('button', { id: 'stop', type: 'button', class: 'reject', 'aria-label': w.t('sharing.stopLabel') }, w.t('sharing.stop'));
  const err = h('span', { id: 'error', class: 'error', role: 'alert', hidden: true });
  stop.addEventListener('click', () => {
    stop.disabled = true;
    void api.stopSharing().then((r) => {
      if (r.ok) return;
      err.textContent = r.error;
      err.hidden = false;
      stop.disabled = false;
    });
  });
  root.replaceChildren(
    ...(api.demo ? [demoBanner(w)] : []),
    h('main', { class: 'sharing-bar' },
      h('span', { class: 'live-dot', 'aria-hidden': 'true' }),
      h('h1', { id: 'text' }, st.sharing ? w.t('sharing.text') : w.t('sharing.stopped')),
      st.sharing ? stop : null,
      err),
  );
  document.body.dataset.sharing = String(st.sharing);
  document.body.dataset.ready = 'true';
}

startStatePage('sharing.docTitle', (api) => ({ changes: (cb) => api.onSharingChanged(cb), current: () => api.sharingState() }), view);
