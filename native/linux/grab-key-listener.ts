/**
 * Linux (X11) global hot keys with XGrabKey over one X connection (npm `x11`, pure JS): the
 * mechanism Electron's globalShortcut uses on X11, without Electron. The X server delivers ONLY
 * the grabbed chords to us, and not to the focused window (the chord is swallowed); every other
 * key goes to the applications untouched and never reaches this process. A chord another X
 * client grabbed first fails with BadAccess and is reported inactive with that reason.
 *
 * Each chord is grabbed in every combination of the lock modifiers (CapsLock, NumLock,
 * ScrollLock), so it works whatever lock is on; the modifier masks of Alt, Super, NumLock and
 * ScrollLock are read from the server's modifier mapping and read again on MappingNotify
 * (keyboard layout change), after which the chords are grabbed again. Auto-repeat while a chord
 * is held does not count as another press. A lost connection is reported through onFailure.
 */
import * as x11 from 'x11';
import type { ChordStatus, KeyListener } from '../../electron/hotkeys/ports';
import type { Chord, FunctionKey, Modifier } from '../../common/chord';
import { toAccelerator } from '../../common/chord';

/** X keysyms of F1–F11 (X11/keysymdef.h). */
const F_KEYSYM: Record<FunctionKey, number> = { F1: 0xffbe, F2: 0xffbf, F3: 0xffc0, F4: 0xffc1, F5: 0xffc2, F6: 0xffc3, F7: 0xffc4, F8: 0xffc5, F9: 0xffc6, F10: 0xffc7, F11: 0xffc8 };
/** XF86Switch_VT_1 is this + 1 (XF86keysym.h). */
const XF86_SWITCH_VT_0 = 0x1008fe00;
const KEYSYM = { Alt_L: 0xffe9, Alt_R: 0xffea, Meta_L: 0xffe7, Meta_R: 0xffe8, Super_L: 0xffeb, Super_R: 0xffec, Num_Lock: 0xff7f, Scroll_Lock: 0xff14 };
/** Core modifier masks: Shift, Lock, Control, Mod1..Mod5. */
const SHIFT = 1;
const LOCK = 2;
const CONTROL = 4;
const MOD_MASKS = [1, 2, 4, 8, 16, 32, 64, 128];
const GRAB_MODE_ASYNC = 1;

interface Masks {
  alt: number;
  win: number;
  numLock: number;
  scrollLock: number;
}

interface XEvent {
  name: string;
  keycode?: number;
  buttons?: number;
  time?: number;
  request?: number;
}

/** The part of the `x11` client used here (the package has no types). */
interface XClient {
  GrabKey(wid: number, ownerEvents: number, modifiers: number, key: number, pointerMode: number, keybMode: number, cb?: (err?: Error | null) => void): void;
  UngrabKey(wid: number, key: number, modifiers: number): void;
  GetKeyboardMapping(first: number, count: number, cb: (err: Error | null, rows: number[][]) => void): void;
  GetModifierMapping(cb: (err: Error | null, rows: number[][]) => void): void;
  on(ev: 'event', cb: (e: XEvent) => void): void;
  on(ev: 'error' | 'end' | 'close', cb: (err?: Error) => void): void;
  terminate(): void;
}

interface Connection {
  X: XClient;
  root: number;
  minKeycode: number;
  maxKeycode: number;
  keycodeOf: Map<number, number>;
  /** F-key keysyms whose key switches the virtual terminal with Ctrl+Alt (XF86Switch_VT_n). */
  vtSwitch: Set<number>;
  masks: Masks;
}

interface Grab {
  id: string;
  keycode: number;
  mods: number;
  /** The lock combinations it was grabbed with. */
  variants: number[];
}

/** The modifier masks from a GetModifierMapping answer and the keysyms of each keycode. */
export function modifierMasks(modRows: readonly (readonly number[])[], keysymsOf: (keycode: number) => readonly number[]): Masks {
  const maskWith = (...syms: number[]): number => {
    for (let m = 3; m < 8; m++) {
      if ((modRows[m] ?? []).some((kc) => kc !== 0 && keysymsOf(kc).some((s) => syms.includes(s)))) return MOD_MASKS[m]!;
    }
    return 0;
  };
  return {
    alt: maskWith(KEYSYM.Alt_L, KEYSYM.Alt_R) || maskWith(KEYSYM.Meta_L, KEYSYM.Meta_R) || 8,
    win: maskWith(KEYSYM.Super_L, KEYSYM.Super_R) || 64,
    numLock: maskWith(KEYSYM.Num_Lock),
    scrollLock: maskWith(KEYSYM.Scroll_Lock),
  };
}

