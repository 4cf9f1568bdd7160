/**
 * macOS: the system Contacts database, read by native/mac/contacts.js through
 * `/usr/bin/osascript -l JavaScript`. When the user denies access the source reports itself
 * unavailable with a clear reason (the phone book traces it and, if it was the only source,
 * closes its providers). Reloaded at every refresh interval (no cheap change check).
 */
import type { ContactSource, ContactSourceLoad } from '../../electron/phonebook/ports';
import { parseMacContactsOutput } from './contacts-parser';
import { runProcess } from '../process';

export interface MacContactsOptions {
  /** Absolute path of native/mac/contacts.js (shipped in the app's resources). */
  script: string;
  osascript?: string;
  timeoutMs?: number;
}

export class MacContactsSource implements ContactSource {
  readonly name = 'macos-contacts';
  constructor(private readonly opts: MacContactsOptions) {}

  async load(): Promise<ContactSourceLoad> {
    const r = await runProcess(this.opts.osascript ?? '/usr/bin/osascript', ['-l', 'JavaScript', this.opts.script], { timeoutMs: this.opts.timeoutMs ?? 120_000 });
    if (r.killed) throw new Error(`Contacts helper killed: ${r.killed}`);
    if (!r.stdout.trim()) throw new Error(`Contacts helper printed nothing (exit ${r.code}): ${r.stderr.trim().slice(0, 300)}`);
    return parseMacContactsOutput(r.stdout);
  }
}
