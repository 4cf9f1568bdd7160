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
import { incomingCallWindowHeight } from '../../common/call-window';
import { LAUNCHER_CSP } from '../../common/preload-names';

/** The height a window's content needs for the page's card (the demo notice above it left out). */
const contentHeight = (p: Page): Promise<number> =>
  p.evaluate(() => {
    const main = document.querySelector('main')!;
    const cs = getComputedStyle(main);
    return main.getBoundingClientRect().height + parseFloat(cs.marginTop) + parseFloat(cs.marginBottom);
  });

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
      if (file.endsWith('.html')) {
        // plain Chromium has no preload: the page gets the demo API (demo-api.ts) before its own script
        const html = readFileSync(file, 'utf8').replace('<script ', '<script src="demo-api.ts"></script>\n  <script ');
        return void res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': LAUNCHER_CSP }).end(html);
      }
      res.writeHead(200, { 'content-type': 'text/css' }).end(readFileSync(file));
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

    // appear offline: minutes on the page (PBX offline=300000 ms), validated while typing
    expect(await page.inputValue('#setting-appearOfflineAfterMs')).toBe('5');
    expect(await page.textContent('#hint-appearOfflineAfterMs')).toBe('Appears offline after 5 minutes without input. PBX value: 5 min (offline = 300000 ms).');
    await page.fill('#setting-appearOfflineAfterMs', '-5');
    expect(await row('appearOfflineAfterMs').locator('.row-error').textContent()).toMatch(/negative/);
    expect(await page.getAttribute('#setting-appearOfflineAfterMs', 'aria-invalid')).toBe('true');
    await page.fill('#setting-appearOfflineAfterMs', '2.5');
    await page.locator('#setting-appearOfflineAfterMs').blur();
    expect(await row('appearOfflineAfterMs').locator('.row-error').textContent()).toMatch(/whole number of minutes/);
    expect(await row('appearOfflineAfterMs').getAttribute('data-source')).toBe('pbx'); // nothing stored
    await page.fill('#setting-appearOfflineAfterMs', '90');
    await page.locator('#setting-appearOfflineAfterMs').blur();
    await page.waitForSelector('tr[data-key=appearOfflineAfterMs][data-source=user]');
    expect(await page.inputValue('#setting-appearOfflineAfterMs')).toBe('90');
    expect(await page.textContent('#hint-appearOfflineAfterMs')).toBe('Appears offline after 1 hour 30 minutes without input.');
    // log flags (forced here): the categories of the mask, no "recommended" button
    expect(await page.textContent('#hint-logFlags')).toMatch(/^Traces: App, ICE, TURN, Audio, Browser, Signaling\.$/);
    expect(await page.$('#log-flags-recommended')).toBeNull();
    // sizes in MB
    expect(await page.inputValue('#setting-logSizeBytes')).toBe('10');
    expect(await page.textContent('#hint-logSizeBytes')).toMatch(/^10,000,000 bytes/);
    await page.fill('#setting-logSizeBytes', '0.01');
    expect(await row('logSizeBytes').locator('.row-error').textContent()).toMatch(/outside 0\.1–2,000 MB/);
    expect(await page.textContent('#hint-appProxyCacheMb')).toMatch(/^500 MB of disk/);
    // hot keys: the hot-key service's parser, inline
    await page.fill('#setting-hotkeyAccept', 'ctrl+F12');
    expect(await row('hotkeyAccept').locator('.row-error').textContent()).toBe('Not a hot key: F12 is not allowed (only F1–F11).');
    await page.fill('#setting-hotkeyAccept', 'f7 + strg');
    expect(await row('hotkeyAccept').locator('.row-error').textContent()).toBe('');
    await page.locator('#setting-hotkeyAccept').blur();
    await page.waitForFunction(() => (document.querySelector('#setting-hotkeyAccept') as HTMLInputElement | null)?.value === 'CTRL + F7');
    // installer-only settings are listed read-only, also the hidden FORCERESTART
    expect(await row('forceRestart').getAttribute('data-locked')).toBe('true');
    expect(await page.isDisabled('#setting-forceRestart')).toBe(true);

    await page.selectOption('#setting-docking', 'left');
    await page.waitForFunction(() => (document.querySelector('#setting-docking') as HTMLSelectElement | null)?.value === 'left');
    await page.click('tr[data-key=docking] button.reset');
    await page.waitForSelector('tr[data-key=docking][data-source=default]');
    await page.check('#setting-showInTaskbar').catch(() => {});
    await page.uncheck('#setting-showInTaskbar');
    await page.waitForSelector('tr[data-key=showInTaskbar][data-source=user]');
    await page.close();
  }, 30_000);
  it('settings page shows hot-key registration per chord, the Wayland note and collects logs', async () => {
    const page = await open('settings.html');
    expect(await page.getAttribute('[data-hotkey=dial]', 'data-active')).toBe('true');
    expect(await page.textContent('tr[data-key=hotkeyDial] .hotkey-state')).toBe('Active: ctrl+F8');
    expect(await page.textContent('tr[data-key=hotkeyAccept] .hotkey-state')).toBe('Not active: the chord is taken by another program');
    expect(await page.$('tr[data-key=hotkeyReject] .hotkey-state')).toBeNull(); // not configured
    expect(await page.isHidden('#hotkey-notice')).toBe(true);
    await page.click('#collect-logs');
    await page.waitForFunction(() => /^Saved: .*\.zip$/.test(document.querySelector('#logs-result')?.textContent ?? ''));
    await page.close();
    const wl = await open('settings.html?wayland=1');
    expect(await wl.textContent('#hotkey-notice')).toMatch(/Wayland session without XWayland/);
    expect(await wl.textContent('tr[data-key=hotkeyDial] .hotkey-state')).toMatch(/^Not active: no X11 display/);
    await wl.locator('tr[data-key=hotkeyDial]').screenshot({ path: path.join(shots, 'settings-hotkeys-wayland.png') });
    await wl.screenshot({ path: path.join(shots, 'settings-wayland.png') });
    await wl.close();
    // the dial hot key's last press failed (macOS Accessibility): said under the row
    const ax = await open('settings.html?accessibility=1');
    expect(await ax.textContent('tr[data-key=hotkeyDial] .hotkey-problem')).toBe('Dial: allow myApps under System Settings › Privacy & Security › Accessibility, then press the hot key again.');
    expect(await ax.getAttribute('tr[data-key=hotkeyDial] .hotkey-problem', 'data-kind')).toBe('permission-denied');
    await ax.locator('tr[data-key=hotkeyDial]').screenshot({ path: path.join(shots, 'settings-hotkey-accessibility.png') });
    await ax.close();
  }, 30_000);

  it('settings page: "recommended for call problems" sets the log flags when the PBX does not force them', async () => {
    const page = await open('settings.html?pbx=0');
    expect(await page.getAttribute('tr[data-key=logFlags]', 'data-source')).toBe('default');
    expect(await page.textContent('#hint-logFlags')).toBe('Traces: App.');
    expect(await page.inputValue('#setting-appearOfflineAfterMs')).toBe('0');
    expect(await page.textContent('#hint-appearOfflineAfterMs')).toMatch(/^Off/);
    await page.fill('#setting-logFlags', '0x8');
    expect(await page.textContent('#hint-logFlags')).toBe('Traces: DNS.');
    await page.fill('#setting-logFlags', '0xq');
    expect(await page.textContent('tr[data-key=logFlags] .row-error')).toMatch(/hex string like 0x856000001/);
    await page.click('#log-flags-recommended');
    await page.waitForSelector('tr[data-key=logFlags][data-source=user]');
    expect(await page.inputValue('#setting-logFlags')).toBe('0x856000001');
    expect(await page.textContent('#hint-logFlags')).toBe('Traces: App, ICE, TURN, Audio, Browser, Signaling.');
    expect(await page.$('#log-flags-recommended')).toBeNull();
    await page.locator('tr[data-key=logFlags]').screenshot({ path: path.join(shots, 'settings-log-flags.png') });
    await page.close();
  }, 30_000);

  it('update popup shows the build and the installer progress', async () => {
    const page = await open('update.html?progress=0.42');
    expect(await page.textContent('#build')).toMatch(/build 137766/);
    expect(await page.textContent('#percent')).toBe('42%');
    expect(await page.evaluate(() => (document.querySelector('#progress') as HTMLProgressElement).value)).toBeCloseTo(0.42);
    await page.setViewportSize({ width: 440, height: 220 });
    await page.screenshot({ path: path.join(shots, 'update-progress.png') });
    await page.close();
    const live = await open('update.html');
    await live.waitForFunction(() => Number(document.body.dataset.fraction) >= 0.2); // progress events re-render
    await live.close();
  }, 30_000);

  it('proxy sign-in asks for user name and password, refuses an empty user, cancels', async () => {
    const page = await open('proxy-auth.html?retry=1');
    expect(await page.textContent('#proxy')).toMatch(/proxy\.corp\.example:3128/);
    expect(await page.isVisible('#refused')).toBe(true);
    await page.click('#sign-in');
    expect(await page.textContent('#error')).toBe('Enter a user name.');
    await page.fill('#username', 'alice');
    await page.fill('#password', 's3cret');
    await page.setViewportSize({ width: 480, height: 460 });
    await page.screenshot({ path: path.join(shots, 'proxy-auth.png') });
    await page.click('#sign-in');
    await page.waitForSelector('body[data-answered="user:alice"]');
    await page.close();
    const c = await open('proxy-auth.html');
    expect(await c.$('#refused')).toBeNull();
    await c.click('#cancel');
    await c.waitForSelector('body[data-answered=cancel]');
    await c.close();
  }, 30_000);

  it('link confirmation names the page and the number; Cancel is the default, Call confirms', async () => {
    const page = await open('link-confirm.html?from=https://ads.example.net');
    expect(await page.textContent('h1')).toBe('Start a call?');
    expect(await page.textContent('#from')).toBe('https://ads.example.net wants to call:');
    expect(await page.textContent('#target')).toBe('+19005550123');
    expect(await page.textContent('#more')).toBe('1 more link is waiting.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('cancel');
    await page.setViewportSize({ width: 460, height: 300 });
    await page.screenshot({ path: path.join(shots, 'link-confirm.png') });
    await page.keyboard.press('Enter'); // Enter on the focused Cancel: nothing dialled
    await page.waitForSelector('body[data-answered=cancel]');
    await page.close();
    const chat = await open('link-confirm.html?chat=1');
    expect(await chat.textContent('#from')).toBe('An unknown page wants to start a chat with:');
    await chat.click('#confirm');
    await chat.waitForSelector('body[data-answered=confirm]');
    await chat.close();
  }, 30_000);

  it('display picker shows screens and windows with thumbnails; choose and cancel', async () => {
    const page = await open('display-picker.html');
    expect(await page.locator('#screens button.source').count()).toBe(2);
    expect(await page.locator('#windows button.source').count()).toBe(3);
    expect(await page.getAttribute('button[data-id="screen:1:0"] img', 'src')).toMatch(/^data:image\/png;base64,/);
    expect(await page.textContent('button[data-id="window:4713:0"] .no-thumb')).toBe('No preview');
    await page.screenshot({ path: path.join(shots, 'display-picker.png'), fullPage: true });
    await page.click('button[data-id="window:4711:0"]');
    await page.waitForSelector('body[data-chosen="window:4711:0"][data-open=false]');
    expect(await page.textContent('#closed')).toMatch(/Nothing is waiting/);
    await page.close();
    const c = await open('display-picker.html');
    await c.keyboard.press('Escape');
    await c.waitForSelector('body[data-chosen=cancel]');
    await c.close();
    const e = await open('display-picker.html?empty=1');
    expect(await e.textContent('#empty')).toMatch(/no screen or window/);
    await e.close();
  }, 30_000);

  it('settings page: a change keeps keyboard focus where it was; every control has its own name', async () => {
    const page = await open('settings.html');
    const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
    // a checkbox toggled with the keyboard stays focused after the page redrew its row
    await page.focus('#setting-showInTaskbar');
    await page.keyboard.press('Space');
    await page.waitForSelector('tr[data-key=showInTaskbar][data-source=user]');
    expect(await focused()).toBe('setting-showInTaskbar');
    // typing a value and leaving with Tab: the value is saved, the focus is where Tab put it
    await page.focus('#setting-appearOfflineAfterMs');
    await page.fill('#setting-appearOfflineAfterMs', '15');
    await page.keyboard.press('Tab');
    await page.waitForSelector('tr[data-key=appearOfflineAfterMs][data-source=user]');
    const afterTab = await focused();
    expect(afterTab).not.toBe('');
    expect(await page.evaluate(() => document.activeElement !== document.body)).toBe(true);
    // a select changed with the keyboard
    await page.focus('#setting-docking');
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction(() => (document.querySelector('#setting-docking') as HTMLSelectElement).value !== 'right');
    await page.waitForTimeout(100);
    expect(await focused()).toBe('setting-docking');
    // Reset: its button goes away with the user's value; the focus moves to the setting's control
    await page.focus('#reset-docking');
    await page.keyboard.press('Enter');
    await page.waitForSelector('tr[data-key=docking][data-source=default]');
    expect(await focused()).toBe('setting-docking');
    // the Reset buttons name their setting; no two controls share a name
    const resets = await page.$$eval('button.reset', (bs) => bs.map((b) => b.getAttribute('aria-label')));
    expect(resets.length).toBeGreaterThanOrEqual(3);
    expect(new Set(resets).size).toBe(resets.length);
    expect(resets).toContain('Reset Appear offline after (minutes)');
    const names = await page.$$eval('input, select, button', (els) =>
      els.filter((e) => !(e as HTMLInputElement).disabled).map((e) => e.getAttribute('aria-label') ?? (e.id && document.querySelector(`label[for="${e.id}"]`)?.textContent) ?? e.textContent ?? ''));
    expect(names.filter((n) => !n.trim())).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    await page.close();
  }, 30_000);

  it('settings page: About with versions, PBX and the update download (received / total, rate, time left); collect logs shows progress', async () => {
    const page = await open('settings.html');
    await page.waitForSelector('#about:not([hidden])');
    expect(await page.textContent('#about-version')).toBe('0.1.0');
    expect(await page.textContent('#about-electron')).toBe('45.4.1');
    expect(await page.textContent('#about-pbx')).toBe('https://pbx.example.com');
    expect(await page.textContent('#about-update-source')).toBe('https://store.example.com/ (Build 137766)');
    expect(await page.textContent('#about-update')).toMatch(/^Downloading build 137766: 18\.9 MB of 94\.4 MB \(20%\) · 262 kB\/s, 5 min left$/);
    const before = await page.evaluate(() => (document.querySelector('#update-progress') as HTMLProgressElement).value);
    await page.waitForFunction((b) => (document.querySelector('#update-progress') as HTMLProgressElement).value > b, before, { timeout: 5000 });
    await page.locator('#about').screenshot({ path: path.join(shots, 'settings-about.png') });
    await page.click('#collect-logs');
    await page.waitForFunction(() => /^Collecting logs: \d+% \(/.test(document.querySelector('#logs-result')?.textContent ?? ''));
    await page.waitForFunction(() => /^Saved: .*\.zip$/.test(document.querySelector('#logs-result')?.textContent ?? ''));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('collect-logs');
    await page.close();
  }, 30_000);

  it('the pages speak German for a German user (lang=de)', async () => {
    const s = await open('settings.html?lang=de');
    expect(await s.evaluate(() => [document.documentElement.lang, document.title])).toEqual(['de', 'myApps: Erweiterte Einstellungen']);
    expect(await s.textContent('h1')).toBe('Erweiterte Einstellungen');
    expect(await s.textContent('tr[data-key=docking] label')).toBe('Andocken');
    expect(await s.textContent('tr[data-key=docking] .badge')).toBe('Ihre Wahl');
    expect(await s.textContent('tr[data-key=hotkeyDial] .lock')).toBe('Gesperrt: von der PBX erzwungen');
    expect(await s.$eval('#setting-docking', (e) => Array.from((e as HTMLSelectElement).options).map((o) => o.text))).toEqual(['Nicht angedockt', 'Linker Bildschirmrand', 'Rechter Bildschirmrand']);
    expect(await s.getAttribute('#reset-docking', 'aria-label')).toBe('Andocken zurücksetzen');
    expect(await s.textContent('#hint-appearOfflineAfterMs')).toBe('Erscheint nach 5 Minuten ohne Eingabe offline. Wert der PBX: 5 min (offline = 300000 ms).');
    expect(await s.textContent('#hint-logSizeBytes')).toMatch(/^10\.000\.000 Bytes\./);
    await s.waitForSelector('#about:not([hidden])');
    expect(await s.textContent('#about-update')).toMatch(/^Build 137766 wird heruntergeladen: 1[89],\d MB von 94,4 MB \(\d+\s%\) · 262 kB\/s, noch \d+ Min\.$/);
    await s.screenshot({ path: path.join(shots, 'settings-de.png'), fullPage: true });
    await s.close();
    const c = await open('connect.html?lang=de');
    await c.fill('#server', 'https://pbx.example.com');
    expect(await c.textContent('#server-hint')).toBe('Geben Sie den Server ohne Protokoll ein: pbx.example.com, nicht https://pbx.example.com.');
    await c.fill('#server', 'pbx.example.com');
    expect(await c.textContent('#server-hint')).toBe('Verbindet mit https://pbx.example.com/PBX0/APPCLIENT/appclient.htm');
    await c.screenshot({ path: path.join(shots, 'connect-de.png') });
    await c.close();
    const e = await open('error.html?failure=certificate&lang=de');
    expect(await e.textContent('#title')).toBe('Zertifikat nicht vertrauenswürdig');
    expect(await e.textContent('#retry')).toBe('Erneut versuchen');
    expect(await e.textContent('dl.details')).toMatch(/SHA-256-Fingerabdruck3A:91/);
    await e.screenshot({ path: path.join(shots, 'error-certificate-de.png') });
    await e.close();
    const u = await open('update.html?progress=0.42&lang=de');
    expect(await u.textContent('#percent')).toBe('42\u00a0%');
    expect(await u.textContent('h1')).toBe('Update wird installiert');
    await u.close();
    const pa = await open('proxy-auth.html?lang=de');
    expect(await pa.textContent('#proxy')).toBe('Der Proxy proxy.corp.example:3128 („Corporate proxy“) fragt nach Ihrem Benutzernamen und Kennwort.');
    await pa.close();
    const dp = await open('display-picker.html?lang=de');
    expect(await dp.textContent('#screens h2')).toBe('Bildschirme');
    await dp.close();
  }, 60_000);
  it('incoming-call window: name and number, accept and reject per call, waiting calls, in both languages', async () => {
    const sizes = { width: 380, height: 200 };
    const page = await browser.newPage({ viewport: sizes });
    await page.goto(`${origin}/incoming-call.html?calls=2`);
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.locator('h2.caller').allTextContents()).toEqual(['Bob Builder', 'Unknown caller']);
    expect(await page.locator('p.number').allTextContents()).toEqual(['+49 7031 73009-12', '+1 555 0100']);
    expect(await page.locator('button.accept').first().getAttribute('aria-label')).toBe('Accept the call from Bob Builder');
    await page.screenshot({ path: path.join(shots, 'incoming-call-two.png'), fullPage: true });
    await page.locator('button.reject').nth(1).click();
    expect(await page.evaluate(() => document.body.dataset.answered)).toBe('reject:["softphone",2]');
    await page.close();
    for (const lang of ['en', 'de']) {
      const one = await browser.newPage({ viewport: sizes });
      await one.goto(`${origin}/incoming-call.html?lang=${lang}&waiting=1`);
      await one.waitForSelector('body[data-ready=true]');
      expect(await one.textContent('h1')).toBe(lang === 'de' ? 'Eingehender Anruf' : 'Incoming call');
      expect(await one.textContent('#waiting')).toBe(lang === 'de' ? '1 weiterer Anruf wartet.' : '1 more call is waiting.');
      await one.screenshot({ path: path.join(shots, `incoming-call-${lang}.png`) });
      await one.locator('button.accept').click();
      await one.waitForSelector('button.accept:disabled');
      expect(await one.textContent('.call-status')).toBe(lang === 'de' ? 'Wird angenommen …' : 'Answering…');
      // the window the service opens (common/call-window.ts) holds the page, "Answering…" included
      expect(await contentHeight(one)).toBeLessThanOrEqual(incomingCallWindowHeight(1, 1));
      await one.close();
      for (const [calls, waiting] of [[1, 0], [2, 0], [2, 3]] as const) {
        const p = await browser.newPage({ viewport: sizes });
        await p.goto(`${origin}/incoming-call.html?lang=${lang}&calls=${calls}&waiting=${waiting}`);
        await p.waitForSelector('body[data-ready=true]');
        expect(await contentHeight(p), `${lang} ${calls} calls, ${waiting} waiting`).toBeLessThanOrEqual(incomingCallWindowHeight(calls, waiting));
        await p.close();
      }
    }
  }, 30_000);

  it('sharing bar says the screen is shared and stops it; the in-app banner opens, answers and dismisses notifications', async () => {
    for (const lang of ['en', 'de']) {
      const bar = await browser.newPage({ viewport: { width: 440, height: 56 } });
      await bar.goto(`${origin}/sharing.html?lang=${lang}`);
      await bar.waitForSelector('body[data-ready=true]');
      expect(await bar.textContent('#text')).toBe(lang === 'de' ? 'Sie geben Ihren Bildschirm frei' : 'You are sharing your screen');
      await bar.screenshot({ path: path.join(shots, `sharing-${lang}.png`) });
      await bar.click('#stop');
      await bar.waitForSelector('body[data-sharing=false]');
      expect(await bar.locator('#stop').count()).toBe(0);
      await bar.close();
    }
    const b = await browser.newPage({ viewport: { width: 380, height: 28 + 3 * 112 } });
    await b.goto(`${origin}/banner.html`);
    await b.waitForSelector('body[data-items="3"]');
    expect(await b.locator('.note-title').allTextContents()).toEqual(['Bob Builder', 'Missed call', 'Incoming call']);
    await b.screenshot({ path: path.join(shots, 'banner.png') });
    await b.locator('section.note.call button[data-action=accept]').click();
    await b.waitForSelector('body[data-items="2"]');
    expect(await b.evaluate(() => document.body.dataset.acted)).toBe('accept:1');
    await b.locator('section.note.chat button.note-dismiss').click();
    expect(await b.evaluate(() => document.body.dataset.acted)).toBe('dismiss:3');
    await b.locator('button.note-open').click();
    expect(await b.evaluate(() => document.body.dataset.acted)).toBe('open:2');
    await b.close();
  }, 30_000);
});
