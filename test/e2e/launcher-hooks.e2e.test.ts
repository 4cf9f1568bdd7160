/**
 * lib1's launcher hooks end to end (issue 11, docs/security.md): the client's renderers say
 * `myApps/<version>` in their user agent; the web client's frame offers `console.custom` and
 * `custom_saved_window_open_`; a stand-in app that follows lib1's launcher detection sends its
 * console line into the trace file (Browser Console flag, redacted) and its window.open reaches
 * the client's window policy:
 *  - from an app in another origin's iframe (pbx-sim's apps origin): lib1's takeover cannot reach
 *    a cross-origin parent (the browser throws, lib1 swallows it), so the client installs the same
 *    hooks in the app frame itself (the preload runs in the web client's subframes);
 *  - from an app of the PBX origin: lib1 takes the web client's console (and keeps the window.open
 *    hook the frame already has).
 * pbx-sim + the real service graph + Debian Chromium; the preload's part is the harness's init
 * script with the same renderer/page-hooks.ts, its main-process part the product's dispatcher and
 * handlers (test/e2e/harness/stack.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { TraceWriter, listTraceFiles } from '../../electron/log';
import { TRACE_CATEGORIES } from '../../common/log-categories';
import { startStack, type Stack } from './harness/stack';

type Detection = { myApps: boolean; console: string; open: string; error: string };
type PageView = { ua: string; custom: unknown; saved: string; lib1?: Detection };

/** What a frame sees of the launcher hooks. */
const view = (f: Frame | Page): Promise<PageView> =>
  f.evaluate(() => {
    const w = globalThis as unknown as { navigator: { userAgent: string }; console: { custom?: unknown }; custom_saved_window_open_?: unknown; __lib1?: Detection };
    return { ua: w.navigator.userAgent, custom: w.console.custom, saved: typeof w.custom_saved_window_open_, lib1: w.__lib1 };
  });
/** window.open in a frame; what it returned. */
const open = (f: Frame | Page, url: string): Promise<unknown> => f.evaluate((u) => (globalThis as unknown as { open(u: string): unknown }).open(u), url);
/** console[level](text) in a frame. */
const log = (f: Frame | Page, level: 'log' | 'warn' | 'error', text: string): Promise<void> =>
  f.evaluate(({ level, text }) => { (globalThis as unknown as { console: Record<string, (t: string) => void> }).console[level]!(text); }, { level, text });

async function traceText(dir: string, w: TraceWriter): Promise<string> {
  await w.flush();
  return (await listTraceFiles(dir, 'myApps')).map((f) => fs.readFileSync(f, 'utf8')).join('');
}

describe.each([
  { name: "an app in another origin's iframe", separate: true },
  { name: 'an app of the PBX origin', separate: false },
])('launcher hooks: $name', ({ separate }) => {
  let dir: string;
  let writer: TraceWriter;
  let stack: Stack;
  let page: Page;
  let phone: Frame;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-hooks-'));
    writer = new TraceWriter({ dir, mask: TRACE_CATEGORIES.App | TRACE_CATEGORIES.BrowserConsole, flushOnExit: false });
    stack = await startStack({ logger: writer, sim: { separateAppsOrigin: separate } });
    page = await stack.openWebClient({ ready: true });
    phone = stack.appFrame(page, 'phone');
    expect(new URL(phone.url()).origin === stack.sim.origin).toBe(!separate);
  });

  afterAll(async () => {
    await stack?.close();
    await writer?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the user agent says myApps/<version>; the web client offers console.custom and custom_saved_window_open_', async () => {
    const top = await view(page);
    expect(top.ua).toMatch(/Chrome\/[\d.]+ .*myApps\/0\.1\.0$/);
    expect(top.custom).toBe(true);
    expect(top.saved).toBe('function');
    const app = await view(phone);
    expect(app.ua).toBe(top.ua);
    expect(app.custom).toBe(true);
    expect(app.saved).toBe('function');
    // what lib1's detection found in the app
    expect(app.lib1).toEqual(
      separate
        ? { myApps: true, console: 'own', open: 'own', error: 'SecurityError' } // cross-origin parent: out of reach; its own hooks serve
        // same origin: lib1 took the web client's console; the frame had its own window.open hook
        // already (the client installs it in every app frame), which lib1 keeps, as it does
        : { myApps: true, console: 'parent', open: 'own', error: '' },
    );
  });

  it("the app's console lines reach the trace file, redacted; the console still logs", async () => {
    const nonce = `n${Date.now().toString(36)}`;
    const logged: string[] = [];
    page.on('console', (m) => logged.push(m.text()));
    await log(phone, 'warn', `phone app ${nonce} calls https://pbx.example/x?token=abc123secret`);
    await log(page, 'log', `web client ${nonce}`);
    const where = separate ? `${stack.sim.appsOrigin} (app)` : stack.sim.origin;
    await expect.poll(async () => (await traceText(dir, writer)).split('\n').filter((l) => l.includes(nonce)), { timeout: 10_000 }).toEqual([
      expect.stringMatching(new RegExp(`\\[BrowserConsole\\] console\\.warn ${where.replace(/[.()]/g, '\\$&')}: phone app ${nonce} calls https://pbx\\.example/x\\?token=\\*\\*\\*$`)),
      expect.stringMatching(new RegExp(`\\[BrowserConsole\\] console\\.log ${stack.sim.origin.replace(/[.]/g, '\\.')}: web client ${nonce}$`)),
    ]);
    expect(await traceText(dir, writer)).not.toContain('abc123secret');
    await expect.poll(() => logged.filter((t) => t.includes(nonce)).length).toBe(2);
  });

  it("the app's window.open goes through the client's window policy", async () => {
    stack.opened.length = 0;
    expect(await open(phone, 'https://www.example.org/manual')).toBeNull();
    expect(await open(phone, `${stack.sim.origin}/PBX0/APPS/notes.htm`)).toBeNull();
    expect(await open(phone, 'sip:bob@example.com')).toBeNull();
    expect(await open(phone, 'javascript:alert(1)')).toBeNull();
    await expect.poll(() => stack.opened, { timeout: 10_000 }).toEqual([
      { action: 'external', url: 'https://www.example.org/manual' },
      { action: 'popup', url: `${stack.sim.origin}/PBX0/APPS/notes.htm` },
      { action: 'internal', url: 'sip:bob@example.com' },
    ]);
    expect(await traceText(dir, writer)).toMatch(/window\.open refused/);
    // no window was opened by the page itself
    expect(stack.context.pages()).toHaveLength(1);
  });
});
