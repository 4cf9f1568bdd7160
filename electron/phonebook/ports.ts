/**
 * Ports of the local phone book: where contacts come from. One interface for every source
 * (vCard folder and Evolution Data Server on Linux, Contacts on macOS, Outlook on Windows);
 * the phone book keeps one in-memory index over all of them and rebuilds it when a source changes.
 */
import type { PhonebookContact, SkippedRecord } from './types';

export type { PhonebookContact, SkippedRecord, NumberField } from './types';
/** What every source builds contacts with (OS sources in native/ reach them here). */
export { emptyContact, hasNumber } from './types';
export { parseVCards } from './vcard';

/** What one load of a source gave. */
export type ContactSourceLoad =
  /** Contacts read; malformed records were skipped and are listed (they are traced). */
  | { status: 'ok'; contacts: PhonebookContact[]; skipped: SkippedRecord[] }
  /** The source cannot be used here (tool not installed, access denied, disabled by setting). */
  | { status: 'unavailable'; reason: string };

export interface ContactSource {
  /** Short name for traces and SearchInfo bookkeeping ("vcard-folder", "eds", "macos-contacts", "outlook"). */
  readonly name: string;
  /**
   * A cheap fingerprint of the source's current state (e.g. file names, sizes and times). When
   * present, the phone book reloads only when it changes; when absent, it reloads at every
   * refresh interval (helpers that must read everything to know, like Outlook: "cached, so changes
   * appear after a while").
   */
  signature?(): Promise<string>;
  /** Read all contacts. Throws on a transient failure: the previous contacts are kept. */
  load(): Promise<ContactSourceLoad>;
  /** Push notification of changes (e.g. fs.watch), debounced by the phone book. Returns unsubscribe. */
  watch?(onChange: () => void): () => void;
  /**
   * The phone book settings changed (e.g. "Disable Outlook search"); returns true when the change
   * concerns this source and the phone book should read it again now.
   */
  applySettings?(s: Partial<PhonebookSettings>): boolean;
}

/** Settings of the phone book (docs/phonebook.md; "Disable Outlook search" is PBX-forcible). */
export interface PhonebookSettings {
  /** Most SearchInfo (and LookupInfo) answers per request. */
  maxResults: number;
  /** How often sources are checked for changes (ms). */
  refreshIntervalMs: number;
  /** Linux: folder of .vcf files (default ~/.local/share/contacts). */
  vcardFolder?: string;
  /** Linux: also read Evolution Data Server address books when its CLI is installed. */
  evolution: boolean;
  /** Windows: "Disable Outlook search" (user setting, or forced by the PBX). */
  disableOutlookSearch: boolean;
}

export const DEFAULT_PHONEBOOK_SETTINGS: PhonebookSettings = {
  maxResults: 50,
  refreshIntervalMs: 300_000,
  evolution: true,
  disableOutlookSearch: false,
};
