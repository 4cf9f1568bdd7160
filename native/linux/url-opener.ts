/**
 * The default browser on a Linux desktop: real `xdg-open <url>` (xdg-utils). The product opens
 * URLs with Electron's shell.openExternal (native/electron/url-opener.ts), which on Linux runs
 * this same xdg-open; the tests, which cannot start Electron here, run xdg-open themselves through
 * this adapter, so what they test (xdg-open -> the default handler xdg-mime registered) is the
 * path the product takes on Linux. Argument array, no shell; the URL has passed
 * electron/security/links.ts (http/https, re-serialised), so it cannot start with "-".
 *
 * Its own spawn, not native/process.ts: xdg-open may wait for the browser it starts, which keeps
 * xdg-open's output pipe open, so this resolves after SETTLE_MS without waiting for the exit
 * (runProcess waits for the pipes to close, or detaches and never sees a failing exit).
 */
import { spawn } from 'node:child_process';
import type { UrlOpener } from '../../electron/externalapps/ports';

/** xdg-open may wait for the browser it starts: after this long the URL counts as opened. */
const SETTLE_MS = 5000;

export class XdgUrlOpener implements UrlOpener {
  constructor(private readonly opts: { env?: NodeJS.ProcessEnv; settleMs?: number } = {}) {}

  openExternal(url: string): Promise<void> {
    if (!/^https?:\/\//i.test(url)) return Promise.reject(new Error('only http and https URLs are opened'));
    return new Promise((resolve, reject) => {
      const child = spawn('xdg-open', [url], { shell: false, stdio: ['ignore', 'ignore', 'pipe'], env: this.opts.env });
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d: string) => { if (stderr.length < 2000) stderr += d; });
      const timer = setTimeout(() => {
        child.unref();
        resolve();
      }, this.opts.settleMs ?? SETTLE_MS);
      child.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new Error(err.code === 'ENOENT' ? 'xdg-open not found (install xdg-utils)' : err.message));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`xdg-open failed (${code ?? 'signal'}): ${stderr.trim().slice(0, 300) || 'no browser'}`));
      });
    });
  }
}
