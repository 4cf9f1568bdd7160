import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import {
  canonicalEntry, signEntry, verifyEntrySignature, generateUpdateKeyPair, selectUpdate, manifestUrl, normaliseStoreUrl,
  TokenBucket, downloadFile, DownloadRefused, sha256File, detectInstallKind, updatePolicy,
  type SignedEntry, type ThrottleClock,
} from './index';
import { startStoreServer, publishBuild, TEST_KEY, type StoreServer } from '../../test/fixtures/update/store-server';

const keys = [{ keyId: TEST_KEY.keyId, publicKey: TEST_KEY.publicKey }];
const entry: SignedEntry = { software: 'myappsdesktop', folder: 'myappsdesktop', build: '1001', os: 'linux', arch: 'x64', kind: 'appimage', name: 'myApps-1001.AppImage', size: 10, sha256: 'a'.repeat(64) };

describe('manifest signatures', () => {
  it('signs and verifies the canonical entry; any field change breaks it', () => {
    const sig = signEntry(entry, TEST_KEY.privateKeyPem);
    expect(verifyEntrySignature(entry, TEST_KEY.keyId, sig, keys)).toEqual({ ok: true });
    for (const change of [{ build: '1002' }, { size: 11 }, { sha256: 'b'.repeat(64) }, { name: 'x.AppImage' }, { folder: 'other' }, { arch: 'arm64' as const }]) {
      expect(verifyEntrySignature({ ...entry, ...change }, TEST_KEY.keyId, sig, keys).ok).toBe(false);
    }
    expect(canonicalEntry(entry).toString()).toBe('["myapps-update-entry/1","myappsdesktop","myappsdesktop","1001","linux","x64","appimage","myApps-1001.AppImage",10,"' + 'a'.repeat(64) + '"]');
  });

  it('refuses unknown keys and signatures by another key', () => {
    const other = generateUpdateKeyPair('other');
    const sig = signEntry(entry, other.privateKeyPem);
    expect(verifyEntrySignature(entry, 'other', sig, keys)).toEqual({ ok: false, reason: expect.stringMatching(/unknown key "other"/) });
    expect(verifyEntrySignature(entry, TEST_KEY.keyId, sig, keys)).toEqual({ ok: false, reason: expect.stringMatching(/does not verify/) });
    expect(verifyEntrySignature(entry, TEST_KEY.keyId, sig, [])).toEqual({ ok: false, reason: expect.stringMatching(/built-in keys: none/) });
  });

  it('selects the file for build/os/arch/kind and builds the URLs', async () => {
    const store = await startStoreServer();
    try {
      const m = publishBuild(store, '1001', [
        { os: 'linux', arch: 'x64', kind: 'appimage', name: 'myApps-1001-x86_64.AppImage', data: Buffer.from('linux') },
        { os: 'win32', arch: 'x64', kind: 'msi', name: 'myAppsSetup.msi', data: Buffer.from('msi') },
      ]);
      const s = selectUpdate(m, { build: '1001', os: 'win32', arch: 'x64', kind: 'msi', appStoreUrl: store.storeUrl });
      expect(s.url).toBe(`${store.storeUrl}myappsdesktop/1001/myAppsSetup.msi`);
      expect(s.entry).toMatchObject({ build: '1001', size: 3, name: 'myAppsSetup.msi' });
      expect(() => selectUpdate(m, { build: '1002', os: 'linux', arch: 'x64', kind: 'appimage', appStoreUrl: store.storeUrl })).toThrow(/build 1002 not listed/);
      expect(() => selectUpdate(m, { build: '1001', os: 'darwin', arch: 'arm64', kind: 'pkg', appStoreUrl: store.storeUrl })).toThrow(/no pkg file for darwin\/arm64/);
      expect(() => selectUpdate({ software: [{ id: 'myappsdesktop', folder: '../x', versions: [] }] }, { build: '1', os: 'linux', arch: 'x64', kind: 'appimage', appStoreUrl: store.storeUrl })).toThrow(/malformed/);
      expect(() => selectUpdate({ nope: 1 }, { build: '1', os: 'linux', arch: 'x64', kind: 'appimage', appStoreUrl: store.storeUrl })).toThrow(/not a software.json/);
      const bad = JSON.parse(JSON.stringify(m)) as { software: { versions: { files?: { name: string }[] }[] }[] };
      bad.software[1]!.versions[0]!.files![0]!.name = '../../etc/passwd';
      expect(() => selectUpdate(bad, { build: '1001', os: 'linux', arch: 'x64', kind: 'appimage', appStoreUrl: store.storeUrl })).toThrow(/malformed/);
    } finally {
      await store.close();
    }
  });

  it('checks the store URL', () => {
    expect(manifestUrl('https://store.innovaphone.com/release/download')).toBe('https://store.innovaphone.com/release/download/software.json');
    // one rule (ports.ts updateUrl): https only, whatever the PBX says
    expect(() => manifestUrl('http://store.innovaphone.com/release/download/')).toThrow('appStoreUrl "http://store.innovaphone.com/release/download/": only https is allowed');
    expect(() => normaliseStoreUrl('file:///etc/')).toThrow(/only https/);
    expect(() => normaliseStoreUrl('https://u:p@h/')).toThrow(/credentials/);
    expect(() => normaliseStoreUrl('not a url')).toThrow(/not a URL/);
  });
});

