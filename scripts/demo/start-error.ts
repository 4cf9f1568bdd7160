/** A part of the demo that could not start, with the reason (the demo fails with it: nothing is skipped). */
export class DemoStartError extends Error {
  constructor(readonly part: string, readonly reason: string) {
    super(`${part} cannot start: ${reason}`);
    this.name = 'DemoStartError';
  }
}

export interface DemoOptions {
  /** Keep the demo's private folder (a new one in the OS temp folder, mode 0700) when it stops. */
  keep?: boolean;
  /** The X display Chromium shows its windows on (default: the private Xvfb). */
  chromiumDisplay?: string;
  /** One line per part started: what, how long. */
  say(line: string): void;
}
