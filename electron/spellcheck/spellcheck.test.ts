import { describe, expect, it } from 'vitest';
import { english, translator } from '../../common/i18n';
import { contextMenuModel, spellcheckLanguages, type ContextMenuFacts } from '.';
import { coerceSetting, descriptor } from '../../common/settings/schema';

const LINUX_DICTS = ['af', 'bg', 'ca', 'cs', 'cy', 'da', 'de', 'el', 'en-AU', 'en-CA', 'en-GB', 'en-GB-oxendict', 'en-US', 'es', 'es-419', 'fr', 'it', 'nl', 'pl', 'pt-BR', 'sv'];

describe('spell-check languages', () => {
  it('takes the dictionaries of the user languages, best first', () => {
    expect(spellcheckLanguages(['de-DE', 'en-US'], LINUX_DICTS)).toEqual(['de', 'en-US']);
    expect(spellcheckLanguages(['de-AT'], ['de-DE', 'de-AT', 'en-US'])).toEqual(['de-AT']);
    expect(spellcheckLanguages(['de-CH'], ['de-DE', 'en-US'])).toEqual(['de-DE']);
    expect(spellcheckLanguages(['de'], ['de-DE', 'de-CH'])).toEqual(['de-DE']);
    expect(spellcheckLanguages(['en'], LINUX_DICTS)).toEqual(['en-US']);
    expect(spellcheckLanguages(['en-GB', 'de-DE', 'fr-FR', 'it-IT'], LINUX_DICTS)).toEqual(['en-GB', 'de', 'fr']); // at most three
    expect(spellcheckLanguages(['de_DE', 'de-DE', 'de'], LINUX_DICTS)).toEqual(['de']); // no duplicates
  });

  it('falls back to en-US where nothing matches, and to nothing where nothing is offered', () => {
    expect(spellcheckLanguages(['ja-JP'], LINUX_DICTS)).toEqual(['en-US']);
    expect(spellcheckLanguages([], LINUX_DICTS)).toEqual(['en-US']);
    expect(spellcheckLanguages(['de-DE'], [])).toEqual([]);
  });
});

const facts = (p: Partial<ContextMenuFacts>): ContextMenuFacts => ({
  isEditable: true,
  misspelledWord: '',
  dictionarySuggestions: [],
  selectionText: '',
  editFlags: { canCut: false, canCopy: false, canPaste: true, canSelectAll: true },
  ...p,
});

describe('context menu model', () => {
  it('offers the suggestions, "Add to dictionary" and the edit commands for a misspelled word', () => {
    const m = contextMenuModel(facts({ misspelledWord: 'Telefn', dictionarySuggestions: ['Telefon', 'Telefone', 'Telefon', 'Telefons', 'Telefonat', 'Telefonie', 'Telefonist'] }), translator('de'));
    expect(m.map((i) => (i.type === 'separator' ? '-' : i.label))).toEqual([
      'Telefon', 'Telefone', 'Telefons', 'Telefonat', 'Telefonie', '-', 'Zum Wörterbuch hinzufügen', '-', 'Ausschneiden', 'Kopieren', 'Einfügen', '-', 'Alles auswählen',
    ]);
    expect(m[0]).toMatchObject({ action: { type: 'replace', word: 'Telefon' } });
    expect(m.find((i) => i.type === 'item' && i.id === 'add-to-dictionary')).toMatchObject({ action: { type: 'addWord', word: 'Telefn' } });
    expect(m.find((i) => i.type === 'item' && i.id === 'cut')).toMatchObject({ enabled: false, action: { type: 'edit', role: 'cut' } });
    expect(m.find((i) => i.type === 'item' && i.id === 'paste')).toMatchObject({ enabled: true });
  });

  it('says so when the checker has no suggestion; no spelling part for a correct word', () => {
    const none = contextMenuModel(facts({ misspelledWord: 'qwxz' }), english);
    expect(none[0]).toMatchObject({ id: 'no-suggestions', label: 'No spelling suggestions', enabled: false });
    expect(none.some((i) => i.type === 'item' && i.id === 'add-to-dictionary')).toBe(true);
    const plain = contextMenuModel(facts({}), english);
    expect(plain.map((i) => i.id)).toEqual(['cut', 'copy', 'paste', 'sep-edit', 'select-all']);
  });

  it('outside text fields: Copy for a selection, else no menu', () => {
    expect(contextMenuModel(facts({ isEditable: false, selectionText: 'hello', editFlags: { canCut: false, canCopy: true, canPaste: false, canSelectAll: true } }), english).map((i) => i.id)).toEqual(['copy']);
    expect(contextMenuModel(facts({ isEditable: false }), english)).toEqual([]);
    // a misspelling reported outside an editable field is not offered for replacing
    expect(contextMenuModel(facts({ isEditable: false, misspelledWord: 'x', dictionarySuggestions: ['y'] }), english)).toEqual([]);
  });
});

describe('the dictionary mirror setting (spellcheckDictionaryUrl)', () => {
  it('takes an http(s) folder URL and refuses anything else with a reason', () => {
    expect(coerceSetting('spellcheckDictionaryUrl', 'https://intranet.example.com/hunspell')).toEqual({ ok: true, value: 'https://intranet.example.com/hunspell/' });
    expect(coerceSetting('spellcheckDictionaryUrl', ' http://10.0.0.5:8080/dict/ ')).toEqual({ ok: true, value: 'http://10.0.0.5:8080/dict/' });
    expect(coerceSetting('spellcheckDictionaryUrl', '')).toEqual({ ok: true, value: '' });
    expect(coerceSetting('spellcheckDictionaryUrl', 'ftp://x/')).toMatchObject({ ok: false, error: /http\(s\)/ });
    expect(coerceSetting('spellcheckDictionaryUrl', 'https://u:p@x/')).toMatchObject({ ok: false, error: /credentials/ });
    expect(coerceSetting('spellcheckDictionaryUrl', 'not a url')).toMatchObject({ ok: false, error: /not a URL/ });
    expect(coerceSetting('spellcheckDictionaryUrl', 5)).toMatchObject({ ok: false });
    expect(descriptor('spellcheckDictionaryUrl')).toMatchObject({ userEditable: false });
  });
});
