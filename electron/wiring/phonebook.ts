/**
 * The local phone book (electron/phonebook, docs/phonebook.md): com.innovaphone.search and
 * lookup over the contact sources of this OS (their implementations are in native/<os>),
 * configured by the phone book settings: Outlook on Windows, Contacts on macOS, a vCard folder
 * and Evolution on Linux. `nativeDir` holds the helper scripts (the app's resources in the
 * product). ports.phonebookSources replaces the OS sources (tests, demo). Skipped when neither
 * config.phonebook nor phonebookSources is given.
 */
import * as path from 'node:path';
import type { Logger } from '../platform';
import { DEFAULT_PHONEBOOK_SETTINGS, DEFAULT_VCARD_FOLDER, startPhonebookService, VCardFolderSource, type ContactSource, type PhonebookService, type PhonebookSettings } from '../phonebook';
import type { Wiring } from './context';

async function osContactSources(platform: NodeJS.Platform, cfg: Partial<PhonebookSettings> & { nativeDir?: string }, outlookLogger: Logger): Promise<ContactSource[]> {
  const s = { ...DEFAULT_PHONEBOOK_SETTINGS, ...cfg };
  const nativeDir = cfg.nativeDir ?? path.resolve('native');
  if (platform === 'win32') {
    const { OutlookSource } = await import('../../native/win/outlook-source');
    return [new OutlookSource({ script: path.join(nativeDir, 'win', 'outlook-search.ps1'), logger: outlookLogger, disabled: s.disableOutlookSearch })];
  }
  if (platform === 'darwin') {
    const { MacContactsSource } = await import('../../native/mac/contacts-source');
    return [new MacContactsSource({ script: path.join(nativeDir, 'mac', 'contacts.js') })];
  }
  const sources: ContactSource[] = [new VCardFolderSource(s.vcardFolder ?? DEFAULT_VCARD_FOLDER)];
  if (s.evolution) sources.push(new (await import('../../native/linux/eds-source')).EdsSource());
  return sources;
}

export async function wirePhonebook(w: Wiring): Promise<PhonebookService | undefined> {
  const { ports, config } = w;
  if (!config.phonebook && !ports.phonebookSources) {
    w.skip('phonebook', 'no phonebook settings (config.phonebook) and no phonebookSources port');
    return undefined;
  }
  // "Disable Outlook search": the resolved setting (user or PBX force) unless the configuration says
  const disableOutlookSearch = w.setting('disableOutlookSearch', config.phonebook?.disableOutlookSearch);
  const settings = { ...config.phonebook, ...(disableOutlookSearch !== undefined ? { disableOutlookSearch } : {}) };
  const outlookLogger = ports.outlookLogger ?? ports.traces?.helper('myAppsOutlookSearch') ?? w.logger;
  const pb = startPhonebookService({
    router: w.router,
    logger: w.logger,
    settings,
    sources: ports.phonebookSources ?? (await osContactSources(process.platform, settings, outlookLogger)),
  });
  w.onClose(() => pb.close());
  return pb;
}
