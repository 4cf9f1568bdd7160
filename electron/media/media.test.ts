import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startLocalServicesServer, OriginAllowList, type LocalServicesServer } from '../bus';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { MediaErrorCode } from '../../common/media';
import { callsFromProviders, hookKeyToPhoneRequest, ledStateFromCalls } from './headset';
import { isVpnInterfaceName, parseExcludeInterfaces, vpnAddresses } from './interfaces';
import { startMediaRelay, type MediaRelay } from './relay';
import { RingtoneStore, isSafeRingtoneName } from './ringtones';

const APP = 'https://pbx.example.com';

describe('VPN interfaces and EXCLUDEINTERFACES', () => {
  it('recognises tunnel, PPP and WireGuard interface names', () => {
    for (const n of ['tun0', 'tap1', 'ppp0', 'wg0', 'utun3', 'ipsec0', 'Cisco AnyConnect Secure Mobility Client', 'OpenVPN Wintun']) expect(isVpnInterfaceName(n)).toBe(true);
    for (const n of ['eth0', 'wlan0', 'en0', 'lo', 'Ethernet 2', 'docker0']) expect(isVpnInterfaceName(n)).toBe(false);
  });
  it('collects the addresses of VPN interfaces only', () => {
    const ifaces = {
      eth0: [{ address: '192.0.2.2', family: 'IPv4', internal: false }],
      tun0: [{ address: '10.8.0.2', family: 'IPv4', internal: false }, { address: 'FD00::8', family: 'IPv6', internal: false }],
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
    } as unknown as NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>;
    expect(vpnAddresses(ifaces)).toEqual(['10.8.0.2', 'fd00::8']);
  });
  it('parses the MSI value and drops junk', () => {
    expect(parseExcludeInterfaces('172,192.168, 10.10.')).toEqual(['172', '192.168', '10.10']);
    expect(parseExcludeInterfaces('abc-def,;rm -rf')).toEqual([]);
    expect(parseExcludeInterfaces(undefined)).toEqual([]);
  });
});

describe('headset keys -> phone API, call state -> LEDs', () => {
  const alerting = [{ id: 1, dir: 'i', state: 'Alerting' }];
  const connected = [{ id: 1, dir: 'o', state: 'Connected' }];
  it('maps hook keys by call state', () => {
    expect(hookKeyToPhoneRequest('offhook', alerting)).toEqual({ mt: 'ConnectCall' });
    expect(hookKeyToPhoneRequest('offhook', [])).toBeNull();
    expect(hookKeyToPhoneRequest('onhook', connected)).toEqual({ mt: 'DisconnectCall' });
    expect(hookKeyToPhoneRequest('onhook', [])).toBeNull();
    expect(hookKeyToPhoneRequest('talk', alerting)).toEqual({ mt: 'ConnectCall' });
    expect(hookKeyToPhoneRequest('talk', connected)).toEqual({ mt: 'DisconnectCall' });
    expect(hookKeyToPhoneRequest('disc', alerting)).toEqual({ mt: 'DisconnectCall' });
    expect(hookKeyToPhoneRequest('mute', connected)).toBeNull();
  });
  it('derives LEDs from calls', () => {
    expect(ledStateFromCalls(alerting, false)).toEqual({ offHook: false, ring: true, mute: false, hold: false });
    expect(ledStateFromCalls(connected, true)).toEqual({ offHook: true, ring: false, mute: true, hold: false });
    expect(ledStateFromCalls([{ state: 'Held' }], true)).toEqual({ offHook: true, ring: false, mute: true, hold: true });
    expect(ledStateFromCalls([], true).mute).toBe(false);
  });
  it('reads calls out of phone provider models', () => {
    expect(callsFromProviders({ a: { model: { calls: [{ id: 1, state: 'Connected' }] } }, b: { model: {} } })).toEqual([{ id: 1, state: 'Connected' }]);
  });
});

