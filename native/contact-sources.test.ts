/**
 * The helper-based sources run real child processes. The OS tools themselves (Evolution's
 * exporter, osascript, PowerShell with Outlook) are not on this Linux test machine, so small
 * stand-in executables print recorded output (native/<os>/fixtures) the way the tools do.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../test/fixtures/memory-logger';
import { EdsSource, findEdsExporter, parseEdsList } from './linux/eds-source';
import { MacContactsSource } from './mac/contacts-source';
import { OutlookSource } from './win/outlook-source';

const ROOT = path.resolve(__dirname, '..');
let dir: string;

async function standIn(name: string, script: string): Promise<string> {
  const f = path.join(dir, name);
  await fs.writeFile(f, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return f;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'phonebook-src-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('EdsSource (evolution-addressbook-export)', () => {
  it('parses the --list output', () => {
    expect(parseEdsList('"system-address-book","Personal",12\n"1a2b","Work \\"A\\"",3\ngarbage\n')).toEqual([
      { uid: 'system-address-book', name: 'Personal', count: 12 },
      { uid: '1a2b', name: 'Work \\"A\\"', count: 3 },
    ]);
  });

  it('is unavailable, cleanly, when Evolution is not installed', async () => {
    expect(await findEdsExporter([path.join(dir, 'nope')], dir)).toBeUndefined();
    const r = await new EdsSource({ exporter: path.join(dir, 'nope') }).load();
    expect(r).toEqual({ status: 'unavailable', reason: expect.stringContaining('not installed') });
  });

  it('lists the address books and exports each as vCards', async () => {
    const vcf = path.join(ROOT, 'test/fixtures/vcards');
    const tool = await standIn(
      'evolution-addressbook-export',
      `case "$1" in
  --list) printf '"system-address-book","Personal",1\\n"work-book","Work",2\\n' ;;
  --format=vcard) if [ "$2" = system-address-book ]; then cat '${vcf}/john-doe-v3.vcf'; elif [ "$2" = work-book ]; then cat '${vcf}/blues-brothers-v3.vcf' '${vcf}/malformed.vcf'; else exit 3; fi ;;
  *) exit 2 ;;
esac`,
    );
    expect(await findEdsExporter([], dir)).toBe(tool);
    const r = await new EdsSource({ exporter: tool }).load();
    if (r.status !== 'ok') throw new Error(r.reason);
    expect(r.contacts.map((c) => c.displayname ?? `${c.givenname} ${c.sn}`)).toEqual(['John Doe', 'Jake Blues', 'Elwood Blues', 'First Good', 'Second Good']);
    expect(r.skipped).toHaveLength(5);
    expect(r.skipped[0]!.origin).toBe('eds:work-book');
  });

  it('reports a failing exporter as unavailable with its error text', async () => {
    const tool = await standIn('eds-broken', `echo "Failed to connect to the address book registry" >&2; exit 1`);
    expect(await new EdsSource({ exporter: tool }).load()).toEqual({ status: 'unavailable', reason: expect.stringContaining('Failed to connect') });
  });
});

describe('MacContactsSource (osascript -l JavaScript native/mac/contacts.js)', () => {
  it('runs the helper with the script and parses its JSON', async () => {
    const osascript = await standIn('osascript', `[ "$1" = -l ] && [ "$2" = JavaScript ] && [ -f "$3" ] || exit 9\ncat '${ROOT}/native/mac/fixtures/contacts-ok.json'`);
    const r = await new MacContactsSource({ script: path.join(ROOT, 'native/mac/contacts.js'), osascript }).load();
    expect(r.status === 'ok' && r.contacts.length).toBe(4);
  });

  it('turns access denied into an unavailable source', async () => {
    const osascript = await standIn('osascript-denied', `cat '${ROOT}/native/mac/fixtures/contacts-denied.json'`);
    const r = await new MacContactsSource({ script: 'x', osascript }).load();
    expect(r).toEqual({ status: 'unavailable', reason: expect.stringContaining('Privacy & Security') });
  });

  it('throws when the helper prints nothing (previous contacts are kept by the phone book)', async () => {
    const osascript = await standIn('osascript-crash', `echo "execution error: boom (-2700)" >&2; exit 1`);
    await expect(new MacContactsSource({ script: 'x', osascript }).load()).rejects.toThrow(/printed nothing.*boom/);
  });
});

describe('OutlookSource (PowerShell + COM helper)', () => {
  it('runs the helper, traces folders, errors and skipped contacts into its own trace', async () => {
    const argsFile = path.join(dir, 'ps-args');
    const powershell = await standIn('powershell', `printf '%s\\n' "$*" > '${argsFile}'\ncat '${ROOT}/native/win/fixtures/outlook-search-ok.json'`);
    const log = memoryLogger();
    const src = new OutlookSource({ script: 'C:\\myApps\\native\\win\\outlook-search.ps1', logger: log, powershell });
    const r = await src.load();
    expect(r.status === 'ok' && r.contacts.length).toBe(4);
    expect((await fs.readFile(argsFile, 'utf8')).trim()).toBe('-NoProfile -NonInteractive -ExecutionPolicy Bypass -File C:\\myApps\\native\\win\\outlook-search.ps1');
    const text = log.lines.map((l) => `${l.level} ${l.message}`).join('\n');
    expect(text).toContain('Outlook search: folder \\\\john.doe@example.com\\Contacts: 4 contacts');
    expect(text).toContain('warn Outlook search: \\\\Public Folders\\Company contacts: The operation failed.');
    expect(text).toMatch(/Outlook search: 4 contacts in \d+ ms/);
    expect(log.lines.filter((l) => l.message === 'Outlook search: skipped malformed contact')).toHaveLength(2);
  });

  it('honours "Disable Outlook search": the helper is not started', async () => {
    const marker = path.join(dir, 'ps-ran');
    const powershell = await standIn('powershell-2', `touch '${marker}'\ncat '${ROOT}/native/win/fixtures/outlook-search-ok.json'`);
    const src = new OutlookSource({ script: 'x.ps1', logger: memoryLogger(), powershell, disabled: true });
    expect(await src.load()).toEqual({ status: 'unavailable', reason: expect.stringContaining('Disable Outlook search') });
    await expect(fs.access(marker)).rejects.toThrow();
    src.setDisabled(false);
    expect((await src.load()).status).toBe('ok');
    await fs.access(marker);
  });

  it('reports Outlook not installed as unavailable', async () => {
    const powershell = await standIn('powershell-3', `cat '${ROOT}/native/win/fixtures/outlook-search-unavailable.json'`);
    const log = memoryLogger();
    expect(await new OutlookSource({ script: 'x.ps1', logger: log, powershell }).load()).toEqual({ status: 'unavailable', reason: expect.stringContaining('Outlook is not available') });
  });
});
