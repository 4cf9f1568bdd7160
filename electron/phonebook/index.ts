/**
 * Local phone book (docs/phonebook.md): com.innovaphone.search and reverse lookup
 * (com.innovaphone.phonelookup and com.innovaphone.lookup) over the contacts of the OS.
 * See docs/phonebook.md.
 */
import type { Logger } from '../platform';
import type { ContactSource, PhonebookSettings } from './ports';
import { Phonebook, type PhonebookRouter } from './service';

export * from './ports';
export * from './types';
export { Phonebook, PHONEBOOK_DN, LOOKUP_APIS, type PhonebookRouter, type PhonebookOptions } from './service';
export { ContactIndex, foldText, searchWords, RELEVANCE_ALL_WORDS, RELEVANCE_SOME_WORDS, type SearchHit, type LookupHit } from './search-index';
export { dialStringKeys, storedNumberKeys, type DialContext } from './normalize';
export { decodeVCardBytes } from './vcard';
export { VCardFolderSource, DEFAULT_VCARD_FOLDER } from './vcard-folder';

export interface PhonebookServiceConfig {
  router: PhonebookRouter;
  logger: Logger;
  settings?: Partial<PhonebookSettings>;
  /**
   * Where contacts come from: the OS sources (native/<os>, chosen by the composition root), or
   * stand-ins (tests, demo).
   */
  sources: ContactSource[];
}

export interface PhonebookService {
  phonebook: Phonebook;
  /** Apply changed settings (Disable Outlook search, result cap, refresh interval). */
  updateSettings(s: Partial<PhonebookSettings>): void;
  close(): Promise<void>;
}

/** Start the phone book: providers appear on the bus once a source has delivered contacts. */
export function startPhonebookService(cfg: PhonebookServiceConfig): PhonebookService {
  const phonebook = Phonebook.start({ router: cfg.router, logger: cfg.logger, sources: cfg.sources, settings: cfg.settings });
  return {
    phonebook,
    updateSettings(s) {
      phonebook.updateSettings(s);
      // a source whose own setting changed (Outlook: "Disable Outlook search") is read again now
      if (cfg.sources.map((src) => src.applySettings?.(s) === true).some(Boolean)) void phonebook.refresh();
    },
    close: () => phonebook.close(),
  };
}
