/**
 * Contact shapes of the local phone book. Field names are those of the `contact` object of
 * com.innovaphone.search / com.innovaphone.phonelookup (docs/phonebook.md).
 */

/** One contact as sent in SearchInfo/LookupInfo `contact`. Empty fields are left out on the wire. */
export interface PhonebookContact {
  givenname?: string;
  sn?: string;
  displayname?: string;
  company?: string;
  department?: string;
  position?: string;
  title?: string;
  telephonenumber: string[];
  homephone: string[];
  mobile: string[];
  facsimiletelephonenumber: string[];
  email?: string[];
  sip?: string[];
  url?: string;
}

/** A contact with an empty number list in every field; handy for parsers. */
export function emptyContact(): PhonebookContact {
  return { telephonenumber: [], homephone: [], mobile: [], facsimiletelephonenumber: [] };
}

/** Display name as the phone shows it: FN if given, else "given sn", else company. */
export function displayNameOf(c: PhonebookContact): string {
  if (c.displayname?.trim()) return c.displayname.trim();
  const n = [c.givenname, c.sn].filter((x) => x && x.trim()).join(' ').trim();
  return n || c.company?.trim() || '';
}

/** The number fields, in the order the wire format lists them. */
export const NUMBER_FIELDS = ['telephonenumber', 'homephone', 'mobile', 'facsimiletelephonenumber'] as const;
export type NumberField = (typeof NUMBER_FIELDS)[number];

/** True when the contact has at least one number in any number field. */
export function hasNumber(c: PhonebookContact): boolean {
  return NUMBER_FIELDS.some((f) => c[f].length > 0);
}

/** The contact as it goes on the wire: empty strings and empty optional lists removed. */
export function wireContact(c: PhonebookContact): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v) && v.length === 0 && !(NUMBER_FIELDS as readonly string[]).includes(k)) continue;
    out[k] = v;
  }
  return out;
}

/** A malformed record that a parser skipped (it is traced; the rest of the input is kept). */
export interface SkippedRecord {
  /** File or helper the record came from. */
  origin: string;
  /** 1-based line (vCard) or record index (helper output), where known. */
  at?: number;
  reason: string;
}
