/**
 * pbx-sim's extra users, per-user client model, softphone app and `/sim/signal` relay, over real
 * sockets (docs/pbx-sim.md, "Softphone and call signalling").
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startPbxSim, loginDigest, type PbxSim } from './index';

const sims: PbxSim[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

/** A JSON WebSocket client with a queue and `next(mt)`. */
async function client(url: string) {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const queue: any[] = [];
  const waiters: { mt: string; resolve: (m: any) => void }[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    const i = waiters.findIndex((w) => w.mt === m.mt);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    else queue.push(m);
  });
  await new Promise<void>((res, rej) => { ws.once('open', () => res()); ws.once('error', rej); });
  return {
    send: (m: unknown) => ws.send(JSON.stringify(m)),
    next(mt: string, timeoutMs = 3000): Promise<any> {
      const i = queue.findIndex((m) => m.mt === mt);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ${mt}; queue: ${queue.map((m) => m.mt).join(',')}`)), timeoutMs);
        waiters.push({ mt, resolve: (m) => { clearTimeout(t); resolve(m); } });
      });
    },
  };
}

async function login(s: PbxSim, sip: string, password: string) {
  const c = await client(`${s.origin.replace(/^http/, 'ws')}/PBX0/APPCLIENT/websocket`);
  c.send({ mt: 'Login', type: 'user' });
  const auth = await c.next('Authenticate');
  const nonce = '0123456789abcdef';
  c.send({ mt: 'Login', type: 'user', method: 'digest', username: sip, nonce, response: loginDigest('user', auth.domain, sip, password, nonce, auth.challenge) });
  const result = await c.next('LoginResult');
  return { c, result, model: result.error ? undefined : (await c.next('UpdateClientModel')).model };
}

describe('pbx-sim: users, softphone app and /sim/signal', () => {
  it('logs in further users with their own identity in LoginResult and the client model', async () => {
    const s = await startPbxSim({ https: false, users: [{ sip: 'bob', password: 'b', dn: 'Bob Test', num: '202' }] });
    sims.push(s);
    const bob = await login(s, 'bob', 'b');
    expect(bob.result.info.user).toMatchObject({ sip: 'bob', dn: 'Bob Test', num: '202', domain: 'sim.example.com' });
    expect(bob.model.user.sip).toBe('bob');
    const atl = await login(s, 'atlantis', 'pwd');
    expect(atl.model.user.sip).toBe('atlantis');
    expect((await login(s, 'bob', 'pwd')).result).toMatchObject({ error: 2 }); // atlantis' password is not bob's
    expect(s.control.sessions().filter((x) => x.loggedIn).map((x) => x.user).sort()).toEqual(['atlantis', 'bob']);
    // without the option there is no softphone app and no /sim/signal
    atl.c.send({ mt: 'SubscribeApps' });
    expect((await atl.c.next('UpdateApps')).apps.map((a: any) => a.name)).toEqual(['phone', 'chat']);
    await expect(client(`${s.appsOrigin.replace(/^http/, 'ws')}/sim/signal`)).rejects.toThrow(/404/);
  });

  it('routes PbxSignal calls between registrations of logged-in users as a PBX does, channels unchanged', async () => {
    const s = await startPbxSim({ https: false, softphone: true, users: [{ sip: 'bob', password: 'b', num: '202' }] });
    sims.push(s);
    const atl = await login(s, 'atlantis', 'pwd');
    atl.c.send({ mt: 'SubscribeApps' });
    const apps = (await atl.c.next('UpdateApps')).apps;
    expect(apps.find((a: any) => a.name === 'softphone')).toMatchObject({ url: `${s.appsOrigin}/PBX0/APPS/softphone`, info: { apis: { 'com.innovaphone.phone': {} } } });
    const res = await fetch(`${s.appsOrigin}/PBX0/APPS/softphone.js`);
    expect(res.status).toBe(200);

    const url = `${s.appsOrigin.replace(/^http/, 'ws')}/sim/signal`;
    const a = await client(url);
    const b = await client(url);
    const P = { api: 'PbxSignal' };
    b.send({ ...P, mt: 'Register', hw: 'bob', src: 'r1' });
    expect(await b.next('RegisterResult')).toEqual({ ...P, mt: 'RegisterResult', src: 'r1', err: expect.stringMatching(/not logged in/) });
    await login(s, 'bob', 'b');
    b.send({ ...P, mt: 'Register', hw: 'bob', src: 'r2' });
    expect(await b.next('RegisterResult')).toEqual({ ...P, mt: 'RegisterResult', src: 'r2' });
    a.send({ ...P, mt: 'Signaling', call: 1, sig: { type: 'setup', cd: { sip: 'bob' } } });
    expect(await a.next('Error')).toMatchObject({ err: /Register first/ });
    a.send({ ...P, mt: 'Register', hw: 'atlantis' });
    await a.next('RegisterResult');

    // setup with a media offer: bob's leg gets its own (negative) call id and the calling party (SIP name and number);
    // channels (with fields the sim does not know) pass unchanged
    const channels = { audio_ice: { usr: 'abcd', pwd: 'x'.repeat(22), fingerprint: 'ab'.repeat(32), candidate: [{ addr: '127.0.0.1', rtp: 5000 }] }, audio_rtcp_mux: true, ch: [{ coder: 'G711A', pt: 8, extra: 1 }] };
    a.send({ ...P, mt: 'Signaling', call: 7, sig: { type: 'setup', cd: { num: '202' }, channels_cmd: 'PROPOSAL', channels, fty: [{ type: 'name_identification', name: 'A' }] } });
    const setup = await b.next('Signaling');
    expect(setup).toEqual({ ...P, mt: 'Signaling', call: expect.any(Number), sig: { type: 'setup', cg: { sip: 'atlantis', num: '201' }, cd: { num: '202' }, channels_cmd: 'PROPOSAL', channels, fty: [{ type: 'name_identification', name: 'A' }] } });
    expect(setup.call).toBeLessThan(0);
    expect(s.signal?.calls()).toBe(1);
    const toA = (sig: Record<string, unknown>) => b.send({ ...P, mt: 'Signaling', call: setup.call, sig });
    toA({ type: 'alert' });
    expect(await a.next('Signaling')).toEqual({ ...P, mt: 'Signaling', call: 7, sig: { type: 'alert' } });
    toA({ type: 'conn', channels_cmd: 'SELECT', channels });
    expect((await a.next('Signaling')).sig).toEqual({ type: 'conn', channels_cmd: 'SELECT', channels });
    // media renegotiation in the running call, both ways
    a.send({ ...P, mt: 'Signaling', call: 7, sig: { type: 'channels', channels_cmd: 'REQUEST' } });
    expect(await b.next('Signaling')).toEqual({ ...P, mt: 'Signaling', call: setup.call, sig: { type: 'channels', channels_cmd: 'REQUEST' } });
    toA({ type: 'channels', channels_cmd: 'PROPOSAL', channels });
    expect((await a.next('Signaling')).sig.channels_cmd).toBe('PROPOSAL');
    // a setup needs a positive id; a message for an unknown call is released
    b.send({ ...P, mt: 'Signaling', call: -5, sig: { type: 'setup', cd: { sip: 'atlantis' } } });
    expect(await b.next('Error')).toMatchObject({ err: /positive call id/ });
    b.send({ ...P, mt: 'Signaling', call: 99, sig: { type: 'alert' } });
    expect(await b.next('Signaling')).toEqual({ ...P, mt: 'Signaling', call: 99, sig: { type: 'rel', cau: { loc: 'pbx', num: 16 } } });
    a.send({ ...P, mt: 'Signaling', call: 7, sig: { type: 'rel', cau: { num: 16 } } });
    expect((await b.next('Signaling')).sig).toEqual({ type: 'rel', cau: { num: 16 } });
    expect(s.signal?.calls()).toBe(0);
    expect(s.signal?.registrations().map((r) => r.sip).sort()).toEqual(['atlantis', 'bob']);
    expect(s.signal?.relayed()).toBe(6); // setup, alert, conn, REQUEST, PROPOSAL, rel
  });

  it('releases calls nobody can take with a Q.931 cause and refuses malformed channels', async () => {
    const s = await startPbxSim({ https: false, softphone: true, users: [{ sip: 'bob', password: 'b' }] });
    sims.push(s);
    await login(s, 'atlantis', 'pwd');
    const url = `${s.appsOrigin.replace(/^http/, 'ws')}/sim/signal`;
    const a = await client(url);
    const P = { api: 'PbxSignal' };
    a.send({ ...P, mt: 'Register', hw: 'atlantis' });
    await a.next('RegisterResult');
    a.send({ ...P, mt: 'Signaling', call: 1, sig: { type: 'setup', cd: { sip: 'bob' } } });
    expect(await a.next('Signaling')).toEqual({ ...P, mt: 'Signaling', call: 1, sig: { type: 'rel', cau: { loc: 'pbx', num: 20 } } });
    a.send({ ...P, mt: 'Signaling', call: 2, sig: { type: 'setup', cd: { sip: 'carol' } } });
    expect((await a.next('Signaling')).sig.cau.num).toBe(1);
    a.send({ ...P, mt: 'Signaling', call: 3, sig: { type: 'setup', cd: { sip: 'bob' }, channels_cmd: 'OFFER' } });
    expect(await a.next('Error')).toMatchObject({ err: /channels_cmd/ });
    a.send({ ...P, mt: 'Signaling', call: 3, sig: { type: 'setup', channels_cmd: 'PROPOSAL', channels: { audio_ice: { fingerprint: 'xyz' } } } });
    expect(await a.next('Error')).toMatchObject({ err: /fingerprint/ });
    a.send('not json');
    expect(await a.next('Error')).toMatchObject({ err: /invalid PbxSignal message/ });
    expect(s.signal?.calls()).toBe(0);
  });
});
