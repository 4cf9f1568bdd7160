// Minimal typing of the parts of the `x11` package (pure-JS X11 client) used by idle-clock.ts.
declare module 'x11' {
  export interface X11Client {
    require(ext: 'screen-saver', cb: (err: Error | null, ext: { QueryInfo(drawable: number, cb: (err: Error | null, info: { idle: number; state: number }) => void): void }) => void): void;
    on(ev: 'error' | 'end' | 'close', cb: (err?: Error) => void): void;
    terminate(): void;
  }
  export interface X11Display {
    client: X11Client;
    screen: { root: number }[];
  }
  export function createClient(options: { display?: string }, cb: (err: Error | null, display: X11Display) => void): X11Client;
}
