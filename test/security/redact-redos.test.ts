/**
 * Issue 12, finding 2 (redact-redos): trace redaction was quadratic (`JSON_PAIR`, `USERINFO`, the
 * user-info test of the fast path) and trace lines had no length cap, so a 16 KB bad-token URL
 * path blocked the main thread for 100+ ms and a 400 KB invalid admin setting, copied whole into
 * warnings (settings/schema.ts) that `store.warnings` kept without bound, stalled it for seconds.
 *
 * What stops it, checked here with the real code: every pattern is linear (1 MB adversarial lines
 * redacted in a child process that would need minutes with a quadratic pattern), trace lines are
 * cut before redaction, warnings quote a value only in part and the store keeps a bounded number.
 * The time figure (1 MB line ≤ 10 ms) is `redact.line_1mb_ms` in `npm run bench`; tests do not
 * fail on wall-clock figures, the child's 60 s limit only catches a hang.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TraceWriter, listTraceFiles, redact } from '../../electron/log';
import { SettingsStore } from '../../electron/settings';
import { memoryLogger } from '../fixtures/memory-logger';

const root = path.resolve(__dirname, '../..');
let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sec-redos-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

/** The shapes that were quadratic, and neighbours of them, 1 MB each. */
const SHAPES: Record<string, [unit: string, prefix?: string]> = {
  'user-info colons (bad-token URL path)': ['a:', 'GET /bus/x://'],
  'JSON key run': ['pwd', '"'],
  'scheme run': ['a.'],
  'SIP user-info colons': ['sip:a:'],
  'escaped JSON values': ['"token":"\\'],
  'URL-encoded parameters': ['pwd%3D'],
};

describe('redact-redos: redaction is linear, lines and warnings are bounded', () => {
  it('redacts 1 MB adversarial lines at once (child process, killed after 60 s)', () => {
    const script = path.join(dir, 'redact-1mb.ts');
    fs.writeFileSync(script, [
      `import { redact } from ${JSON.stringify(path.join(root, 'electron/log/redact.ts'))};`,
      `const shapes = ${JSON.stringify(SHAPES)};`,
      'for (const [name, [unit, prefix]] of Object.entries(shapes)) {',
      '  const line = (prefix ?? "") + unit.repeat(Math.ceil((1024 * 1024) / unit.length));',
      '  const out = redact(line);',
      '  console.log(JSON.stringify({ name, inLength: line.length, outLength: out.length }));',
      '}',
    ].join('\n'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
    expect(r.signal, 'redaction did not finish within 60 s').toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const done = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { name: string; outLength: number });
    expect(done.map((d) => d.name)).toEqual(Object.keys(SHAPES));
    for (const d of done) expect(d.outLength).toBeGreaterThan(0);
  }, 90_000);

  it('still finds the secrets its patterns are for', () => {
    expect(redact('proxy http://alice:pa55@proxy:3128')).toBe('proxy http://alice:***@proxy:3128');
    expect(redact('{"sessionKey": "k1", "password":"p\\"w", "token":12345}')).toBe('{"sessionKey": "***", "password":"***", "token":"***"}');
    // a secret member inside a non-secret one is found (the hand scanner skips names, not values)
    expect(redact('{"outer":{"token":"t1"},"x":1}')).toBe('{"outer":{"token":"***"},"x":1}');
    // an unclosed secret string is masked to the end
    expect(redact('{"password":"abc def')).toBe('{"password":"***"');
  });

  it('a trace line carries at most 64 KiB of a 400 KB value, cut before redaction, no half secret', async () => {
    const w = new TraceWriter({ dir, mask: 1n, flushOnExit: false });
    const huge = `value ${'x'.repeat(400_000)} https://user:topsecretpassword@host/`;
    w.warn(`settings: PBX adminSettings.logFlags ignored: ${huge}`);
    // the cut falls into a user-info URL: the whole word goes, never a piece of the password
    const cutInSecret = `${'y '.repeat(32_756)}https://user:topsecretpassword@host/ ${'z'.repeat(100_000)}`;
    w.warn(cutInSecret);
    await w.close();
    const text = (await listTraceFiles(dir, 'myApps')).map((f) => fs.readFileSync(f, 'utf8')).join('');
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      expect(l.length).toBeLessThan(65 * 1024);
      expect(l).toMatch(/characters cut\]$/);
    }
    expect(text).not.toContain('topsecret');
  });

  it('a huge invalid admin setting: the warning quotes a piece of it, the store keeps a bounded number', async () => {
    const logger = memoryLogger();
    const store = await SettingsStore.open({ userData: dir, logger });
    for (let i = 0; i < 300; i++) store.setAdminSettings({ logFlags: { value: `${i}:${'x'.repeat(400_000)}`, force: true } });
    expect(store.warnings.length).toBeGreaterThan(0);
    expect(store.warnings.length).toBeLessThanOrEqual(100);
    for (const w of store.warnings) expect(w.length).toBeLessThan(400);
    const logged = logger.lines.filter((l) => l.level === 'warn');
    expect(logged.length).toBeLessThanOrEqual(101);
    for (const l of logged) expect(l.message.length).toBeLessThan(500);
    expect(store.get('logFlags')).toBe('0x1');
  });
});
