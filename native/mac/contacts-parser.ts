/**
 * Parser of native/mac/contacts.js output (JSON on stdout of `osascript -l JavaScript`).
 * Contacts labels (`_$!<Work>!$_`, `_$!<Mobile>!$_`, `iPhone`, `_$!<WorkFAX>!$_`, custom text)
 * are mapped onto the search API's number fields. A malformed person is skipped and reported;
 * the others are kept. Access denied gives `unavailable` with a message telling the user where
 * to allow it.
 */
import { emptyContact, hasNumber, type ContactSourceLoad, type PhonebookContact, type NumberField, type SkippedRecord } from '../../electron/phonebook/ports';

export const MAC_ACCESS_DENIED_REASON =
  'macOS denied access to Contacts: local phone book is off. Allow myApps in System Settings › Privacy & Security › Contacts (and Automation › Contacts), then restart myApps';

/** "_$!<WorkFAX>!$_" → "workfax"; "iPhone" → "iphone". */
function labelKey(label: unknown): string {
  if (typeof label !== 'string') return '';
  const m = /^_\$!<(.*)>!\$_$/.exec(label);
  return (m ? m[1]! : label).toLowerCase().replace(/\s+/g, '');
}

export function macPhoneField(label: unknown): NumberField {
  const k = labelKey(label);
  if (k.includes('fax')) return 'facsimiletelephonenumber';
  if (k === 'mobile' || k === 'iphone' || k.includes('cell') || k.includes('mobil') || k === 'handy') return 'mobile';
  if (k === 'home' || k === 'privat' || k === 'private') return 'homephone';
  return 'telephonenumber';
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

function person(raw: unknown, i: number, skipped: SkippedRecord[]): PhonebookContact | undefined {
  const origin = 'macos-contacts';
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    skipped.push({ origin, at: i, reason: 'person is not an object' });
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  for (const k of ['firstName', 'lastName', 'name', 'organization', 'department', 'jobTitle']) {
    if (r[k] !== undefined && r[k] !== null && typeof r[k] !== 'string') {
      skipped.push({ origin, at: i, reason: `${k} is not a string` });
      return undefined;
    }
  }
  if (r.phones !== undefined && r.phones !== null && !Array.isArray(r.phones)) {
    skipped.push({ origin, at: i, reason: 'phones is not a list' });
    return undefined;
  }
  const c = emptyContact();
  const given = str(r.firstName);
  const sn = str(r.lastName);
  const dn = str(r.name);
  if (given) c.givenname = given;
  if (sn) c.sn = sn;
  if (dn) c.displayname = dn;
  const org = str(r.organization);
  if (org) c.company = org;
  const dept = str(r.department);
  if (dept) c.department = dept;
  const job = str(r.jobTitle);
  if (job) c.position = job;
  for (const p of (r.phones as unknown[] | undefined) ?? []) {
    const value = p && typeof p === 'object' ? str((p as Record<string, unknown>).value) : undefined;
    if (!value) continue;
    c[macPhoneField((p as Record<string, unknown>).label)].push(value);
  }
  if (Array.isArray(r.emails)) {
    const emails = r.emails.map(str).filter((e): e is string => !!e);
    if (emails.length) c.email = emails;
  }
  if (!given && !sn && !dn && !org && !hasNumber(c)) {
    skipped.push({ origin, at: i, reason: 'person has neither a name nor a number' });
    return undefined;
  }
  return c;
}

/** Parse the helper's stdout. Throws (transient failure, keep previous contacts) on non-JSON output. */
export function parseMacContactsOutput(stdout: string): ContactSourceLoad {
  const text = stdout.replace(/^\uFEFF/, '').trim();
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`Contacts helper printed no JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  if (!doc || typeof doc !== 'object') throw new Error('Contacts helper output is not a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.error === 'access-denied') return { status: 'unavailable', reason: `${MAC_ACCESS_DENIED_REASON} (${String(d.message ?? '')})` };
  if (typeof d.error === 'string') throw new Error(`Contacts helper failed: ${String(d.message ?? d.error)} (error ${String(d.errorNumber ?? '?')})`);
  if (!Array.isArray(d.contacts)) throw new Error('Contacts helper output has no contacts list');
  const skipped: SkippedRecord[] = [];
  const contacts: PhonebookContact[] = [];
  d.contacts.forEach((raw, i) => {
    const c = person(raw, i, skipped);
    if (c) contacts.push(c);
  });
  return { status: 'ok', contacts, skipped };
}