describe('ring tone store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ringtones-'));
    mkdirSync(join(dir, 'ringtones'));
    writeFileSync(join(dir, 'ringtones', 'b.mp3'), 'x');
    writeFileSync(join(dir, 'ringtones', 'A tone.MP3'), 'x');
    writeFileSync(join(dir, 'ringtones', 'notes.txt'), 'x');
    writeFileSync(join(dir, 'ringtones', '.hidden.mp3'), 'x');
    writeFileSync(join(dir, 'outside.mp3'), 'x');
    symlinkSync(join(dir, 'outside.mp3'), join(dir, 'ringtones', 'link.mp3'));
    mkdirSync(join(dir, 'ringtones', 'dir.mp3'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists built-ins then the .mp3 files of the folder', async () => {
    const s = new RingtoneStore(join(dir, 'ringtones'), memoryLogger());
    const list = await s.list();
    expect(list.filter((t) => !t.builtin)).toEqual([
      { ident: 'custom:A tone.MP3', title: 'A tone', builtin: false },
      { ident: 'custom:b.mp3', title: 'b', builtin: false },
      { ident: 'custom:link.mp3', title: 'link', builtin: false },
    ]);
    expect(await new RingtoneStore(join(dir, 'missing'), memoryLogger()).customFiles()).toEqual([]);
  });

  it('resolves only listed files inside the folder', async () => {
    const s = new RingtoneStore(join(dir, 'ringtones'), memoryLogger());
    expect(await s.resolveFile('b.mp3')).toMatch(/ringtones\/b\.mp3$/);
    expect(await s.resolveFile('../outside.mp3')).toBeNull();
    expect(await s.resolveFile('link.mp3')).toBeNull(); // symlink out of the folder
    expect(await s.resolveFile('dir.mp3')).toBeNull();
    expect(await s.resolveFile('notes.txt')).toBeNull();
    expect(isSafeRingtoneName('..')).toBe(false);
    expect(isSafeRingtoneName('a\\b.mp3')).toBe(false);
    expect(isSafeRingtoneName('a\0.mp3')).toBe(false);
  });

  it('turns idents into sources and falls back to the default', async () => {
    const s = new RingtoneStore(join(dir, 'ringtones'), memoryLogger());
    expect(await s.source('custom:b.mp3', 'T')).toEqual({ ident: 'custom:b.mp3', source: { kind: 'url', url: '/ringtones/b.mp3?token=T' }, fallback: false });
    expect((await s.source('builtin:europe', 'T')).source.kind).toBe('builtin');
    expect(await s.source('custom:../outside.mp3', 'T')).toMatchObject({ ident: 'builtin:classic', fallback: true });
    expect(await s.source('builtin:ping', 'T', true)).toMatchObject({ ident: 'builtin:ping', fallback: false });
  });
});

/** A stand-in engine (plain WebSocket client) to test the relay's routing without Chromium. */
async function connect(url: string, origin: string): Promise<{ ws: WebSocket; inbox: Record<string, any>[]; next: (mt: string) => Promise<Record<string, any>> }> {
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
  return { ws, inbox, next };
}

