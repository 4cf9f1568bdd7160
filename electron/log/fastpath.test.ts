/**
 * The writer's fast paths (flat data without JSON.stringify, redaction skipped when no piece of a
 * line may hold a secret, lines gathered into chunk buffers) must write exactly what the careful
 * path writes: `redact(message + ' ' + JSON.stringify(data))`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TraceWriter, listTraceFiles, redact, registerSecret } from './index';
import { TRACE_CATEGORIES } from '../../common/log-categories';
import { formatFlat } from './format';
import { mayHoldSecret, redactLiterals } from './redact';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-fast-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

async function written(w: TraceWriter): Promise<string[]> {
  await w.close();
  const files = await listTraceFiles(dir, 'myApps');
  return files.map((f) => fs.readFileSync(f, 'utf8')).join('').split('\n').filter(Boolean);
}

/** The text after `<timestamp> [App] `. */
const body = (line: string) => line.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[[^\]]+\] /, '');

describe('formatFlat', () => {
  it('makes the same text as JSON.stringify for flat objects', () => {
    const cases: Record<string, unknown>[] = [
      {},
      { a: 1, b: 'x', c: true, d: false, e: null },
      { n: -0, big: 1e21, small: 1e-7, nan: NaN, inf: -Infinity, f: 1.5 },
      { skip: undefined, fn: () => 1, sym: Symbol('s'), kept: 'k' },
      { q: 'say "hi"', bs: 'a\\b', nl: 'a\nb', tab: '\t', ctl: '\u0001', uni: 'Grüße ☎', emoji: '😀', lone: '\ud800x', ls: '\u2028' },
      { 'key with "quote"': 1, 'ключ': 'значение', '': 'empty key' },
      { long: 'x'.repeat(1000) },
      Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 }),
    ];
    for (const c of cases) expect(formatFlat(c)).toBe(` ${JSON.stringify(c)}`);
  });

  it('leaves anything not flat to the careful path', () => {
    expect(formatFlat({ o: { a: 1 } })).toBeUndefined();
    expect(formatFlat({ a: [1] })).toBeUndefined();
    expect(formatFlat({ b: 1n })).toBeUndefined();
    expect(formatFlat({ e: new Error('x') })).toBeUndefined();
    expect(formatFlat(new (class X { a = 1; })() as unknown as Record<string, unknown>)).toBeUndefined();
  });
});

describe('mayHoldSecret / redactLiterals', () => {
  it('is a superset of what redact() changes', () => {
    const texts = ['?pwd=1', 'Authorization: Basic x', '{"apiKey":"v"}', 'http://u:p@h', 'x;sig=1', '#key=2', 'SessionToken', 'x', 'sip:4711@pbx', 'call 123'];
    for (const t of texts) if (redact(t) !== t) expect(mayHoldSecret(t)).toBe(true);
    expect(mayHoldSecret('SIP INVITE sent to sip:4711@pbx.example.com')).toBe(false);
    expect(mayHoldSecret('see ftp://host/x')).toBe(true); // '://' alone is enough
  });

  it('replaces registered literals only when present', () => {
    expect(redactLiterals('abc')).toBe('abc');
    const un = registerSecret('lit-secret-42');
    try {
      expect(redactLiterals('a lit-secret-42 b')).toBe('a *** b');
      expect(redactLiterals('nothing')).toBe('nothing');
    } finally { un(); }
  });
});

