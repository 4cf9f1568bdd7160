/**
 * Hot key service (docs/hotkeys.md): dial selected text (PrepareCall with the text as both `text`
 * (wiki) and `txt` (SDK phone API); the same chord twice within
 * a short window → StartCall), accept (ConnectCall), reject (DisconnectCall), each as an
 * ApiRequest to the com.innovaphone.phone provider. Only configured chords are ever seen here;
 * the selected text is sent to the phone app but never traced.
 */
import type { ApiRouter, ConsumedApi, LocalModule } from '../bus';
import { Api } from '../../common/bus';
import type { Logger } from '../platform';
import { parseChord, sameChord, type Chord } from '../../common/chord';
import type { KeyListener, SelectionReader } from './ports';
import { sessionNotice, type DisplaySession } from '../../common/session';

/**
 * The words the settings page shows when reading the selection for the dial hot key failed.
 * A CopyKeystrokeError (copy-selection.ts) is recognised by its name and kind, so errors that
 * crossed a process boundary (plain objects) are understood too.
 */
export function selectionProblem(err: unknown, platform: string = process.platform): { kind: string; text: string } {
  const e = (err && typeof err === 'object' ? err : {}) as { name?: unknown; kind?: unknown; message?: unknown };
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);
  const kind = e.name === 'CopyKeystrokeError' && typeof e.kind === 'string' ? e.kind : 'read-failed';
  switch (kind) {
    case 'permission-denied':
      return platform === 'darwin'
        ? { kind, text: 'Dial: allow myApps under System Settings › Privacy & Security › Accessibility, then press the hot key again.' }
        : { kind, text: `Dial: the system did not allow myApps to send the copy keystroke (${message}).` };
    case 'unavailable':
      return { kind, text: `Dial: the helper that copies the selected text is not available (${message}).` };
    case 'send-failed':
      return { kind, text: `Dial: the copy keystroke could not be sent (${message}).` };
    default:
      return { kind, text: `Dial: the selected text could not be read (${message}).` };
  }
}

export const HOTKEY_FUNCTIONS = ['dial', 'accept', 'reject'] as const;
export type HotkeyFunction = (typeof HOTKEY_FUNCTIONS)[number];
export type HotkeySettings = Partial<Record<HotkeyFunction, string | undefined>>;

export interface HotkeyState {
  /** The configured text as given (empty = not set). */
  configured: string;
  /** Canonical chord when valid. */
  chord?: string;
  active: boolean;
  /** Why the chord is not active (invalid, duplicate, refused by the OS, no display…). */
  reason?: string;
  /**
   * The chord is registered but its action failed on the last press, in words for the settings
   * page (e.g. the dial hot key on macOS without the Accessibility permission). Cleared by the
   * next press that works.
   */
  problem?: string;
  /** Machine-readable kind of `problem` (CopyKeystrokeError kind, or 'read-failed'). */
  problemKind?: string;
}
export interface HotkeyStatus {
  functions: Record<HotkeyFunction, HotkeyState>;
  /** Display-session note for the settings page (Wayland etc.). */
  notice?: string;
}

export interface HotkeyServiceOptions {
  router: ApiRouter;
  logger: Logger;
  keys: KeyListener;
  selection: SelectionReader;
  session?: DisplaySession;
  /** For the wording of reader errors (Accessibility on macOS). Default process.platform. */
  platform?: string;
  /** Second press of the dial chord within this many ms dials directly. Default 600. */
  doublePressMs?: number;
  now?: () => number;
}

/** Selected text as sent to the phone app: single line, no control characters, at most 128 chars. */
export function cleanSelection(s: string): string {
  return s.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 128);
}

export class HotkeyService {
  /** The launcher module the hot keys' requests come from (`@local-<id>`, "Hot keys"). */
  readonly module: LocalModule;
  private readonly phone: ConsumedApi;
  private readonly now: () => number;
  private readonly doubleMs: number;
  private lastDial?: { at: number; text: Promise<string> };
  private state: HotkeyStatus;
  private readonly listeners = new Set<(s: HotkeyStatus) => void>();
  private chain: Promise<unknown> = Promise.resolve();
  readonly stats = { presses: 0, sent: 0, failed: 0 };

  constructor(private readonly opts: HotkeyServiceOptions) {
    this.module = opts.router.localModule('Hot keys');
    this.phone = this.module.consume(Api.phone);
    this.now = opts.now ?? (() => performance.now());
    this.doubleMs = opts.doublePressMs ?? 600;
    const empty = (): HotkeyState => ({ configured: '', active: false });
    this.state = { functions: { dial: empty(), accept: empty(), reject: empty() }, notice: opts.session ? sessionNotice(opts.session) : undefined };
    opts.keys.onFailure?.((reason) => {
      // the listener died after registration: say so on the settings page instead of pretending
      for (const f of HOTKEY_FUNCTIONS) {
        const st = this.state.functions[f];
        if (st.active) {
          st.active = false;
          st.reason = reason;
        }
      }
      this.emit();
    });
  }

  status(): HotkeyStatus {
    return structuredClone(this.state);
  }

