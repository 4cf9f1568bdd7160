import { afterEach, describe, expect, it } from 'vitest';
import https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startPbxSim, loginDigest, loginResultDigest, type PbxSim } from './index';

const sims: PbxSim[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function sim(opts: Parameters<typeof startPbxSim>[0] = {}): Promise<PbxSim> {
  const s = await startPbxSim({ https: false, ...opts });
  sims.push(s);
  return s;
}

async function http(url: string, init?: RequestInit): Promise<{ status: number; body: any; type: string }> {
  const r = await fetch(url, init);
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: r.status, body, type: r.headers.get('content-type') ?? '' };
}
const post = (url: string, body: unknown) => http(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** A myApps WebSocket client that queues messages and waits for them by mt. */
async function myApps(s: PbxSim) {
  const ws = new WebSocket(`${s.origin.replace(/^http/, 'ws')}/PBX0/APPCLIENT/websocket`);
  const queue: any[] = [];
  const waiters: { mt: string; resolve: (m: any) => void }[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    const i = waiters.findIndex((w) => w.mt === m.mt);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    else queue.push(m);
  });
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res());
    ws.once('error', rej);
  });
  return {
    ws,
    closed,
    queue,
    send: (m: unknown) => ws.send(JSON.stringify(m)),
    next(mt: string, timeoutMs = 5000): Promise<any> {
      const i = queue.findIndex((m) => m.mt === mt);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ${mt} within ${timeoutMs} ms; queue: ${JSON.stringify(queue.map((m) => m.mt))}`)), timeoutMs);
        waiters.push({ mt, resolve: (m) => (clearTimeout(t), resolve(m)) });
      });
    },
  };
}

async function loggedIn(s: PbxSim) {
  const c = await myApps(s);
  c.send({ mt: 'Login', type: 'user', userAgent: 'unit test' });
  const auth = await c.next('Authenticate');
  const nonce = '0123456789abcdef';
  c.send({ mt: 'Login', type: 'user', method: 'digest', username: s.user.sip, nonce, response: loginDigest('user', auth.domain, s.user.sip, s.user.password, nonce, auth.challenge) });
  const result = await c.next('LoginResult');
  return { c, auth, nonce, result };
}

describe('pbx-sim HTTP', () => {
  it('serves the web client over HTTPS with a generated self-signed certificate, and the apps from a second origin', async () => {
    const certDir = mkdtempSync(join(tmpdir(), 'pbx-sim-cert-test-'));
    dirs.push(certDir);
    const s = await sim({ https: true, certDir });
    expect(s.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(s.appsOrigin).not.toBe(s.origin);
    const x = new X509Certificate(s.cert!.cert);
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.checkHost('localhost')).toBe('localhost');
    const get = (url: string) =>
      new Promise<{ status: number; body: string; peerFingerprint: string }>((resolve, reject) => {
        https
          .get(url, { ca: s.cert!.cert, agent: false }, (res) => {
            const peerFingerprint = (res.socket as import('node:tls').TLSSocket).getPeerX509Certificate()?.fingerprint256 ?? '';
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, peerFingerprint }));
          })
          .on('error', reject);
      });
    const page = await get(s.url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('appclient.js');
    expect(page.peerFingerprint).toBe(s.cert!.fingerprint256);
    expect((await get(`${s.appsOrigin}/PBX0/APPS/phone.htm`)).body).toContain('standin.js');
    // The apps origin is only an app server: no web client there.
    expect((await get(`${s.appsOrigin}/PBX0/APPCLIENT/appclient.htm`)).status).toBe(404);
    // The second start reuses the cached certificate.
    const again = await sim({ https: true, certDir });
    expect(again.cert!.fingerprint256).toBe(s.cert!.fingerprint256);
  });

  it('serves only known static files (no traversal, no unknown types)', async () => {
    const s = await sim();
    expect((await http(`${s.origin}/PBX0/APPS/lib1.js`)).type).toMatch(/javascript/);
    expect((await http(`${s.origin}/PBX0/APPCLIENT/..%2f..%2fserver.ts`)).status).toBe(404);
    expect((await http(`${s.origin}/PBX0/APPCLIENT/../server.ts`)).status).toBe(404);
    expect((await http(`${s.origin}/PBX0/APPS/.hidden.js`)).status).toBe(404);
    expect((await http(`${s.origin}/PBX0/APPS/nothere.htm`)).status).toBe(404);
    const root = await fetch(`${s.origin}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/PBX0/APPCLIENT/appclient.htm');
  });

  it('control API: records received requests, validates them, resets', async () => {
    const s = await sim();
    const rec = { app: 'phone', api: 'com.innovaphone.phone', consumer: 'bus:c1', src: 's1', msg: { mt: 'PrepareCall', text: '123' } };
    const waiting = s.control.waitForReceived((r) => r.msg.mt === 'PrepareCall');
    // Apps report to their own origin: the apps server accepts records too.
    expect((await post(`${s.appsOrigin}/sim/received`, rec)).status).toBe(204);
    expect((await waiting).src).toBe('s1');
    const list = await http(`${s.origin}/sim/received`);
    expect(list.body.records).toHaveLength(1);
    expect(list.body.records[0]).toMatchObject(rec);
    // Batches (what the apps send).
    expect((await post(`${s.origin}/sim/received`, { records: [{ ...rec, src: 's2' }, { ...rec, src: 's3' }] })).status).toBe(204);
    expect(s.control.received().map((r) => r.src)).toEqual(['s1', 's2', 's3']);
    expect((await post(`${s.origin}/sim/received`, { records: [] })).status).toBe(400);
    s.control.clearReceived();
    await post(`${s.origin}/sim/received`, rec);
    expect((await post(`${s.origin}/sim/received`, { app: 'phone' })).status).toBe(400);
    expect((await post(`${s.origin}/sim/received`, '{not json')).status).toBe(400);
    expect((await post(`${s.origin}/sim/received`, 'x'.repeat(1_100_000))).status).toBe(413);
    expect((await post(`${s.origin}/sim/model`, 'x'.repeat(70_000))).status).toBe(413);
    expect(s.control.received()).toHaveLength(1);
    expect((await post(`${s.origin}/sim/reset`, {})).status).toBe(204);
    expect((await http(`${s.origin}/sim/received`)).body.records).toEqual([]);
    expect((await http(`${s.origin}/sim/nothing`)).status).toBe(404);
    // Control routes other than /sim/received are not on the apps origin.
    expect((await http(`${s.appsOrigin}/sim/model`)).status).toBe(404);
  });

  it('control API: the client model can be read, changed (pushed to logged-in clients) and reset', async () => {
    const s = await sim();
    const m = await http(`${s.origin}/sim/model`);
    expect(m.body).toMatchObject({ launcher: true, user: { sip: 'atlantis' }, adminSettings: { autostart: { value: true, force: false } } });
    expect(typeof m.body.launcherUpdateBuild).toBe('string');
    expect(typeof m.body.appStoreUrl).toBe('string');
    const { c } = await loggedIn(s);
    expect((await c.next('UpdateClientModel')).model.adminSettings.autostart).toEqual({ value: true, force: false });
    const changed = await post(`${s.origin}/sim/model`, { adminSettings: { autostart: { value: false, force: true } }, launcherUpdateBuild: '1429999' });
    expect(changed.status).toBe(200);
    expect(changed.body.launcherUpdateBuild).toBe('1429999');
    const pushed = await c.next('UpdateClientModel');
    expect(pushed.model.adminSettings).toEqual({ autostart: { value: false, force: true } });
    expect(pushed.model.launcherUpdateBuild).toBe('1429999');
    // A setting without force, or of the wrong shape, is refused with a reason.
    const bad = await post(`${s.origin}/sim/model`, { adminSettings: { autostart: { value: true } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/adminSettings\.autostart\.force/);
    expect((await post(`${s.origin}/sim/model`, { launcher: 'yes' })).status).toBe(400);
    await post(`${s.origin}/sim/reset`, {});
    expect((await c.next('UpdateClientModel')).model.adminSettings.autostart).toEqual({ value: true, force: false });
    c.ws.close();
  });
});