/** The X modifier bits of a chord. */
export function chordMask(mods: readonly Modifier[], masks: Masks): number {
  let m = 0;
  for (const mod of mods) m |= mod === 'shift' ? SHIFT : mod === 'ctrl' ? CONTROL : mod === 'alt' ? masks.alt : masks.win;
  return m;
}

/** Every combination of the lock modifiers (the grab is made once per combination). */
export function lockVariants(masks: Masks): number[] {
  const locks = [LOCK, masks.numLock, masks.scrollLock].filter((l, i, a) => l !== 0 && a.indexOf(l) === i);
  const out = [0];
  for (const l of locks) for (const v of [...out]) out.push(v | l);
  return out;
}

export interface X11GrabKeyListenerOptions {
  /** X display, e.g. ":0"; default the DISPLAY of the environment. */
  display?: string;
}

export class X11GrabKeyListener implements KeyListener {
  /** Named in traces and benchmarks. */
  readonly kind = 'x11-grabkey';
  private conn?: Promise<Connection>;
  private grabs: Grab[] = [];
  private wanted: readonly { id: string; chord: Chord }[] = [];
  private onPress: (id: string) => void = () => {};
  private readonly failureListeners = new Set<(reason: string) => void>();
  /** keycode → time of its last KeyRelease (an auto-repeat press carries the same time). */
  private readonly released = new Map<number, number>();
  private closed = false;

  constructor(private readonly opts: X11GrabKeyListenerOptions = {}) {}

  private connect(): Promise<Connection> {
    this.conn ??= new Promise<Connection>((resolve, reject) => {
      const display = this.opts.display ?? process.env.DISPLAY;
      if (!display) return reject(new Error('no X display (DISPLAY is not set)'));
      const client = x11.createClient({ display }, (err, d) => {
        if (err) return reject(err);
        const X = d.client as unknown as XClient;
        const dd = d as unknown as { min_keycode: number; max_keycode: number };
        const c: Connection = { X, root: d.screen[0]!.root, minKeycode: dd.min_keycode, maxKeycode: dd.max_keycode, keycodeOf: new Map(), vtSwitch: new Set(), masks: { alt: 8, win: 64, numLock: 16, scrollLock: 0 } };
        X.on('event', (ev) => this.onEvent(c, ev));
        // errors of requests without a callback (an UngrabKey of a key that is gone): nothing to do
        X.on('error', () => {});
        X.on('end', () => this.lost(c, 'the X server closed the connection'));
        this.readMappings(c).then(() => resolve(c), reject);
      });
      client.on('error', (e) => reject(e ?? new Error('X11 connection failed')));
    });
    const p = this.conn;
    p.catch(() => { if (this.conn === p) this.conn = undefined; });
    return p;
  }

  private readMappings(c: Connection): Promise<void> {
    return new Promise((resolve, reject) => {
      c.X.GetKeyboardMapping(c.minKeycode, c.maxKeycode - c.minKeycode + 1, (err, rows) => {
        if (err) return reject(err);
        c.X.GetModifierMapping((err2, modRows) => {
          if (err2) return reject(err2);
          const symsOf = (kc: number) => rows[kc - c.minKeycode] ?? [];
          c.keycodeOf = new Map();
          c.vtSwitch = new Set();
          for (const [name, sym] of Object.entries(F_KEYSYM)) {
            // the unshifted column first, like XKeysymToKeycode
            let i = rows.findIndex((r) => r[0] === sym);
            if (i < 0) i = rows.findIndex((r) => r.includes(sym));
            if (i < 0) continue;
            c.keycodeOf.set(sym, c.minKeycode + i);
            if (rows[i]!.includes(XF86_SWITCH_VT_0 + Number(name.slice(1)))) c.vtSwitch.add(sym);
          }
          c.masks = modifierMasks(modRows, symsOf);
          resolve();
        });
      });
    });
  }

