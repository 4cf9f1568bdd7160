/**
 * SelectionReader for Windows and macOS: copy-then-read (electron/hotkeys/copy-selection.ts) with
 * Electron's clipboard and the copy-keystroke helper (native/win/send-copy.ps1,
 * native/mac/send-copy.js; client: native/copy-helper.ts), which also supplies the clipboard's
 * change counter (Windows GetClipboardSequenceNumber, macOS NSPasteboard.changeCount).
 *
 * The snapshot keeps every entry and every format Electron's async clipboard API reads and can
 * write back: text/plain, text/html, text/rtf, image/png (…), `electron application/bookmark`
 * and the raw OS formats Electron surfaces as `electron application/osclipboard;format="…"`.
 * What cannot be preserved (docs/hotkeys.md): formats Electron does not surface or cannot read
 * (then listed as `lost` in the trace), clipboard ownership/delayed rendering (the source
 * application's promise to render on demand becomes plain data), and clipboard history /
 * clipboard managers, which record the copied selection and the restored content as new entries.
 *
 * main.ts (win32/darwin): `selectionReader: createCopySelectionReader({ nativeDir: nativeDir(), logger })`
 * and `reader.close()` at quit.
 */
import { clipboard, ClipboardItem } from 'electron';
import type { Logger } from '../../electron/platform';
import { CopySelectionReader, type ClipboardAccess, type CopySelectionStats, type SelectionReader } from '../../electron/hotkeys';
import { CopyHelper, copyHelperCommand } from '../copy-helper';

type Payload = Blob | Electron.ClipboardBookmark;

export interface ElectronClipboardSnapshot {
  /** One record per clipboard entry: MIME type / custom format → payload. */
  items: Record<string, Payload>[];
  /** Formats kept, in order. */
  formats: string[];
  /** Formats listed by the clipboard but not readable (not restored). */
  lost: string[];
}

/** Electron's clipboard; the change counter comes from the native helper. */
export class ElectronClipboardAccess implements ClipboardAccess<ElectronClipboardSnapshot> {
  constructor(private readonly counter: () => Promise<number>) {}

  changeCount(): Promise<number> {
    return this.counter();
  }

  async snapshot(): Promise<ElectronClipboardSnapshot> {
    const snap: ElectronClipboardSnapshot = { items: [], formats: [], lost: [] };
    for (const item of await clipboard.read()) {
      const rec: Record<string, Payload> = {};
      for (const type of item.types) {
        try {
          rec[type] = (await item.getType(type)) as Payload;
          snap.formats.push(type);
        } catch {
          snap.lost.push(type);
        }
      }
      if (Object.keys(rec).length) snap.items.push(rec);
    }
    return snap;
  }

  async restore(snap: ElectronClipboardSnapshot): Promise<void> {
    if (!snap.items.length) {
      clipboard.clear(); // it was empty (or held nothing readable) before the copy
      return;
    }
    await clipboard.write(snap.items.map((rec) => new ClipboardItem(rec)));
  }

  readText(): Promise<string> {
    return clipboard.readText();
  }

  describe(snap: ElectronClipboardSnapshot): { formats: string[]; lost: string[] } {
    return { formats: snap.formats, lost: snap.lost };
  }
}

/** The part of CopyHelper the reader uses (tests pass an in-memory one). */
export type CopyHelperPort = Pick<CopyHelper, 'changeCount' | 'sendCopy' | 'warmUp' | 'close'>;

export interface CopySelectionReaderHandle extends SelectionReader {
  /** Start the helper ahead of the first press (PowerShell takes 0.5–2 s to start). Never rejects. */
  warmUp(): Promise<void>;
  /** Stop the helper process (at quit). */
  close(): void;
  readonly stats: CopySelectionStats;
}

export interface CopySelectionReaderOptions {
  /** Folder holding native/ (win/send-copy.ps1, mac/send-copy.js): `<resources>/native` when packaged. */
  nativeDir: string;
  logger?: Logger;
  platform?: NodeJS.Platform;
  /** Wait for the application to write the clipboard. Default 300 ms. */
  timeoutMs?: number;
  /** Replaces the native helper (tests). */
  helper?: CopyHelperPort;
}

/** The dial hot key's SelectionReader on Windows and macOS. */
export function createCopySelectionReader(opts: CopySelectionReaderOptions): CopySelectionReaderHandle {
  const platform = opts.platform ?? process.platform;
  const helper = opts.helper ?? new CopyHelper({ command: copyHelperCommand(platform, opts.nativeDir), platform, logger: opts.logger });
  const reader = new CopySelectionReader({
    clipboard: new ElectronClipboardAccess(() => helper.changeCount()),
    keystroke: { send: () => helper.sendCopy() },
    logger: opts.logger,
    timeoutMs: opts.timeoutMs,
  });
  return {
    readSelection: () => reader.readSelection(),
    warmUp: () =>
      helper.warmUp().catch((err: unknown) => {
        opts.logger?.warn(`hotkeys: the copy helper for the dial hot key did not start: ${err instanceof Error ? err.message : String(err)}`);
      }),
    close: () => helper.close(),
    stats: reader.stats,
  };
}
