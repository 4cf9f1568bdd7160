/** Ports of the external applications service. */

/** Starts a program with an argument array (never through a shell). */
export interface ProcessSpawner {
  /** Resolves once the process runs; rejects with a clear message if it cannot start (missing file, no permission). */
  spawn(file: string, args: readonly string[]): Promise<{ pid?: number }>;
}
