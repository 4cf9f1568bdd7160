import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync, statSync, mkdirSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiRouter } from '../bus';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { LinkService } from './service';
import { startLinkHandoffServer, sendLinkHandoff, claimOrHandOff, linkHandoffEndpoint, profileInstanceId, parseHandoffRequest } from './handoff';

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

  it('hands links over a local socket; the running instance validates every request', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'links-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const router = new ApiRouter(memoryLogger());
    const { got } = phoneProvider(router);
    const shown: string[] = [];
    const svc = new LinkService({ router, logger: memoryLogger(), window: { showAndFocus: () => shown.push('show') } as never });
    const server = await startLinkHandoffServer({ path: path.join(dir, 'run', 'links.sock'), logger: memoryLogger(), onArgv: (a) => svc.handleArgv(a, 'handoff') });
    cleanups.push(() => server.close());
    // private folder and socket
    expect(statSync(path.join(dir, 'run')).mode & 0o777).toBe(0o700);
    expect(statSync(server.path).mode & 0o777).toBe(0o600);
    expect(await sendLinkHandoff(server.path, ['tel:200'])).toMatchObject({ ok: true, outcomes: [{ status: 'sent' }] });
    expect(await sendLinkHandoff(server.path, ['tel:--inspect'])).toMatchObject({ ok: true, outcomes: [{ status: 'refused' }] });
    expect(got).toEqual([{ mt: 'StartCall', num: '200', adjust: true }]);
    // a start without a link shows the window
    shown.length = 0;
    expect(await sendLinkHandoff(server.path, [])).toEqual({ ok: true, outcomes: [] });
    expect(shown).toEqual(['show']);
    // malformed, too many or too long arguments are refused; the channel keeps working
    expect(await sendLinkHandoff(server.path, [42 as unknown as string])).toEqual({ ok: false, error: 'malformed' });
    expect(await sendLinkHandoff(server.path, Array(17).fill('tel:1'))).toEqual({ ok: false, error: 'too many arguments' });
    expect(await sendLinkHandoff(server.path, [`tel:${'1'.repeat(1100)}`])).toEqual({ ok: false, error: 'argument too long' });
    const raw = await new Promise<string>((resolve) => {
      const c = net.connect(server.path);
      let b = '';
      c.on('data', (d) => (b += d));
      c.on('close', () => resolve(b));
      c.on('error', () => resolve(b));
      c.write('x'.repeat(20 * 1024));
    });
    expect(raw).toContain('too large');
    expect(parseHandoffRequest('{"v":2,"argv":[]}')).toEqual({ error: 'malformed' });
    // a second server on the same live socket is refused
    await expect(startLinkHandoffServer({ path: server.path, logger: memoryLogger(), onArgv: () => null })).rejects.toThrow(/another instance/);
    svc.close();
  });

  it('claimOrHandOff: hands over to a running instance, else takes the lock, else waits for the holder', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'links-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sock = path.join(dir, 'run', 'links.sock');
    // nobody listens and the lock is free: first instance
    let locks = 0;
    expect(await claimOrHandOff({ path: sock, argv: ['tel:1'], requestLock: () => (locks++, true) })).toEqual({ first: true });
    expect(locks).toBe(1);
    // the lock holder is still starting: its socket comes up a moment later
    const router = new ApiRouter(memoryLogger());
    const { got } = phoneProvider(router);
    const svc = new LinkService({ router, logger: memoryLogger() });
    cleanups.push(() => svc.close());
    const later = setTimeout(() => void startLinkHandoffServer({ path: sock, logger: memoryLogger(), onArgv: (a) => svc.handleArgv(a, 'handoff') }).then((s) => cleanups.push(() => s.close())), 300);
    cleanups.push(() => clearTimeout(later));
    const handed = await claimOrHandOff({ path: sock, argv: ['tel:4711'], requestLock: () => false, retryMs: 50 });
    expect(handed).toMatchObject({ first: false, ok: true });
    expect(got).toEqual([{ mt: 'StartCall', num: '4711', adjust: true }]);
    // a refused link makes the second start fail (exit code 1 in the product)
    expect(await claimOrHandOff({ path: sock, argv: ['tel:abc'], requestLock: () => true })).toMatchObject({ first: false, ok: false });
    // the lock is held but nobody ever answers: a clear error after waiting
    expect(await claimOrHandOff({ path: path.join(dir, 'none.sock'), argv: [], requestLock: () => false, waitMs: 200, retryMs: 50 })).toEqual({ first: false, ok: false, error: expect.stringMatching(/running but did not answer/) });
  });

  it('listens in a per-user private place, never at a fixed name in shared temp', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'links-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const userData = path.join(dir, 'profile');
    const linux = linkHandoffEndpoint({ platform: 'linux', env: { XDG_RUNTIME_DIR: '/run/user/1000' }, userData, tmpdir: '/tmp' });
    expect(linux).toMatch(/^\/run\/user\/1000\/myApps\/links-[0-9a-f]{12}\.sock$/);
    // another profile (user data folder) gets another socket
    expect(linkHandoffEndpoint({ platform: 'linux', env: { XDG_RUNTIME_DIR: '/run/user/1000' }, userData: `${userData}2`, tmpdir: '/tmp' })).not.toBe(linux);
    expect(linkHandoffEndpoint({ platform: 'darwin', env: {}, userData, tmpdir: '/tmp' })).toBe(path.join(userData, 'run', 'links.sock'));
    // Windows: a pipe named with the random id kept in the profile
    const pipe = linkHandoffEndpoint({ platform: 'win32', env: {}, userData, tmpdir: 'C:\\Temp' });
    const id = readFileSync(path.join(userData, 'instance-id'), 'utf8').trim();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(statSync(path.join(userData, 'instance-id')).mode & 0o777).toBe(0o600);
    expect(pipe).toBe(`\\\\.\\pipe\\myApps-links-${id}`);
    expect(profileInstanceId(userData)).toBe(id);
    // a profile path too long for a Unix socket: the random-named folder in temp
    const deep = path.join(dir, 'x'.repeat(120));
    mkdirSync(deep);
    expect(linkHandoffEndpoint({ platform: 'linux', env: {}, userData: deep, tmpdir: '/tmp' })).toBe(`/tmp/myApps-${profileInstanceId(deep)}/links.sock`);
  });
});
