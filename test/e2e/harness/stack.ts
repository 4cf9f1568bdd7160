/**
 * The e2e stack: the PBX simulator, the real platform service graph (createPlatformServices, the
 * same wiring electron/main.ts uses) and Debian Chromium standing in for Electron's window. The
 * page gets localStorage['appclient-config'] before its scripts run, exactly as renderer/preload
 * writes it (top frame of the PBX origin only).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { APPCLIENT_CONFIG_KEY, Api, isWebClientProvider, type AppClientConfig } from '../../../contract/bus';
import { createPlatformServices, type PlatformConfig, type PlatformPorts, type PlatformServices } from '../../../electron/services';
import type { Logger } from '../../../electron/platform';
import { startPbxSim, type PbxSim, type PbxSimOptions } from '../../pbx-sim';
import { launchChromium, type ChromiumOptions } from './chromium';
import { startXvfb, type Xvfb } from './xvfb';

export interface StackOptions {
  /** PBX simulator options (default: HTTPS, separate apps origin). */
  sim?: PbxSimOptions;
  /** Extra ports for createPlatformServices. */
  ports?: PlatformPorts;
  /** Extra config for createPlatformServices (pbxOrigin is set to the sim's origin). */
  config?: PlatformConfig;
  logger?: Logger;
  /** Run Chromium headed on a private Xvfb (started here unless `display` is given). */
  headed?: boolean;
  display?: string;
  chromium?: ChromiumOptions;
}

export interface Stack {
  sim: PbxSim;
  services: PlatformServices;
  config: AppClientConfig;
  browser: Browser;
  /** Browser context with the appclient-config init script installed. */
  context: BrowserContext;
  xvfb?: Xvfb;
  /**
   * Opens the sim's web client in a new page of `context`. With `ready: true` it also waits until
   * the web client has bridged its apps and itself to the bus (providers phone, chat and its own
   * @client-<id>).
   */
  openWebClient(opts?: { ready?: boolean; timeoutMs?: number }): Promise<Page>;
  close(): Promise<void>;
}

/** The init script the preload stands for: writes the config for the PBX origin's top frame only. */
export function appClientConfigInitScript(arg: { key: string; value: string; origin: string }): void {
  // Runs in the page (this project's Node tsconfig has no DOM types, hence the narrow view).
  const w = globalThis as unknown as { top: unknown; location: { origin: string }; localStorage: { setItem(k: string, v: string): void } };
  try {
    if (w.top === globalThis && w.location.origin === arg.origin) w.localStorage.setItem(arg.key, arg.value);
  } catch {
    // storage unavailable (opaque origin): nothing to do
  }
}

/** Installs the appclient-config init script on a context. */
export async function injectAppClientConfig(context: BrowserContext, pbxOrigin: string, config: AppClientConfig): Promise<void> {
  await context.addInitScript(appClientConfigInitScript, { key: APPCLIENT_CONFIG_KEY, value: JSON.stringify(config), origin: pbxOrigin });
}

/** Resolves once the web client's providers (phone, chat, its own @client-<id>) are registered on the bus. */
export async function waitForWebClient(services: PlatformServices, timeoutMs = 30_000): Promise<void> {
  const wanted: [string, string | undefined][] = [[Api.phone, 'phone'], [Api.chat, 'chat'], [Api.client, undefined]];
  await Promise.all(
    wanted.map(async ([api, provider]) => {
      const c = services.router.consume(api);
      try {
        await c.waitForProvider(timeoutMs, provider);
      } finally {
        c.close();
      }
    }),
  );
}

/** The web client's own provider of com.innovaphone.client (`@client-<id>`), once it is there. */
export async function webClientProvider(services: PlatformServices, timeoutMs = 30_000): Promise<{ name: string; model: Record<string, unknown> }> {
  const c = services.router.consume(Api.client);
  try {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const name = Object.keys(c.providers()).reverse().find(isWebClientProvider);
      if (name) return { name, model: c.providers()[name]!.model };
      if (Date.now() > end) throw new Error('no @client-<id> provider of com.innovaphone.client');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    c.close();
  }
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // keep cleaning up
      }
    }
  };
  try {
    const sim = await startPbxSim({ https: true, ...opts.sim });
    cleanups.push(() => sim.close());
    const services = await createPlatformServices(
      { ...(opts.logger ? { logger: opts.logger } : {}), ...opts.ports },
      { launcher: { name: 'myApps', version: '0.1.0', build: 'e2e', platform: 'linux' }, ...opts.config, pbxOrigin: sim.origin },
    );
    cleanups.push(() => services.close());
    let xvfb: Xvfb | undefined;
    let display = opts.display;
    if (opts.headed && !display) {
      xvfb = await startXvfb();
      cleanups.push(() => xvfb!.stop());
      display = xvfb.display;
    }
    const browser = await launchChromium({
      ...opts.chromium,
      headed: !!opts.headed,
      args: [...(opts.chromium?.args ?? []), ...(opts.headed && display ? [`--display=${display}`] : [])],
    });
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ ignoreHTTPSErrors: sim.origin.startsWith('https:'), viewport: { width: 1280, height: 800 } });
    const config = services.server.config;
    await injectAppClientConfig(context, sim.origin, config);
    return {
      sim,
      services,
      config,
      browser,
      context,
      xvfb,
      async openWebClient(o = {}) {
        const page = await context.newPage();
        await page.goto(sim.url);
        if (o.ready) await waitForWebClient(services, o.timeoutMs);
        return page;
      },
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
