/**
 * Refusal lines of the local services server, rate-limited per reason. Every refusal is a warning
 * (written whatever the log flags), and anyone on the machine can cause refusals without the
 * token: unlimited, a flood of them would push the useful lines out of the rotating trace files.
 * So per reason (`kind`, one of a fixed set: never client data) at most `perWindow` lines are
 * written in a window; the rest are counted, and when the window ends one line says how many more
 * were refused. The window starts with the first refusal after a quiet one.
 */
import type { Logger } from '../platform';

export interface RefusalLogOptions {
  /** Lines written per reason and window. Default 10. */
  perWindow?: number;
  /** Length of a window. Default 60 s. */
  windowMs?: number;
}

interface Count {
  written: number;
  suppressed: number;
}

export class RefusalLog {
  private readonly perWindow: number;
  private readonly windowMs: number;
  private readonly counts = new Map<string, Count>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    opts: RefusalLogOptions = {},
  ) {
    this.perWindow = opts.perWindow ?? 10;
    this.windowMs = opts.windowMs ?? 60_000;
  }

  /** A refusal of reason `kind`: its warning line, or a count once the reason's lines are used up. */
  refused(kind: string, message: string, data?: Record<string, unknown>): void {
    let c = this.counts.get(kind);
    if (!c) this.counts.set(kind, (c = { written: 0, suppressed: 0 }));
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.windowMs);
      this.timer.unref();
    }
    if (c.written >= this.perWindow) {
      c.suppressed++;
      return;
    }
    c.written++;
    if (c.written === this.perWindow) {
      this.logger.warn(message, { ...data, note: `further refusals of this kind (${kind}) are counted until the window of ${Math.round(this.windowMs / 1000)} s ends` });
    } else this.logger.warn(message, data);
  }

  /** Ends the window (its timer, or the server closing): one summary line per reason with refusals that were only counted. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const [kind, c] of this.counts) {
      if (c.suppressed > 0) {
        this.logger.warn(`local services: ${c.suppressed} more refused (${kind}) in this window, not traced one by one`, { kind, count: c.suppressed });
      }
    }
    this.counts.clear();
  }
}
