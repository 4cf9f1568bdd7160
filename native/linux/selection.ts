/** Linux selection reader: the X11 PRIMARY selection (what the user highlighted). */
import * as x11 from 'x11';
import type { SelectionReader } from '../../electron/hotkeys/ports';

/**
 * PRIMARY selection read in-process over one persistent X connection (npm x11): ConvertSelection
 * to UTF8_STRING on a private unmapped window, wait for SelectionNotify, GetProperty(delete).
 * No child process per press (xsel would cost a fork+exec each time; the tests use it as the oracle). Selections that need the INCR
 * protocol (> ~256 KiB) are not supported and read as ''; so is "no owner".
 */

type XAny = {
  AllocID(): number;
  CreateWindow(id: number, parent: number, x: number, y: number, w: number, h: number, border: number, depth: number, cls: number, visual: number, values: Record<string, unknown>): void;
  InternAtom(onlyIfExists: boolean, name: string, cb: (err: Error | null, atom: number) => void): void;
  ConvertSelection(requestor: number, selection: number, target: number, property: number, time: number): void;
  GetProperty(del: number, wid: number, name: number, type: number, off: number, len: number, cb: (err: Error | null, prop: { type: number; data: Buffer }) => void): void;
  on(ev: 'event', cb: (ev: { name: string; requestor?: number; property?: number }) => void): void;
  on(ev: 'error' | 'end', cb: (err?: Error) => void): void;
  terminate(): void;
};

export class X11SelectionReader implements SelectionReader {
  private conn?: Promise<{ X: XAny; win: number; utf8: number; prop: number }>;
  private chain: Promise<unknown> = Promise.resolve();
  private waiter?: (property: number) => void;

  constructor(private readonly opts: { display?: string; timeoutMs?: number } = {}) {}

  private connect() {
    this.conn ??= new Promise((resolve, reject) => {
      const client = x11.createClient({ display: this.opts.display }, (err, display) => {
        if (err) return reject(err);
        const X = display.client as unknown as XAny;
        X.on('error', () => { this.conn = undefined; });
        X.on('end', () => { this.conn = undefined; });
        X.on('event', (ev) => {
          if (ev.name === 'SelectionNotify' && this.waiter) this.waiter(ev.property ?? 0);
        });
        const win = X.AllocID();
        X.CreateWindow(win, display.screen[0]!.root, 0, 0, 1, 1, 0, 0, 0, 0, {});
        X.InternAtom(false, 'UTF8_STRING', (e1, utf8) => {
          if (e1) return reject(e1);
          X.InternAtom(false, 'MYAPPS_SELECTION', (e2, prop) => (e2 ? reject(e2) : resolve({ X, win, utf8, prop })));
        });
      });
      client.on('error', (e) => reject(e ?? new Error('X11 connection failed')));
    });
    const c = this.conn;
    c.catch(() => { if (this.conn === c) this.conn = undefined; });
    return c;
  }

  readSelection(): Promise<string> {
    const run = this.chain.then(() => this.readOnce());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async readOnce(): Promise<string> {
    const { X, win, utf8, prop } = await this.connect();
    const PRIMARY = 1;
    const property = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => { this.waiter = undefined; reject(new Error('no answer from the selection owner')); }, this.opts.timeoutMs ?? 1000);
      this.waiter = (p) => { clearTimeout(t); this.waiter = undefined; resolve(p); };
      X.ConvertSelection(win, PRIMARY, utf8, prop, 0);
    });
    if (property === 0) return ''; // no owner or conversion refused
    return new Promise((resolve, reject) => {
      X.GetProperty(1, win, prop, 0, 0, 65536, (err, p) => (err ? reject(err) : resolve(p.data ? p.data.toString('utf8') : '')));
    });
  }

  close(): void {
    const c = this.conn;
    this.conn = undefined;
    c?.then(({ X }) => X.terminate(), () => {});
  }
}
