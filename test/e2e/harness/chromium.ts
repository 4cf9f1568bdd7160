/** Launch Debian's Chromium through playwright-core (never a downloaded browser). */
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { myAppsUserAgent } from '../../../common/preload-names';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const BASE_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const MEDIA_FLAGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

export interface ChromiumOptions {
  /** Extra command-line flags. */
  args?: string[];
  /** Run headed (needs DISPLAY, e.g. Xvfb). Default headless. */
  headed?: boolean;
  /** Accept the PBX simulator's self-signed certificate (only for tests that are not about certificates). */
  ignoreHTTPSErrors?: boolean;
  proxy?: LaunchOptions['proxy'];
  /** Environment of the browser process (e.g. DISPLAY of a private Xvfb); default this process's. */
  env?: LaunchOptions['env'];
}

export async function launchChromium(opts: ChromiumOptions = {}): Promise<Browser> {
  const args = [
    ...BASE_FLAGS.filter((f) => !(opts.headed && f === '--headless')),
    // Browser-wide; contexts can also say `ignoreHTTPSErrors: true` (what the e2e stack does).
    ...(opts.ignoreHTTPSErrors ? ['--ignore-certificate-errors'] : []),
    ...(opts.args ?? []),
  ];
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: !opts.headed,
    args,
    proxy: opts.proxy,
    ...(opts.env ? { env: opts.env } : {}),
  });
}

/**
 * The user agent of the client's renderers, as electron/main.ts sets it (app.userAgentFallback):
 * this Chromium's own plus `myApps/<version>`.
 */
export async function launcherUserAgent(browser: Browser, version: string): Promise<string> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const v = (await cdp.send('Browser.getVersion')) as { userAgent: string };
    return myAppsUserAgent(v.userAgent, version);
  } finally {
    await cdp.detach();
  }
}
