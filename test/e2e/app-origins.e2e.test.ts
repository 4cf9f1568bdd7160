/**
 * The apps' origins on the bus allow-list, end to end (issue 10; docs/local-services.md "Which
 * origins are allowed"): pbx-sim serves its apps from a separate origin (an App Platform); the
 * stand-in web client loads them in iframes; the product wiring (createPlatformServices with the
 * appFrames port, electron/bus/app-origins.ts) puts that origin on the allow-list from the frames
 * — nobody adds it by hand — so an app reaches /media and /ringer with the launcher model's
 * token; when the web client's page goes away, so does the origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import NodeWebSocket from 'ws';
import type { Frame, Page } from 'playwright-core';
import { Api } from '../../common/bus';
import { memoryLogger } from '../fixtures/memory-logger';
import { startStack, type Stack } from './harness/stack';

type Services = { media?: { url: string; token: string }; ringer?: { url: string; token: string } };

/** In the app's frame: the launcher services of the com.innovaphone.launcher model as the app sees them, opened. */
async function openFromApp(frame: Frame, which: 'media' | 'ringer', svc: Services): Promise<string> {
  const s = svc[which]!;
  return frame.evaluate(
    (u) =>
      new Promise<string>((resolve) => {
        // the page's own WebSocket (this project's Node tsconfig has no DOM types, hence the narrow view)
        const Ws = (globalThis as unknown as { WebSocket: new (u: string) => { onopen: () => void; onclose: (ev: { code: number }) => void; close(): void } }).WebSocket;
        const ws = new Ws(u);
        ws.onopen = () => {
          ws.close();
          resolve('open');
        };
        ws.onclose = (ev) => resolve(`failed (${ev.code})`);
      }),
    `${s.url}?token=${encodeURIComponent(s.token)}`,
  );
}

/** A Node client with an Origin header: 'open' or the HTTP status the server refused with. */
function openWithOrigin(url: string, origin: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new NodeWebSocket(url, { headers: { Origin: origin } });
    ws.on('open', () => {
      resolve('open');
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
    ws.on('error', () => resolve('error'));
  });
}

describe('app origins: the web client\'s App Platform reaches the launcher services', () => {
  const logger = memoryLogger();
  let stack: Stack;
  let page: Page;
  let svc: Services;

  beforeAll(async () => {
    stack = await startStack({ logger, config: { media: { engineScript: () => '' } } });
    expect(stack.sim.appsOrigin).not.toBe(stack.sim.origin);
    expect(stack.services.origins.has(stack.sim.appsOrigin)).toBe(false);
    page = await stack.openWebClient({ ready: true });
    const launcher = stack.services.router.consume(Api.launcher);
    svc = (Object.values(launcher.providers())[0]?.model as { launcherServices: Services }).launcherServices;
    launcher.close();
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('puts the apps origin on the allow-list from the frames the web client loads', async () => {
    expect(stack.services.instances.appOrigins?.list()).toEqual([stack.sim.appsOrigin]);
    expect(stack.services.origins.has(stack.sim.appsOrigin)).toBe(true);
    expect(logger.lines.some((l) => l.message === 'app origin allowed on the bus' && l.data?.origin === stack.sim.appsOrigin)).toBe(true);
  });

  it('an app of the apps origin opens /media and /ringer', async () => {
    const phone = stack.appFrame(page, 'phone');
    expect(phone).toBeDefined();
    expect(await openFromApp(phone, 'media', svc)).toBe('open');
    expect(await openFromApp(phone, 'ringer', svc)).toBe('open');
  });

  it('another origin is still refused, and the apps origin goes with the web client', async () => {
    const url = `${svc.media!.url.replace('localhost', '127.0.0.1')}?token=${encodeURIComponent(svc.media!.token)}`;
    expect(await openWithOrigin(url, 'https://evil.example.com')).toBe('http 403');
    expect(await openWithOrigin(url, stack.sim.appsOrigin)).toBe('open');
    await page.close();
    await expect.poll(() => stack.services.origins.has(stack.sim.appsOrigin), { timeout: 10_000 }).toBe(false);
    expect(await openWithOrigin(url, stack.sim.appsOrigin)).toBe('http 403');
  });
});
