import { describe, it, expect, afterEach } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiRouter } from '../bus';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { LinkService } from './service';
import { startLinkHandoffServer, sendLinkHandoff } from './handoff';

const FORWARDER = path.resolve(__dirname, '../../native/linux/link-forwarder.mjs');

function phoneProvider(router: ApiRouter, name = 'phone') {
  const got: Record<string, unknown>[] = [];
  const p = router.provide('com.innovaphone.phone', name, (req) => { got.push(req.msg); });
  return { got, p };
}

describe('LinkService', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

  it('sends StartCall / StartChat to the providers', () => {
    const router = new ApiRouter(memoryLogger());
    const { got } = phoneProvider(router);
    const chat: Record<string, unknown>[] = [];
    router.provide('com.innovaphone.chat', 'chat', (req) => { chat.push(req.msg); });
    let focused = 0;
    const svc = new LinkService({ router, logger: memoryLogger(), window: { showAndFocus: () => focused++ } });
    expect(svc.handleLink('tel:4711').status).toBe('sent');
    expect(svc.handleLink('im:a@b.c').status).toBe('sent');
    expect(got).toEqual([{ mt: 'StartCall', num: '4711', adjust: true }]);
    expect(chat).toEqual([{ mt: 'StartChat', sip: 'a@b.c' }]);
    expect(focused).toBe(2);
    svc.close();
  });

  it('queues a link until the phone app connects and delivers it exactly once', () => {
    const router = new ApiRouter(memoryLogger());
    const svc = new LinkService({ router, logger: memoryLogger() });
    expect(svc.handleArgv(['myapps', '--', 'tel:+49%207031%2073009-0'])).toEqual([{ link: 'tel:+49%207031%2073009-0', status: 'queued' }]);
    expect(svc.pending).toBe(1);
    const { got, p } = phoneProvider(router);
    expect(got).toEqual([{ mt: 'StartCall', num: '+497031730090', adjust: true }]);
    expect(svc.pending).toBe(0);
    // a model update or a second provider must not deliver it again
    p.setModel({ registered: true });
    phoneProvider(router, 'softphone');
    expect(got).toHaveLength(1);
    expect(svc.stats).toMatchObject({ sent: 1, queued: 1, refused: 0 });
    svc.close();
  });

  it('refuses and logs bad links without keeping them', () => {
    const router = new ApiRouter(memoryLogger());
    const log = memoryLogger();
    const svc = new LinkService({ router, logger: log });
    expect(svc.handleLink('tel:--inspect').status).toBe('refused');
    expect(svc.handleArgv(['--inspect=9229', 'sip:--remote-debugging-port=1@x'])).toEqual([expect.objectContaining({ status: 'refused' })]);
    expect(svc.pending).toBe(0);
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(2);
    expect(JSON.stringify(log.lines)).not.toContain('inspect');
    svc.close();
  });

  it('drops queued links after their time to live', () => {
    let now = 0;
    const router = new ApiRouter(memoryLogger());
    const svc = new LinkService({ router, logger: memoryLogger(), queueTtlMs: 1000, now: () => now });
    svc.handleLink('tel:1');
    now = 5000;
    const { got } = phoneProvider(router);
    expect(got).toEqual([]);
    expect(svc.stats.dropped).toBe(1);
    svc.close();
  });

  it('hands links over a local socket, also from the real forwarder script', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'links-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const router = new ApiRouter(memoryLogger());
    const { got } = phoneProvider(router);
    const svc = new LinkService({ router, logger: memoryLogger() });
    const server = await startLinkHandoffServer({ path: path.join(dir, 'run', 'links.sock'), logger: memoryLogger(), onArgv: (a) => svc.handleArgv(a, 'handoff') });
    cleanups.push(() => server.close());
    const r = await sendLinkHandoff(server.path, ['tel:200']);
    expect(r).toMatchObject({ ok: true, outcomes: [{ status: 'sent' }] });
    const code = await new Promise<number>((resolve) => {
      execFile(process.execPath, [FORWARDER, server.path, '--', 'sip:bob@example.com'], (err) => resolve(err ? ((err as { code?: number }).code ?? 1) : 0));
    });
    expect(code).toBe(0);
    expect(got).toEqual([
      { mt: 'StartCall', num: '200', adjust: true },
      { mt: 'StartCall', sip: 'bob@example.com', adjust: true },
    ]);
    // malformed requests are refused, the channel keeps working
    expect(await sendLinkHandoff(server.path, [42 as unknown as string])).toMatchObject({ ok: false });
    // a second server on the same live socket is refused
    await expect(startLinkHandoffServer({ path: server.path, logger: memoryLogger(), onArgv: () => null })).rejects.toThrow(/another instance/);
    svc.close();
  });
});
