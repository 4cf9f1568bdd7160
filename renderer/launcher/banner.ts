/**
 * In-app notification banner (electron/notifications/banner.ts InAppBanner), drawn by the
 * launcher over the top right corner of the main window when the desktop has no notification
 * service: each notification with its buttons; a click on it opens it (the notification's default
 * action), "Dismiss" closes it. Newest first; the main process sizes the view to what it shows.
 */
import type { Translator } from '../../common/i18n';
import type { BannerAction, BannerView, LauncherPagesApi } from './api';
import { demoBanner, h, startStatePage } from './dom';

function view(root: HTMLElement, api: LauncherPagesApi, w: Translator, st: BannerView): void {
  const act = (id: string, action: BannerAction) => () => void api.bannerAct(id, action);
  const notes = st.items.map((n, i) => {
    const open = h('button', { type: 'button', class: 'note-open', 'data-id': n.id, 'aria-describedby': `note-body-${i}` },
      h('strong', { class: 'note-title' }, n.title || w.t('banner.open')));
    open.addEventListener('click', act(n.id, ''));
    const dismiss = h('button', { type: 'button', class: 'note-dismiss', 'data-id': n.id, 'aria-label': w.t('banner.dismissLabel', { title: n.title || n.body.slice(0, 60) }), title: w.t('banner.dismiss') }, '×');
    dismiss.addEventListener('click', act(n.id, 'dismiss'));
    const buttons = n.buttons.map((b) => {
      const btn = h('button', { type: 'button', class: `small ${b.action === 'accept' ? 'accept' : b.action === 'reject' ? 'reject' : ''}`, 'data-id': n.id, 'data-action': b.action }, b.label);
      btn.addEventListener('click', act(n.id, b.action));
      return btn;
    });
    return h('section', { class: `note ${n.kind}`, 'data-id': n.id, 'aria-labelledby': `note-title-${i}` },
      h('div', { class: 'note-head', id: `note-title-${i}` }, open, dismiss),
      h('p', { class: 'note-body', id: `note-body-${i}` }, n.body),
      buttons.length ? h('div', { class: 'note-actions' }, ...buttons) : null);
  });
  root.replaceChildren(
    ...(api.demo ? [demoBanner(w)] : []),
    h('main', { class: 'banner', 'aria-label': w.t('banner.label') },
      h('h1', { class: 'note-why' }, w.t('banner.why')),
      h('div', { id: 'notes', 'aria-live': 'polite' }, ...notes)),
  );
  document.body.dataset.items = String(st.items.length);
  document.body.dataset.ready = 'true';
}

startStatePage('banner.docTitle', (api) => ({ changes: (cb) => api.onBannerChanged(cb), current: () => api.bannerState() }), view);