  onStatus(cb: (s: HotkeyStatus) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Apply settings (also on every settings change). Invalid chords are refused with a reason. */
  configure(settings: HotkeySettings): Promise<HotkeyStatus> {
    const run = this.chain.then(() => this.apply(settings));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async apply(settings: HotkeySettings): Promise<HotkeyStatus> {
    const functions = {} as Record<HotkeyFunction, HotkeyState>;
    const wanted: { id: HotkeyFunction; chord: Chord }[] = [];
    for (const f of HOTKEY_FUNCTIONS) {
      const text = (settings[f] ?? '').trim();
      if (!text) {
        functions[f] = { configured: '', active: false };
        continue;
      }
      const p = parseChord(text);
      if (!p.ok) {
        functions[f] = { configured: text, active: false, reason: `invalid hot key: ${p.error}` };
        this.opts.logger.warn(`hotkeys: ${f} hot key refused: ${p.error}`);
        continue;
      }
      const dup = wanted.find((w) => sameChord(w.chord, p.chord));
      if (dup) {
        functions[f] = { configured: text, chord: p.canonical, active: false, reason: `same key as the ${dup.id} hot key` };
        continue;
      }
      functions[f] = { configured: text, chord: p.canonical, active: false };
      wanted.push({ id: f, chord: p.chord });
    }
    if (this.opts.session === 'wayland' || this.opts.session === 'none') {
      for (const w of wanted) functions[w.id].reason = sessionNotice(this.opts.session);
      await this.opts.keys.setChords([], () => {}).catch(() => []);
    } else {
      let statuses: { id: string; active: boolean; reason?: string }[];
      try {
        statuses = await this.opts.keys.setChords(wanted, (id) => this.onPress(id as HotkeyFunction));
      } catch (err) {
        const reason = `key listener failed: ${err instanceof Error ? err.message : String(err)}`;
        statuses = wanted.map((w) => ({ id: w.id, active: false, reason }));
      }
      for (const s of statuses) {
        const f = functions[s.id as HotkeyFunction];
        if (!f) continue;
        f.active = s.active;
        if (!s.active) {
          f.reason = s.reason ?? 'not registered';
          this.opts.logger.warn(`hotkeys: ${s.id} hot key ${f.chord} is not active: ${f.reason}`);
        } else {
          this.opts.logger.trace('App', `hotkeys: ${s.id} hot key ${f.chord} active`);
        }
      }
    }
    // a reader problem stays shown while the dial chord is unchanged (it is about the OS, not the chord)
    const prev = this.state.functions.dial;
    if (prev.problem && prev.chord && functions.dial.chord === prev.chord) {
      functions.dial.problem = prev.problem;
      if (prev.problemKind) functions.dial.problemKind = prev.problemKind;
    }
    this.state = { functions, notice: this.state.notice };
    return this.emit();
  }

  /** A registered chord was pressed (called by the key listener). */
  onPress(id: HotkeyFunction): Promise<void> {
    this.stats.presses++;
    this.opts.logger.trace('App', `hotkeys: ${id} hot key ${this.state.functions[id]?.chord ?? ''} pressed`);
    if (id === 'accept') return Promise.resolve(this.send({ mt: 'ConnectCall' }));
    if (id === 'reject') return Promise.resolve(this.send({ mt: 'DisconnectCall' }));
    if (id === 'dial') return this.dial();
    return Promise.resolve();
  }

  private async dial(): Promise<void> {
    const t = this.now();
    const last = this.lastDial;
    if (last && t - last.at <= this.doubleMs) {
      this.lastDial = undefined;
      const text = await last.text;
      if (text) this.send({ mt: 'StartCall', txt: text, adjust: true });
      return;
    }
    const textP = this.opts.selection.readSelection().then(
      (raw) => {
        this.setDialProblem(undefined);
        return cleanSelection(raw);
      },
      (err: unknown) => {
        const p = selectionProblem(err, this.opts.platform);
        this.opts.logger.warn('hotkeys: reading the selection failed', { error: err instanceof Error ? err.message : String(err), kind: p.kind });
        this.setDialProblem(p);
        return '';
      },
    );
    this.lastDial = { at: t, text: textP };
    const text = await textP;
    if (!text) {
      this.opts.logger.trace('App', 'hotkeys: dial hot key pressed with no selected text');
      return;
    }
    // `text` as the wiki's relay frame (docs/hotkeys.md), `txt` as the SDK's phone API.
    this.send({ mt: 'PrepareCall', text, txt: text, adjust: true });
  }

  /** Show (or clear) a reader problem on the dial hot key; listeners hear only real changes. */
  private setDialProblem(p: { kind: string; text: string } | undefined): void {
    const st = this.state.functions.dial;
    if ((st.problem ?? '') === (p?.text ?? '')) return;
    if (p) {
      st.problem = p.text;
      st.problemKind = p.kind;
    } else {
      delete st.problem;
      delete st.problemKind;
    }
    this.emit();
  }

  /** Tell the listeners the current status; returns the snapshot they got. */
  private emit(): HotkeyStatus {
    const snap = this.status();
    this.listeners.forEach((l) => l(snap));
    return snap;
  }

  private send(msg: Record<string, unknown>): void {
    try {
      this.phone.send(msg);
      this.stats.sent++;
      this.opts.logger.trace('App', `hotkeys: ${String(msg.mt)} sent to ${Api.phone}`);
    } catch (err) {
      this.stats.failed++;
      this.opts.logger.warn(`hotkeys: ${String(msg.mt)} not sent: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async close(): Promise<void> {
    await this.chain;
    this.opts.keys.close();
    this.module.close();
  }
}


