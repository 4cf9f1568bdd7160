/**
 * Linux (X11) global key listener with node-global-key-listener. Its X11KeyServer listens
 * passively to XInput2 raw key events on the root window: it sees EVERY key but cannot swallow
 * any (other applications get all keys untouched). This adapter therefore looks only at key-down
 * events of F1–F11, matches them against the configured chords at once and drops everything else
 * without keeping or tracing it.
 *
 * The package ships X11KeyServer without its executable bit; we set it (or use an executable
 * copy in a private cache folder when node_modules is read-only), and pass onError so that a
 * missing display or a crashed server is reported instead of failing silently.
 */
import { promises as fs, constants as fsc } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { GlobalKeyboardListener, type IGlobalKeyEvent, type IGlobalKeyDownMap } from 'node-global-key-listener';
import type { Logger } from '../../electron/platform';
import type { KeyListener, ChordStatus } from '../../electron/hotkeys/ports';
import { heldModifiers, matchChord, type Chord } from '../../common/chord';

const FKEY = /^F([1-9]|1[01])$/;

export function defaultX11KeyServerPath(): string {
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  const req = createRequire(here);
  const main = req.resolve('node-global-key-listener');
  return path.join(path.dirname(main), '..', 'bin', 'X11KeyServer');
}

/** Returns a path to an executable copy of the key server (the original when it can be made executable). */
export async function ensureExecutable(file: string, cacheDir: string): Promise<string> {
  try {
    await fs.access(file, fsc.X_OK);
    return file;
  } catch { /* not executable yet */ }
  try {
    await fs.chmod(file, 0o755);
    await fs.access(file, fsc.X_OK);
    return file;
  } catch { /* read-only install: copy */ }
  await fs.mkdir(cacheDir, { recursive: true, mode: 0o700 });
  const copy = path.join(cacheDir, path.basename(file));
  await fs.copyFile(file, copy);
  await fs.chmod(copy, 0o755);
  return copy;
}

export interface X11KeyListenerOptions {
  logger: Logger;
  /** Key server binary; default: the package's bin/X11KeyServer. */
  serverPath?: string;
  /** Where an executable copy goes if needed. */
  cacheDir?: string;
  /** How long to wait after start for the server to fail (no display etc.). Default 300 ms. */
  settleMs?: number;
}

export class X11KeyListener implements KeyListener {
  private gkl?: GlobalKeyboardListener;
  private chords: readonly { id: string; chord: Chord }[] = [];
  private onPress: (id: string) => void = () => {};
  private failure?: string;
  private lastInfo = '';
  private readonly failureListeners = new Set<(reason: string) => void>();
  private settled = false;
  private readonly handler = (e: IGlobalKeyEvent, down: IGlobalKeyDownMap): boolean => {
    // Everything but a key-down of F1–F11 is dropped here, unseen by the rest of the program.
    if (e.state !== 'DOWN' || !e.name || !FKEY.test(e.name)) return false;
    const hit = matchChord(e.name, heldModifiers(down as Record<string, boolean>), this.chords);
    if (hit) {
      try { this.onPress(hit.id); } catch (err) { this.opts.logger.error('hotkeys: handler failed', { error: String(err) }); }
    }
    return false;
  };

  constructor(private readonly opts: X11KeyListenerOptions) {}

  async setChords(chords: readonly { id: string; chord: Chord }[], onPress: (id: string) => void): Promise<ChordStatus[]> {
    this.chords = chords;
    this.onPress = onPress;
    if (chords.length === 0) {
      this.stop();
      return [];
    }
    if (!this.gkl || this.failure) {
      this.stop();
      this.settled = false;
      this.failure = undefined;
      try {
        const serverPath = await ensureExecutable(
          this.opts.serverPath ?? defaultX11KeyServerPath(),
          this.opts.cacheDir ?? path.join(os.tmpdir(), `myapps-keyserver-${process.getuid?.() ?? 'u'}`),
        );
        const gkl = new GlobalKeyboardListener({
          x11: {
            serverPath,
            // stderr of the key server carries diagnostics only (never key data)
            onInfo: (d) => { this.lastInfo = d.trim().split('\n').pop() ?? ''; },
            onError: (code) => {
              this.failure = `X11 key server stopped (exit code ${code}${this.lastInfo ? `: ${this.lastInfo}` : ''}) on DISPLAY=${process.env.DISPLAY || '(unset)'}`;
              this.opts.logger.error(`hotkeys: ${this.failure}`);
              if (this.settled) this.failureListeners.forEach((l) => l(this.failure!));
            },
          },
        });
        this.gkl = gkl;
        await gkl.addListener(this.handler);
        // The library answers each event on the server's stdin; once the server is gone that
        // write fails with EPIPE, which would be an unhandled 'error' event: swallow it here.
        (gkl as unknown as { keyServer?: { proc?: { stdin?: { on(ev: 'error', cb: () => void): void } } } }).keyServer?.proc?.stdin?.on('error', () => {});
        await new Promise((r) => setTimeout(r, this.opts.settleMs ?? 300));
      } catch (err) {
        this.failure = `cannot start the X11 key server: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    const failure = this.failure;
    if (failure) this.stop();
    else this.settled = true;
    return chords.map((c) => (failure ? { id: c.id, active: false, reason: failure } : { id: c.id, active: true }));
  }

  onFailure(cb: (reason: string) => void): () => void {
    this.failureListeners.add(cb);
    return () => this.failureListeners.delete(cb);
  }

  private stop(): void {
    this.settled = false;
    const g = this.gkl;
    this.gkl = undefined;
    if (g) {
      try { g.kill(); } catch { /* already gone */ }
    }
  }

  close(): void {
    this.chords = [];
    this.stop();
  }
}
