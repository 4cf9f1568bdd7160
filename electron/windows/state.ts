/**
 * Persisted window state (`window-state.json` in the user data folder): main window bounds,
 * dock width and the detached app windows. zod-validated; a corrupt file is set aside and
 * defaults used, with a warning; writes are atomic.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../platform';
import { setAside, writeFileAtomic } from '../util/atomic';

const RectSchema = z.object({ x: z.number().finite(), y: z.number().finite(), width: z.number().finite().positive(), height: z.number().finite().positive() });

export const WindowStateSchema = z.object({
  version: z.literal(1),
  main: z.object({ bounds: RectSchema.optional(), maximized: z.boolean().optional() }).default({}),
  dockWidth: z.number().int().positive().optional(),
  detached: z
    .array(z.object({ app: z.string().min(1).max(200), url: z.string().url().max(4000), title: z.string().max(200).optional(), bounds: RectSchema.optional() }))
    .max(50)
    .default([]),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export const WINDOW_STATE_FILE = 'window-state.json';

export function defaultWindowState(): WindowState {
  return { version: 1, main: {}, detached: [] };
}

export class WindowStateStore {
  private state: WindowState = defaultWindowState();
  private pending: Promise<void> = Promise.resolve();
  readonly file: string;

  constructor(dir: string, private readonly logger: Logger) {
    this.file = path.join(dir, WINDOW_STATE_FILE);
  }

  async load(): Promise<WindowState> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn('window state unreadable, using defaults', { file: this.file, error: String(err) });
      this.state = defaultWindowState();
      return this.get();
    }
    let parsed: WindowState | undefined;
    try {
      const r = WindowStateSchema.safeParse(JSON.parse(text));
      if (r.success) parsed = r.data;
    } catch {
      /* not JSON */
    }
    if (!parsed) {
      const aside = await setAside(this.file).catch(() => undefined);
      this.logger.warn('window state file is corrupt; set aside, using defaults', { file: this.file, aside });
      this.state = defaultWindowState();
    } else {
      this.state = parsed;
    }
    return this.get();
  }

  get(): WindowState {
    return structuredClone(this.state);
  }

  /** Change and persist (writes are serialised; the last state wins). */
  update(fn: (s: WindowState) => void): Promise<void> {
    const next = structuredClone(this.state);
    fn(next);
    this.state = WindowStateSchema.parse(next);
    const snapshot = JSON.stringify(this.state, null, 2);
    this.pending = this.pending
      .catch(() => undefined)
      .then(() => writeFileAtomic(this.file, snapshot))
      .catch((err) => this.logger.error('window state not saved', { file: this.file, error: String(err) }));
    return this.pending;
  }

  /** Wait for writes in flight. */
  flush(): Promise<void> {
    return this.pending;
  }
}
