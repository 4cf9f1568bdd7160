/**
 * Linux: Evolution Data Server address books, read with its command-line exporter
 * (`evolution-addressbook-export`, shipped with Evolution). Detected at run time; when it is not
 * installed the source reports itself unavailable and the phone book goes on without it.
 *
 *   evolution-addressbook-export --list          → "uid","display name",count   (one book a line)
 *   evolution-addressbook-export --format=vcard UID → the book's vCards on stdout
 */
import { promises as fs, constants } from 'node:fs';
import * as path from 'node:path';
import { parseVCards, type ContactSource, type ContactSourceLoad, type PhonebookContact, type SkippedRecord } from '../../electron/phonebook/ports';
import { runProcess } from '../process';

export const EDS_EXPORT_CANDIDATES = [
  '/usr/libexec/evolution/evolution-addressbook-export',
  '/usr/lib/evolution/evolution-addressbook-export',
  '/usr/lib/x86_64-linux-gnu/evolution/evolution-addressbook-export',
  '/usr/lib/aarch64-linux-gnu/evolution/evolution-addressbook-export',
];

async function executable(file: string): Promise<boolean> {
  try {
    await fs.access(file, constants.X_OK);
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Find evolution-addressbook-export: the candidates, then every folder of PATH. */
export async function findEdsExporter(candidates: readonly string[] = EDS_EXPORT_CANDIDATES, envPath = process.env.PATH ?? ''): Promise<string | undefined> {
  const all = [...candidates, ...envPath.split(path.delimiter).filter(Boolean).map((d) => path.join(d, 'evolution-addressbook-export'))];
  for (const c of all) if (await executable(c)) return c;
  return undefined;
}

export interface EdsBook {
  uid: string;
  name: string;
  count: number;
}

/** Parse `--list` output: `"uid","display name",count` per line; other lines are ignored. */
export function parseEdsList(stdout: string): EdsBook[] {
  const books: EdsBook[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^"((?:[^"\\]|\\.)*)","((?:[^"\\]|\\.)*)",(\d+)\s*$/.exec(line.trim());
    if (m) books.push({ uid: m[1]!, name: m[2]!, count: Number(m[3]) });
  }
  return books;
}

export class EdsSource implements ContactSource {
  readonly name = 'eds';
  private exporter?: string | null;

  /** `exporter`: a fixed path (setting or test); otherwise detected. */
  constructor(private readonly opts: { exporter?: string; timeoutMs?: number } = {}) {}

  private async tool(): Promise<string | undefined> {
    if (this.opts.exporter) return (await executable(this.opts.exporter)) ? this.opts.exporter : undefined;
    if (this.exporter === undefined) this.exporter = (await findEdsExporter()) ?? null;
    return this.exporter ?? undefined;
  }

  async load(): Promise<ContactSourceLoad> {
    const tool = await this.tool();
    if (!tool) return { status: 'unavailable', reason: 'Evolution Data Server not installed (no evolution-addressbook-export)' };
    const timeoutMs = this.opts.timeoutMs ?? 60_000;
    const list = await runProcess(tool, ['--list'], { timeoutMs });
    if (list.code !== 0 || list.killed) {
      return { status: 'unavailable', reason: `evolution-addressbook-export --list failed (${list.killed ?? `exit ${list.code}`}): ${list.stderr.trim().slice(0, 300)}` };
    }
    const books = parseEdsList(list.stdout);
    const contacts: PhonebookContact[] = [];
    const skipped: SkippedRecord[] = [];
    for (const book of books) {
      if (book.uid.startsWith('-')) {
        // The uid comes from the tool's own output; never let it be read as an option.
        skipped.push({ origin: `eds:${book.uid.slice(0, 80)}`, reason: 'address book id starts with "-"; skipped' });
        continue;
      }
      const r = await runProcess(tool, ['--format=vcard', book.uid], { timeoutMs });
      if (r.code !== 0 || r.killed) {
        skipped.push({ origin: `eds:${book.uid}`, reason: `export failed (${r.killed ?? `exit ${r.code}`}): ${r.stderr.trim().slice(0, 300)}` });
        continue;
      }
      const parsed = parseVCards(r.stdout, `eds:${book.uid}`);
      contacts.push(...parsed.contacts);
      skipped.push(...parsed.skipped);
    }
    return { status: 'ok', contacts, skipped };
  }
}
