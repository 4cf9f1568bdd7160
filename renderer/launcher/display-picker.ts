/**
 * Screen/window picker for app sharing (native/electron/display-media.ts
 * DisplayPickerModel, opened by electron/windows/dialogs.ts createDisplayPickerUi): the media
 * engine asked for getDisplayMedia(); the user picks a screen or window, or cancels (the
 * engine's request then fails cleanly). Closing the window cancels too.
 */
import type { Translator } from '../../common/i18n';
import type { LauncherPagesApi, PickerStateView } from './api';
import { demoBanner, h, startStatePage } from './dom';

function tile(w: Translator, s: PickerStateView['sources'][number], onPick: () => void): HTMLElement {
  const img = s.thumbnail ? h('img', { src: s.thumbnail, alt: '' }) : h('div', { class: 'no-thumb' }, w.t('picker.noPreview'));
  const b = h('button', { type: 'button', class: 'source', 'data-id': s.id, 'data-kind': s.kind, title: s.name }, img, h('span', { class: 'name' }, s.name));
  b.addEventListener('click', onPick);
  return b;
}

function view(root: HTMLElement, api: LauncherPagesApi, w: Translator, st: PickerStateView): void {
  const err = h('div', { id: 'error', class: 'msg-error', role: 'alert', hidden: true });
  const cancel = h('button', { id: 'cancel', type: 'button' }, w.t('common.cancel'));
  cancel.addEventListener('click', () => void api.cancelPicker());
  const pick = (id: string) => () =>
    void api.choosePickerSource(id).then((r) => {
      if (!r.ok) {
        err.textContent = r.error;
        err.hidden = false;
      }
    });
  const screens = st.sources.filter((s) => s.kind === 'screen');
  const windows = st.sources.filter((s) => s.kind === 'window');
  const section = (title: string, id: string, list: PickerStateView['sources']) =>
    list.length ? h('section', { id }, h('h2', {}, title), h('div', { class: 'sources' }, ...list.map((s) => tile(w, s, pick(s.id))))) : null;
  root.replaceChildren(
    ...(api.demo ? [demoBanner(w)] : []),
    h('main', { class: 'card wide dialog' },
      h('h1', {}, w.t('picker.heading')),
      !st.open
        ? h('p', { class: 'lead', id: 'closed' }, w.t('picker.closed'))
        : st.sources.length
          ? h('p', { class: 'lead' }, w.t('picker.lead'))
          : h('p', { class: 'lead', id: 'empty' }, w.t('picker.empty')),
      st.open ? section(w.t('picker.screens'), 'screens', screens) : null,
      st.open ? section(w.t('picker.windows'), 'windows', windows) : null,
      err,
      h('div', { class: 'actions' }, cancel)),
  );
  document.body.dataset.open = String(st.open);
  document.body.dataset.ready = 'true';
}

const api = startStatePage('picker.docTitle', (api) => ({ changes: (cb) => api.onPickerChanged(cb), current: () => api.pickerState() }), view);
if (api) {
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') void api.cancelPicker();
  });
}
