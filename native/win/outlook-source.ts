/**
 * Windows: all Outlook contact folders, read by native/win/outlook-search.ps1 (PowerShell, COM).
 * Writes its own trace (the Logger passed in is the `myAppsOutlookSearch-<date-time>.txt` trace
 * file built by electron/log). Honours "Disable Outlook search" (user setting or PBX-forced):
 * while disabled the source is unavailable and the helper is never started. Reloaded at every
 * refresh interval: like the original, changes in Outlook show up after a while.
 */
import type { Logger } from '../../electron/platform';
import type { ContactSource, ContactSourceLoad, PhonebookSettings } from '../../electron/phonebook/ports';
import { parseOutlookOutput } from './outlook-parser';
import { powershellExe, runProcess } from '../process';

export interface OutlookOptions {
  /** Absolute path of native/win/outlook-search.ps1 (shipped in the app's resources). */
  script: string;
  /** The Outlook search trace file (myAppsOutlookSearch-<date-time>.txt). */
  logger: Logger;
  /** "Disable Outlook search" at start. */
  disabled?: boolean;
  powershell?: string;
  timeoutMs?: number;
}

export class OutlookSource implements ContactSource {
  readonly name = 'outlook';
  private disabled: boolean;

  constructor(private readonly opts: OutlookOptions) {
    this.disabled = !!opts.disabled;
  }

  /** Apply "Disable Outlook search"; the phone book picks it up at its next refresh. Returns whether it changed. */
  setDisabled(disabled: boolean): boolean {
    if (disabled === this.disabled) return false;
    this.opts.logger.trace('App', `Outlook search ${disabled ? 'disabled' : 'enabled'} by setting`);
    this.disabled = disabled;
    return true;
  }

  applySettings(s: Partial<PhonebookSettings>): boolean {
    return s.disableOutlookSearch !== undefined && this.setDisabled(s.disableOutlookSearch);
  }

  async load(): Promise<ContactSourceLoad> {
    const log = this.opts.logger;
    if (this.disabled) return { status: 'unavailable', reason: 'Outlook search is disabled ("Disable Outlook search")' };
    const t0 = Date.now();
    const args = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', this.opts.script];
    log.trace('App', 'Outlook search: reading contact folders', { script: this.opts.script });
    const r = await runProcess(this.opts.powershell ?? powershellExe(), args, { timeoutMs: this.opts.timeoutMs ?? 180_000 });
    if (r.stderr.trim()) log.trace('App', 'Outlook search: helper stderr', { stderr: r.stderr.trim().slice(0, 2000) });
    if (r.killed) throw new Error(`Outlook helper killed: ${r.killed}`);
    let parsed;
    try {
      parsed = parseOutlookOutput(r.stdout);
    } catch (err) {
      log.error(`Outlook search: ${(err as Error).message}`, { exit: r.code });
      throw err;
    }
    for (const f of parsed.folders) log.trace('App', `Outlook search: folder ${f.path}: ${f.count} contacts`);
    for (const e of parsed.errors) log.warn(`Outlook search: ${e.where}: ${e.message}`);
    if (parsed.load.status === 'ok') {
      for (const s of parsed.load.skipped) log.trace('App', 'Outlook search: skipped malformed contact', { origin: s.origin, at: s.at, reason: s.reason });
      log.trace('App', `Outlook search: ${parsed.load.contacts.length} contacts in ${Date.now() - t0} ms`);
    } else log.warn(`Outlook search: ${parsed.load.reason}`);
    return parsed.load;
  }
}
