/**
 * Issue 12, "Also fix": `redact()` missed `Cookie:` lines, URL-encoded `pwd%3D` and
 * `sip:user:pass@`. Checked on `redact()` and on a real trace file (the trace writer's fast path
 * decides per piece whether a line may hold a secret, so the forms must reach it too).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TraceWriter, listTraceFiles, redact } from '../../electron/log';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sec-redact-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const CASES: [input: string, expected: string][] = [
  ['Cookie: SESSION=abc123secret; theme=dark', 'Cookie: ***'],
  ['Set-Cookie: sid=s3cr3tvalue; Path=/; HttpOnly', 'Set-Cookie: ***'],
  ['> cookie:sid=s3cr3tvalue', '> cookie:***'],
  ['GET /login?next=%2FPBX0%2Fx%3Fuser%3Dbob%26pwd%3Dgeheim42%26lang%3Den', 'GET /login?next=%2FPBX0%2Fx%3Fuser%3Dbob%26pwd%3D***%26lang%3Den'],
  ['redirect https://h/a?r=%3Ftoken%3Dabcdef0123', 'redirect https://h/a?r=%3Ftoken%3D***'],
  ['link sip:alice:secretpw@example.com handed over', 'link sip:alice:***@example.com handed over'],
  ['sips:bob:pa55word@pbx.example.com;transport=tls', 'sips:bob:***@pbx.example.com;transport=tls'],
  ['im:carol:hunter2@chat.example.com', 'im:carol:***@chat.example.com'],
];

describe('redact-misses: Cookie lines, URL-encoded parameters, SIP passwords', () => {
  it('redact() masks each form', () => {
    for (const [input, expected] of CASES) expect(redact(input), input).toBe(expected);
  });

  it('leaves the look-alikes that hold no secret alone', () => {
    for (const t of ['SIP INVITE sent to sip:4711@pbx.example.com', 'sip:alice@example.com:5060', 'cookies accepted', 'a%3Db', 'tel:+4970317300']) {
      expect(redact(t)).toBe(t);
    }
  });

  it('a trace file never holds them (message and data values)', async () => {
    const w = new TraceWriter({ dir, mask: 1n, flushOnExit: false });
    for (const [input] of CASES) {
      w.trace('App', input);
      w.trace('App', 'request', { header: input });
    }
    await w.close();
    const text = (await listTraceFiles(dir, 'myApps')).map((f) => fs.readFileSync(f, 'utf8')).join('');
    for (const secret of ['abc123secret', 's3cr3tvalue', 'geheim42', 'abcdef0123', 'secretpw', 'pa55word', 'hunter2']) expect(text).not.toContain(secret);
    expect(text.split('\n').filter(Boolean)).toHaveLength(CASES.length * 2);
  });
});
