import { describe, expect, it } from 'vitest';
import { classifyPath, classifyRequest, classifyResponse } from './classify';
import { freshnessMs } from './core';

describe('classifyPath: app files vs API', () => {
  it.each([
    ['/PBX0/APPCLIENT/appclient.htm', true],
    ['/PBX0/APPCLIENT/1410520/appclient.htm', true],
    ['/PBX0-1/APPCLIENT/appclient.js', true],
    ['/pbx0/appclient/appclient.css', true],
    ['/PBX0/APPS/com.innovaphone.phone/phone.htm', true],
    ['/PBX0/APPS/users/innovaphone-users.png', true],
    ['/example.com/usersapp/innovaphone-usersadmin.png', true],
    ['/example.com/usersapp/innovaphone-usersadmin.htm', true],
    ['/PBX0/APPCLIENT/websocket', false],
    ['/PBX0/APPS/websocket', false],
    ['/PBX0/session', false],
    ['/PBX0/session.xml', false],
    ['/PBX0/ADMIN/mod_cmd.xml', false],
    ['/PBX0/ADMIN/admin.js', false],
    ['/PBX0/user.soap', false],
    ['/PBX0', false],
    ['/example.com/usersapp/', false],
    ['/example.com/usersapp/api', false],
    ['/example.com/usersapp/data.xml', false],
  ])('%s -> cache %s', (p, cache) => {
    expect(classifyPath(p).cache).toBe(cache);
  });
});

describe('classifyRequest', () => {
  const u = 'https://pbx.example.com/PBX0/APPS/phone/phone.js';
  it('caches plain GETs of app files', () => expect(classifyRequest(new Request(u)).cache).toBe(true));
  it('passes non-GET, authenticated, ranged, no-store and upgrade requests', () => {
    expect(classifyRequest(new Request(u, { method: 'POST', body: 'x' }))).toEqual({ cache: false, reason: 'method' });
    expect(classifyRequest(new Request(u, { method: 'HEAD' }))).toEqual({ cache: false, reason: 'method' });
    expect(classifyRequest(new Request(u, { headers: { authorization: 'Bearer x' } }))).toEqual({ cache: false, reason: 'authorization' });
    expect(classifyRequest(new Request(u, { headers: { range: 'bytes=0-1' } }))).toEqual({ cache: false, reason: 'range' });
    expect(classifyRequest(new Request(u, { headers: { 'cache-control': 'no-store' } }))).toEqual({ cache: false, reason: 'no-store' });
    // undici's Request refuses an Upgrade header, so hand a Request-like object over.
    const ws = { method: 'GET', url: u, headers: new Headers({ connection: 'keep-alive, Upgrade' }) } as unknown as Request;
    expect(classifyRequest(ws)).toEqual({ cache: false, reason: 'upgrade' });
  });
});

describe('classifyResponse', () => {
  const ok = (headers: Record<string, string> = {}, status = 200) => new Response('x', { status, headers });
  it('stores plain 200s only', () => {
    expect(classifyResponse(ok(), 100).cache).toBe(true);
    expect(classifyResponse(ok({}, 206), 100).cache).toBe(false);
    expect(classifyResponse(ok({ 'set-cookie': 'a=b' }), 100)).toEqual({ cache: false, reason: 'set-cookie' });
    expect(classifyResponse(ok({ 'cache-control': 'private, no-store' }), 100)).toEqual({ cache: false, reason: 'no-store' });
    expect(classifyResponse(ok({ vary: 'Accept-Encoding, Cookie' }), 100)).toEqual({ cache: false, reason: 'vary' });
    expect(classifyResponse(ok({ 'content-length': '101' }), 100)).toEqual({ cache: false, reason: 'too-big' });
  });
});

describe('freshnessMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('uses max-age, Age and Expires; no heuristic', () => {
    expect(freshnessMs(new Headers({ 'cache-control': 'max-age=60' }), now)).toBe(60_000);
    expect(freshnessMs(new Headers({ 'cache-control': 'max-age=60', age: '10' }), now)).toBe(50_000);
    expect(freshnessMs(new Headers({ 'cache-control': 'no-cache, max-age=60' }), now)).toBe(0);
    expect(freshnessMs(new Headers({ expires: 'Thu, 01 Jan 2026 00:01:00 GMT', date: 'Thu, 01 Jan 2026 00:00:00 GMT' }), now)).toBe(60_000);
    expect(freshnessMs(new Headers({ expires: '0' }), now)).toBe(0);
    expect(freshnessMs(new Headers({ 'last-modified': 'Thu, 01 Jan 2025 00:00:00 GMT' }), now)).toBe(0);
  });
});
