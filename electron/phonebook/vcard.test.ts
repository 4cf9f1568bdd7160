import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeQuotedPrintable, parseVCards } from './vcard';

const FIX = path.resolve(__dirname, '../../test/fixtures/vcards');
const load = (f: string) => parseVCards(readFileSync(path.join(FIX, f)), f);

describe('parseVCards', () => {
  it('reads a vCard 3.0 with folded lines, TYPE lists, escapes and structured N/ORG', () => {
    const r = load('john-doe-v3.vcf');
    expect(r.skipped).toEqual([]);
    expect(r.contacts).toEqual([
      {
        givenname: 'John',
        sn: 'Doe',
        displayname: 'John Doe',
        company: 'ACME',
        department: 'Research, Development',
        position: 'Head of everything',
        telephonenumber: ['11111', '22222'],
        homephone: ['+4944444', '33333'],
        mobile: ['+49 (123) 55555'],
        facsimiletelephonenumber: ['+49 7031 1234599'],
        email: ['john.doe@example.com'],
      },
    ]);
  });

  it('reads several cards in one file, groups (item1.EMAIL), X-SIP and a number folded mid-value', () => {
    const r = load('blues-brothers-v3.vcf');
    expect(r.skipped).toEqual([]);
    expect(r.contacts.map((c) => c.displayname)).toEqual(['Jake Blues', 'Elwood Blues']);
    expect(r.contacts[0]).toMatchObject({ company: 'Blues Brothers', telephonenumber: ['+49 (7031) 123-4567'], mobile: ['0171 2345678'], email: ['john.blues@example.com'], sip: ['jbl@example.com'] });
    expect(r.contacts[1]).toMatchObject({ homephone: ['07031 7654321'], telephonenumber: ['0049 30 1234567'] });
  });

  it('reads vCard 4.0: UTF-8 names, tel: URIs with parameters, quoted TYPE lists, FN-only organisations', () => {
    const r = load('unicode-v4.vcf');
    expect(r.skipped).toEqual([]);
    expect(r.contacts).toHaveLength(5);
    expect(r.contacts[0]).toMatchObject({ givenname: 'Jürgen', sn: 'Müller-Lüdenscheidt', company: 'Bäckerei Müller GmbH', position: 'Geschäftsführer', telephonenumber: ['+49-7031-555-0101'], mobile: ['+49-171-5550102'] });
    expect(r.contacts[1]).toMatchObject({ givenname: 'Zoë', sn: 'Ångström', homephone: ['+46 18 471 00 00'], facsimiletelephonenumber: ['+46 18 471 00 09'] });
    expect(r.contacts[2]).toMatchObject({ givenname: '太郎', sn: '山田' });
    expect(r.contacts[4]).toMatchObject({ displayname: 'Acme Reception', company: 'Acme Reception', telephonenumber: ['200'] });
  });

  it('reads vCard 2.1 from Outlook: quoted-printable with soft line breaks, CHARSET, bare TYPE parameters', () => {
    const r = load('outlook-v21.vcf');
    expect(r.skipped).toEqual([]);
    expect(r.contacts).toEqual([
      {
        givenname: 'Jörg',
        sn: 'Müller',
        displayname: 'Jörg Müller',
        company: 'Straßenbau Grünwald AG',
        position: 'Leiter Einkauf\r\nund Verkauf',
        telephonenumber: ['(07031) 123 45-67'],
        homephone: ['+49 (0) 7031 / 98 76 54'],
        mobile: ['+49 160 1234567'],
        facsimiletelephonenumber: ['07031 1234568'],
      },
    ]);
  });

  it('reads a Windows-1252 file that is not valid UTF-8', () => {
    const r = load('legacy-cp1252.vcf');
    expect(r.contacts).toEqual([expect.objectContaining({ givenname: 'Bärbel', sn: 'Groß', telephonenumber: ['+43 1 5551 123'] })]);
  });

  it('skips malformed cards with a reason and keeps the others', () => {
    const r = load('malformed.vcf');
    expect(r.contacts.map((c) => `${c.givenname} ${c.sn}`)).toEqual(['First Good', 'Second Good']);
    expect(r.skipped.map((s) => s.reason)).toEqual([
      'card has no END:VCARD (next BEGIN at line 10)',
      'line 13: not a vCard property (expected NAME[;params]:value)',
      'unsupported VERSION 9.9',
      'card has neither a name nor a number',
      'END:VCARD without BEGIN:VCARD',
    ]);
    expect(r.skipped.every((s) => s.origin === 'malformed.vcf' && typeof s.at === 'number')).toBe(true);
  });

  it('handles LF-only files, a UTF-8 BOM, UTF-16 and a card cut off at the end', () => {
    const text = 'BEGIN:VCARD\nVERSION:3.0\nN:Ünal;Ayşe;;;\nTEL:+90 212 555 0000\nEND:VCARD\nBEGIN:VCARD\nN:Cut;Off\n';
    const utf8 = parseVCards(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'x');
    expect(utf8.contacts).toEqual([expect.objectContaining({ givenname: 'Ayşe', sn: 'Ünal' })]);
    expect(utf8.skipped).toEqual([{ origin: 'x', at: 6, reason: 'card has no END:VCARD (end of input)' }]);
    const utf16 = parseVCards(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'y');
    expect(utf16.contacts[0]).toMatchObject({ givenname: 'Ayşe' });
  });

  it('joins a value of 20 000 soft line breaks or folds, and 20 000 repeated parameters (linear: found by reliability.fuzz_cases)', () => {
    const qp = parseVCards(`BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:${'M=C3=BC=\r\n'.repeat(20_000)}x\r\nTEL:1\r\nEND:VCARD\r\n`, 'qp.vcf');
    expect(qp.contacts[0]!.sn).toBe(`${'Mü'.repeat(20_000)}x`);
    const folded = parseVCards(`BEGIN:VCARD\r\nVERSION:3.0\r\nN:${'ab\r\n '.repeat(20_000)}c\r\nEND:VCARD\r\n`, 'fold.vcf');
    expect(folded.contacts[0]!.sn).toBe(`${'ab'.repeat(20_000)}c`);
    const params = parseVCards(`BEGIN:VCARD\r\nVERSION:3.0\r\nN:a\r\nTEL${';TYPE=home'.repeat(20_000)}:123\r\nEND:VCARD\r\n`, 'p.vcf');
    expect(params.contacts[0]!.homephone).toEqual(['123']);
  });

  it('sorts TEL lines the same on the plain path (no quotes, no encoding) and the full parser', () => {
    const card = (tel: string) => `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:T\r\n${tel}\r\nEND:VCARD\r\n`;
    const field = (tel: string) => {
      const c = parseVCards(card(tel), 't.vcf').contacts[0]!;
      return (['telephonenumber', 'homephone', 'mobile', 'facsimiletelephonenumber'] as const).filter((f) => c[f].length).map((f) => `${f}=${c[f].join('|')}`).join(' ');
    };
    const cases: [string, string][] = [
      ['TEL;TYPE=work,voice:+49 1', 'telephonenumber=+49 1'],
      ['TEL;CELL:2', 'mobile=2'],
      ['TEL;type = cell ;PREF=1:3', 'mobile=3'],
      ['TEL;TYPE=HOME;TYPE=WORK:4', 'telephonenumber=4'],
      ['TEL;TYPE=HOME:5', 'homephone=5'],
      ['TEL;VALUE=uri;TYPE=fax:tel:+49-6;ext=7', 'facsimiletelephonenumber=+49-6'],
      ['TEL;HOME;FAX:8', 'facsimiletelephonenumber=8'],
      // the full parser: quotes, an encoding, a group
      ['TEL;TYPE="cell,voice":9', 'mobile=9'],
      ['TEL;TYPE="x:y";HOME:10', 'homephone=10'],
      ['TEL;CELL;ENCODING=QUOTED-PRINTABLE:=31=31', 'mobile=11'],
      ['TEL;HOME;QUOTED-PRINTABLE:=31=32', 'homephone=12'],
      ['item1.TEL;TYPE=CELL:13', 'mobile=13'],
    ];
    expect(cases.map(([tel]) => field(tel))).toEqual(cases.map(([, want]) => want));
  });

  it('decodes quoted-printable bytes', () => {
    expect(Buffer.from(decodeQuotedPrintable('Gr=C3=BC=C3=9Fe =3D ok')).toString('utf8')).toBe('Grüße = ok');
  });
});
