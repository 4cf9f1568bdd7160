/**
 * The settings page's About section: product version and build, Electron and Chromium, the OS,
 * the PBX the main window is connected to, the update policy and channel (the PBX's App Store and
 * the build it names), and the update's state with the download's progress (received / total,
 * rate, time left; common/update-status.ts, the same words as the tray). It follows the
 * `aboutChanged` event and redraws only its own content (no focusable controls in it).
 */
import type { Translator } from '../../common/i18n';
import { downloadFigures, updateStatusText } from '../../common/update-status';
import type { AboutView, LauncherPagesApi } from './api';
import { h } from './dom';

function policyText(policy: string, w: Translator): string {
  const key = `setting.updatePolicy.options.${policy}`;
  return w.has(key) ? w.t(key) : policy;
}

function fill(section: HTMLElement, a: AboutView, w: Translator): void {
  const dl = section.querySelector('dl')!;
  const rows: [string, string, string][] = [
    ['about-version', w.t('about.version'), a.version],
    ['about-build', w.t('about.build'), a.build],
    ['about-electron', w.t('about.electron'), a.electron ?? '–'],
    ['about-chromium', w.t('about.chromium'), a.chromium ?? '–'],
    ['about-os', w.t('about.os'), a.os],
    ['about-pbx', w.t('about.pbx'), a.pbx ?? w.t('about.noPbx')],
    ['about-language', w.t('about.language'), w.t('about.languageName')],
    ['about-update-policy', w.t('about.updatePolicy'), policyText(a.updatePolicy, w)],
    ['about-update-source', w.t('about.updateSource'), a.updateSource ? `${a.updateSource.url} (${w.t('about.build')} ${a.updateSource.build})` : w.t('about.updateNoSource')],
    ['about-update', w.t('about.updateState'), updateStatusText(a.update, w)],
  ];
  dl.replaceChildren(...rows.flatMap(([id, k, v]) => [h('dt', {}, k), h('dd', { id }, v)]));
  const bar = section.querySelector<HTMLProgressElement>('#update-progress')!;
  const f = downloadFigures(a.update);
  bar.hidden = !f;
  if (f) bar.value = f.fraction;
  section.dataset.update = a.update.state;
}

/** The section; empty (hidden) where the launcher gives no About information. */
export function aboutSection(api: LauncherPagesApi, w: Translator): HTMLElement {
  const section = h('section', { id: 'about', class: 'about', 'aria-labelledby': 'about-heading', hidden: true },
    h('h2', { id: 'about-heading' }, w.t('about.heading')),
    h('dl', { class: 'details' }),
    h('progress', { id: 'update-progress', max: '1', hidden: true, 'aria-label': w.t('update.progressLabel') }));
  const show = (a: AboutView) => {
    fill(section, a, w);
    section.hidden = false;
  };
  api.onAboutChanged(show);
  void api.about().then(show, () => undefined);
  return section;
}