describe('pbx-sim myApps WebSocket', () => {
  it('digest login: refuses a wrong response and a reused nonce, accepts the right one with a verifiable LoginResult digest', async () => {
    const s = await sim();
    const c = await myApps(s);
    c.send({ mt: 'CheckBuild', url: s.url });
    expect(await c.next('CheckBuildResult')).toMatchObject({ launcherUpdateBuild: '1420100', appStoreUrl: expect.stringMatching(/^https:/) });
    c.send({ mt: 'LoginInfo' });
    expect((await c.next('LoginInfoResult')).user.digest).toBe(true);
    // Nothing but login before login.
    c.send({ mt: 'SubscribeApps' });
    expect((await c.next('Error')).errorText).toMatch(/login first/);
    // Wrong password.
    c.send({ mt: 'Login', type: 'user' });
    let auth = await c.next('Authenticate');
    expect(auth).toMatchObject({ type: 'user', method: 'digest', domain: 'sim.example.com' });
    expect(auth.challenge).toMatch(/^[0-9a-f]{16}$/);
    const nonce = 'aaaaaaaaaaaaaaaa';
    c.send({ mt: 'Login', type: 'user', method: 'digest', username: 'atlantis', nonce, response: loginDigest('user', auth.domain, 'atlantis', 'wrong', nonce, auth.challenge) });
    expect(await c.next('LoginResult')).toEqual({ mt: 'LoginResult', error: 2, errorText: 'Authentication failed' });
    // Right password but a reused nonce.
    c.send({ mt: 'Login', type: 'user' });
    auth = await c.next('Authenticate');
    c.send({ mt: 'Login', type: 'user', method: 'digest', username: 'atlantis', nonce, response: loginDigest('user', auth.domain, 'atlantis', 'pwd', nonce, auth.challenge) });
    expect((await c.next('LoginResult')).error).toBe(2);
    // A digest without a challenge first.
    const n2 = 'bbbbbbbbbbbbbbbb';
    c.send({ mt: 'Login', type: 'user', method: 'digest', username: 'atlantis', nonce: n2, response: loginDigest('user', auth.domain, 'atlantis', 'pwd', n2, auth.challenge) });
    expect((await c.next('LoginResult')).error).toBe(2);
    // Session logins are not simulated: the PBX says the session expired.
    c.send({ mt: 'Login', type: 'session' });
    expect((await c.next('LoginResult')).error).toBe(5);
    // Correct.
    c.send({ mt: 'Login', type: 'user' });
    auth = await c.next('Authenticate');
    const n3 = 'cccccccccccccccc';
    c.send({ mt: 'Login', type: 'user', method: 'digest', username: 'atlantis', nonce: n3, response: loginDigest('user', auth.domain, 'atlantis', 'pwd', n3, auth.challenge) });
    const ok = await c.next('LoginResult');
    expect(ok.info.user).toMatchObject({ sip: 'atlantis', dn: 'Atlantis Test', num: '201' });
    expect(ok.digest).toBe(loginResultDigest(auth.domain, 'atlantis', 'pwd', n3, auth.challenge, JSON.stringify(ok.info)));
    expect((await c.next('UpdateClientModel')).model.launcher).toBe(true);
    expect((await c.next('UpdateOwnPresence')).presence).toEqual([
      { contact: 'tel:', status: 'open', activity: '' },
      { contact: 'im:', status: 'open', activity: '' },
    ]);
    await s.control.waitForSession((x) => x.loggedIn && x.user === 'atlantis' && x.userAgent === '');
    c.ws.close();
  });

  it('answers SubscribeApps with the apps on the apps origin and SetUserActivity with UpdateOwnPresence', async () => {
    const s = await sim();
    const { c } = await loggedIn(s);
    await c.next('UpdateOwnPresence');
    c.send({ mt: 'SubscribeApps' });
    const apps = await c.next('UpdateApps');
    expect(apps.apps.map((a: any) => a.name)).toEqual(['phone', 'chat']);
    expect(apps.apps[0].url).toBe(`${s.appsOrigin}/PBX0/APPS/phone`);
    expect(apps.apps[0].info.apis).toHaveProperty(['com.innovaphone.phone']);
    c.send({ mt: 'SetUserActivity', inactive: true });
    expect((await c.next('UpdateOwnPresence')).presence).toContainEqual({ contact: 'im:', status: 'closed', activity: '' });
    expect((await s.control.waitForSession((x) => x.inactive === true)).presence[1]!.status).toBe('closed');
    c.send({ mt: 'SetUserActivity', inactive: false });
    expect((await c.next('UpdateOwnPresence')).presence).toContainEqual({ contact: 'im:', status: 'open', activity: '' });
    c.send({ mt: 'SetOwnPresence', activity: 'dnd', note: 'focus' });
    expect((await c.next('UpdateOwnPresence')).presence[0]).toEqual({ contact: 'tel:', status: 'open', activity: 'dnd', note: 'focus' });
    // Malformed and unknown messages get an error, the session stays.
    c.send({ mt: 'SetUserActivity', inactive: 'yes' });
    expect((await c.next('Error')).errorText).toMatch(/SetUserActivity/);
    c.ws.send('not json');
    expect((await c.next('Error')).errorText).toMatch(/not JSON/);
    c.send({ mt: 'AppGetLogin', src: 'x1', app: 'phone', challenge: '1234' });
    expect(await c.next('AppGetLoginResult')).toMatchObject({ src: 'x1', error: 1 });
    // POST /sim/push reaches logged-in sessions.
    expect((await post(`${s.origin}/sim/push`, { msg: { mt: 'Disconnect' } })).body).toEqual({ sent: 1 });
    await c.next('Disconnect');
    expect((await post(`${s.origin}/sim/push`, { msg: { nomt: 1 } })).status).toBe(400);
    c.ws.close();
  });

  it('sends an idle Ping, counts Pongs and drops a client that stops answering', async () => {
    const s = await sim({ pingIntervalMs: 100 });
    const { c } = await loggedIn(s);
    await c.next('Ping', 2000);
    c.send({ mt: 'Pong' });
    await s.control.waitForSession((x) => x.pongsReceived >= 1);
    // Stop answering: the sim closes the connection after two unanswered Pings.
    const code = await c.closed;
    expect(code).toBe(1006);
    await expect.poll(() => s.control.sessions().length).toBe(0);
  });

  it('refuses WebSocket upgrades on other paths', async () => {
    const s = await sim();
    const ws = new WebSocket(`${s.origin.replace(/^http/, 'ws')}/PBX0/other`);
    const err = await new Promise<Error>((r) => ws.once('error', r));
    expect(err.message).toMatch(/404/);
  });

  it('refuses to bind a non-loopback address', async () => {
    await expect(startPbxSim({ https: false, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});
