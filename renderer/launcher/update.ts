/**
 * Update progress popup (electron/windows/dialogs.ts createUpdateUi): shown while a verified
 * update package is handed to the installer, at start ("ready at start") or after "Install now".
 * The main process closes it; the client then quits or restarts.
 */
import { getLauncherApi, type LauncherPagesApi, type UpdateProgressView } from './api';
import { demoBanner, fatal, h } from './dom';

function view(root: HTMLElement, api: LauncherPagesApi, s: UpdateProgressView): void {
  const bar = h('progress', { id: 'progress', max: '1', 'aria-label': 'Installation progress' });
  if (s.fraction !== null) bar.value = s.fraction;
  else bar.removeAttribute('value'); // indeterminate
  const pct = s.fraction === null ? 'Preparing…' : `${Math.round(s.fraction * 100)} %`;
  root.replaceChildren(
    ...(api.demo ? [demoBanner()] : []),
    h('main', { class: 'card dialog' },
      h('h1', {}, s.phase === 'failed' ? 'Update failed' : 'Installing update'),
      h('p', { class: 'lead', id: 'build' }, `myApps build ${s.build}. myApps restarts when the installation is complete.`),
      bar,
      h('div', { class: 'hint', id: 'percent', 'aria-live': 'polite' }, pct),
      s.detail ? h('p', { class: s.phase === 'failed' ? 'msg-error' : 'hint' }, s.detail) : null),
  );
  document.body.dataset.fraction = s.fraction === null ? '' : String(s.fraction);
  document.body.dataset.ready = 'true';
}

const root = document.getElementById('root')!;
try {
  const api = getLauncherApi();
  api.onUpdateProgress((s) => view(root, api, s));
  void api.updateState().then((s) => view(root, api, s)).catch((err: unknown) => fatal(root, err));
} catch (err) {
  fatal(root, err);
}
