/**
 * Parser of native/win/outlook-search.ps1 output (JSON on stdout of PowerShell). Outlook fields
 * map onto the search API (docs/phonebook.md): office/office2 → telephonenumber,
 * home/home2 → homephone, mobile → mobile, business fax → facsimiletelephonenumber.
 * Tolerates PowerShell 5.1's ConvertTo-Json habits (a one-element list printed as an object, a
 * BOM, CRLF). A malformed contact is skipped and reported; the others are kept.
 */
import { emptyContact, hasNumber, type ContactSourceLoad, type NumberField, type PhonebookContact, type SkippedRecord } from '../../electron/phonebook/ports';

export const OUTLOOK_NUMBER_FIELDS: Record<string, NumberField> = {
  BusinessTelephoneNumber: 'telephonenumber',
  Business2TelephoneNumber: 'telephonenumber',
  HomeTelephoneNumber: 'homephone',
  Home2TelephoneNumber: 'homephone',
  MobileTelephoneNumber: 'mobile',
  BusinessFaxNumber: 'facsimiletelephonenumber',
};

const TEXT_FIELDS: Record<string, 'givenname' | 'sn' | 'displayname' | 'company' | 'department' | 'position'> = {
  FirstName: 'givenname',
  LastName: 'sn',
  FullName: 'displayname',
  CompanyName: 'company',
  Department: 'department',
  JobTitle: 'position',
};

export interface OutlookParseResult {
  load: ContactSourceLoad;
  folders: { path: string; count: number }[];
  /** Errors the helper reported (folder or item it could not read). */
  errors: { where: string; message: string }[];
}

const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

function contact(raw: unknown, i: number, skipped: SkippedRecord[]): PhonebookContact | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    skipped.push({ origin: 'outlook', at: i, reason: 'contact is not an object' });
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  const origin = typeof r.folder === 'string' ? `outlook:${r.folder}` : 'outlook';
  const c = emptyContact();
  for (const [k, field] of [...Object.entries(TEXT_FIELDS), ...Object.entries(OUTLOOK_NUMBER_FIELDS)]) {
    const v = r[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') {
      skipped.push({ origin, at: i, reason: `${k} is not a string` });
      return undefined;
    }
    const t = v.trim();
    if (!t) continue;
    if (k in OUTLOOK_NUMBER_FIELDS) c[field as NumberField].push(t);
    else c[field as (typeof TEXT_FIELDS)[string]] = t;
  }
  if (!c.givenname && !c.sn && !c.displayname && !c.company && !hasNumber(c)) {
    skipped.push({ origin, at: i, reason: 'contact has neither a name nor a number' });
    return undefined;
  }
  return c;
}

/** Parse the helper's stdout. Throws (transient failure: keep previous contacts) on non-JSON output. */
export function parseOutlookOutput(stdout: string): OutlookParseResult {
  const text = stdout.replace(/^\uFEFF/, '').trim();
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`Outlook helper printed no JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('Outlook helper output is not a JSON object');
  const d = doc as Record<string, unknown>;
  const errors = list(d.errors)
    .filter((e): e is Record<string, unknown> => !!e && typeof e === 'object')
    .map((e) => ({ where: String(e.where ?? ''), message: String(e.message ?? '') }));
  if (d.error === 'outlook-unavailable') {
    return { load: { status: 'unavailable', reason: `Outlook is not available: ${String(d.message ?? '')}` }, folders: [], errors };
  }
  if (typeof d.error === 'string') throw new Error(`Outlook helper failed: ${String(d.message ?? d.error)}`);
  if (!('contacts' in d)) throw new Error('Outlook helper output has no contacts list');
  const folders = list(d.folders)
    .filter((f): f is Record<string, unknown> => !!f && typeof f === 'object')
    .map((f) => ({ path: String(f.path ?? ''), count: Number(f.count ?? 0) }));
  const skipped: SkippedRecord[] = [];
  const contacts: PhonebookContact[] = [];
  list(d.contacts).forEach((raw, i) => {
    const c = contact(raw, i, skipped);
    if (c) contacts.push(c);
  });
  return { load: { status: 'ok', contacts, skipped }, folders, errors };
}