  private onEvent(c: Connection, ev: XEvent): void {
    if (ev.name === 'KeyRelease' && ev.keycode !== undefined) {
      this.released.set(ev.keycode, ev.time ?? 0);
      return;
    }
    if (ev.name === 'KeyPress' && ev.keycode !== undefined) {
      // auto-repeat: X sends KeyRelease + KeyPress with the same time while a key is held
      if (this.released.get(ev.keycode) === ev.time) return;
      const ignore = LOCK | c.masks.numLock | c.masks.scrollLock;
      const mods = (ev.buttons ?? 0) & ~ignore & 0xff;
      const g = this.grabs.find((x) => x.keycode === ev.keycode && x.mods === mods);
      if (g) {
        try { this.onPress(g.id); } catch { /* the service traces its own failures */ }
      }
      return;
    }
    if (ev.name === 'MappingNotify' && (ev.request === 0 || ev.request === 1)) {
      // Modifier or keyboard mapping changed (a layout switch; Xvfb/XKB also announce one when
      // another input device starts typing): grab again only if a keycode or mask really moved,
      // since ungrab + grab leaves a gap in which a press would go to the focused window.
      const before = JSON.stringify([[...c.keycodeOf], c.masks]);
      void this.readMappings(c)
        .then(() => (JSON.stringify([[...c.keycodeOf], c.masks]) === before ? undefined : this.grabAll(c, this.wanted)))
        .catch(() => {});
    }
  }

  private lost(c: Connection, reason: string): void {
    if (this.closed || !this.conn) return;
    void this.conn.then((cur) => {
      if (cur !== c) return;
      this.conn = undefined;
      this.grabs = [];
      if (this.wanted.length) this.failureListeners.forEach((l) => l(`hot keys stopped: ${reason}`));
    }, () => {});
  }

  private ungrabAll(c: Connection): void {
    for (const g of this.grabs) for (const l of g.variants) c.X.UngrabKey(c.root, g.keycode, g.mods | l);
    this.grabs = [];
  }

  private grabOne(c: Connection, keycode: number, mods: number): Promise<Error | undefined> {
    return new Promise((resolve) => c.X.GrabKey(c.root, 0, mods, keycode, GRAB_MODE_ASYNC, GRAB_MODE_ASYNC, (err) => resolve(err ?? undefined)));
  }

  private async grabAll(c: Connection, chords: readonly { id: string; chord: Chord }[]): Promise<ChordStatus[]> {
    this.ungrabAll(c);
    const out: ChordStatus[] = [];
    for (const { id, chord } of chords) {
      const acc = toAccelerator(chord);
      const keycode = c.keycodeOf.get(F_KEYSYM[chord.key]);
      if (keycode === undefined) {
        out.push({ id, active: false, reason: `${chord.key} is not on this keyboard layout` });
        continue;
      }
      if (chord.mods.includes('ctrl') && chord.mods.includes('alt') && c.vtSwitch.has(F_KEYSYM[chord.key])) {
        // The X server acts on it itself (switch to text console n) and passes it to no client.
        out.push({ id, active: false, reason: `${acc} switches to virtual terminal ${chord.key.slice(1)} on this X server and never reaches a program; choose another hot key` });
        continue;
      }
      const mods = chordMask(chord.mods, c.masks);
      const variants = lockVariants(c.masks);
      const errors = await Promise.all(variants.map((l) => this.grabOne(c, keycode, mods | l)));
      const failed = errors.find((e) => e);
      if (failed) {
        variants.forEach((l, i) => { if (!errors[i]) c.X.UngrabKey(c.root, keycode, mods | l); });
        const access = /access/i.test(failed.message) || (failed as { error?: number }).error === 10;
        out.push({ id, active: false, reason: access ? `${acc} is used by another program (X11: grabbed by another client)` : `${acc} cannot be registered: ${failed.message}` });
        continue;
      }
      this.grabs.push({ id, keycode, mods, variants });
      out.push({ id, active: true });
    }
    return out;
  }

  async setChords(chords: readonly { id: string; chord: Chord }[], onPress: (id: string) => void): Promise<ChordStatus[]> {
    this.wanted = chords;
    this.onPress = onPress;
    if (chords.length === 0) {
      const c = this.conn;
      this.conn = undefined;
      this.grabs = [];
      c?.then((x) => x.X.terminate(), () => {});
      return [];
    }
    let c: Connection;
    try {
      c = await this.connect();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return chords.map(({ id }) => ({ id, active: false, reason: `cannot connect to the X display ${this.opts.display ?? process.env.DISPLAY ?? ''}: ${why}`.replace('  ', ' ') }));
    }
    return this.grabAll(c, chords);
  }

  onFailure(cb: (reason: string) => void): () => void {
    this.failureListeners.add(cb);
    return () => this.failureListeners.delete(cb);
  }

  close(): void {
    this.closed = true;
    this.wanted = [];
    const c = this.conn;
    this.conn = undefined;
    c?.then((x) => {
      this.ungrabAll(x);
      x.X.terminate();
    }, () => {});
  }
}