describe('media relay (real local services server, stand-in engine)', () => {
  let server: LocalServicesServer;
  let relay: MediaRelay;
  let logger: ReturnType<typeof memoryLogger>;
  const hookKeys: string[] = [];
  beforeEach(async () => {
    logger = memoryLogger();
    server = await startLocalServicesServer({ logger, origins: new OriginAllowList([APP]), host: '127.0.0.1', port: 0 });
    relay = startMediaRelay(server, { logger, engineScript: () => 'console.log(1)', engineWaitMs: 300, onHookKey: (k) => hookKeys.push(k), networkInterfaces: () => ({ tun0: [{ address: '10.8.0.2', internal: false } as never] }) });
  });
  afterEach(async () => {
    relay.close();
    await server.close();
  });
  const engineWs = () => `ws://127.0.0.1:${server.port}/media-engine?token=${server.token}`;
  const secretOf = () => new URLSearchParams(relay.engineUrl().split('#')[1]).get('secret')!;
  const own = () => `http://127.0.0.1:${server.port}`;

  it('serves the engine page and script without the token, with a strict CSP', async () => {
    const page = await fetch(`${own()}/media-engine-page/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await (await fetch(`${own()}/media-engine-page/engine.js`)).text()).toBe('console.log(1)');
    expect(relay.engineUrl()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media-engine-page\/#token=.+&secret=.+$/);
  });

  it('refuses an engine with the wrong secret and keeps its own origin allowed after a list reset', async () => {
    const e = await connect(engineWs(), own());
    e.ws.send(JSON.stringify({ mt: 'EngineHello', secret: 'x'.repeat(32), version: 1 }));
    const code = await new Promise<number>((res) => e.ws.once('close', (c) => res(c)));
    expect(code).toBe(4003);
    expect(relay.engineConnected()).toBe(false);
    server.origins.set([APP]);
    expect(server.origins.has(own())).toBe(true);
  });

  it('answers "no engine" when the engine is not running', async () => {
    const app = await connect(`ws://127.0.0.1:${server.port}/media?token=${server.token}`, APP);
    app.ws.send(JSON.stringify({ mt: 'AllocChannel', channel: 'c1' }));
    expect(await app.next('AllocChannelResult')).toMatchObject({ channel: 'c1', error: MediaErrorCode.NO_ENGINE });
    app.ws.send(JSON.stringify({ mt: 'QueryDevices' }));
    expect(await app.next('Error')).toMatchObject({ error: 'no-engine', ref: 'QueryDevices' });
    app.ws.close();
  });

  it('routes requests and events by session, closes sessions, and tells apps when the engine goes', async () => {
    const e = await connect(engineWs(), own());
    e.ws.send(JSON.stringify({ mt: 'EngineHello', secret: secretOf(), version: 1 }));
    const welcome = await e.next('EngineWelcome');
    expect(welcome.config.excludeAddresses).toEqual(['10.8.0.2']);
    const app = await connect(`ws://127.0.0.1:${server.port}/media?token=${server.token}`, APP);
    const other = await connect(`ws://127.0.0.1:${server.port}/media?token=${server.token}`, APP);
    app.ws.send(JSON.stringify({ mt: 'AllocChannel', channel: 'c1', iceServers: [{ urls: 'stun:stun.example.com' }] }));
    const req = await e.next('EngineRequest');
    expect(req).toMatchObject({ service: 'media', msg: { mt: 'AllocChannel', channel: 'c1', kind: 'audio', direction: 'sendrecv' } });
    e.ws.send(JSON.stringify({ mt: 'EngineEvent', service: 'media', session: req.session, msg: { mt: 'AllocChannelResult', channel: 'c1', kind: 'audio' } }));
    expect(await app.next('AllocChannelResult')).toEqual({ mt: 'AllocChannelResult', channel: 'c1', kind: 'audio' });
    expect(relay.sessions()).toEqual({ media: 2, ringer: 0, channels: 1 });
    // broadcast: device and hook events reach every media session; hook keys reach the service
    e.ws.send(JSON.stringify({ mt: 'EngineEvent', service: 'media', session: '*', msg: { mt: 'HookKey', device: 'hid:1', key: 'offhook', code: 0x93 } }));
    expect(await other.next('HookKey')).toMatchObject({ key: 'offhook' });
    expect(await app.next('HookKey')).toMatchObject({ key: 'offhook' });
    expect(hookKeys).toContain('offhook');
    // app goes away -> engine told
    other.ws.close();
    expect(await e.next('SessionClosed')).toMatchObject({ service: 'media' });
    // engine goes away -> app told its channel is closed
    e.ws.close();
    expect(await app.next('ChannelClosed')).toEqual({ mt: 'ChannelClosed', channel: 'c1', reason: 'engine' });
    app.ws.close();
  });

  it('validates app messages and answers ring tone lists itself', async () => {
    const e = await connect(engineWs(), own());
    e.ws.send(JSON.stringify({ mt: 'EngineHello', secret: secretOf(), version: 1 }));
    await e.next('EngineWelcome');
    const app = await connect(`ws://127.0.0.1:${server.port}/ringer?token=${server.token}`, APP);
    app.ws.send('not json');
    expect(await app.next('Error')).toMatchObject({ error: 'malformed' });
    app.ws.send(JSON.stringify({ mt: 'StartRinging', ringtone: 5 }));
    expect(await app.next('Error')).toMatchObject({ error: 'invalid', ref: 'StartRinging' });
    app.ws.send(JSON.stringify({ mt: 'QueryRingtones' }));
    expect((await app.next('Ringtones')).ringtones[0]).toEqual({ ident: 'builtin:classic', title: 'Classic', builtin: true });
    app.ws.send(JSON.stringify({ mt: 'StartRinging', mode: 'RingerModeAllowVibrate', device: 'dev1', ringtone: 'builtin:chime' }));
    const req = await e.next('EngineRequest');
    expect(req.msg).toMatchObject({ mt: 'StartRinging', device: 'dev1', resolved: 'builtin:chime', source: { kind: 'builtin' } });
    app.ws.close();
    e.ws.close();
  });

  it('refuses recording when no recording store is configured, before the engine is asked', async () => {
    const app = await connect(`ws://127.0.0.1:${server.port}/media?token=${server.token}`, APP);
    app.ws.send(JSON.stringify({ mt: 'AllocChannel', channel: 'r1', recording: { url: 'https://pbx.example.com/rec/' } }));
    expect(await app.next('AllocChannelResult')).toMatchObject({ channel: 'r1', error: MediaErrorCode.RECORDING_FAILED, errorText: 'recording is not available' });
    app.ws.send(JSON.stringify({ mt: 'AllocChannel', channel: 'r2', recording: { url: 'ftp://x/' } }));
    expect(await app.next('Error')).toMatchObject({ error: 'invalid', ref: 'AllocChannel' });
    app.ws.close();
  });

  it('checks Signal channels against the published shape before the engine sees them', async () => {
    const e = await connect(engineWs(), own());
    e.ws.send(JSON.stringify({ mt: 'EngineHello', secret: secretOf(), version: 1 }));
    await e.next('EngineWelcome');
    const app = await connect(`ws://127.0.0.1:${server.port}/media?token=${server.token}`, APP);
    const send = (m: Record<string, unknown>) => app.ws.send(JSON.stringify({ mt: 'RemoteDescription', channel: 'c1', ...m }));
    send({ channels_cmd: 'OFFER', channels: {} });
    expect(await app.next('Error')).toMatchObject({ error: 'invalid', ref: 'RemoteDescription', reason: expect.stringMatching(/channels_cmd/) });
    send({ channels_cmd: 'SELECT' });
    expect(await app.next('Error')).toMatchObject({ error: 'invalid', reason: expect.stringMatching(/PROPOSAL and SELECT need channels/) });
    send({ channels_cmd: 'PROPOSAL', channels: { audio_ice: { fingerprint: 'not hex' } } });
    expect(await app.next('Error')).toMatchObject({ error: 'invalid', reason: expect.stringMatching(/fingerprint/) });
    // Values written into SDP lines cannot end the line and add lines of their own (reliability.fuzz_cases).
    send({ channels_cmd: 'PROPOSAL', channels: { audio_ice: { usr: 'ab', pwd: 'x\r\na=fingerprint:sha-256 00', candidate: [{ addr: '10.0.0.1', rtp: 5000 }] } } });
    expect(await app.next('Error')).toMatchObject({ error: 'invalid', reason: expect.stringMatching(/audio_ice\.pwd: no white space or control characters/) });
    send({ channels_cmd: 'PROPOSAL', channels: { audio_ice: { candidate: [{ addr: '10.0.0.1', rtp: 5000, foundation: '1\r\na=x' }] } } });
    expect(await app.next('Error')).toMatchObject({ error: 'invalid', reason: expect.stringMatching(/foundation/) });
    send({ channels_cmd: 'PROPOSAL', channels: { ch: [{ coder: 'OPUS', pt: 111, fmtp: 'minptime=10\r\na=setup:active' }] } });
    expect(await app.next('Error')).toMatchObject({ error: 'invalid', reason: expect.stringMatching(/fmtp: no control characters/) });
    // a PBX's object: unknown properties are dropped, VPB is read as VP8, REQUEST needs no channels
    send({ channels_cmd: 'PROPOSAL', channels: { source: 'SIP', faststart: ['00'], video_rtcp_mux: true, ch: [{ coder: 'VPB', number: 1, flags: 0 }] } });
    expect((await e.next('EngineRequest')).msg).toEqual({ mt: 'RemoteDescription', channel: 'c1', channels_cmd: 'PROPOSAL', channels: { source: 'SIP', video_rtcp_mux: true, ch: [{ coder: 'VP8', number: 1, flags: 0 }] } });
    send({ channels_cmd: 'REQUEST' });
    expect((await e.next('EngineRequest')).msg).toEqual({ mt: 'RemoteDescription', channel: 'c1', channels_cmd: 'REQUEST' });
    app.ws.close();
    e.ws.close();
  });

  it('follows which channels run, and ends a shared screen for the launcher with reason "stopped"', async () => {
    const e = await connect(engineWs(), own());
    e.ws.send(JSON.stringify({ mt: 'EngineHello', secret: secretOf(), version: 1 }));
    await e.next('EngineWelcome');
    const seen: unknown[] = [];
    const off = relay.onActivity((a) => seen.push(a));
    const app = await connect(`ws://127.0.0.1:${server.port}/media?token=${server.token}`, APP);
    const alloc = async (channel: string, kind: string, direction: string, error?: number) => {
      app.ws.send(JSON.stringify({ mt: 'AllocChannel', channel, kind, direction }));
      const req = await e.next('EngineRequest');
      e.ws.send(JSON.stringify({ mt: 'EngineEvent', service: 'media', session: req.session, msg: { mt: 'AllocChannelResult', channel, kind, ...(error ? { error } : {}) } }));
      await app.next('AllocChannelResult');
      return req.session as string;
    };
    const session = await alloc('a', 'audio', 'sendrecv');
    expect(relay.activity()).toEqual({ audio: 1, video: 0, sharing: [], watching: 0 });
    // a picker the user cancelled: the allocation failed, nothing runs
    await alloc('s0', 'appsharing', 'sendonly', MediaErrorCode.DEVICE_FAILED);
    expect(relay.activity().sharing).toEqual([]);
    await alloc('s', 'appsharing', 'sendonly');
    await alloc('v', 'video', 'sendrecv');
    await alloc('w', 'appsharing', 'recvonly');
    expect(relay.activity()).toEqual({ audio: 1, video: 1, sharing: [{ session, channel: 's', kind: 'appsharing', sends: true }], watching: 1 });
    // Stop in the sharing window: the engine closes it as for CloseChannel, the app hears "stopped"
    expect(relay.stopChannel(session, 'nope')).toBe(false);
    expect(relay.stopChannel(session, 's')).toBe(true);
    expect(await e.next('EngineRequest')).toEqual({ mt: 'EngineRequest', service: 'media', session, msg: { mt: 'CloseChannel', channel: 's' } });
    e.ws.send(JSON.stringify({ mt: 'EngineEvent', service: 'media', session, msg: { mt: 'ChannelClosed', channel: 's', reason: 'closed' } }));
    expect(await app.next('ChannelClosed')).toEqual({ mt: 'ChannelClosed', channel: 's', reason: 'stopped' });
    expect(relay.activity().sharing).toEqual([]);
    // the app's own CloseChannel ends a channel at once; the session's end ends the rest
    app.ws.send(JSON.stringify({ mt: 'CloseChannel', channel: 'v' }));
    await e.next('EngineRequest');
    expect(relay.activity()).toEqual({ audio: 1, video: 0, sharing: [], watching: 1 });
    app.ws.close();
    await e.next('SessionClosed');
    expect(relay.activity()).toEqual({ audio: 0, video: 0, sharing: [], watching: 0 });
    // one event per change, not per message
    expect(seen.length).toBe(7);
    off();
    e.ws.close();
  });

  it('refuses app sockets from origins not on the list', async () => {
    await expect(connect(`ws://127.0.0.1:${server.port}/media?token=${server.token}`, 'https://evil.example')).rejects.toThrow(/403/);
  });
});

describe('media service wiring (relay + phone API)', () => {
  it('sends ConnectCall/DisconnectCall for headset keys and drives LEDs from the phone model', async () => {
    const logger = memoryLogger();
    const server = await startLocalServicesServer({ logger, origins: new OriginAllowList([APP]), host: '127.0.0.1', port: 0 });
    const { startMediaService } = await import('./service');
    const phoneRequests: Record<string, unknown>[] = [];
    const provider = server.router.provide('com.innovaphone.phone', 'phone', (req) => { phoneRequests.push(req.msg); }, { title: 'Phone', model: { calls: [] } });
    const media = await startMediaService(server, server.router, logger, { config: { engineScript: () => '', excludeVpn: false } });
    try {
      const e = await connect(`ws://127.0.0.1:${server.port}/media-engine?token=${server.token}`, `http://127.0.0.1:${server.port}`);
      e.ws.send(JSON.stringify({ mt: 'EngineHello', secret: new URLSearchParams(media.relay.engineUrl().split('#')[1]).get('secret'), version: 1 }));
      expect((await e.next('EngineWelcome')).config.excludeAddresses).toEqual([]);
      provider.setModel({ calls: [{ id: 1, dir: 'i', state: 'Alerting' }] });
      expect(await e.next('EngineRequest')).toMatchObject({ session: '@launcher', msg: { mt: 'SetHeadsetState', offHook: false, ring: true, mute: false } });
      e.ws.send(JSON.stringify({ mt: 'EngineEvent', service: 'media', session: '*', msg: { mt: 'HookKey', device: 'hid:1', key: 'offhook', code: 0x93 } }));
      await vi.waitFor(() => expect(phoneRequests).toEqual([{ mt: 'ConnectCall' }]));
      provider.setModel({ calls: [{ id: 1, dir: 'i', state: 'Connected' }] });
      expect(await e.next('EngineRequest')).toMatchObject({ msg: { mt: 'SetHeadsetState', offHook: true, ring: false } });
      e.ws.send(JSON.stringify({ mt: 'EngineEvent', service: 'media', session: '*', msg: { mt: 'HookKey', device: 'hid:1', key: 'onhook', code: 0x94 } }));
      await vi.waitFor(() => expect(phoneRequests.at(-1)).toEqual({ mt: 'DisconnectCall' }));
      e.ws.close();
      // a restarted engine gets the current LED state
      const e2 = await connect(`ws://127.0.0.1:${server.port}/media-engine?token=${server.token}`, `http://127.0.0.1:${server.port}`);
      e2.ws.send(JSON.stringify({ mt: 'EngineHello', secret: new URLSearchParams(media.relay.engineUrl().split('#')[1]).get('secret'), version: 1 }));
      await e2.next('EngineWelcome');
      expect(await e2.next('EngineRequest')).toMatchObject({ msg: { mt: 'SetHeadsetState', offHook: true, ring: false } });
      e2.ws.close();
    } finally {
      await media.close();
      provider.close();
      await server.close();
    }
  });
});
