/** pbx-sim serves web client and app files as cacheable static files (no-cache + validators, 304). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startPbxSim, type PbxSim } from './index';

let sim: PbxSim;
let overlay: string;

beforeAll(async () => {
  overlay = await fs.mkdtemp(path.join(os.tmpdir(), 'pbx-sim-overlay-'));
  await fs.mkdir(path.join(overlay, 'APPS'));
  await fs.writeFile(path.join(overlay, 'APPS', 'notes.htm'), '<!doctype html><body data-app="notes" data-version="2"></body>');
  sim = await startPbxSim({ https: false, wwwOverlay: overlay });
});
afterAll(async () => {
  await sim?.close();
  await fs.rm(overlay, { recursive: true, force: true });
});

describe('pbx-sim static files', () => {
  it('sends no-cache with ETag and Last-Modified, and 304 for matching conditionals', async () => {
    const url = `${sim.origin}/PBX0/APPCLIENT/appclient.js`;
    const r = await fetch(url);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-cache');
    const etag = r.headers.get('etag')!;
    const lm = r.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(Number.isFinite(Date.parse(lm))).toBe(true);
    const body = await r.text();
    const nm = await fetch(url, { headers: { 'if-none-match': etag } });
    expect([nm.status, await nm.text(), nm.headers.get('etag')]).toEqual([304, '', etag]);
    expect((await fetch(url, { headers: { 'if-modified-since': lm } })).status).toBe(304);
    // If-None-Match wins over If-Modified-Since
    const changed = await fetch(url, { headers: { 'if-none-match': '"other"', 'if-modified-since': lm } });
    expect([changed.status, await changed.text()]).toEqual([200, body]);
    const apps = await fetch(`${sim.appsOrigin}/PBX0/APPS/lib1.js`);
    expect([apps.status, apps.headers.get('cache-control')]).toEqual([200, 'no-cache']);
  });

  it('keeps API and control routes uncacheable', async () => {
    for (const p of ['/sim/model', '/sim/received', '/sim/login-hint']) {
      expect((await fetch(`${sim.origin}${p}`)).headers.get('cache-control'), p).toBe('no-store');
    }
  });

  it('serves overlay files first and the extra apps from www', async () => {
    expect(await (await fetch(`${sim.appsOrigin}/PBX0/APPS/notes.htm`)).text()).toContain('data-version="2"');
    for (const f of ['calendar.htm', 'reports.htm', 'miniapp.js']) expect((await fetch(`${sim.appsOrigin}/PBX0/APPS/${f}`)).status, f).toBe(200);
  });
});
