import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { UpdateService, generateUpdateKeyPair, type InstallerPort, type InstallRequest, type UpdateClock, type UpdateStatus, type UpdateServiceOptions, type ThrottleClock } from './index';
import { startStoreServer, publishBuild, TEST_KEY, type StoreServer, type PackageSpec } from '../../test/fixtures/update/store-server';

const keys = [{ keyId: TEST_KEY.keyId, publicKey: TEST_KEY.publicKey }];
const fast: ThrottleClock = { now: () => performance.now(), sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))) };

class FakeInstaller implements InstallerPort {
  readonly kind = 'appimage' as const;
  calls: { req: InstallRequest; content: Buffer }[] = [];
  fail?: string;
  async install(req: InstallRequest) {
    this.calls.push({ req, content: fs.readFileSync(req.file) });
    req.onProgress?.(1);
    if (this.fail) throw new Error(this.fail);
    return { next: 'relaunch' as const, relaunch: '/opt/myApps.AppImage', detail: 'fake' };
  }
}

class FakeUi {
  answers: ('now' | 'later')[] = [];
  asked: string[] = [];
  progress: string[] = [];
  waiters: (() => void)[] = [];
  async askInstall(info: { build: string }) {
    this.asked.push(info.build);
    this.waiters.splice(0).forEach((w) => w());
    return this.answers.shift() ?? 'later';
  }
  showInstallProgress(info: { build: string }) {
    this.progress.push(`open ${info.build}`);
    return { update: (f: number | undefined) => this.progress.push(`p ${f}`), close: () => this.progress.push('close') };
  }
  nextAsk(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }
}

class FakeClock implements UpdateClock {
  t = 0;
  timers: { at: number; fn: () => void }[] = [];
  now() { return this.t; }
  setTimeout(fn: () => void, ms: number) {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return () => { this.timers = this.timers.filter((x) => x !== timer); };
  }
  advance(ms: number) {
    this.t += ms;
    const due = this.timers.filter((x) => x.at <= this.t);
    this.timers = this.timers.filter((x) => x.at > this.t);
    due.forEach((x) => x.fn());
  }
}

let store: StoreServer;
let dir: string;
let installer: FakeInstaller;
let ui: FakeUi;
let clock: FakeClock;
let logger: ReturnType<typeof memoryLogger>;
const pkg = randomBytes(200 * 1024);
const linuxPkg = (over: Partial<PackageSpec> = {}): PackageSpec => ({ os: 'linux', arch: 'x64', kind: 'appimage', name: 'myApps-1001-x86_64.AppImage', data: pkg, ...over });

function service(over: Partial<UpdateServiceOptions> = {}): UpdateService & { statuses: UpdateStatus[] } {
  const s = new UpdateService({
    logger, fetch: store.fetch, installer, ui, currentBuild: '1000', os: 'linux', arch: 'x64', installKind: 'appimage',
    fasterDownloads: true, downloadDir: path.join(dir, 'updates'), publicKeys: keys, clock, throttleClock: fast, retryDelayMs: 1, ...over,
  }) as UpdateService & { statuses: UpdateStatus[] };
  s.statuses = [];
  s.onStatus((x) => s.statuses.push(x));
  return s;
}

function waitFor(s: UpdateService, state: UpdateStatus['state']): Promise<UpdateStatus> {
  return new Promise((resolve) => {
    if (s.status.state === state) { resolve(s.status); return; }
    const off = s.onStatus((x) => { if (x.state === state) { off(); resolve(x); } });
  });
}

const refusals = () => logger.lines.filter((l) => l.level === 'warn' && /REFUSED/.test(l.message)).map((l) => l.message);

