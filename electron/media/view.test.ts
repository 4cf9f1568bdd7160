import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startLocalServicesServer, OriginAllowList, type LocalServicesServer } from '../bus';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { MediaErrorCode } from '../../common/media';
import { startMediaRelay, type MediaRelay } from './relay';
import { MAX_VIEWS_PER_SESSION, VIEW_TICKET_TTL_MS, ViewRegistry } from './view';
import { loopbackCandidates, loopbackOnlySdp } from '../../renderer/media/view-engine';

const APP = 'https://pbx.example.com';

describe('view registry (tickets and views)', () => {
  it('redeems a ticket once, for the channel its owner named', () => {
    const r = new ViewRegistry();
    const t = r.createTicket('m1', 'c1');
    if (!('ticket' in t)) throw new Error('no ticket');
    expect(t.ticket.length).toBeGreaterThanOrEqual(32);
    const v = r.open(t.ticket, 'm2');
    expect(v).toMatchObject({ viewer: 'm2', owner: 'm1', channel: 'c1' });
    expect(r.open(t.ticket, 'm3')).toBeNull();
    expect(r.open('x'.repeat(32), 'm3')).toBeNull();
    expect(r.get(v!.view)).toEqual(v);
  });
  it('expires tickets and limits views per session', () => {
    let now = 1000;
    const r = new ViewRegistry(() => now);
    const t = r.createTicket('m1', 'c1');
    now += VIEW_TICKET_TTL_MS;
    expect(r.open((t as { ticket: string }).ticket, 'm2')).toBeNull();
    for (let i = 0; i < MAX_VIEWS_PER_SESSION; i++) expect('ticket' in r.createTicket('m1', 'c1')).toBe(true);
    expect(r.createTicket('m1', 'c1')).toEqual({ error: expect.stringMatching(/at most/) });
    expect('ticket' in r.createTicket('m9', 'c1')).toBe(true);
  });
  it('drops views and tickets when their channel or a session closes', () => {
    const r = new ViewRegistry();
    const open = (owner: string, ch: string, viewer: string) => r.open((r.createTicket(owner, ch) as { ticket: string }).ticket, viewer)!;
    const a = open('m1', 'c1', 'm2');
    const b = open('m1', 'c2', 'm2');
    const c = open('m3', 'c1', 'm4');
    r.createTicket('m1', 'c1');
    expect(r.channelClosed('m1', 'c1').map((v) => v.view)).toEqual([a.view]);
    expect(r.counts()).toEqual({ views: 2, tickets: 0 });
    expect(r.sessionClosed('m2').map((v) => v.view)).toEqual([b.view]);
    expect(r.sessionClosed('m3').map((v) => v.view)).toEqual([c.view]);
    expect(r.counts()).toEqual({ views: 0, tickets: 0 });
  });
});

describe('loopback-only SDP', () => {
  it('keeps only UDP candidates on 127.0.0.1 / ::1', () => {
    const sdp = [
      'v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 0.0.0.0',
      'a=candidate:1 1 udp 2122260223 127.0.0.1 40000 typ host generation 0',
      'a=candidate:2 1 udp 2122260223 192.168.1.5 40001 typ host generation 0',
      'a=candidate:3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active',
      'a=candidate:4 1 udp 2122262783 ::1 40002 typ host',
      'a=candidate:5 1 udp 2122260223 abcd.local 40003 typ host',
      'a=candidate:6 1 udp 1686052607 203.0.113.9 40004 typ srflx raddr 127.0.0.1 rport 40000',
      'a=mid:0', '',
    ].join('\r\n');
    const out = loopbackOnlySdp(sdp);
    expect(loopbackCandidates(out)).toBe(2);
    expect(out).toContain('127.0.0.1 40000');
    expect(out).toContain('::1 40002');
    expect(out).not.toMatch(/192\.168|\.local|203\.0\.113|tcp/);
    expect(out.endsWith('a=mid:0\r\n')).toBe(true);
  });
});

