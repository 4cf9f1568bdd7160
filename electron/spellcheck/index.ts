/**
 * Spell checking for the web client's text fields (docs/spellcheck.md), Electron-free: which
 * dictionaries to load for the user's languages, and the context menu of a right click as a plain
 * model (suggestions for a misspelled word, "Add to dictionary", cut/copy/paste/select all). The
 * Electron adapter (native/electron/spellcheck.ts) turns the model into a Menu and applies it.
 */
import type { Translator } from '../../common/i18n';

/** At most this many dictionaries (each costs memory and, on Linux, a download). */
export const MAX_SPELLCHECK_LANGUAGES = 3;
/** At most this many suggestions in the menu. */
export const MAX_SUGGESTIONS = 5;

/**
 * The dictionaries for the user's languages (best first), chosen from those the spell checker
 * offers: the exact tag (de-AT), else the language's main form (de → de-DE), else another form of
 * the language (de-CH → de-DE). Nothing matched: en-US where offered. Duplicates are dropped.
 */
export function spellcheckLanguages(preferred: readonly string[], available: readonly string[], max = MAX_SPELLCHECK_LANGUAGES): string[] {
  const norm = (t: string) => t.trim().replace(/_/g, '-').toLowerCase();
  const byNorm = new Map(available.map((a) => [norm(a), a]));
  const out: string[] = [];
  const add = (a: string | undefined) => {
    if (a && !out.includes(a) && out.length < max) out.push(a);
  };
  for (const tag of preferred) {
    const t = norm(tag);
    if (!t) continue;
    const lang = t.split('-')[0]!;
    const exact = byNorm.get(t);
    const main = byNorm.get(`${lang}-${lang}`) ?? byNorm.get(lang) ?? (lang === 'en' ? byNorm.get('en-us') : undefined);
    const other = available.find((a) => norm(a).split('-')[0] === lang);
    add(exact ?? main ?? other);
  }
  if (!out.length) add(byNorm.get('en-us'));
  return out;
}

/** What Electron's `context-menu` event tells about the click (a subset of its params). */
export interface ContextMenuFacts {
  isEditable: boolean;
  /** The word under the cursor when the spell checker marked it ('' otherwise). */
  misspelledWord: string;
  dictionarySuggestions: readonly string[];
  selectionText: string;
  editFlags: { canCut: boolean; canCopy: boolean; canPaste: boolean; canSelectAll: boolean };
}

export type ContextMenuAction =
  | { type: 'replace'; word: string }
  | { type: 'addWord'; word: string }
  | { type: 'edit'; role: 'cut' | 'copy' | 'paste' | 'selectAll' };

export type ContextMenuItem =
  | { type: 'item'; id: string; label: string; enabled: boolean; action?: ContextMenuAction }
  | { type: 'separator'; id: string };

/**
 * The menu for one right click: in a text field, the suggestions for a misspelled word (or "No
 * spelling suggestions"), "Add to dictionary", then cut/copy/paste/select all; outside text
 * fields, Copy when text is selected. Empty: no menu (Chromium shows none either).
 */
export function contextMenuModel(p: ContextMenuFacts, w: Translator): ContextMenuItem[] {
  const items: ContextMenuItem[] = [];
  const word = p.misspelledWord.trim();
  if (p.isEditable && word) {
    const suggestions = [...new Set(p.dictionarySuggestions)].slice(0, MAX_SUGGESTIONS);
    if (suggestions.length) {
      suggestions.forEach((s, i) => items.push({ type: 'item', id: `suggestion-${i}`, label: s, enabled: true, action: { type: 'replace', word: s } }));
    } else {
      items.push({ type: 'item', id: 'no-suggestions', label: w.t('spellcheck.noSuggestions'), enabled: false });
    }
    items.push({ type: 'separator', id: 'sep-spelling' });
    items.push({ type: 'item', id: 'add-to-dictionary', label: w.t('spellcheck.addToDictionary'), enabled: true, action: { type: 'addWord', word } });
    items.push({ type: 'separator', id: 'sep-add' });
  }
  if (p.isEditable) {
    const f = p.editFlags;
    items.push(
      { type: 'item', id: 'cut', label: w.t('spellcheck.cut'), enabled: f.canCut, action: { type: 'edit', role: 'cut' } },
      { type: 'item', id: 'copy', label: w.t('spellcheck.copy'), enabled: f.canCopy, action: { type: 'edit', role: 'copy' } },
      { type: 'item', id: 'paste', label: w.t('spellcheck.paste'), enabled: f.canPaste, action: { type: 'edit', role: 'paste' } },
      { type: 'separator', id: 'sep-edit' },
      { type: 'item', id: 'select-all', label: w.t('spellcheck.selectAll'), enabled: f.canSelectAll, action: { type: 'edit', role: 'selectAll' } },
    );
  } else if (p.selectionText.trim()) {
    items.push({ type: 'item', id: 'copy', label: w.t('spellcheck.copy'), enabled: p.editFlags.canCopy, action: { type: 'edit', role: 'copy' } });
  }
  return items;
}
