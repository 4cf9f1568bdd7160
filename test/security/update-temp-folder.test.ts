/**
 * Issue 12, finding 1 (update-temp-folder): on Linux update packages went to
 * `<temp>/innovaphone-myApps/updates`, a fixed name in the world-writable temp folder. Another
 * local user could create it first (a) as a symbolic link to the victim's data, which
 * `cleanDownloads()` then deleted recursively, or (b) as their own folder, and swap the package
 * between the last hash check and the installer reopening it by path.
 *
 * Now: a per-user 0700 folder under local data (`<localData>/updates`), checked before every use
 * (ours, no symbolic link, nobody else can rename it), emptied file by file and never through a
 * link; the installer gets a private copy written while it was hashed (copyVerified), so the
 * installed bytes are the verified bytes by construction.
 *
 * Real files, a real local store (HTTP), the product's own wiring (createFileLocations with the
 * Electron stand-in's temp path, productUpdatePorts); the attacker is another uid (setpriv, a
 * throwaway uid without a passwd entry) where this runs as root.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { electron } from '../fixtures/fake-electron';
import { memoryLogger } from '../fixtures/memory-logger';
import { publishBuild, startStoreServer, TEST_KEY, type StoreServer } from '../fixtures/update/store-server';
import { UpdateService, type InstallerPort, type InstallRequest, type UpdateStatus } from '../../electron/update';
import { productUpdatePorts } from '../../electron/wiring/update-product';

vi.mock('electron', async () => (await import('../fixtures/fake-electron')).electron);
const { createFileLocations } = await import('../../native/electron/file-locations');

const ROOT = process.getuid?.() === 0;
/** The other local user (no passwd entry needed). */
const ATTACKER = 64123;
const asAttacker = (script: string) =>
  execFileSync('setpriv', [`--reuid=${ATTACKER}`, `--regid=${ATTACKER}`, '--clear-groups', '--', '/bin/sh', '-c', script], { stdio: 'pipe' });

const keys = [{ keyId: TEST_KEY.keyId, publicKey: TEST_KEY.publicKey }];
const pkg = randomBytes(300 * 1024);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

class RecordingInstaller implements InstallerPort {
  readonly kind = 'appimage' as const;
  got: { file: string; sha256: string }[] = [];
  async install(req: InstallRequest) {
    this.got.push({ file: req.file, sha256: sha(fs.readFileSync(req.file)) });
    return { next: 'relaunch' as const, relaunch: '/opt/myApps.AppImage', detail: 'recorded' };
  }
}

let base: string;
let shared: string;
let home: string;
let store: StoreServer;

beforeEach(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'sec-update-'));
  fs.chmodSync(base, 0o755);
  shared = path.join(base, 'tmp'); // stands for /tmp: world-writable, sticky
  fs.mkdirSync(shared);
  fs.chmodSync(shared, 0o1777);
  home = path.join(base, 'home');
  fs.mkdirSync(home, { mode: 0o700 });
  electron.app.paths = { appData: path.join(home, '.config'), userData: path.join(home, '.config', 'innovaphone', 'myApps'), temp: shared };
  store = await startStoreServer();
});
afterEach(async () => {
  await store.close();
  fs.rmSync(base, { recursive: true, force: true });
});

/** The update service as the product builds it (file locations of the Electron adapter, productUpdatePorts). */
function productService(installer: InstallerPort, hooks: { onProgress?: () => void } = {}) {
  const files = createFileLocations('linux', { XDG_DATA_HOME: path.join(home, '.local', 'share') });
  const ui = {
    askInstall: async () => 'now' as const,
    showInstallProgress: () => { hooks.onProgress?.(); return { update() {}, close() {} }; },
  };
  const ports = productUpdatePorts(
    { platform: 'linux', arch: 'x64', env: { APPIMAGE: '/opt/myApps.AppImage' }, execPath: '/opt/myApps.AppImage', isPackaged: true, build: '1000', fasterDownloads: true, policy: 'auto', tempDir: (files as any).temp, localData: files.localData } as any,
    ui,
    () => {},
  );
  const logger = memoryLogger();
  const svc = new UpdateService({ ...ports, installer, logger, fetch: store.fetch, publicKeys: keys, retryDelayMs: 1 });
  return { svc, logger, downloadDir: ports.downloadDir, localData: files.localData };
}

function until(s: UpdateService, states: UpdateStatus['state'][]): Promise<UpdateStatus> {
  return new Promise((resolve) => {
    if (states.includes(s.status.state)) { resolve(s.status); return; }
    const off = s.onStatus((x) => { if (states.includes(x.state)) { off(); resolve(x); } });
  });
}