describe('TokenBucket', () => {
  it('holds the rate (fake clock)', async () => {
    let t = 0;
    const clock: ThrottleClock = { now: () => t, sleep: async (ms) => { t += ms; } };
    const b = new TokenBucket(100_000, 10_000, clock);
    for (let i = 0; i < 100; i++) await b.take(10_000); // 1 MB
    // 1,000,000 bytes minus the initial 10,000 burst at 100,000 B/s = 9.9 s
    expect(t).toBeGreaterThanOrEqual(9_900);
    expect(t).toBeLessThan(10_100);
    const big = new TokenBucket(1000, 100, clock);
    const t0 = t;
    await big.take(1100); // larger than the burst: paid in parts
    expect(t - t0).toBeGreaterThanOrEqual(1000);
  });
});

describe('downloadFile against a real local store', () => {
  let store: StoreServer;
  let dir: string;
  const data = randomBytes(300 * 1024 + 17);
  const fast: ThrottleClock = { now: () => performance.now(), sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))) };
  beforeEach(async () => {
    store = await startStoreServer();
    store.setFile('/release/download/f.bin', data);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upd-dl-'));
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const url = () => `${store.storeUrl}f.bin`;

  it('downloads with progress', async () => {
    const dest = path.join(dir, 'f.bin');
    const seen: number[] = [];
    await downloadFile({ fetch: store.fetch, url: url(), dest, size: data.length, onProgress: (p) => seen.push(p.received), progressIntervalMs: 0, clock: fast });
    expect(fs.readFileSync(dest).equals(data)).toBe(true);
    expect(seen[seen.length - 1]).toBe(data.length);
    expect(fs.existsSync(`${dest}.part`)).toBe(false);
  });

  it('resumes after a cut connection and a 500 (HTTP Range)', async () => {
    store.faults.push({ type: 'cut', afterBytes: 100_000 }, { type: 'status', code: 500 });
    const dest = path.join(dir, 'f.bin');
    const retries: string[] = [];
    await downloadFile({ fetch: store.fetch, url: url(), dest, size: data.length, clock: fast, retryDelayMs: 1, onRetry: (_n, r) => retries.push(r) });
    expect(fs.readFileSync(dest).equals(data)).toBe(true);
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatch(/(connection broke|cut) after/);
    expect(retries[1]).toBe('HTTP 500');
    const fileReqs = store.requests.filter((r) => r.path.endsWith('f.bin'));
    expect(fileReqs.map((r) => r.status)).toEqual([200, 500, 206]);
    expect(fileReqs[2]!.range).toMatch(/^bytes=\d+-$/);
    const resumedAt = Number(/bytes=(\d+)-/.exec(fileReqs[2]!.range!)![1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(fileReqs[2]!.bytes).toBe(data.length - resumedAt); // only the rest was fetched again
  });

  it('resumes a .part file left by an earlier run', async () => {
    const dest = path.join(dir, 'f.bin');
    fs.writeFileSync(`${dest}.part`, data.subarray(0, 1234));
    await downloadFile({ fetch: store.fetch, url: url(), dest, size: data.length, clock: fast });
    expect(fs.readFileSync(dest).equals(data)).toBe(true);
    expect(store.requests[0]!.range).toBe('bytes=1234-');
  });

  it('starts over when the server ignores Range', async () => {
    const dest = path.join(dir, 'f.bin');
    fs.writeFileSync(`${dest}.part`, Buffer.alloc(5000, 1)); // junk prefix: must be overwritten
    store.faults.push({ type: 'ignore-range' });
    await downloadFile({ fetch: store.fetch, url: url(), dest, size: data.length, clock: fast });
    expect(fs.readFileSync(dest).equals(data)).toBe(true);
  });

  it('refuses a wrong size at once (no retries)', async () => {
    const dest = path.join(dir, 'f.bin');
    await expect(downloadFile({ fetch: store.fetch, url: url(), dest, size: data.length + 1, clock: fast })).rejects.toThrow(DownloadRefused);
    await expect(downloadFile({ fetch: store.fetch, url: url(), dest, size: data.length - 1, clock: fast })).rejects.toThrow(/wrong size/);
    fs.writeFileSync(`${dest}.part`, data.subarray(0, 10));
    await expect(downloadFile({ fetch: store.fetch, url: url(), dest, size: data.length + 5, clock: fast })).rejects.toThrow(/wrong size: the server has/);
  });

  it('gives up after the attempts but keeps the .part for the next try', async () => {
    const dest = path.join(dir, 'f.bin');
    for (let i = 0; i < 3; i++) store.faults.push({ type: 'cut', afterBytes: 1000 });
    await expect(downloadFile({ fetch: store.fetch, url: url(), dest, size: data.length, attempts: 3, retryDelayMs: 1, clock: fast })).rejects.toThrow(/after 3 attempts/);
    expect(fs.existsSync(`${dest}.part`)).toBe(true);
    await downloadFile({ fetch: store.fetch, url: url(), dest, size: data.length, clock: fast });
    expect(fs.readFileSync(dest).equals(data)).toBe(true);
  });

  it('refuses 404', async () => {
    await expect(downloadFile({ fetch: store.fetch, url: `${store.storeUrl}nope.bin`, dest: path.join(dir, 'x'), size: 3, clock: fast })).rejects.toThrow(/HTTP 404/);
  });

  it('throttles with a real token bucket', async () => {
    const dest = path.join(dir, 'f.bin');
    const small = data.subarray(0, 64 * 1024);
    store.setFile('/release/download/s.bin', small);
    const t0 = performance.now();
    await downloadFile({ fetch: store.fetch, url: `${store.storeUrl}s.bin`, dest, size: small.length, throttle: new TokenBucket(128 * 1024, 16 * 1024) });
    // 48 KiB beyond the burst at 128 KiB/s takes about 375 ms; only the lower bound is a fact
    expect(performance.now() - t0).toBeGreaterThanOrEqual(300);
    expect(await sha256File(dest)).toBe(createHash('sha256').update(small).digest('hex'));
  });
});

describe('install kinds and policy', () => {
  it('detects how the client was installed', () => {
    const base = { env: {}, execPath: '/x', isPackaged: true };
    expect(detectInstallKind({ ...base, platform: 'win32', env: { ProgramFiles: 'C:\\Program Files' }, execPath: 'C:\\Program Files\\myApps\\myApps.exe' })).toBe('msi-per-machine');
    expect(detectInstallKind({ ...base, platform: 'win32', env: { ProgramFiles: 'C:\\Program Files' }, execPath: 'C:\\Users\\a\\AppData\\Local\\Programs\\myApps\\myApps.exe' })).toBe('nsis');
    expect(detectInstallKind({ ...base, platform: 'win32', windowsStore: true })).toBe('appx');
    expect(detectInstallKind({ ...base, platform: 'darwin', mas: true })).toBe('mas');
    expect(detectInstallKind({ ...base, platform: 'darwin' })).toBe('pkg');
    expect(detectInstallKind({ ...base, platform: 'linux', env: { APPIMAGE: '/home/a/myApps.AppImage' } })).toBe('appimage');
    expect(detectInstallKind({ ...base, platform: 'linux' })).toBe('deb');
    expect(detectInstallKind({ ...base, platform: 'linux', isPackaged: false })).toBe('dev');
    expect(detectInstallKind({ ...base, platform: 'win32', recorded: 'msi-per-user' })).toBe('msi-per-user');
  });

  it('turns updates off for terminal servers, stores, packages and admin policy', () => {
    expect(updatePolicy({ installKind: 'msi-per-machine' })).toEqual({ enabled: true });
    expect(updatePolicy({ installKind: 'msi-per-machine', terminalServer: true })).toMatchObject({ enabled: false, reason: expect.stringMatching(/terminal server/) });
    expect(updatePolicy({ installKind: 'pkg', adminDisabled: true })).toMatchObject({ enabled: false, reason: expect.stringMatching(/admin policy/) });
    expect(updatePolicy({ installKind: 'mas' })).toMatchObject({ enabled: false });
    expect(updatePolicy({ installKind: 'appx' })).toMatchObject({ enabled: false });
    expect(updatePolicy({ installKind: 'deb' })).toMatchObject({ enabled: false });
  });
});