describe('media relay: views (real local services server, stand-in engine)', () => {
  let server: LocalServicesServer;
  let relay: MediaRelay;
  beforeEach(async () => {
    const logger = memoryLogger();
    server = await startLocalServicesServer({ logger, origins: new OriginAllowList([APP]), host: '127.0.0.1', port: 0 });
    relay = startMediaRelay(server, { logger, engineScript: () => '', viewerScript: () => 'console.log("view")', engineWaitMs: 300 });
  });
  afterEach(async () => {
    relay.close();
    await server.close();
  });
  const own = () => `http://127.0.0.1:${server.port}`;
  const mediaUrl = () => `ws://127.0.0.1:${server.port}/media?token=${server.token}`;

  it('serves the viewer page without a token, framable only by allowed origins, strict CSP', async () => {
    const page = await fetch(`${own()}/media/view`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src ws://127.0.0.1:${server.port}`);
    expect(csp).toContain(`frame-ancestors ${APP}`);
    expect(csp).not.toContain(own());
    expect(await page.text()).toContain('/media/view/view.js');
    expect(await (await fetch(`${own()}/media/view/view.js`)).text()).toBe('console.log("view")');
    expect((await fetch(`${own()}/media/view/other`)).status).toBe(404);
    expect((await fetch(`${own()}/media/view`, { method: 'POST' })).status).toBe(405);
  });

  it('only the owner gets a ticket; the viewer redeems it once; views follow their channel', async () => {
    const e = await connect(`ws://127.0.0.1:${server.port}/media-engine?token=${server.token}`, own());
    e.ws.send(JSON.stringify({ mt: 'EngineHello', secret: new URLSearchParams(relay.engineUrl().split('#')[1]).get('secret'), version: 1 }));
    await e.next('EngineWelcome');
    const owner = await connect(mediaUrl(), APP);
    const other = await connect(mediaUrl(), APP);
    owner.ws.send(JSON.stringify({ mt: 'AllocChannel', channel: 'v1', kind: 'video' }));
    const alloc = await e.next('EngineRequest');
    const ownerSession = alloc.session as string;

    // another session cannot get a ticket for the owner's channel
    other.ws.send(JSON.stringify({ mt: 'CreateView', channel: 'v1' }));
    expect(await other.next('ViewCreated')).toMatchObject({ channel: 'v1', error: MediaErrorCode.UNKNOWN_CHANNEL });

    owner.ws.send(JSON.stringify({ mt: 'CreateView', channel: 'v1' }));
    const created = await owner.next('ViewCreated');
    expect(created.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/media/view#token=.+&ticket=.+$`));
    const ticket = new URLSearchParams(created.url.split('#')[1]).get('ticket')!;
    expect(created.ticket).toBe(ticket);

    // the viewer page's own session (origin: the local services server) redeems it
    const viewer = await connect(mediaUrl(), own());
    viewer.ws.send(JSON.stringify({ mt: 'OpenView', ticket }));
    const open = await e.next('EngineRequest');
    expect(open.session).not.toBe(ownerSession);
    expect(open.msg).toEqual({ mt: 'OpenView', view: expect.any(String), owner: ownerSession, channel: 'v1' });
    const view = open.msg.view as string;
    expect(relay.views()).toEqual({ views: 1, tickets: 0 });

    // a second use of the ticket is refused, also an app smuggling an owner into OpenView
    other.ws.send(JSON.stringify({ mt: 'OpenView', ticket, owner: ownerSession, channel: 'v1' }));
    expect(await other.next('ViewClosed')).toMatchObject({ reason: 'refused' });

    // engine offer reaches the viewer; only the viewer may answer or close
    e.ws.send(JSON.stringify({ mt: 'EngineEvent', service: 'media', session: open.session, msg: { mt: 'ViewOffer', view, kind: 'video', sdp: 'v=0\r\n' } }));
    expect(await viewer.next('ViewOffer')).toMatchObject({ view });
    other.ws.send(JSON.stringify({ mt: 'ViewAnswer', view, sdp: 'v=0\r\nanswer' }));
    expect(await other.next('ViewClosed')).toMatchObject({ view, reason: 'refused' });
    viewer.ws.send(JSON.stringify({ mt: 'ViewAnswer', view, sdp: 'v=0\r\nanswer' }));
    expect(await e.next('EngineRequest')).toMatchObject({ session: open.session, msg: { mt: 'ViewAnswer', view } });

    // the channel closes: the relay forgets the view (the engine tells the viewer)
    e.ws.send(JSON.stringify({ mt: 'EngineEvent', service: 'media', session: ownerSession, msg: { mt: 'ChannelClosed', channel: 'v1', reason: 'closed' } }));
    await owner.next('ChannelClosed');
    expect(relay.views()).toEqual({ views: 0, tickets: 0 });

    // a ticket for a channel that closed before it was redeemed
    owner.ws.send(JSON.stringify({ mt: 'CreateView', channel: 'v1' }));
    expect(await owner.next('ViewCreated')).toMatchObject({ error: MediaErrorCode.UNKNOWN_CHANNEL });
    for (const c of [owner, other, viewer, e]) c.ws.close();
  });

  it('tells viewers when the engine goes away', async () => {
    const e = await connect(`ws://127.0.0.1:${server.port}/media-engine?token=${server.token}`, own());
    e.ws.send(JSON.stringify({ mt: 'EngineHello', secret: new URLSearchParams(relay.engineUrl().split('#')[1]).get('secret'), version: 1 }));
    await e.next('EngineWelcome');
    const owner = await connect(mediaUrl(), APP);
    owner.ws.send(JSON.stringify({ mt: 'AllocChannel', channel: 'a1', kind: 'appsharing', direction: 'recvonly' }));
    await e.next('EngineRequest');
    owner.ws.send(JSON.stringify({ mt: 'CreateView', channel: 'a1' }));
    const { ticket } = await owner.next('ViewCreated');
    const viewer = await connect(mediaUrl(), own());
    viewer.ws.send(JSON.stringify({ mt: 'OpenView', ticket }));
    const open = await e.next('EngineRequest');
    e.ws.close();
    expect(await viewer.next('ViewClosed')).toEqual({ mt: 'ViewClosed', view: open.msg.view, reason: 'engine' });
    expect(relay.views()).toEqual({ views: 0, tickets: 0 });
    owner.ws.close();
    viewer.ws.close();
  });

  it('refuses a viewer with the wrong token', async () => {
    await expect(connect(`ws://127.0.0.1:${server.port}/media?token=${'x'.repeat(43)}`, own())).rejects.toThrow(/40[13]/);
  });
});

async function connect(url: string, origin: string): Promise<{ ws: WebSocket; next: (mt: string) => Promise<Record<string, any>> }> {
  const ws = new WebSocket(url, { headers: { origin } });
  const inbox: Record<string, any>[] = [];
  const waiters: [string, (m: Record<string, any>) => void][] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    const w = waiters.findIndex(([mt]) => mt === m.mt);
    if (w >= 0) waiters.splice(w, 1)[0]![1](m);
    else inbox.push(m);
  });
  await new Promise<void>((res, rej) => { ws.once('open', () => res()); ws.once('error', rej); });
  const next = (mt: string) => {
    const i = inbox.findIndex((m) => m.mt === mt);
    if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]!);
    return new Promise<Record<string, any>>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`no ${mt}`)), 3000);
      waiters.push([mt, (m) => { clearTimeout(t); res(m); }]);
    });
  };
  return { ws, next };
}
