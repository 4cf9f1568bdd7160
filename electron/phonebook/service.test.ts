import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Api } from '../../common/bus';
import { ApiRouter } from '../bus';
import { silentLogger } from '../platform';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { Phonebook } from './service';
import { VCardFolderSource } from './vcard-folder';
import type { ContactSource } from './ports';
import { OutlookSource } from '../../native/win/outlook-source';
import { startPhonebookService } from './index';

const FIX = path.resolve(__dirname, '../../test/fixtures/vcards');
const DE = { prefixIntl: '000', prefixNtl: '00', prefixExt: '0', area: '7031', country: '49' };

describe('Phonebook on the bus router', () => {
  let dir: string;
  let router: ApiRouter;
  let pb: Phonebook | undefined;
  const logger = memoryLogger();

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'phonebook-'));
    for (const f of await fs.readdir(FIX)) if (f.endsWith('.vcf')) await fs.copyFile(path.join(FIX, f), path.join(dir, f));
    router = new ApiRouter(silentLogger);
    logger.lines.length = 0;
  });
  afterEach(async () => {
    await pb?.close();
    pb = undefined;
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('answers Search with SearchInfo items then SearchResult, as in the documented example', async () => {
    pb = Phonebook.start({ router, logger, sources: [new VCardFolderSource(dir)] });
    const search = router.consume(Api.search);
    // A launcher module: @local-<id>, new at every start, with its display name as title.
    expect(pb.providerName).toMatch(/^@local-[0-9a-f-]{36}$/);
    expect(await search.waitForProvider(5000)).toBe(pb.providerName);
    expect(search.providers()[pb.providerName]).toMatchObject({ title: 'Local contacts' });
    const msgs = await search.request({ mt: 'Search', type: 'contact', search: 'john doe' }, { provider: '*', until: (m) => m.mt === 'SearchResult', timeoutMs: 5000 });
    expect(msgs.at(-1)).toEqual({ mt: 'SearchResult' });
    expect(msgs[0]).toEqual({
      mt: 'SearchInfo',
      dn: 'John Doe',
      type: 'contact',
      relevance: expect.any(Number),
      adjust: true,
      contact: {
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
    });
    // "doe" alone does not match Jake Blues; "john" matches only John Doe here.
    expect(msgs.filter((m) => m.mt === 'SearchInfo').map((m) => m.dn)).toEqual(['John Doe']);
    // Malformed cards of malformed.vcf were traced, the good ones kept.
    expect(logger.lines.filter((l) => l.message.includes('skipped malformed record'))).toHaveLength(5);
    expect(pb.search('good').map((h) => h.dn)).toEqual(['First Good', 'Second Good']);
    // Another type than contact: just the end message.
    expect(await search.request({ mt: 'Search', type: 'app', search: 'john' }, { until: (m) => m.mt === 'SearchResult', timeoutMs: 5000 })).toEqual([{ mt: 'SearchResult' }]);
    // A malformed request still ends.
    expect(await search.request({ mt: 'Search', search: 42 }, { until: (m) => m.mt === 'SearchResult', timeoutMs: 5000 })).toEqual([{ mt: 'SearchResult' }]);
    search.close();
  });

  it('answers Lookup under both com.innovaphone.phonelookup and com.innovaphone.lookup', async () => {
    pb = Phonebook.start({ router, logger, sources: [new VCardFolderSource(dir)] });
    await pb.ready();
    for (const api of [Api.phoneLookup, Api.lookup]) {
      const c = router.consume(api);
      await c.waitForProvider(5000);
      const msgs = await c.request({ mt: 'Lookup', ...DE, lookup: '0004970311234567' }, { provider: '*', until: (m) => m.mt === 'LookupResult', timeoutMs: 5000 });
      expect(msgs).toEqual([
        { mt: 'LookupInfo', dn: 'Jake Blues', adjust: true, contact: expect.objectContaining({ givenname: 'Jake', sn: 'Blues', company: 'Blues Brothers', telephonenumber: ['+49 (7031) 123-4567'] }) },
        { mt: 'LookupInfo', dn: 'Jörg Müller', adjust: true, contact: expect.objectContaining({ telephonenumber: ['(07031) 123 45-67'] }) },
        { mt: 'LookupResult' },
      ]);
      expect(await c.request({ mt: 'Lookup', ...DE, lookup: '00049899999999' }, { until: (m) => m.mt === 'LookupResult', timeoutMs: 5000 })).toEqual([{ mt: 'LookupResult' }]);
      expect(await c.request({ mt: 'Lookup' }, { until: (m) => m.mt === 'LookupResult', timeoutMs: 5000 })).toEqual([{ mt: 'LookupResult' }]);
      c.close();
    }
  });

  it('rebuilds the index when the folder changes and closes the providers when no source is left', async () => {
    pb = Phonebook.start({ router, logger, sources: [new VCardFolderSource(dir)], settings: { refreshIntervalMs: 1000 } });
    await pb.ready();
    expect(pb.search('carla')).toEqual([]);
    await fs.writeFile(path.join(dir, 'new.vcf'), 'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Bruni;Carla;;;\r\nTEL:+33 1 42 92 81 00\r\nEND:VCARD\r\n');
    await expect.poll(() => pb!.search('carla').map((h) => h.dn), { timeout: 5000 }).toEqual(['Carla Bruni']);
    // An edited file: old content gone, new content there.
    await fs.writeFile(path.join(dir, 'new.vcf'), 'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Bruni;Carlotta;;;\r\nEND:VCARD\r\n');
    await expect.poll(() => pb!.search('carl').map((h) => h.dn), { timeout: 5000 }).toEqual(['Carlotta Bruni']);

    await fs.rm(dir, { recursive: true, force: true });
    await pb.refresh();
    expect(pb.providing).toBe(false);
    expect(router.consume(Api.search).providers()).toEqual({});
    expect(logger.lines.some((l) => l.level === 'warn' && l.message.includes('source vcard-folder is off') && l.message.includes('does not exist'))).toBe(true);

    // The folder comes back: so do the providers, and the watcher on the new folder.
    await fs.mkdir(dir);
    await fs.copyFile(path.join(FIX, 'john-doe-v3.vcf'), path.join(dir, 'a.vcf'));
    await pb.refresh();
    expect(pb.providing).toBe(true);
    expect(Object.keys(router.consume(Api.lookup).providers())).toEqual([pb.providerName]);
    pb.updateSettings({ refreshIntervalMs: 600_000 });
    await fs.copyFile(path.join(FIX, 'unicode-v4.vcf'), path.join(dir, 'b.vcf'));
    await expect.poll(() => pb!.search('zoe').map((h) => h.dn), { timeout: 5000 }).toEqual(['Zoë Ångström']);
  });

  it('sees a new file in the folder through fs.watch, long before the refresh interval', async () => {
    pb = Phonebook.start({ router, logger, sources: [new VCardFolderSource(dir)], settings: { refreshIntervalMs: 600_000 } });
    await pb.ready();
    await fs.mkdir(path.join(dir, 'sub'));
    await fs.writeFile(path.join(dir, 'sub', 'w.vcf'), 'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Watcher;Wanda;;;\r\nTEL:+49 89 7777777\r\nEND:VCARD\r\n');
    await expect.poll(() => pb!.search('wanda').map((h) => h.dn), { timeout: 5000 }).toEqual(['Wanda Watcher']);
  });

  it('keeps the previous contacts when a source fails, and caps results by setting', async () => {
    let fail = false;
    const flaky: ContactSource = {
      name: 'flaky',
      async load() {
        if (fail) throw new Error('helper crashed');
        return { status: 'ok', contacts: Array.from({ length: 30 }, (_, i) => ({ givenname: 'Max', sn: `Muster${i}`, telephonenumber: [`${100 + i}`], homephone: [], mobile: [], facsimiletelephonenumber: [] })), skipped: [] };
      },
    };
    pb = Phonebook.start({ router, logger, sources: [flaky], settings: { maxResults: 10 } });
    await pb.ready();
    expect(pb.search('max')).toHaveLength(10);
    pb.updateSettings({ maxResults: 25 });
    expect(pb.search('max')).toHaveLength(25);
    fail = true;
    await pb.refresh();
    expect(pb.size).toBe(30);
    expect(pb.providing).toBe(true);
    expect(logger.lines.some((l) => l.level === 'warn' && l.message.includes('helper crashed'))).toBe(true);
  });
});

describe('startPhonebookService with Outlook (stand-in PowerShell printing recorded output)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'phonebook-ol-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('honours "Disable Outlook search": providers go away and come back', async () => {
    const powershell = path.join(dir, 'powershell');
    await fs.writeFile(powershell, `#!/bin/sh\ncat '${path.resolve(__dirname, '../../native/win/fixtures/outlook-search-ok.json')}'\n`, { mode: 0o755 });
    const router = new ApiRouter(silentLogger);
    const outlookLog = memoryLogger();
    const outlook = new OutlookSource({ script: 'outlook-search.ps1', logger: outlookLog, powershell });
    const svc = startPhonebookService({ router, logger: silentLogger, sources: [outlook] });
    try {
      await svc.phonebook.ready();
      expect(svc.phonebook.providing).toBe(true);
      const c = router.consume(Api.phoneLookup);
      const msgs = await c.request({ mt: 'Lookup', ...DE, lookup: '0004970311234567' }, { until: (m) => m.mt === 'LookupResult', timeoutMs: 5000 });
      expect(msgs.map((m) => m.dn)).toEqual(['Jake Blues', undefined]);
      svc.updateSettings({ disableOutlookSearch: true });
      await expect.poll(() => svc.phonebook.providing).toBe(false);
      expect(c.providers()).toEqual({});
      svc.updateSettings({ disableOutlookSearch: false });
      await expect.poll(() => svc.phonebook.providing).toBe(true);
      expect(outlookLog.lines.map((l) => l.message)).toContain('Outlook search disabled by setting');
    } finally {
      await svc.close();
    }
  });
});
