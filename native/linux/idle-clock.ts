/**
 * Linux idle clock over the X screensaver extension (MIT-SCREEN-SAVER QueryInfo) with the pure-JS
 * `x11` client, on ONE persistent X connection: on Xvfb every short-lived client that queried the
 * extension resets the idle counter when it disconnects (seen on Xvfb 21.1.7), so no xprintidle.
 * Lock/suspend events are not observed here (the Electron adapter takes them from powerMonitor);
 * `emitSystemEvent` lets a Linux session watcher (or a test) report them.
 */
import * as x11 from 'x11';
import type { IdleClock, SystemActivityEvent } from '../../electron/activity/ports';

export class X11IdleClock implements IdleClock {
  private ready?: Promise<{ client: x11.X11Client; root: number; ss: { QueryInfo: (d: number, cb: (e: Error | null, i: { idle: number }) => void) => void } }>;
  private readonly listeners = new Set<(e: SystemActivityEvent) => void>();

  constructor(private readonly opts: { display?: string } = {}) {}

  private connect() {
    this.ready ??= new Promise((resolve, reject) => {
      const client = x11.createClient({ display: this.opts.display }, (err, display) => {
        if (err) return reject(err);
        client.on('error', () => { this.ready = undefined; });
        client.on('end', () => { this.ready = undefined; });
        display.client.require('screen-saver', (e2, ss) => {
          if (e2) return reject(e2);
          resolve({ client: display.client, root: display.screen[0]!.root, ss });
        });
      });
      client.on('error', (e) => reject(e ?? new Error('X11 connection failed')));
    });
    const r = this.ready;
    r.catch(() => { if (this.ready === r) this.ready = undefined; });
    return r;
  }

  async idleSeconds(): Promise<number | undefined> {
    const c = await this.connect();
    return new Promise((resolve, reject) => {
      c.ss.QueryInfo(c.root, (err, info) => (err ? reject(err) : resolve(info.idle / 1000)));
    });
  }

  onSystemEvent(cb: (e: SystemActivityEvent) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  emitSystemEvent(e: SystemActivityEvent): void {
    this.listeners.forEach((l) => l(e));
  }

  close(): void {
    const r = this.ready;
    this.ready = undefined;
    r?.then((c) => c.client.terminate(), () => {});
  }
}
