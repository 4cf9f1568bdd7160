/**
 * Local phone book (features.md §8): com.innovaphone.search and reverse lookup
 * (com.innovaphone.phonelookup and com.innovaphone.lookup) over the contacts of the OS.
 * See docs/phonebook.md.
 */
import * as path from 'node:path';
import type { Logger } from '../platform';
import { DEFAULT_PHONEBOOK_SETTINGS, type ContactSource, type PhonebookSettings } from './ports';
import { Phonebook, type PhonebookRouter } from './service';
import { VCardFolderSource, DEFAULT_VCARD_FOLDER } from './sources/vcard-folder';
import { EdsSource } from './sources/eds';
import { MacContactsSource } from './sources/mac-contacts';
import { OutlookSource } from './sources/outlook';

export * from './ports';
export * from './types';
export { Phonebook, PHONEBOOK_DN, LOOKUP_APIS, type PhonebookRouter, type PhonebookOptions } from './service';
export { ContactIndex, foldText, searchWords, RELEVANCE_ALL_WORDS, RELEVANCE_SOME_WORDS, type SearchHit, type LookupHit } from './search-index';
export { dialStringKeys, storedNumberKeys, type DialContext } from './normalize';
export { parseVCards, decodeVCardBytes } from './vcard';
export { VCardFolderSource, DEFAULT_VCARD_FOLDER } from './sources/vcard-folder';
export { EdsSource, findEdsExporter, parseEdsList } from './sources/eds';
export { MacContactsSource } from './sources/mac-contacts';
export { OutlookSource } from './sources/outlook';

export interface PhonebookServiceConfig {
  router: PhonebookRouter;
  logger: Logger;
  /** Trace file for Outlook search (myAppsOutlookSearch-<date-time>.txt); defaults to `logger`. */
  outlookLogger?: Logger;
  platform?: NodeJS.Platform;
  settings?: Partial<PhonebookSettings>;
  /** Folder holding native/ (mac/contacts.js, win/outlook-search.ps1); the app's resources in the product. */
  nativeDir?: string;
  /** Replace the OS sources (tests, demo). */
  sources?: ContactSource[];
}

export interface PhonebookService {
  phonebook: Phonebook;
  /** Apply changed settings (Disable Outlook search, result cap, refresh interval). */
  updateSettings(s: Partial<PhonebookSettings>): void;
  close(): Promise<void>;
}

/** The contact sources of this OS, configured by the settings. */
export function createPhonebookSources(cfg: Omit<PhonebookServiceConfig, 'router' | 'sources'>): { sources: ContactSource[]; outlook?: OutlookSource } {
  const s = { ...DEFAULT_PHONEBOOK_SETTINGS, ...cfg.settings };
  const platform = cfg.platform ?? process.platform;
  const nativeDir = cfg.nativeDir ?? path.resolve('native');
  if (platform === 'win32') {
    const outlook = new OutlookSource({ script: path.join(nativeDir, 'win', 'outlook-search.ps1'), logger: cfg.outlookLogger ?? cfg.logger, disabled: s.disableOutlookSearch });
    return { sources: [outlook], outlook };
  }
  if (platform === 'darwin') return { sources: [new MacContactsSource({ script: path.join(nativeDir, 'mac', 'contacts.js') })] };
  const sources: ContactSource[] = [new VCardFolderSource(s.vcardFolder ?? DEFAULT_VCARD_FOLDER)];
  if (s.evolution) sources.push(new EdsSource());
  return { sources };
}

/** Start the phone book: providers appear on the bus once a source has delivered contacts. */
export function startPhonebookService(cfg: PhonebookServiceConfig): PhonebookService {
  const built = cfg.sources ? { sources: cfg.sources, outlook: cfg.sources.find((x): x is OutlookSource => x instanceof OutlookSource) } : createPhonebookSources(cfg);
  const phonebook = Phonebook.start({ router: cfg.router, logger: cfg.logger, sources: built.sources, settings: cfg.settings });
  return {
    phonebook,
    updateSettings(s) {
      phonebook.updateSettings(s);
      if (s.disableOutlookSearch !== undefined && built.outlook?.setDisabled(s.disableOutlookSearch)) void phonebook.refresh();
    },
    close: () => phonebook.close(),
  };
}