describe('update-temp-folder: a private per-user folder; the installed bytes are the verified bytes', () => {
  it('the download folder is under local data, not in the shared temp folder, and private', async () => {
    const { svc, downloadDir, localData } = productService(new RecordingInstaller());
    expect(downloadDir.startsWith(shared)).toBe(false);
    expect(downloadDir).toBe(path.join(localData, 'updates'));
    svc.onClientModel({ launcherUpdateBuild: '1000', appStoreUrl: store.storeUrl });
    await svc.idle();
    await vi.waitFor(() => expect(fs.existsSync(downloadDir)).toBe(true));
    const st = fs.lstatSync(downloadDir);
    expect(st.isDirectory()).toBe(true);
    expect(st.mode & 0o777).toBe(0o700);
  });

  it.runIf(ROOT)('(a) another user\'s symbolic link in the temp folder cannot make the client delete the victim\'s data', async () => {
    const victim = path.join(home, 'Documents');
    fs.mkdirSync(path.join(victim, 'project'), { recursive: true });
    fs.writeFileSync(path.join(victim, 'thesis.txt'), 'years of work');
    fs.writeFileSync(path.join(victim, 'project', 'main.c'), 'int main() {}');
    // the attacker plants the fixed name first
    asAttacker(`mkdir -p '${shared}/innovaphone-myApps' && ln -s '${victim}' '${shared}/innovaphone-myApps/updates'`);
    expect(fs.lstatSync(path.join(shared, 'innovaphone-myApps', 'updates')).isSymbolicLink()).toBe(true);
    const { svc } = productService(new RecordingInstaller());
    // the PBX names the running build: the client cleans its download folder
    svc.onClientModel({ launcherUpdateBuild: '1000', appStoreUrl: store.storeUrl });
    await svc.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect(fs.readFileSync(path.join(victim, 'thesis.txt'), 'utf8')).toBe('years of work');
    expect(fs.existsSync(path.join(victim, 'project', 'main.c'))).toBe(true);
  });

  it.runIf(ROOT)('(a) at the new place: a folder of another user, or a link, is refused and left untouched', async () => {
    const { localData, downloadDir } = productService(new RecordingInstaller());
    fs.mkdirSync(localData, { recursive: true });
    // another user's folder where ours should be (as if they could write there)
    fs.mkdirSync(downloadDir, { mode: 0o777 });
    fs.writeFileSync(path.join(downloadDir, 'theirs.bin'), 'x');
    fs.chownSync(downloadDir, ATTACKER, ATTACKER);
    let { svc, logger } = productService(new RecordingInstaller());
    svc.onClientModel({ launcherUpdateBuild: '1000', appStoreUrl: store.storeUrl });
    await svc.idle();
    await vi.waitFor(() => expect(svc.status).toMatchObject({ state: 'error', error: expect.stringMatching(/belongs to another user/) }));
    expect(fs.existsSync(path.join(downloadDir, 'theirs.bin'))).toBe(true);
    expect(logger.lines.some((l) => l.level === 'warn' && /update folder refused/.test(l.message))).toBe(true);
    // a symbolic link there
    fs.rmSync(downloadDir, { recursive: true });
    const elsewhere = path.join(home, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, 'keep.txt'), 'keep');
    fs.symlinkSync(elsewhere, downloadDir);
    ({ svc } = productService(new RecordingInstaller()));
    svc.onClientModel({ launcherUpdateBuild: '1000', appStoreUrl: store.storeUrl });
    await svc.idle();
    await vi.waitFor(() => expect(svc.status).toMatchObject({ state: 'error', error: expect.stringMatching(/symbolic link/) }));
    expect(fs.readFileSync(path.join(elsewhere, 'keep.txt'), 'utf8')).toBe('keep');
  });

  it('(b) a package swapped between the hash check and the installer is not what gets installed', async () => {
    publishBuild(store, '1001', [{ os: 'linux', arch: 'x64', kind: 'appimage', name: 'myApps-1001-x86_64.AppImage', data: pkg }]);
    const installer = new RecordingInstaller();
    const evil = Buffer.concat([Buffer.from('#!/bin/sh\necho owned\n'), randomBytes(pkg.length - 21)]);
    let swapped = false;
    let attackerWrite = 'not tried';
    const { svc, downloadDir } = productService(installer, {
      // the UI opens the progress popup after the last check, right before the installer runs:
      // the attacker's moment
      onProgress: () => {
        const file = path.join(downloadDir, 'myApps-1001-x86_64.AppImage');
        if (ROOT) {
          try { asAttacker(`cat /dev/null > '${file}'`); attackerWrite = 'written'; } catch { attackerWrite = 'refused'; }
        }
        fs.writeFileSync(file, evil); // even the user's own process swapping it changes nothing
        swapped = true;
      },
    });
    svc.onClientModel({ launcherUpdateBuild: '1001', appStoreUrl: store.storeUrl }, 'login');
    await svc.idle();
    const end = await until(svc, ['installed', 'error', 'refused']);
    expect(end.state).toBe('installed');
    expect(swapped).toBe(true);
    if (ROOT) expect(attackerWrite).toBe('refused');
    expect(installer.got).toHaveLength(1);
    expect(installer.got[0]!.sha256).toBe(sha(pkg));
    // what was installed is a private copy in the private folder
    expect(path.dirname(installer.got[0]!.file)).toBe(downloadDir);
    expect(fs.statSync(installer.got[0]!.file).mode & 0o077).toBe(0);
  });
});
