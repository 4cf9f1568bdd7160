/**
 * Issue 12, "Also fix": `sip:alice:secret@example.com` forwarded `alice:secret@example.com` to
 * the phone app (StartCall), and the command line traced refused links as written. Now the
 * password is dropped where the link is parsed (common/links.ts), links are traced by scheme and
 * length only, and redact() masks `sip:user:pass@` wherever else it might appear. Checked with
 * the real link service on a real bus router, and through the composition root (Electron mocked)
 * with its real trace file.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { electron } from '../fixtures/fake-electron';
import { ApiRouter } from '../../electron/bus';
import { LinkService } from '../../electron/links';
import { parseLink } from '../../common/links';
import { memoryLogger } from '../fixtures/memory-logger';

import { quitProduct, secondStart, startProduct, traceText } from './product';

vi.mock('electron', async () => (await import('../fixtures/fake-electron')).electron);

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sec-sip-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('sip-password: the password of a SIP/IM link is dropped and never traced', () => {
  it('the parser keeps user and host only', () => {
    expect(parseLink('sip:alice:secret@example.com')).toEqual({ ok: true, scheme: 'sip', request: { api: 'com.innovaphone.phone', msg: { mt: 'StartCall', sip: 'alice@example.com', adjust: true } } });
    expect(parseLink('sips:bob:pa%3Ass@pbx.example.com;transport=tls')).toMatchObject({ ok: true, request: { msg: { sip: 'bob@pbx.example.com' } } });
    expect(parseLink('im:carol:hunter2@chat.example.com')).toMatchObject({ ok: true, request: { msg: { mt: 'StartChat', sip: 'carol@chat.example.com' } } });
    // host:port stays
    expect(parseLink('sip:dave@pbx.example.com:5061')).toMatchObject({ ok: true, request: { msg: { sip: 'dave@pbx.example.com:5061' } } });
  });

  it('the phone app gets StartCall without it; the link service traces nothing of it', () => {
    const router = new ApiRouter(memoryLogger());
    const got: Record<string, unknown>[] = [];
    router.provide('com.innovaphone.phone', 'phone', (req) => { got.push(req.msg); });
    const log = memoryLogger();
    const links = new LinkService({ router, logger: log });
    expect(links.handleArgv(['--', 'sip:alice:secret@example.com']).map((o) => o.status)).toEqual(['sent']);
    expect(links.handleLink(`sip:alice:secret@${'x'.repeat(300)}`).status).toBe('refused');
    expect(got).toEqual([{ mt: 'StartCall', sip: 'alice@example.com', adjust: true }]);
    expect(JSON.stringify(log.lines)).not.toContain('secret');
    links.close();
  });

  it('the product\'s trace file never holds it (first start, second start, open-url, refused links)', async () => {
    const tooLong = `sip:alice:secret@${'x'.repeat(300)}.example.com`;
    await startProduct(dir, ['--log-flags=0xfffffffff', '--', tooLong, '--x=sip:bob:secret@y']);
    await secondStart(dir, ['--', 'sip:carol:secret@example.com']);
    await secondStart(dir, ['--', tooLong]);
    electron.app.emit('open-url', { preventDefault() {} }, 'sip:dave:secret@example.com');
    await quitProduct();
    const text = await traceText(dir);
    expect(text).not.toContain('secret');
    expect(text).toMatch(/command-line argument ignored .*sip:… \(\d+ characters\)/);
  });
});
