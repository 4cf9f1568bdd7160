/**
 * The launcher pages in Debian Chromium (headless) with the demo API: validation messages, error
 * page details, settings sources and locks. Screenshots go to $LAUNCHER_SCREENSHOTS (or a temp
 * folder that is removed afterwards).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test/e2e/harness/chromium';

const DIR = __dirname;
let server: http.Server;
let origin: string;
let browser: Browser;
let shots: string;
const keepShots = !!process.env.LAUNCHER_SCREENSHOTS;

beforeAll(async () => {
  shots = process.env.LAUNCHER_SCREENSHOTS ?? mkdtempSync(path.join(tmpdir(), 'launcher-shots-'));
  mkdirSync(shots, { recursive: true });
  server = http.createServer((req, res) => {
    void (async () => {
      const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
      const file = path.resolve(DIR, rel);
      if (!file.startsWith(DIR + path.sep) || !existsSync(file) || file.endsWith('.test.ts')) return void res.writeHead(404).end();
      if (file.endsWith('.ts')) {
        const out = await build({ entryPoints: [file], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome120', logLevel: 'silent' });
        return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(out.outputFiles[0]!.text);
      }
      res.writeHead(200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'text/html' }).end(readFileSync(file));
    })().catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => server.close(() => r()));
  if (!keepShots) rmSync(shots, { recursive: true, force: true });
});

async function open(name: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/${name}`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 15_000 }).catch(() => {
    throw new Error(`page ${name} did not render: ${errors.join('; ')}`);
  });
  return page;
}

describe('launcher pages in Chromium', () => {
  it('connect form validates with the parser and shows the expanded URL', async () => {
    const page = await open('connect.html');
    await page.fill('#server', 'https://pbx.example.com');
    expect(await page.textContent('#server-hint')).toMatch(/without a protocol/);
    expect(await page.getAttribute('#server', 'aria-invalid')).toBe('true');
    await page.fill('#server', 'pbx.example.com:99999');
    expect(await page.textContent('#server-hint')).toMatch(/out of range/);
    await page.screenshot({ path: path.join(shots, 'connect-invalid.png') });
    await page.fill('#server', 'pbx.example.com:4444/PBX0-1#phys=master');
    expect(await page.textContent('#server-hint')).toBe('Connects to https://pbx.example.com:4444/PBX0-1/APPCLIENT/appclient.htm#phys=master');
    await page.screenshot({ path: path.join(shots, 'connect-valid.png') });
    await page.click('#connect');
    await page.waitForSelector('body[data-connected=true]');
    await page.close();
  }, 30_000);

  it('connect form shows a preset server read-only', async () => {
    const page = await open('connect.html?server=pbx.corp.example&locked=1');
    expect(await page.inputValue('#server')).toBe('pbx.corp.example');
    expect(await page.getAttribute('#server', 'readonly')).not.toBeNull();
    await page.close();
  }, 30_000);

  it('error page shows certificate details and trusting needs a confirmation', async () => {
    const page = await open('error.html?failure=certificate');
    expect(await page.textContent('#title')).toBe('Certificate not trusted');
    const details = await page.textContent('dl.details');
    expect(details).toMatch(/SHA-256 fingerprint3A:91:7C/);
    expect(details).toMatch(/IssuerCN=pbx.example.com/);
    expect(await page.isDisabled('#trust')).toBe(true);
    await page.check('#trust-confirm');
    expect(await page.isDisabled('#trust')).toBe(false);
    expect(await page.isVisible('#retry')).toBe(true);
    expect(await page.isVisible('#change-server')).toBe(true);
    await page.screenshot({ path: path.join(shots, 'error-certificate.png') });
    await page.close();
    for (const [kind, title] of [['dns', 'Server not found'], ['refused', 'Connection refused'], ['timeout', 'Connection timed out'], ['http', 'The server answered with an error']]) {
      const p = await open(`error.html?failure=${kind}`);
      expect(await p.textContent('#title')).toBe(title);
      expect(await p.$('#trust')).toBeNull();
      if (kind === 'dns') await p.screenshot({ path: path.join(shots, 'error-dns.png') });
      await p.close();
    }
  }, 30_000);

  it('settings page shows value, source and lock, greys forced rows and validates input', async () => {
    const page = await open('settings.html');
    const row = (key: string) => page.locator(`tr[data-key=${key}]`);
    expect(await row('hotkeyDial').getAttribute('data-source')).toBe('pbx-forced');
    expect(await row('hotkeyDial').getAttribute('class')).toBe('locked');
    expect(await page.isDisabled('#setting-hotkeyDial')).toBe(true);
    expect(await page.inputValue('#setting-hotkeyDial')).toBe('CTRL + F8');
    expect(await row('hotkeyDial').textContent()).toMatch(/forced by PBX/);
    expect(await row('disableLocalhost').getAttribute('data-source')).toBe('managed');
    expect(await row('disableLocalhost').textContent()).toMatch(/Locked: set by installer/);
    expect(await row('notifications').getAttribute('data-source')).toBe('pbx');
    expect(await row('appearOfflineAfterMs').getAttribute('data-source')).toBe('pbx');
    expect(await row('docking').getAttribute('data-source')).toBe('user');
    expect(await row('showInTaskbar').getAttribute('data-source')).toBe('default');
    await page.screenshot({ path: path.join(shots, 'settings.png'), fullPage: true });

    await page.fill('#setting-appearOfflineAfterMs', '-5');
    await page.press('#setting-appearOfflineAfterMs', 'Enter');
    await page.locator('#setting-appearOfflineAfterMs').blur();
    expect(await row('appearOfflineAfterMs').locator('.row-error').textContent()).toMatch(/outside/);

    await page.selectOption('#setting-docking', 'left');
    await page.waitForFunction(() => (document.querySelector('#setting-docking') as HTMLSelectElement | null)?.value === 'left');
    await page.click('tr[data-key=docking] button.reset');
    await page.waitForSelector('tr[data-key=docking][data-source=default]');
    await page.check('#setting-showInTaskbar').catch(() => {});
    await page.uncheck('#setting-showInTaskbar');
    await page.waitForSelector('tr[data-key=showInTaskbar][data-source=user]');
    await page.close();
  }, 30_000);
});
