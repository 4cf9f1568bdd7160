/**
 * The Electron spell-check adapter against the Electron stand-in: dictionaries set on the
 * session, the admin mirror, the right-click menu's items and what they do.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../test/fixtures/fake-electron')).electron);

import { electron, FakeBrowserWindow, FakeSession } from '../../test/fixtures/fake-electron';
import { translator } from '../../common/i18n';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { installSpellcheck } from './spellcheck';

describe('Electron spell check', () => {
  it('sets the dictionaries of the user languages and the admin mirror; the menu replaces and adds words', () => {
    const ses = new FakeSession();
    const logger = memoryLogger();
    const spell = installSpellcheck({ session: ses as never, languages: ['de-AT', 'en-US'], dictionaryUrl: 'https://mirror.example.com/hunspell/', words: translator('de'), logger, platform: 'linux' });
    expect(spell.languages).toEqual(['de-DE', 'en-US']);
    expect(ses.spellCheckerLanguages).toEqual(['de-DE', 'en-US']);
    expect(ses.spellCheckerEnabled).toBe(true);
    expect(ses.dictionaryUrl).toBe('https://mirror.example.com/hunspell/');

    const win = new FakeBrowserWindow();
    spell.attach(win.webContents as never);
    const params = { isEditable: true, misspelledWord: 'Telefn', dictionarySuggestions: ['Telefon'], selectionText: '', editFlags: { canCut: false, canCopy: false, canPaste: true, canSelectAll: true } };
    win.webContents.emit('context-menu', {}, params);
    const popup = electron.Menu.popups.at(-1) as { items: { id: string; label?: string; role?: string; click?: () => void }[]; opts: { window?: unknown } };
    expect(popup.opts.window).toBe(win);
    expect(popup.items.map((i) => i.label ?? '-')).toEqual(['Telefon', '-', 'Zum Wörterbuch hinzufügen', '-', 'Ausschneiden', 'Kopieren', 'Einfügen', '-', 'Alles auswählen']);
    popup.items[0]!.click!();
    expect(win.webContents.replaced).toEqual(['Telefon']);
    popup.items.find((i) => i.id === 'add-to-dictionary')!.click!();
    expect(ses.dictionaryWords).toEqual(['Telefn']);
    expect(popup.items.find((i) => i.id === 'paste')!.role).toBe('paste');
    // a right click on plain page text without a selection: no menu
    const before = electron.Menu.popups.length;
    win.webContents.emit('context-menu', {}, { ...params, isEditable: false, misspelledWord: '' });
    expect(electron.Menu.popups.length).toBe(before);
  });

  it('keeps the default dictionary source without a mirror, and macOS its own checker', () => {
    const ses = new FakeSession();
    const spell = installSpellcheck({ session: ses as never, languages: ['de-DE'], words: translator('en'), logger: memoryLogger(), platform: 'darwin' });
    expect(spell.languages).toEqual([]);
    expect(ses.spellCheckerLanguages).toEqual([]);
    expect(ses.dictionaryUrl).toBeUndefined();
    expect(ses.spellCheckerEnabled).toBe(true);
  });

  it('traces a dictionary download that failed', () => {
    const ses = new FakeSession();
    const logger = memoryLogger();
    installSpellcheck({ session: ses as never, languages: ['de-DE'], words: translator('en'), logger, platform: 'linux' });
    ses.emit('spellcheck-dictionary-download-failure', {}, 'de-DE');
    expect(logger.lines.some((l) => /spell check dictionary not downloaded/.test(l.message) && l.data?.lang === 'de-DE')).toBe(true);
  });
});
