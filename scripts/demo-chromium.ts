/**
 * `npm run demo:chromium [-- --headed] [-- --out DIR] [-- --keep]`
 *
 * Runs the PBX simulator and the real platform service graph (createPlatformServices) with the
 * renderer side in Debian Chromium (headless, or headed on a private Xvfb with --headed), and saves
 * screenshots of the launcher's connect form, the hosted web client and the settings page into a
 * folder it prints (default demo-output/). For machines without the Electron binary.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { Api } from '../common/bus';
import { startStack, type Stack } from '../test/e2e/harness/stack';

const ROOT = resolve(import.meta.dirname, '..');
const LAUNCHER_DIR = join(ROOT, 'renderer', 'launcher');

function say(line: string): void {
  console.log(`[demo:chromium] ${line}`);
}

/** The launcher's own pages (renderer/launcher/*.html), when they exist. */
function launcherPage(...names: string[]): string | undefined {
  if (!existsSync(LAUNCHER_DIR)) return undefined;
  const files = readdirSync(LAUNCHER_DIR);
  for (const n of names) if (files.includes(n)) return n;
  return undefined;
}

/**
 * Serves renderer/launcher/ on loopback; `.ts` files are bundled on the fly with esbuild (the
 * product bundles them at build time), so the pages run in plain Chromium.
 */
async function serveLauncherPages(): Promise<{ origin: string; close(): Promise<void> }> {
  const { build } = await import('esbuild');
  const server = http.createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const rel = decodeURIComponent(path).replace(/^\/+/, '');
      let file = resolve(LAUNCHER_DIR, rel);
      // A page may reference its built bundle (x.js) where only the source (x.ts) exists.
      if (file.endsWith('.js') && !existsSync(file) && existsSync(file.replace(/\.js$/, '.ts'))) file = file.replace(/\.js$/, '.ts');
      if (!file.startsWith(LAUNCHER_DIR + '/') || !existsSync(file)) {
        res.writeHead(404).end('not found');
        return;
      }
      if (/\.(ts|js|mjs)$/.test(file)) {
        const out = await build({ entryPoints: [file], bundle: true, format: 'iife', write: false, platform: 'browser', target: 'chrome120', logLevel: 'silent' });
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(out.outputFiles[0]!.text);
        return;
      }
      const type = file.endsWith('.html') ? 'text/html' : file.endsWith('.css') ? 'text/css' : file.endsWith('.svg') ? 'image/svg+xml' : 'application/octet-stream';
      const { readFile } = await import('node:fs/promises');
      let body: Buffer | string = await readFile(file);
      // no preload in plain Chromium: a page gets the demo API (demo-api.ts) before its own script
      if (type === 'text/html') body = body.toString('utf8').replace('<script ', '<script src="demo-api.ts"></script>\n  <script ');
      res.writeHead(200, { 'content-type': type }).end(body);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function shot(page: Page, out: string, name: string, fullPage = false): Promise<string> {
  const file = join(out, name);
  await page.screenshot({ path: file, fullPage });
  say(`saved ${file}`);
  return file;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { headed: { type: 'boolean' }, out: { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    console.log('usage: npm run demo:chromium [-- --headed] [-- --out DIR] [-- --keep]');
    return;
  }
  const out = resolve(values.out ?? join(ROOT, 'demo-output'));
  mkdirSync(out, { recursive: true });
  const saved: string[] = [];
  let stack: Stack | undefined;
  let launcherServer: { origin: string; close(): Promise<void> } | undefined;
  try {
    say(`starting pbx-sim, the platform services and Chromium (${values.headed ? 'headed on Xvfb' : 'headless'})`);
    stack = await startStack({ headed: !!values.headed });
    say(`pbx-sim: ${stack.sim.url} (apps from ${stack.sim.appsOrigin})`);
    say(`local services bus: ${stack.config.bus}${stack.xvfb ? `, display ${stack.xvfb.display}` : ''}`);
    const skipped = Object.entries(stack.services.skipped);
    if (skipped.length) say(`services not started here: ${skipped.map(([k, v]) => `${k} (${v})`).join(', ')}`);

    // 1. The launcher's connect form.
    const connect = launcherPage('connect.html', 'index.html');
    const settings = launcherPage('settings.html', 'advanced.html', 'advanced-settings.html');
    if (connect || settings) launcherServer = await serveLauncherPages();
    if (connect && launcherServer) {
      const p = await stack.context.newPage();
      // Pre-filled with the simulator's address (server string host:port, as a user would type it).
      const server = new URL(stack.sim.origin).host;
      await p.goto(`${launcherServer.origin}/${connect}?server=${encodeURIComponent(server)}`);
      await p.waitForTimeout(500);
      saved.push(await shot(p, out, '01-connect-form.png'));
      await p.close();
    } else {
      say('no connect form yet (renderer/launcher/connect.html is missing): screenshot skipped');
    }

    // 2. The hosted web client, with a PrepareCall sent over the bus to the phone app.
    const page = await stack.openWebClient();
    const phone = stack.services.router.consume(Api.phone);
    await phone.waitForProvider(30_000, 'phone');
    phone.send({ mt: 'PrepareCall', text: '+49 7031 73009-0', adjust: true }, { provider: 'phone' });
    await stack.sim.control.waitForReceived((r) => r.msg.mt === 'PrepareCall', 10_000);
    await page.waitForTimeout(300);
    saved.push(await shot(page, out, '02-web-client-phone.png'));

    // 3. A StartChat to the chat app, and the web client's own ShowApp (com.innovaphone.client) brings the chat app to the front.
    const chat = stack.services.router.consume(Api.chat);
    await chat.waitForProvider(10_000, 'chat');
    chat.send({ mt: 'StartChat', sip: 'bob@sim.example.com', dn: 'Bob Builder' }, { provider: 'chat' });
    const client = stack.services.router.consume(Api.client);
    const own = await client.waitForProvider(10_000);
    await client.request({ mt: 'ShowApp', app: 'chat' }, { provider: own, until: () => true, timeoutMs: 5000 });
    await stack.sim.control.waitForReceived((r) => r.msg.mt === 'StartChat', 10_000);
    await page.waitForTimeout(300);
    saved.push(await shot(page, out, '03-web-client-chat.png'));
    phone.close();
    chat.close();
    client.close();

    // 4. The settings page.
    if (settings && launcherServer) {
      const p = await stack.context.newPage();
      await p.goto(`${launcherServer.origin}/${settings}`);
      await p.waitForTimeout(500);
      saved.push(await shot(p, out, '04-settings.png', true));
      await p.close();
    } else {
      say('no settings page yet (renderer/launcher/settings.html is missing): screenshot skipped');
    }

    say(`${saved.length} screenshot(s) in ${out}`);
    if (values.keep) {
      say('running until Ctrl+C (--keep)');
      await new Promise<void>((r) => {
        process.once('SIGINT', () => r());
        process.once('SIGTERM', () => r());
      });
    }
  } finally {
    await launcherServer?.close();
    await stack?.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`[demo:chromium] failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exit(1);
  },
);
