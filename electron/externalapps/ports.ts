/** Ports of the external applications service. */

/** Starts a program with an argument array (never through a shell). */
export interface ProcessSpawner {
  /** Resolves once the process runs; rejects with a clear message if it cannot start (missing file, no permission). */
  spawn(file: string, args: readonly string[]): Promise<{ pid?: number }>;
}

/** Opens an http(s) URL in the user's default browser (Electron: shell.openExternal). The URL has passed security/links.ts first. */
export interface UrlOpener {
  openExternal(url: string): Promise<void>;
}
