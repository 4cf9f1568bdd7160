import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOutlookOutput } from './outlook-parser';

const fixture = (f: string) => readFileSync(path.join(__dirname, 'fixtures', f), 'utf8');

describe('parseOutlookOutput (native/win/outlook-search.ps1 output)', () => {
  it('maps office/office2, home/home2, mobile and business fax; skips malformed contacts', () => {
    const r = parseOutlookOutput(fixture('outlook-search-ok.json'));
    if (r.load.status !== 'ok') throw new Error('expected ok');
    expect(r.load.contacts).toHaveLength(4);
    expect(r.load.contacts[0]).toEqual({
      givenname: 'Jake',
      sn: 'Blues',
      displayname: 'Jake Blues',
      company: 'Blues Brothers',
      position: 'Singer',
      telephonenumber: ['+49 (7031) 123-4567', '07031 7654321'],
      homephone: ['+1 (312) 555-0100'],
      mobile: ['0171 2345678'],
      facsimiletelephonenumber: ['+49 (7031) 123-4599'],
    });
    expect(r.load.contacts[1]).toMatchObject({ givenname: 'Elwood', homephone: ['33333', '+49 30 1234567'], telephonenumber: [], mobile: [] });
    expect(r.load.contacts[2]).toMatchObject({ givenname: 'François', sn: 'Léger' });
    expect(r.load.contacts[3]).toMatchObject({ company: 'Widgets Ltd', facsimiletelephonenumber: ['+44 20 7946 0959'] });
    expect(r.load.skipped).toEqual([
      { origin: 'outlook:\\\\john.doe@example.com\\Contacts', at: 3, reason: 'LastName is not a string' },
      { origin: 'outlook:\\\\Public Folders\\Company contacts', at: 5, reason: 'contact has neither a name nor a number' },
    ]);
    expect(r.folders).toEqual([
      { path: '\\\\john.doe@example.com\\Contacts', count: 4 },
      { path: '\\\\john.doe@example.com\\Contacts\\Suppliers', count: 1 },
      { path: '\\\\Public Folders\\Company contacts', count: 1 },
    ]);
    expect(r.errors).toEqual([{ where: '\\\\Public Folders\\Company contacts', message: 'The operation failed.' }]);
  });

  it("accepts PowerShell 5.1's one-element lists printed as objects", () => {
    const r = parseOutlookOutput(fixture('outlook-search-single.json'));
    expect(r.load).toEqual({ status: 'ok', skipped: [], contacts: [expect.objectContaining({ givenname: 'Only', sn: 'One', telephonenumber: ['200'] })] });
    expect(r.folders).toHaveLength(1);
  });

  it('reports Outlook missing as unavailable, and throws on output that is not JSON', () => {
    expect(parseOutlookOutput(fixture('outlook-search-unavailable.json')).load).toEqual({ status: 'unavailable', reason: expect.stringContaining('Class not registered') });
    expect(() => parseOutlookOutput('New-Object : Retrieving the COM class factory failed')).toThrow(/printed no JSON/);
    expect(() => parseOutlookOutput('{"version":1}')).toThrow(/no contacts list/);
  });
});
