/**
 * Two full clients for the media e2e scenarios (media-call, media-view): each is a platform
 * service graph (createPlatformServices, as electron/main.ts builds it) with its media engine in a
 * Debian Chromium page and a web client page (its own browser context as the product's main window:
 * user agent, appclient-config and launcher hooks, as the preload does) logged in to pbx-sim through the login form, running the stand-in
 * softphone app that provides com.innovaphone.phone as "softphone".
 */
import type { Browser, Frame, Page } from 'playwright-core';
import { Api } from '../../../common/bus';
import { createPlatformServices, type PlatformConfig, type PlatformPorts, type PlatformServices } from '../../../electron/wiring';
import type { MemoryLogger } from '../../fixtures/memory-logger';
import type { Notifier } from '../../../electron/notifications';
import type { PbxSim } from '../../pbx-sim';
import { newClientContext } from './stack';
import { chromiumAppFrames } from './app-frames';

export const USERS = [
  { sip: 'atlantis', password: 'pwd' },
  { sip: 'bob', password: 'bob-pwd' },
];

/** Notifications stay in memory (the OS boundary); the launcher's com.innovaphone.launcher provider is what matters here. */
const notifier: Notifier = { show: async () => ({ close() {} }) };

export interface Client {
  user: string;
  services: PlatformServices;
  engine: Page;
  web: Page;
  phone: ReturnType<PlatformServices['router']['consume']>;
  frame(): Promise<Frame>;
}

/** Polls `fn` until it returns something truthy; the last error is part of the timeout message. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timeout waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * `extra`: further ports (e.g. dialogs, powerSaveBlocker) and config for this client's service
 * graph; `enginePage` runs on the engine's page before it loads (test instrumentation).
 */
export async function startClient(
  sim: PbxSim,
  browser: Browser,
  user: { sip: string; password: string },
  logger: MemoryLogger,
  extra: { ports?: PlatformPorts; config?: PlatformConfig; enginePage?: (p: Page) => Promise<void> } = {},
): Promise<Client> {
  let engine: Page | undefined;
  const appFrames = chromiumAppFrames();
  const services = await createPlatformServices(
    {
      logger,
      notifier,
      appFrames,
      ...extra.ports,
      mediaEngineHost: {
        async open(url: string) {
          const p = await browser.newPage();
          engine = p;
          await extra.enginePage?.(p);
          await p.goto(url);
          return { close: () => p.close() };
        },
      },
    },
    { launcher: { name: 'myApps', version: '0.1.0', build: 'e2e', platform: 'linux' }, pbxOrigin: sim.origin, media: {}, ...extra.config },
  );
  await services.instances.media!.relay.waitForEngine(15_000);
  const { context } = await newClientContext(browser, { services, pbxOrigin: sim.origin, logger, options: { viewport: { width: 1280, height: 800 }, ignoreHTTPSErrors: true }, appFrames });
  const web = await context.newPage();
  await web.goto(sim.url);
  await web.locator('#login-user').fill(user.sip);
  await web.locator('#login-pwd').fill(user.password);
  await web.locator('#login button[type=submit]').click();
  const phone = services.router.consume(Api.phone);
  await phone.waitForProvider(30_000, 'softphone');
  return { user: user.sip, services, engine: engine!, web, phone, frame: () => until('softphone frame', () => web.frame({ name: 'softphone' }) ?? undefined) };
}

/**
 * Runs a scenario script (run inside `unshare -n` by its test file): `body` fills `result` and
 * registers cleanups, which run in reverse order whatever happens; then prints
 * `<TAG>_RESULT {json}` (or `<TAG>_ERROR <stack>`) and exits 0 (1).
 */
export function runScenario(tag: string, body: (s: { result: Record<string, unknown>; cleanups: (() => Promise<unknown> | unknown)[] }) => Promise<void>): void {
  const result: Record<string, unknown> = {};
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const run = async (): Promise<void> => {
    try {
      await body({ result, cleanups });
    } finally {
      for (const c of cleanups.reverse()) {
        try {
          await c();
        } catch {
          // keep cleaning up
        }
      }
    }
    process.stdout.write(`${tag}_RESULT ${JSON.stringify(result)}\n`);
  };
  run().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stdout.write(`${tag}_ERROR ${String((err as Error)?.stack ?? err)}\n`);
      process.exit(1);
    },
  );
}
