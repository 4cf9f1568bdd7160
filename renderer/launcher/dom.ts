/** Tiny DOM helpers for the launcher pages (text only: never innerHTML with data). */
import { english, translator, type MessageKey, type Translator } from '../../common/i18n';
import { getLauncherApi, type LauncherPagesApi } from './api';

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

/**
 * Starts a page that shows one piece of the main process's state (banner, incoming calls, link or
 * proxy prompt, sharing bar, screen picker, update progress): the page's words, then `view` with
 * the current state and again on every change; a failure ends in the error view. Returns the API
 * for page-specific wiring, or undefined when there is none.
 */
export function startStatePage<S>(
  title: MessageKey,
  state: (api: LauncherPagesApi) => { changes(cb: (s: S) => void): void; current(): Promise<S> },
  view: (root: HTMLElement, api: LauncherPagesApi, w: Translator, s: S) => void,
): LauncherPagesApi | undefined {
  const root = document.getElementById('root')!;
  try {
    const api = getLauncherApi();
    const src = state(api);
    void pageWords(api, title).then((w) => {
      src.changes((s) => view(root, api, w, s));
      return src.current().then((s) => view(root, api, w, s)).catch((err: unknown) => fatal(root, err, w));
    });
    return api;
  } catch (err) {
    fatal(root, err);
    return undefined;
  }
}
