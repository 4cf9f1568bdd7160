/** Tiny DOM helpers for the launcher pages (text only: never innerHTML with data). */
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

export function demoBanner(): HTMLElement {
  return h('div', { class: 'demo-banner', role: 'note' }, 'Demo: running in a plain browser with an in-memory launcher API.');
}

export function fatal(root: HTMLElement, err: unknown): void {
  root.replaceChildren(h('main', { class: 'card' }, h('h1', {}, 'Launcher error'), h('p', { class: 'error' }, String((err as Error)?.message ?? err))));
}
