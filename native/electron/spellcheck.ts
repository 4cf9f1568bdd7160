/**
 * Spell checking with Electron's spell checker (docs/spellcheck.md): the session's dictionaries
 * for the user's languages (electron/spellcheck spellcheckLanguages; on Linux and Windows
 * `session.setSpellCheckerLanguages`; macOS uses the system's checker and its languages), an
 * admin's dictionary mirror (`session.setSpellCheckerDictionaryDownloadURL`, managed setting
 * spellcheckDictionaryUrl), and the right-click menu of every window: the model of
 * electron/spellcheck contextMenuModel as a Menu whose items replace the misspelled word
 * (`webContents.replaceMisspelling`), add it to the user's dictionary
 * (`session.addWordToSpellCheckerDictionary`) or cut/copy/paste.
 */
import { BrowserWindow, Menu, type MenuItemConstructorOptions, type Session, type WebContents } from 'electron';
import type { Translator } from '../../common/i18n';
import type { Logger } from '../../electron/platform';
import { contextMenuModel, spellcheckLanguages, type ContextMenuItem } from '../../electron/spellcheck';

export interface SpellcheckOptions {
  session: Session;
  /** The user's languages, best first (LanguageSource). */
  languages: readonly string[];
  /** Managed setting spellcheckDictionaryUrl ('' = Electron's default, Google's CDN). */
  dictionaryUrl?: string;
  words: Translator;
  logger: Logger;
  platform?: NodeJS.Platform;
}

export interface Spellcheck {
  /** The dictionaries in use ([] on macOS: the system decides). */
  readonly languages: readonly string[];
  /** Adds the right-click menu to a window's page (every webContents the client creates). */
  attach(contents: WebContents): void;
}

function template(items: ContextMenuItem[], contents: WebContents, session: Session): MenuItemConstructorOptions[] {
  return items.map((i): MenuItemConstructorOptions => {
    if (i.type === 'separator') return { id: i.id, type: 'separator' };
    const a = i.action;
    const base = { id: i.id, label: i.label, enabled: i.enabled };
    if (!a) return base;
    if (a.type === 'replace') return { ...base, click: () => contents.replaceMisspelling(a.word) };
    if (a.type === 'addWord') return { ...base, click: () => void session.addWordToSpellCheckerDictionary(a.word) };
    return { ...base, role: a.role };
  });
}

export function installSpellcheck(o: SpellcheckOptions): Spellcheck {
  const platform = o.platform ?? process.platform;
  const ses = o.session;
  let languages: string[] = [];
  if (o.dictionaryUrl) {
    ses.setSpellCheckerDictionaryDownloadURL(o.dictionaryUrl);
    o.logger.trace('App', 'spell check dictionaries from the admin mirror', { url: o.dictionaryUrl });
  }
  if (platform !== 'darwin') {
    languages = spellcheckLanguages(o.languages, ses.availableSpellCheckerLanguages);
    try {
      ses.setSpellCheckerLanguages(languages);
    } catch (err) {
      o.logger.warn('spell check languages not set', { languages, error: String(err) });
      languages = [];
    }
  }
  ses.setSpellCheckerEnabled(true);
  ses.on('spellcheck-dictionary-download-failure', (_e, lang) => o.logger.warn('spell check dictionary not downloaded', { lang, mirror: o.dictionaryUrl || 'default' }));
  o.logger.trace('App', 'spell check', { languages, preferred: [...o.languages] });
  return {
    languages,
    attach(contents) {
      contents.on('context-menu', (_e, params) => {
        const items = contextMenuModel(params, o.words);
        if (!items.length) return;
        const win = BrowserWindow.fromWebContents(contents) ?? undefined;
        Menu.buildFromTemplate(template(items, contents, ses)).popup(win ? { window: win } : {});
      });
    },
  };
}