beforeEach(async () => {
  store = await startStoreServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upd-svc-'));
  installer = new FakeInstaller();
  ui = new FakeUi();
  clock = new FakeClock();
  logger = memoryLogger();
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('UpdateService', () => {
  it('newer build: downloads, verifies, asks, installs through the installer port', async () => {
    publishBuild(store, '1001', [linuxPkg(), { os: 'win32', arch: 'x64', kind: 'msi', name: 'myAppsSetup.msi', data: Buffer.from('msi') }]);
    ui.answers.push('now');
    const installed: unknown[] = [];
    const s = service({ onInstalled: (o) => installed.push(o) });
    expect(await s.start()).toBeUndefined();
    const done = waitFor(s, 'installed');
    s.onClientModel({ launcherUpdateBuild: '1001', appStoreUrl: store.storeUrl }, 'login');
    await s.idle();
    await done;
    expect(installer.calls).toHaveLength(1);
    expect(installer.calls[0]!.content.equals(pkg)).toBe(true);
    expect(installer.calls[0]!.req).toMatchObject({ build: '1001', kind: 'appimage' });
    expect(s.status).toMatchObject({ state: 'installed', build: '1001' });
    expect(s.statuses.map((x) => x.state)).toEqual(expect.arrayContaining(['checking', 'downloading', 'ready', 'installing', 'installed']));
    expect(ui.progress).toEqual(['open 1001', 'p 1', 'close']);
    expect(installed).toHaveLength(1);
    expect(refusals()).toEqual([]);
  });

  it('empty settings → off; equal build → nothing fetched', async () => {
    const s = service();
    s.onClientModel({ launcherUpdateBuild: '', appStoreUrl: '' }, 'start');
    expect(s.status).toEqual({ state: 'off', reason: 'PBX update settings empty', code: 'pbxEmpty' });
    s.onClientModel({ launcherUpdateBuild: '1000', appStoreUrl: store.storeUrl }, 'reconnect');
    await s.idle();
    expect(s.status).toMatchObject({ state: 'idle' });
    expect(store.requests).toHaveLength(0);
    s.onClientModel({ launcherUpdateBuild: 'abc', appStoreUrl: store.storeUrl });
    expect(s.status).toMatchObject({ state: 'error' });
  });

  it('policy off: terminal server, admin, no key', async () => {
    for (const [over, reason] of [[{ terminalServer: true }, /terminal server/], [{ adminDisabled: true }, /admin/], [{ publicKeys: [] }, /no update signing key/], [{ installKind: 'mas' as const }, /App Store/]] as const) {
      const s = service(over);
      s.onClientModel({ launcherUpdateBuild: '1001', appStoreUrl: store.storeUrl });
      expect(s.status).toMatchObject({ state: 'off', reason: expect.stringMatching(reason) });
    }
    expect(store.requests).toHaveLength(0);
  });

  async function expectRefused(spec: PackageSpec, reason: RegExp, fault?: () => void) {
    publishBuild(store, '1001', [spec]);
    fault?.();
    const s = service();
    s.onClientModel({ launcherUpdateBuild: '1001', appStoreUrl: store.storeUrl });
    await s.idle();
    expect(s.status).toMatchObject({ state: 'refused', build: '1001', reason: expect.stringMatching(reason) });
    expect(installer.calls).toHaveLength(0);
    expect(ui.asked).toHaveLength(0);
    expect(refusals()).toEqual([expect.stringMatching(reason)]);
    const left = fs.existsSync(path.join(dir, 'updates')) ? fs.readdirSync(path.join(dir, 'updates')) : [];
    expect(left).toEqual([]);
    return s;
  }

  it('tampered byte → SHA-256 mismatch: refused, file deleted, traced', async () => {
    const tampered = Buffer.from(pkg);
    tampered[1000] = tampered[1000]! ^ 1;
    const sha = (await import('node:crypto')).createHash('sha256').update(pkg).digest('hex');
    await expectRefused(linuxPkg({ data: tampered, sha256: sha }), /SHA-256 mismatch/);
  });

  it('wrong size → refused', async () => {
    await expectRefused(linuxPkg({ size: pkg.length + 100 }), /wrong size/);
  });

  it('wrong signature → refused before downloading', async () => {
    await expectRefused(linuxPkg({ badSignature: true }), /signature does not verify/);
    expect(store.requests.filter((r) => r.path.endsWith('.AppImage'))).toHaveLength(0);
  });

  it('signed by an unknown key → refused', async () => {
    const other = generateUpdateKeyPair('evil');
    await expectRefused(linuxPkg({ privateKeyPem: other.privateKeyPem, keyId: 'evil' }), /unknown key "evil"/);
  });

  it('truncated download (connection cut) and a 500 mid-way → resumed, verified, ready', async () => {
    publishBuild(store, '1001', [linuxPkg()]);
    store.faults.push({ type: 'cut', afterBytes: 70_000 }, { type: 'status', code: 500 }, { type: 'cut', afterBytes: 50_000 });
    const s = service();
    s.onClientModel({ launcherUpdateBuild: '1001', appStoreUrl: store.storeUrl });
    await s.idle();
    expect(s.status).toMatchObject({ state: 'ready', build: '1001' });
    const fileReqs = store.requests.filter((r) => r.path.endsWith('.AppImage'));
    expect(fileReqs.map((r) => r.status)).toEqual([200, 500, 206, 206]);
    // each resume starts further on, never from zero (bytes still queued in the client's stream
    // when the connection broke may be fetched again; nothing more)
    const starts = fileReqs.filter((r) => r.status === 206).map((r) => Number(/bytes=(\d+)-/.exec(r.range!)![1]));
    expect(starts[0]).toBeGreaterThan(0);
    expect(starts[1]).toBeGreaterThan(starts[0]!);
    expect(fileReqs.filter((r) => r.status !== 500).reduce((n, r) => n + r.bytes, 0)).toBeLessThan(2 * pkg.length);
    expect(fs.readFileSync(path.join(dir, 'updates', 'myApps-1001-x86_64.AppImage')).equals(pkg)).toBe(true);
    expect(logger.lines.filter((l) => /attempt \d failed/.test(l.message))).toHaveLength(3);
  });

  it('truncated file on the store (shorter than the manifest) → refused', async () => {
    await expectRefused(linuxPkg({ data: pkg.subarray(0, pkg.length - 10), size: pkg.length }), /wrong size/);
  });

  it('"later" asks again after one hour; a new model supersedes', async () => {
    publishBuild(store, '1001', [linuxPkg()]);
    ui.answers.push('later', 'later');
    const s = service();
    const first = ui.nextAsk();
    s.onClientModel({ launcherUpdateBuild: '1001', appStoreUrl: store.storeUrl });
    await s.idle();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(ui.asked).toEqual(['1001']);
    clock.advance(59 * 60 * 1000);
    expect(ui.asked).toEqual(['1001']);
    const second = ui.nextAsk();
    clock.advance(60 * 1000);
    await second;
    expect(ui.asked).toEqual(['1001', '1001']);
    await new Promise((r) => setImmediate(r));
    expect(clock.timers).toHaveLength(1);
    // the same model again (reconnect) does not start over
    s.onClientModel({ launcherUpdateBuild: '1001', appStoreUrl: store.storeUrl }, 'reconnect');
    await s.idle();
    expect(store.requests.filter((r) => r.path.endsWith('.AppImage'))).toHaveLength(1);
    // the PBX moves back to our build: the prompt stops
    s.onClientModel({ launcherUpdateBuild: '1000', appStoreUrl: store.storeUrl }, 'reconnect');
    expect(clock.timers).toHaveLength(0);
    expect(installer.calls).toHaveLength(0);
  });

  it('ready at start → installed with the progress popup, re-verified first', async () => {
    publishBuild(store, '1001', [linuxPkg()]);
    const s1 = service();
    s1.onClientModel({ launcherUpdateBuild: '1001', appStoreUrl: store.storeUrl });
    await s1.idle();
    s1.dispose();
    expect(s1.status.state).toBe('ready');
    ui.asked.length = 0;
    // next start of the client
    const s2 = service();
    const out = await s2.start();
    expect(out).toMatchObject({ next: 'relaunch' });
    expect(installer.calls).toHaveLength(1);
    expect(ui.progress[0]).toBe('open 1001');
    expect(ui.asked).toEqual([]); // no question at start
    // after the update the client runs 1001: the package is cleaned up
    const s3 = service({ currentBuild: '1001' });
    await s3.start();
    expect(fs.readdirSync(path.join(dir, 'updates'))).toEqual([]);
  });

  it('a ready package older than the running build is discarded at start, never installed', async () => {
    publishBuild(store, '1001', [linuxPkg()]);
    const s1 = service();
    s1.onClientModel({ launcherUpdateBuild: '1001', appStoreUrl: store.storeUrl });
    await s1.idle();
    s1.dispose();
    expect(s1.status.state).toBe('ready');
    // meanwhile a newer build (1002) was installed by hand
    const s2 = service({ currentBuild: '1002' });
    expect(await s2.start()).toBeUndefined();
    expect(installer.calls).toHaveLength(0);
    expect(fs.readdirSync(path.join(dir, 'updates'))).toEqual([]);
  });

  it('a package tampered on disk before the install at start is refused and deleted', async () => {
    publishBuild(store, '1001', [linuxPkg()]);
    const s1 = service();
    s1.onClientModel({ launcherUpdateBuild: '1001', appStoreUrl: store.storeUrl });
    await s1.idle();
    s1.dispose();
    const f = path.join(dir, 'updates', 'myApps-1001-x86_64.AppImage');
    const buf = fs.readFileSync(f);
    buf[5] = buf[5]! ^ 0xff;
    fs.writeFileSync(f, buf);
    const s2 = service();
    expect(await s2.start()).toBeUndefined();
    expect(installer.calls).toHaveLength(0);
    expect(refusals()).toEqual([expect.stringMatching(/before install: SHA-256 mismatch/)]);
    expect(fs.readdirSync(path.join(dir, 'updates'))).toEqual([]);
  });

  it('a corrupt ready.json is kept aside, not trusted', async () => {
    fs.mkdirSync(path.join(dir, 'updates'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'updates', 'ready.json'), '{not json');
    const s = service();
    expect(await s.start()).toBeUndefined();
    expect(fs.readdirSync(path.join(dir, 'updates'))[0]).toMatch(/^ready\.json\.corrupt-/);
    expect(logger.lines.some((l) => l.level === 'warn' && /ready.json unreadable/.test(l.message))).toBe(true);
  });

  it('store errors are reported and retried on the next trigger', async () => {
    const s = service();
    s.onClientModel({ launcherUpdateBuild: '1001', appStoreUrl: store.storeUrl });
    await s.idle();
    expect(s.status).toMatchObject({ state: 'error', error: expect.stringMatching(/no software entry "myappsdesktop"/) });
    publishBuild(store, '1001', [linuxPkg()]);
    s.onClientModel({ launcherUpdateBuild: '1001', appStoreUrl: store.storeUrl }, 'reconnect');
    await s.idle();
    expect(s.status).toMatchObject({ state: 'ready' });
  });

  it('an installer failure is reported, nothing lost', async () => {
    publishBuild(store, '1001', [linuxPkg()]);
    installer.fail = 'disk full';
    ui.answers.push('now');
    const s = service();
    const failed = waitFor(s, 'error');
    s.onClientModel({ launcherUpdateBuild: '1001', appStoreUrl: store.storeUrl });
    await s.idle();
    await failed;
    expect(s.status).toMatchObject({ state: 'error', error: 'disk full' });
    expect(logger.lines.some((l) => l.level === 'error' && /disk full/.test(l.message))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'updates', 'myApps-1001-x86_64.AppImage'))).toBe(true);
  });
});
