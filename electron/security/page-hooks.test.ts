/**
 * The main-process side of lib1's launcher hooks, through the real preload dispatcher and a real
 * trace file: console lines under the Browser Console flag, redacted and rate-limited;
 * window.open through the window policy.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TraceWriter, listTraceFiles } from '../log';
import { TRACE_CATEGORIES } from '../../common/log-categories';
import type { Logger } from '../platform';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { createPageHookHandlers, createPreloadDispatcher, fixedOriginPolicy, type OriginPolicy } from './index';
import { pageHookRequest } from '../../common/preload-names';

const PBX = 'https://pbx.example.com';
const WEB = `${PBX}/PBX0/APPCLIENT/appclient.htm`;
const APP = 'https://apps.example.com/PBX0/APPS/phone.htm';
const origins: OriginPolicy = { ...fixedOriginPolicy(PBX), appOrigins: () => ['https://apps.example.com'] };

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'page-hooks-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function setup(logger: Logger, clock = { t: 0 }) {
  const routed: string[] = [];
  const handlers = createPageHookHandlers({
    logger,
    origins,
    openExternal: (u) => routed.push(`external ${u}`),
    onInternalLink: (u) => routed.push(`internal ${u}`),
    openPopup: (u) => routed.push(`popup ${u}`),
    burst: 5,
    perSecond: 2,
    now: () => clock.t,
  });
  const d = createPreloadDispatcher({ handlers, origins, logger });
  return { d, routed, clock };
}

describe('launcher hooks, main side', () => {
  it('writes console lines of the web client and its app frames to the trace, redacted, under Browser Console only', async () => {
    const w = new TraceWriter({ dir, mask: TRACE_CATEGORIES.BrowserConsole, flushOnExit: false });
    const { d } = setup(w);
    const line = (text: string, url = APP, top = false) => d.dispatch('consoleLine', { url, top }, 7, pageHookRequest('console', 'warn', text)!.req);
    expect(await line('hello from the phone app, see https://x.example/a?token=s3cr3t-value&y=1')).toEqual({ ok: true, value: { ok: true } });
    expect(await line('the web client speaks', WEB, true)).toEqual({ ok: true, value: { ok: true } });
    w.setMask(TRACE_CATEGORIES.App);
    await line('not while the flag is off');
    await w.close();
    const text = (await listTraceFiles(dir, 'myApps')).map((f) => fs.readFileSync(f, 'utf8')).join('');
    expect(text).toContain('[BrowserConsole] console.warn https://apps.example.com (app): hello from the phone app, see https://x.example/a?token=***&y=1');
    expect(text).toContain('[BrowserConsole] console.warn https://pbx.example.com: the web client speaks');
    expect(text).not.toContain('s3cr3t-value');
    expect(text).not.toContain('not while the flag is off');
    expect(text).not.toContain('preload call'); // the hot path leaves no second line
  });

  it('rate-limits per window and says how many lines it dropped', async () => {
    const log = memoryLogger();
    const { d, clock } = setup(log);
    for (let i = 0; i < 20; i++) await d.dispatch('consoleLine', { url: APP, top: false }, 1, { level: 'log', text: `line ${i}` });
    // another window has its own budget
    await d.dispatch('consoleLine', { url: WEB, top: true }, 2, { level: 'log', text: 'other window' });
    clock.t = 1000; // two more lines' worth
    await d.dispatch('consoleLine', { url: APP, top: false }, 1, { level: 'log', text: 'after a second' });
    const lines = log.lines.filter((l) => l.category === 'BrowserConsole').map((l) => l.message);
    expect(lines).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => `console.log https://apps.example.com (app): line ${i}`),
      'console.log https://pbx.example.com: other window',
      'console: 15 lines of this window dropped (more than 2/s)',
      'console.log https://apps.example.com (app): after a second',
    ]);
  });

  it('sends window.open through the window policy; an app frame opens as its web client would', async () => {
    const log = memoryLogger();
    const { d, routed } = setup(log);
    const open = (url: string, from = APP, top = false) => d.dispatch('openWindow', { url: from, top }, 1, pageHookRequest('open', url)!.req);
    expect(await open(`${PBX}/PBX0/APPS/notes.htm`)).toEqual({ ok: true, value: { action: 'popup' } });
    expect(await open('https://www.example.org/help?pwd=1')).toEqual({ ok: true, value: { action: 'external' } });
    expect(await open('tel:+4970311234', WEB, true)).toEqual({ ok: true, value: { action: 'internal' } });
    expect(await open('file:///etc/passwd', WEB, true)).toEqual({ ok: true, value: { action: 'deny' } });
    expect(routed).toEqual([`popup ${PBX}/PBX0/APPS/notes.htm`, 'external https://www.example.org/help?pwd=1', 'internal tel:+4970311234']);
    expect(log.lines.some((l) => l.level === 'warn' && l.message === 'window.open refused')).toBe(true);
    // a foreign frame is not an app frame
    expect(await open('https://www.example.org/', 'https://ads.example.net/x')).toEqual({ ok: false, error: 'sender origin not trusted' });
  });

  it("the preload's bridge coerces what a page hands it", () => {
    expect(pageHookRequest('console', 'bogus', { a: 1 })).toEqual({ method: 'consoleLine', req: { level: 'log', text: '[object Object]' } });
    expect(pageHookRequest('console', 'error', 'x'.repeat(5000))!.req).toMatchObject({ level: 'error', text: 'x'.repeat(2000) });
    expect(pageHookRequest('open', 'https://a.example/')).toEqual({ method: 'openWindow', req: { url: 'https://a.example/' } });
    expect(pageHookRequest('open', 42)).toBeNull();
    expect(pageHookRequest('open', '')).toBeNull();
    expect(pageHookRequest('exec', 'x')).toBeNull();
  });
});
