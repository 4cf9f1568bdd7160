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

  it('relays call messages between registrations of logged-in users only', async () => {
    const s = await startPbxSim({ https: false, softphone: true, users: [{ sip: 'bob', password: 'b' }] });
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
    b.send({ mt: 'SimRegister', sip: 'bob' });
    expect(await b.next('SimRegisterResult')).toMatchObject({ sip: 'bob', error: expect.stringMatching(/not logged in/) });
    await login(s, 'bob', 'b');
    b.send({ mt: 'SimRegister', sip: 'bob' });
    expect(await b.next('SimRegisterResult')).toEqual({ mt: 'SimRegisterResult', sip: 'bob' });
    a.send({ mt: 'SimSignal', to: 'bob', call: 'c1', msg: { mt: 'Setup' } });
    expect(await a.next('Error')).toMatchObject({ errorText: /SimRegister first/ });
    a.send({ mt: 'SimRegister', sip: 'atlantis' });
    await a.next('SimRegisterResult');
    a.send({ mt: 'SimSignal', to: 'bob', call: 'c1', msg: { mt: 'Setup', offers: { audio: {} } } });
    expect(await b.next('SimSignal')).toEqual({ mt: 'SimSignal', from: 'atlantis', call: 'c1', msg: { mt: 'Setup', offers: { audio: {} } } });
    a.send({ mt: 'SimSignal', to: 'carol', call: 'c2', msg: { mt: 'Setup' } });
    expect(await a.next('SimSignalError')).toMatchObject({ to: 'carol', call: 'c2', errorText: 'carol is not registered' });
    a.send('not json');
    expect(await a.next('Error')).toMatchObject({ errorText: /invalid signal message/ });
    expect(s.signal?.registrations().map((r) => r.sip).sort()).toEqual(['atlantis', 'bob']);
    expect(s.signal?.relayed()).toBe(1);
  });
});