describe('TraceWriter fast paths', () => {
  it('writes what the careful path writes, secrets included or not', async () => {
    const un = registerSecret('Bus-Token-abcdef');
    const cases: [string, Record<string, unknown> | undefined][] = [
      ['plain message', undefined],
      ['plain message', { call: 1, state: 'calling', remote: 'atlantis' }],
      ['login', { user: 'bob', password: 'hunter2' }],
      ['login', { sessionToken: 12345 }],
      ['fetch', { url: 'https://pbx/x?user=a&pwd=geheim&y=1' }],
      ['proxy', { via: 'http://alice:pa55@proxy:3128', n: 2 }],
      ['header', { h: 'Authorization: Bearer abc.def' }],
      ['GET https://h/x?token=abc&n=1', { n: 1 }],
      ['bus token Bus-Token-abcdef in message', { a: 1 }],
      ['literal in data', { t: 'Bus-Token-abcdef' }],
      ['escaped', { s: 'a "password=x" \n b' }],
      ['nested', { o: { password: 'p', ok: 1 } }],
      ['cross ://', { a: 'x://b', b: 'c@d' }],
      ['multi\nline pwd=1', { k: 'v' }],
    ];
    try {
      const w = new TraceWriter({ dir, mask: TRACE_CATEGORIES.App, flushOnExit: false });
      for (const [m, d] of cases) w.trace('App', m, d);
      const lines = (await written(w)).join('\n').split(/\n(?! {4})/);
      expect(lines).toHaveLength(cases.length);
      cases.forEach(([m, d], i) => {
        const msg = m.replace(/\r?\n/g, '\n    ');
        expect(body(lines[i]!)).toBe(redact(`${msg}${d ? ` ${JSON.stringify(d)}` : ''}`));
      });
      const all = lines.join('\n');
      for (const secret of ['hunter2', '12345', 'geheim', 'pa55', 'abc.def', 'Bus-Token-abcdef', '"p"']) expect(all).not.toContain(secret);
    } finally { un(); }
  });

  it('redacts exactly the lines that need it among thousands of plain ones', async () => {
    const un = registerSecret('Bus-Token-abcdef');
    const special = new Map<number, [string, Record<string, unknown> | undefined]>([
      [0, ['first password=hunter2', undefined]],
      [1, ['bus < @client-1 ApiRequest api=x token=geheim len=3', undefined]],
      [777, ['multi\nline https://a:b@host/ ok', { n: 1 }]],
      [778, ['literal Bus-Token-abcdef in a clean line', undefined]],
      [2047, ['session=abc', { k: 'v' }]],
      [4095, ['ring end ?sig=zzz', undefined]],
      [4096, ['after the ring pwd=1', undefined]],
      [5000, ['last cookie: c=1', undefined]],
    ]);
    try {
      const w = new TraceWriter({ dir, mask: TRACE_CATEGORIES.App, flushOnExit: false, flushDelayMs: 10_000 });
      const cases: [string, Record<string, unknown> | undefined][] = [];
      for (let i = 0; i <= 5000; i++) cases.push(special.get(i) ?? [`bus < @client-${i} ApiRequest apiId=com.innovaphone.phone src=s${i} len=140`, i % 3 ? undefined : { i }]);
      for (const [m, d] of cases) w.trace('App', m, d);
      const lines = (await written(w)).join('\n').split(/\n(?! {4})/);
      expect(lines).toHaveLength(cases.length);
      cases.forEach(([m, d], i) => expect(body(lines[i]!)).toBe(redact(`${m.replace(/\r?\n/g, '\n    ')}${d ? ` ${JSON.stringify(d)}` : ''}`)));
      const all = lines.join('\n');
      for (const secret of ['hunter2', 'geheim', 'Bus-Token-abcdef']) expect(all).not.toContain(secret);
    } finally { un(); }
  });

  it('masks a registered secret in lines recorded before it is forgotten', async () => {
    const un = registerSecret('Short-Lived-Token-1');
    const w = new TraceWriter({ dir, mask: TRACE_CATEGORIES.App | TRACE_CATEGORIES.AppWebSocket, flushOnExit: false, flushDelayMs: 10_000 });
    w.trace('App', 'printed Short-Lived-Token-1 here');
    w.trace('AppWebSocket', 'bus < @client-1 src=Short-Lived-Token-1 len=3');
    un(); // before the writer formats the recorded lines
    const all = (await written(w)).join('\n');
    expect(all).toContain('printed *** here');
    expect(all).not.toContain('Short-Lived-Token-1');
  });

  it('keeps lines whole and in order across chunk and file boundaries, long lines included', async () => {
    const w = new TraceWriter({ dir, mask: TRACE_CATEGORIES.App, maxFileSize: 512 * 1024, maxFiles: 50, flushOnExit: false, flushDelayMs: 5 });
    const big = 'y'.repeat(300 * 1024); // cut to MAX_TRACE_TEXT (64 KiB) before it is written
    for (let i = 0; i < 20_000; i++) {
      w.trace('App', `line ${i} ${i % 7 === 0 ? 'ü☎😀' : 'x'.repeat(i % 50)}`);
      if (i === 10_000) w.trace('App', big);
      if (i % 3000 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    const lines = await written(w);
    expect(lines).toHaveLength(20_001);
    let n = 0;
    for (const l of lines) {
      const b = body(l);
      if (b.startsWith('yyyy')) continue;
      expect(b.startsWith(`line ${n} `)).toBe(true);
      n++;
    }
    expect(n).toBe(20_000);
    expect(lines.filter((l) => body(l).startsWith('yyyy'))).toEqual([expect.stringMatching(/y… \[\d+ characters cut\]$/)]);
  });

  it('writes after flushDelayMs without an explicit flush', async () => {
    const w = new TraceWriter({ dir, mask: TRACE_CATEGORIES.App, flushOnExit: false, flushDelayMs: 10 });
    w.trace('App', 'soon on disk');
    const deadline = Date.now() + 5000;
    let text = '';
    while (Date.now() < deadline) {
      const files = await listTraceFiles(dir, 'myApps');
      text = files.length ? fs.readFileSync(files[0]!, 'utf8') : '';
      if (text.includes('soon on disk')) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(text).toContain('soon on disk');
    await w.close();
  });

  it('answers enabled() per category, live with setMask', async () => {
    const w = new TraceWriter({ dir, mask: 0n, flushOnExit: false });
    expect(w.enabled('AppWebSocket')).toBe(false);
    w.setMask(TRACE_CATEGORIES.AppWebSocket);
    expect(w.enabled('AppWebSocket')).toBe(true);
    expect(w.enabled('App WebSocket')).toBe(true);
    expect(w.enabled('ICE')).toBe(false);
    w.setMask(0n);
    expect(w.enabled('AppWebSocket')).toBe(false);
    await w.close();
  });
});
