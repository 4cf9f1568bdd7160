/**
 * The built launcher pages (scripts/build.mjs → dist/renderer) under the product's
 * Content-Security-Policy (electron/security LAUNCHER_CSP) and file resolution, in Debian
 * Chromium: they must render without a single CSP violation or script error. In plain Chromium
 * there is no preload, so the server adds the demo API (`build.mjs --demo` → demo-api.js, from
 * renderer/launcher/demo-api.ts) to each page before its own script; the page bundles are the
 * product's, which in the product talk to window.myAppsLauncher.
 *
 * Accessibility: axe-core (the npm package, injected through the DevTools protocol, which the
 * page's CSP does not govern) checks every page in English and German; no serious or critical
 * violation may remain.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAUNCHER_CSP, resolveLauncherFile } from '../../electron/security';
import { createRequire } from 'node:module';
import { launchChromium } from './harness/chromium';

const root = path.resolve(__dirname, '..', '..');
let out: string;
let server: http.Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  out = await fs.mkdtemp(path.join(os.tmpdir(), 'launcher-pages-'));
  await promisify(execFile)(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--out', out, '--demo'], { cwd: root });
  const pages = path.join(out, 'renderer');
  server = http.createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const r = resolveLauncherFile(pages, `myapps-launcher://pages${u.pathname}`);
      if (!r.ok) {
        res.writeHead(r.status).end(r.reason);
        return;
      }
      try {
        let body: Buffer | string = await fs.readFile(r.file);
        if (r.file.endsWith('.html')) body = body.toString('utf8').replace('<script ', '<script src="demo-api.js"></script>\n  <script ');
        res.writeHead(200, { 'content-type': r.contentType, 'content-security-policy': LAUNCHER_CSP }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (out) await fs.rm(out, { recursive: true, force: true });
});

const PAGES = ['connect.html', 'error.html?failure=certificate', 'settings.html', 'update.html', 'proxy-auth.html', 'display-picker.html', 'incoming-call.html?calls=2', 'sharing.html', 'banner.html', 'link-confirm.html?from=https://ads.example.net'];

describe('launcher pages under the launcher CSP', () => {
  it('covers every built page, and no page brings a policy of its own (the header is the one policy)', async () => {
    const built = (await fs.readdir(path.join(out, 'renderer'))).filter((f) => f.endsWith('.html')).sort();
    expect(built).toEqual(PAGES.map((p) => p.split('?')[0]!).sort());
    for (const f of built) expect(await fs.readFile(path.join(out, 'renderer', f), 'utf8'), f).not.toMatch(/http-equiv=["']?content-security-policy/i);
  });
  for (const page of PAGES) {
    it(`${page} renders without CSP violations or script errors`, async () => {
      const file = page.split('?')[0]!;
      expect(await fs.stat(path.join(out, 'renderer', file)).then(() => true, () => false), `${file} built`).toBe(true);
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      const problems: string[] = [];
      p.on('console', (m) => {
        // (resource failures are reported by the 'response' listener with their URL)
        if ((m.type() === 'error' && !/^Failed to load resource/.test(m.text())) || /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
      });
      p.on('pageerror', (e) => problems.push(String(e)));
      p.on('response', (r) => {
        if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`HTTP ${r.status()} ${r.url()}`);
      });
      await p.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
      });
      await p.goto(`${base}/${page}`, { waitUntil: 'load' });
      await p.waitForTimeout(300);
      const text = await p.evaluate(() => document.body.innerText.trim());
      expect(text.length).toBeGreaterThan(10);
      // launcher.css applied (style-src 'self')
      expect(await p.evaluate(() => Array.from({ length: document.styleSheets.length }, (_, i) => document.styleSheets[i]!).some((sh) => sh.cssRules.length > 0))).toBe(true);
      expect(problems).toEqual([]);
      await ctx.close();
    });
  }
  const axeSource = () => fs.readFile(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');
  for (const lang of ['en', 'de']) {
    for (const page of ['connect.html', 'error.html?failure=certificate', 'settings.html', 'update.html?progress=0.4', 'proxy-auth.html?retry=1', 'display-picker.html', 'incoming-call.html?calls=2&waiting=1', 'sharing.html', 'banner.html']) {
      it(`${page} (${lang}): axe-core finds no serious or critical violation`, async () => {
        const ctx = await browser.newContext({ viewport: { width: 1000, height: 800 } });
        const p = await ctx.newPage();
        await p.goto(`${base}/${page}${page.includes('?') ? '&' : '?'}lang=${lang}`, { waitUntil: 'load' });
        await p.waitForSelector('body[data-ready=true]');
        expect(await p.evaluate(() => document.documentElement.lang)).toBe(lang);
        await p.evaluate(await axeSource());
        const result = (await p.evaluate(() => (window as unknown as { axe: { run(ctx: Document, o: object): Promise<unknown> } }).axe.run(document, { resultTypes: ['violations'] }))) as {
          violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
        };
        const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        expect(bad).toEqual([]);
        await ctx.close();
      }, 60_000);
    }
  }

  it('refuses what is not a page file', async () => {
    expect((await fetch(`${base}/../../etc/passwd`)).status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${base}/x.exe`)).status).toBe(403);
  });
});
