/**
 * Screen/window picker for app sharing (native/electron/display-media.ts
 * DisplayPickerModel, opened by electron/windows/dialogs.ts createDisplayPickerUi): the media
 * engine asked for getDisplayMedia(); the user picks a screen or window, or cancels (the
 * engine's request then fails cleanly). Closing the window cancels too.
 */
import { getLauncherApi, type LauncherPagesApi, type PickerStateView } from './api';
import { demoBanner, fatal, h } from './dom';

function tile(s: PickerStateView['sources'][number], onPick: () => void): HTMLElement {
  const img = s.thumbnail ? h('img', { src: s.thumbnail, alt: '' }) : h('div', { class: 'no-thumb' }, 'No preview');
  const b = h('button', { type: 'button', class: 'source', 'data-id': s.id, 'data-kind': s.kind, title: s.name }, img, h('span', { class: 'name' }, s.name));
  b.addEventListener('click', onPick);
  return b;
}

function view(root: HTMLElement, api: LauncherPagesApi, st: PickerStateView): void {
  const err = h('div', { id: 'error', class: 'msg-error', role: 'alert', hidden: true });
  const cancel = h('button', { id: 'cancel', type: 'button' }, 'Cancel');
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
    list.length ? h('section', { id }, h('h2', {}, title), h('div', { class: 'sources' }, ...list.map((s) => tile(s, pick(s.id))))) : null;
  root.replaceChildren(
    ...(api.demo ? [demoBanner()] : []),
    h('main', { class: 'card wide dialog' },
      h('h1', {}, 'Choose what to share'),
      !st.open
        ? h('p', { class: 'lead', id: 'closed' }, 'Nothing is waiting for a choice.')
        : st.sources.length
          ? h('p', { class: 'lead' }, 'The other participants see the screen or window you choose until you stop sharing.')
          : h('p', { class: 'lead', id: 'empty' }, 'There is no screen or window that can be shared.'),
      st.open ? section('Screens', 'screens', screens) : null,
      st.open ? section('Windows', 'windows', windows) : null,
      err,
      h('div', { class: 'actions' }, cancel)),
  );
  document.body.dataset.open = String(st.open);
  document.body.dataset.ready = 'true';
}

const root = document.getElementById('root')!;
try {
  const api = getLauncherApi();
  api.onPickerChanged((s) => view(root, api, s));
  void api.pickerState().then((s) => view(root, api, s)).catch((err: unknown) => fatal(root, err));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') void api.cancelPicker();
  });
} catch (err) {
  fatal(root, err);
}
