/**
 * innovaphone's published relay frames (docs/local-services.md; verbatim in
 * test/fixtures/published/relay-frames.txt) against the real bus: each parses as a client frame;
 * sent into the bus by a relay client it reaches the web client's provider as published; the
 * launcher's own hot keys, links and phone book produce and answer them as published.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { ClientFrameSchema, isLocalModule } from '../../common/bus';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { startLocalServicesServer, OriginAllowList, type LocalServicesServer } from './index';
import { HotkeyService } from '../hotkeys/service';
import { LinkService } from '../links/service';
import { Phonebook } from '../phonebook/service';
import { VCardFolderSource } from '../phonebook/vcard-folder';

const PBX = 'https://pbx.example.com';
const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures', 'published', 'relay-frames.txt');

/** name -> frame text, as in the fixture file (`@name (note)` line, then the frame line). */
async function readFixtures(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let name: string | undefined;
  for (const line of (await fs.readFile(FIXTURES, 'utf8')).split('\n')) {
    if (line.startsWith('@')) name = line.slice(1).split(' ')[0];
    else if (name && line.startsWith('{')) {
      out.set(name, line);
      name = undefined;
    }
  }
  return out;
}

type Frame = Record<string, any>;

class Peer {
  frames: Frame[] = [];
  private waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as Frame;
      const i = this.waiters.findIndex((w) => w.pred(f));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(f);
      else this.frames.push(f);
    });
  }
  static async open(server: LocalServicesServer): Promise<Peer & { client: string }> {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bus?token=${server.token}&v=1`, { origin: PBX });
    const p = new Peer(ws) as Peer & { client: string };
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    p.client = (await p.next((f) => f.mt === 'Welcome')).client;
    return p;
  }
  send(text: string | Frame): void {
    this.ws.send(typeof text === 'string' ? text : JSON.stringify(text));
  }
  next(pred: (f: Frame) => boolean, ms = 5000): Promise<Frame> {
    const i = this.frames.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.frames.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve: (f: Frame) => { clearTimeout(t); resolve(f); } };
      const t = setTimeout(() => { this.waiters.splice(this.waiters.indexOf(w), 1); reject(new Error('timeout waiting for a frame')); }, ms);
      this.waiters.push(w);
    });
  }
}

describe('published relay frames (F11, F12, F19)', () => {
  let fixtures: Map<string, string>;
  let server: LocalServicesServer;
  let web: Peer & { client: string };
  let dir: string;
  const fx = (name: string): Frame => JSON.parse(fixtures.get(name)!) as Frame;

  beforeAll(async () => {
    fixtures = await readFixtures();
    server = await startLocalServicesServer({ logger: memoryLogger(), origins: new OriginAllowList([PBX]), pbxOrigin: () => PBX });
    // The web client: bridges a phone app and a chat app.
    web = await Peer.open(server);
    web.send({ mt: 'RegisterApi', api: 'com.innovaphone.phone', provider: 'phone' });
    web.send({ mt: 'RegisterApi', api: 'com.innovaphone.chat', provider: 'chat' });
    const c = server.router.consume('com.innovaphone.chat');
    await c.waitForProvider(3000);
    c.close();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'published-frames-'));
    // The contact of the published SearchInfo, and the one of the published LookupInfo.
    await fs.writeFile(path.join(dir, 'john.vcf'), 'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;John;;;\r\nFN:John Doe\r\nORG:ACME\r\nTITLE:Head of everything\r\nTEL;TYPE=WORK:11111\r\nTEL;TYPE=WORK:22222\r\nTEL;TYPE=HOME:+4944444\r\nTEL;TYPE=HOME:33333\r\nTEL;TYPE=CELL:+49 (123) 55555\r\nEND:VCARD\r\n');
    await fs.writeFile(path.join(dir, 'jake.vcf'), 'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Blues;Jake;;;\r\nFN:Jake Blues\r\nORG:Blues Brothers\r\nTEL;TYPE=WORK:0004970311234567\r\nEND:VCARD\r\n');
  });
  afterAll(async () => {
    web?.ws.terminate();
    await server?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('every fixture is valid JSON and a valid frame of the bus protocol', () => {
    expect([...fixtures.keys()]).toEqual(['F11-dial', 'F11-accept', 'F11-reject', 'F12-tel', 'F12-sip', 'F12-im', 'F19-search-request', 'F19-search-result', 'F19-lookup-request']);
    for (const [name, text] of fixtures) {
      const r = ClientFrameSchema.safeParse(JSON.parse(text));
      expect(r.success, `${name}: ${r.success ? '' : r.error.message}`).toBe(true);
    }
  });

  it('F11/F12 requests sent by a relay client reach the web client as published, plus the client the bus sets', async () => {
    const relay = await Peer.open(server);
    try {
      for (const name of ['F11-dial', 'F11-accept', 'F11-reject', 'F12-tel', 'F12-sip', 'F12-im']) {
        relay.send(fixtures.get(name)!);
        expect(await web.next((f) => f.mt === 'ApiRequest'), name).toEqual({ ...fx(name), client: relay.client });
      }
      // The web client's answer without client goes to a launcher module named by its consumer:
      // none by that name here, so nothing reaches the relay client.
      web.send({ mt: 'ApiResult', api: 'com.innovaphone.phone', provider: 'phone', consumer: fx('F11-accept').consumer, msg: { mt: 'ConnectCallResult' } });
      await new Promise((r) => setTimeout(r, 50));
      expect(relay.frames.filter((f) => f.mt === 'ApiResult')).toEqual([]);
    } finally {
      relay.ws.terminate();
    }
  });

  it('the launcher sends F11 (hot keys) and F12 (links) exactly as published, from its modules', async () => {
    let press: (id: string) => void = () => {};
    const hot = new HotkeyService({
      router: server.router,
      logger: memoryLogger(),
      keys: { setChords: async (chords, onPress) => { press = onPress; return chords.map(() => ({ ok: true })) as never; }, close() {} },
      selection: { readSelection: async () => '13' },
      doublePressMs: 0,
    });
    const links = new LinkService({ router: server.router, logger: memoryLogger() });
    try {
      await hot.configure({ dial: 'F9', accept: 'F10', reject: 'F11' });
      const local = (f: Frame): Frame => ({ ...f, consumer: hot.module.id });
      press('dial');
      // PrepareCall also carries `txt` (the SDK's phone API names the text so); otherwise F11 as published.
      const dial = await web.next((f) => f.mt === 'ApiRequest');
      expect(dial).toEqual({ ...local(fx('F11-dial')), msg: { ...fx('F11-dial').msg, txt: '13' } });
      expect(isLocalModule(dial.consumer)).toBe(true);
      press('accept');
      expect(await web.next((f) => f.mt === 'ApiRequest')).toEqual(local(fx('F11-accept')));
      press('reject');
      expect(await web.next((f) => f.mt === 'ApiRequest')).toEqual(local(fx('F11-reject')));

      const fromLinks = (f: Frame): Frame => ({ ...f, consumer: links.module.id });
      links.handleLink('tel:4711');
      expect(await web.next((f) => f.mt === 'ApiRequest')).toEqual(fromLinks(fx('F12-tel')));
      links.handleLink('sip:zkl@innovaphone.com');
      expect(await web.next((f) => f.mt === 'ApiRequest')).toEqual(fromLinks(fx('F12-sip')));
      links.handleLink('im:zkl@innovaphone.com');
      expect(await web.next((f) => f.mt === 'ApiRequest')).toEqual(fromLinks(fx('F12-im')));
    } finally {
      await hot.close();
      links.close();
    }
  });

  it('F19: the phone book answers the published Search and Lookup requests as published', async () => {
    const pb = Phonebook.start({ router: server.router, logger: memoryLogger(), sources: [new VCardFolderSource(dir)] });
    try {
      await pb.ready();
      expect(pb.providing).toBe(true);
      web.send(fixtures.get('F19-search-request')!);
      const info = await web.next((f) => f.mt === 'ApiResult');
      const published = fx('F19-search-result');
      // Addressed as published: src and consumer echoed, the provider a launcher module, the client this web client.
      expect(info).toMatchObject({ ...published, src: '4', provider: pb.providerName, client: web.client });
      expect(pb.providerName).toMatch(/^@local-/);
      // No other frame fields; what we add to the published SearchInfo: the display name (`dn`,
      // docs/phonebook.md's SearchInfo has it; `displayname` in the contact) and empty number lists.
      expect(Object.keys(info).sort()).toEqual(Object.keys(published).sort());
      const extra = (have: Record<string, unknown>, shown: Record<string, unknown>) => Object.fromEntries(Object.entries(have).filter(([k]) => !(k in shown)));
      expect(extra(info.msg, published.msg)).toEqual({ dn: 'John Doe' });
      const extraContact = extra(info.msg.contact, published.msg.contact);
      expect(extraContact.displayname).toBe('John Doe');
      for (const [k, v] of Object.entries(extraContact)) if (k !== 'displayname') expect(v, k).toEqual([]);
      // and the end message, addressed the same way
      expect(await web.next((f) => f.mt === 'ApiResult')).toEqual({ mt: 'ApiResult', api: 'com.innovaphone.search', provider: pb.providerName, consumer: 'dev:SwPh_zkl_5e42e884', client: web.client, src: '4', msg: { mt: 'SearchResult' } });

      // The same request without src (lib1's consumer.send(msg, "*")): results and end message still come.
      const noSrc = fx('F19-search-request');
      delete noSrc.src;
      web.send(noSrc);
      const r1 = await web.next((f) => f.mt === 'ApiResult');
      expect(r1).toMatchObject({ consumer: 'dev:SwPh_zkl_5e42e884', client: web.client, msg: { mt: 'SearchInfo' } });
      expect(r1.src).toBeUndefined();
      expect(await web.next((f) => f.mt === 'ApiResult')).toMatchObject({ msg: { mt: 'SearchResult' } });

      // Lookup (the seed's result is truncated: its visible fields).
      web.send(fixtures.get('F19-lookup-request')!);
      const li = await web.next((f) => f.mt === 'ApiResult');
      expect(li).toMatchObject({
        mt: 'ApiResult',
        api: 'com.innovaphone.lookup',
        provider: pb.providerName,
        consumer: 'dev:SwPh_zkl_5e42e884',
        client: web.client,
        src: '4',
        msg: { mt: 'LookupInfo', dn: 'Jake Blues', contact: { telephonenumber: ['0004970311234567'], givenname: 'Jake', sn: 'Blues', company: 'Blues Brothers' } },
      });
      expect(await web.next((f) => f.mt === 'ApiResult')).toMatchObject({ src: '4', msg: { mt: 'LookupResult' } });
    } finally {
      await pb.close();
    }
  });
});
