/** Tiny DOM helpers for the launcher pages (text only: never innerHTML with data). */
import { english, translator, type MessageKey, type Translator } from '../../common/i18n';
import type { LauncherPagesApi } from './api';

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/**
 * The page's words: the language the launcher says (the OS language; the demo API: `?lang=`),
 * set as the document's language, and the window title in it.
 */
export async function pageWords(api: LauncherPagesApi, title: MessageKey): Promise<Translator> {
  const w = translator(await api.language().catch(() => 'en' as const));
  document.documentElement.lang = w.language;
  document.title = w.t(title);
  return w;
}

export function demoBanner(w: Translator): HTMLElement {
  return h('aside', { class: 'demo-banner', 'aria-label': w.t('common.demoLabel') }, w.t('common.demoBanner'));
}

export function fatal(root: HTMLElement, err: unknown, w: Translator = english): void {
  root.replaceChildren(h('main', { class: 'card' }, h('h1', {}, w.t('common.launcherError')), h('p', { class: 'error' }, String((err as Error)?.message ?? err))));
}
