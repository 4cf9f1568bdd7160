import { describe, expect, it } from 'vitest';
import { ContactIndex, foldText, searchWords, RELEVANCE_ALL_WORDS, RELEVANCE_SOME_WORDS } from './search-index';
import { emptyContact, type PhonebookContact } from './types';

function c(given: string | undefined, sn: string | undefined, numbers: Partial<PhonebookContact> = {}): PhonebookContact {
  return { ...emptyContact(), ...(given ? { givenname: given } : {}), ...(sn ? { sn } : {}), ...numbers };
}

const contacts = [
  c('John', 'Doe', { company: 'ACME', telephonenumber: ['11111'] }),
  c('Jane', 'Doe', { mobile: ['+49 171 1234567'] }),
  c('John', 'Smith', { telephonenumber: ['+1 (212) 555-0100'] }),
  c('Jürgen', 'Müller-Lüdenscheidt', { telephonenumber: ['07031 1234567'] }),
  c('Zoë', 'Ångström', { homephone: ['+46 18 471 00 00'] }),
  { ...emptyContact(), displayname: 'Acme Reception', company: 'Acme', telephonenumber: ['200'] },
  c('Johnny', 'Doenitz', { telephonenumber: ['0049 7031 1234567'] }),
];
const index = new ContactIndex(contacts.map((contact) => ({ source: 'test', contact })));
const DE = { prefixIntl: '000', prefixNtl: '00', prefixExt: '0', area: '7031', country: '49' };

describe('search', () => {
  it('answers the first `max` of the full ranking when a prefix touches many contacts', () => {
    const given = ['Anna', 'Bernd', 'Chloé', 'Dieter'];
    const family = ['Müller', 'Mueller', 'Meyer', 'Maier', 'Schmidt'];
    const many = new ContactIndex(Array.from({ length: 3000 }, (_, i) => ({ source: 'test', contact: c(given[i % 4], `${family[(i * 7) % 5]!} ${i % 37}`) })));
    for (const q of ['m', 'mu', 'anna m', 'chloe mei 3', 'd 1']) {
      const all = many.search(q, 100_000);
      expect(all.length).toBeGreaterThan(400);
      expect(many.search(q, 50)).toEqual(all.slice(0, 50));
      expect(many.search(q, 7)).toEqual(all.slice(0, 7));
    }
  });

  it('folds case and accents', () => {
    expect(foldText('Jürgen MÜLLER Ångström Straße Zoë')).toBe('jurgen muller angstrom strasse zoe');
    expect(searchWords('  John,  "Doe" john ')).toEqual(['john', 'doe']);
  });

  it('matches when any word matches a first or last name; all words rank above some', () => {
    const hits = index.search('john doe', 10);
    expect(hits.map((h) => h.dn)).toEqual(['John Doe', 'Johnny Doenitz', 'Jane Doe', 'John Smith']);
    expect(hits[0]!.relevance).toBeLessThan(hits[1]!.relevance); // exact words above prefixes
    expect(hits[0]!.relevance).toBe(RELEVANCE_ALL_WORDS);
    expect(hits[1]!.relevance).toBeLessThan(RELEVANCE_SOME_WORDS);
    expect(hits[2]!.relevance).toBeGreaterThanOrEqual(RELEVANCE_SOME_WORDS);
    expect(hits[2]!.relevance).toBeGreaterThan(hits[1]!.relevance);
  });

  it('is case and accent insensitive and matches parts of double names', () => {
    expect(index.search('JURGEN', 10).map((h) => h.dn)).toEqual(['Jürgen Müller-Lüdenscheidt']);
    expect(index.search('ludenscheidt', 10).map((h) => h.dn)).toEqual(['Jürgen Müller-Lüdenscheidt']);
    expect(index.search('zoe angstrom', 10)).toEqual([expect.objectContaining({ dn: 'Zoë Ångström', relevance: RELEVANCE_ALL_WORDS })]);
  });

  it('does not search companies or numbers, but finds a name-less contact by its display name', () => {
    expect(index.search('ACME', 10).map((h) => h.dn)).toEqual(['Acme Reception']);
    expect(index.search('11111', 10)).toEqual([]);
    expect(index.search('', 10)).toEqual([]);
  });

  it('caps the results', () => {
    expect(index.search('j', 2)).toHaveLength(2);
    expect(index.search('j', 0)).toEqual([]);
  });
});

describe('lookup', () => {
  it('finds a contact whatever form the number was stored in', () => {
    expect(index.lookup('0004970311234567', DE, 10).map((h) => h.dn)).toEqual(['Jürgen Müller-Lüdenscheidt', 'Johnny Doenitz']);
    expect(index.lookup('000491711234567', DE, 10).map((h) => h.dn)).toEqual(['Jane Doe']);
    expect(index.lookup('00012125550100', DE, 10).map((h) => h.dn)).toEqual(['John Smith']);
    expect(index.lookup('000461847100 00', DE, 10).map((h) => h.dn)).toEqual(['Zoë Ångström']);
  });

  it('finds internal extensions by extension only', () => {
    expect(index.lookup('11111', DE, 10).map((h) => h.dn)).toEqual(['John Doe']);
    expect(index.lookup('200', DE, 10).map((h) => h.dn)).toEqual(['Acme Reception']);
    expect(index.lookup('201', DE, 10)).toEqual([]);
    // A bare stored number is read as an extension and as a local number of the PBX's area.
    expect(index.lookup('0200', DE, 10).map((h) => h.dn)).toEqual(['Acme Reception']);
  });

  it('finds nothing for unknown or unusable numbers', () => {
    expect(index.lookup('0004970319999999', DE, 10)).toEqual([]);
    expect(index.lookup('', DE, 10)).toEqual([]);
    expect(index.lookup('anonymous', DE, 10)).toEqual([]);
  });
});
