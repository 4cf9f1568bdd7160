import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { macPhoneField, parseMacContactsOutput, MAC_ACCESS_DENIED_REASON } from './contacts-parser';

const fixture = (f: string) => readFileSync(path.join(__dirname, 'fixtures', f), 'utf8');

describe('parseMacContactsOutput (native/mac/contacts.js output)', () => {
  it('maps people and Contacts phone labels onto the search API fields, skipping malformed people', () => {
    const r = parseMacContactsOutput(fixture('contacts-ok.json'));
    if (r.status !== 'ok') throw new Error('expected ok');
    expect(r.contacts).toHaveLength(4);
    expect(r.contacts[0]).toEqual({
      givenname: 'John',
      sn: 'Doe',
      displayname: 'John Doe',
      company: 'ACME',
      position: 'Head of everything',
      telephonenumber: ['11111', '22222'],
      homephone: ['+4944444', '33333'],
      mobile: ['+49 (123) 55555'],
      facsimiletelephonenumber: ['+49 7031 1234599'],
      email: ['john.doe@example.com'],
    });
    expect(r.contacts[1]).toMatchObject({ givenname: 'Jürgen', mobile: ['0171 2345678'], telephonenumber: ['07031 1234567'] });
    expect(r.contacts[2]).toMatchObject({ displayname: 'Blues Brothers', company: 'Blues Brothers', department: 'Band', telephonenumber: ['+1 (312) 555-0199', '+1 312 555 0100'] });
    expect(r.contacts[3]).toMatchObject({ givenname: 'Zoë', facsimiletelephonenumber: ['+46 18 471 00 00'], telephonenumber: ['+46 18 471 00 01'] });
    expect(r.skipped).toEqual([
      { origin: 'macos-contacts', at: 3, reason: 'lastName is not a string' },
      { origin: 'macos-contacts', at: 5, reason: 'person has neither a name nor a number' },
    ]);
  });

  it('turns access denied into an unavailable source with a message saying where to allow it', () => {
    const r = parseMacContactsOutput(fixture('contacts-denied.json'));
    expect(r).toEqual({ status: 'unavailable', reason: expect.stringContaining(MAC_ACCESS_DENIED_REASON) });
    expect(r.status === 'unavailable' && r.reason).toContain('Not authorized to send Apple events');
  });

  it('throws (keep previous contacts) on other failures and on output that is not JSON', () => {
    expect(() => parseMacContactsOutput(fixture('contacts-failed.json'))).toThrow(/Application isn't running.*-600/);
    expect(() => parseMacContactsOutput(fixture('contacts-garbage.txt'))).toThrow(/printed no JSON/);
    expect(() => parseMacContactsOutput('{"version":1}')).toThrow(/no contacts list/);
  });

  it('knows the Contacts labels', () => {
    expect(['_$!<Mobile>!$_', 'iPhone', '_$!<Home>!$_', '_$!<WorkFAX>!$_', '_$!<HomeFAX>!$_', '_$!<Work>!$_', '_$!<Main>!$_', 'Büro', null].map(macPhoneField)).toEqual([
      'mobile', 'mobile', 'homephone', 'facsimiletelephonenumber', 'facsimiletelephonenumber', 'telephonenumber', 'telephonenumber', 'telephonenumber', 'telephonenumber',
    ]);
  });
});
