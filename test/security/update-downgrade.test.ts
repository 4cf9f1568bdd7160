/**
 * Issue 12, finding 6 (update-downgrade): the PBX (or an `@client` model) could name an older
 * signed build, which was then offered and installed as an update (an old build may have known
 * holes); and the version label the user was shown (`label` of the manifest) is not covered by
 * the signature, so a store or a man in the middle could write anything there.
 *
 * Now a build lower than the running one is refused unless the administrator allows it with the
 * managed setting `allowUpdateDowngrade` (schema, admin templates; the PBX and the user cannot set
 * it), and the user is shown only the signed build number. Real local store over HTTP, real
 * settings store with a real managed-settings file (the Linux reader), the product's wiring
 * (productUpdatePorts) and the product's notification text (createUpdateUi).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../fixtures/memory-logger';
import { publishBuild, startStoreServer, TEST_KEY, type StoreServer } from '../fixtures/update/store-server';
import { UpdateService, type InstallerPort, type InstallRequest, type UpdateStatus } from '../../electron/update';
import { productUpdatePorts } from '../../electron/wiring/update-product';
import { SettingsStore } from '../../electron/settings';
import { LinuxManagedSettingsReader } from '../../native/linux/managed';
import { createUpdateUi } from '../../electron/windows/dialogs';

const keys = [{ keyId: TEST_KEY.keyId, publicKey: TEST_KEY.publicKey }];
const pkg = randomBytes(64 * 1024);
const OLD = { os: 'linux' as const, arch: 'x64' as const, kind: 'appimage' as const, name: 'myApps-136000-x86_64.AppImage', data: pkg };

class RecordingInstaller implements InstallerPort {
  readonly kind = 'appimage' as const;
  builds: string[] = [];
  async install(req: InstallRequest) {
    this.builds.push(req.build);
    return { next: 'relaunch' as const, relaunch: '/opt/myApps.AppImage', detail: 'recorded' };
  }
}

let dir: string;
let store: StoreServer;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sec-downgrade-'));
  store = await startStoreServer();
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Settings as the product reads them: a managed folder (like /etc/innovaphone/myApps) and the user file. */
let n = 0;
async function settingsWith(managed: Record<string, unknown> | undefined) {
  const etc = path.join(dir, `etc-${++n}`);
  fs.mkdirSync(etc, { recursive: true });
  if (managed) fs.writeFileSync(path.join(etc, '50-myapps.json'), JSON.stringify(managed));
  return SettingsStore.open({ userData: path.join(dir, `user-${n}`), logger: memoryLogger(), managed: [new LinuxManagedSettingsReader(etc)] });
}

async function run(settings: SettingsStore, asked: { build: string }[]) {
  const installer = new RecordingInstaller();
  const ports = productUpdatePorts(
    {
      platform: 'linux', arch: 'x64', env: { APPIMAGE: '/opt/myApps.AppImage' }, execPath: '/opt/myApps.AppImage', isPackaged: true, build: '137000',
      fasterDownloads: true, policy: settings.get('updatePolicy'), localData: path.join(dir, 'local'),
      allowDowngrade: (() => { try { return settings.get('allowUpdateDowngrade') === true; } catch { return false; } })(),
      tempDir: path.join(dir, 'tmp'),
    } as Parameters<typeof productUpdatePorts>[0],
    { askInstall: async (info) => { asked.push({ ...info }); return 'now'; }, showInstallProgress: () => ({ update() {}, close() {} }) },
    () => {},
  );
  const svc = new UpdateService({ ...ports, installer, logger: memoryLogger(), fetch: store.fetch, publicKeys: keys, retryDelayMs: 1 });
  const end = new Promise<UpdateStatus>((resolve) => svc.onStatus((s) => { if (['installed', 'refused', 'error'].includes(s.state)) resolve(s); }));
  svc.onClientModel({ launcherUpdateBuild: '136000', appStoreUrl: store.storeUrl }, 'login');
  await svc.idle();
  return { status: await end, installer };
}

describe('update-downgrade: lower builds only by admin policy; only signed fields shown', () => {
  it('the PBX naming an older signed build: refused, nothing downloaded or installed', async () => {
    publishBuild(store, '136000', [OLD]);
    const asked: { build: string }[] = [];
    const { status, installer } = await run(await settingsWith(undefined), asked);
    expect(status).toMatchObject({ state: 'refused', build: '136000', reason: expect.stringMatching(/lower than the running 137000; downgrades are not allowed/) });
    expect(installer.builds).toEqual([]);
    expect(asked).toEqual([]);
    expect(store.requests.filter((r) => r.path.endsWith('.AppImage'))).toEqual([]);
  });

  it('the administrator allows downgrades (managed setting): installed; the user and the PBX cannot allow it', async () => {
    publishBuild(store, '136000', [OLD], { label: 'sr9' });
    const settings = await settingsWith({ allowUpdateDowngrade: true });
    expect(settings.resolve('allowUpdateDowngrade')).toMatchObject({ value: true, source: 'managed', locked: true });
    const asked: { build: string }[] = [];
    const { status, installer } = await run(settings, asked);
    expect(status.state).toBe('installed');
    expect(installer.builds).toEqual(['136000']);
    // not the user's or the PBX's to decide
    const plain = await settingsWith(undefined);
    await expect(plain.set('allowUpdateDowngrade', true)).rejects.toThrow(/installer/);
    plain.setAdminSettings({ allowUpdateDowngrade: { value: true, force: true }, allowDowngrade: { value: true, force: true } });
    expect(plain.get('allowUpdateDowngrade')).toBe(false);
  });

  it('the unsigned label never reaches the user: the question carries the signed build only', async () => {
    const lie = 'sr9 – CRITICAL SECURITY FIX, install now or lose your data';
    publishBuild(store, '136000', [OLD], { label: lie });
    const asked: { build: string }[] = [];
    await run(await settingsWith({ allowUpdateDowngrade: true }), asked);
    expect(asked).toEqual([{ build: '136000' }]);
    // and the product's notification text shows nothing but signed fields
    const shown: { body: string }[] = [];
    const ui = createUpdateUi({
      dialogs: { open: () => { throw new Error('no window'); } } as never,
      notifier: { show: async (n: { body: string }, ev: { onAction(a: string): void }) => { shown.push(n); ev.onAction('reject'); return { close() {} }; } } as never,
      logger: memoryLogger(), productName: 'myApps',
    });
    await ui.askInstall({ build: '136000', label: lie } as { build: string });
    expect(shown[0]!.body).not.toContain('CRITICAL');
    expect(shown[0]!.body).toContain('136000');
  });
});
