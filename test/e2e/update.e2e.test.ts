/**
 * Auto update end to end (issue 5, docs/update.md): pbx-sim's com.innovaphone.client model
 * (launcherUpdateBuild + appStoreUrl) reaches the update service through the stand-in web client
 * in Chromium and the local services bus (the real createPlatformServices wiring). The package
 * comes from a real local HTTPS store (Range, fault injection) through the product's Linux update
 * fetch (createProxyFetch, built by the wiring from the proxy resolver port and the trusted CAs),
 * is verified and handed to the real Linux AppImage installer, which replaces a runnable
 * "AppImage" on disk. A tampered build pushed later by the PBX is refused, deleted and traced in
 * the update service's own trace file; a store the PBX names with http:// is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { createTraceFiles, listTraceFiles, type TraceFiles } from '../../electron/log';
import type { UpdateStatus, InstallOutcome } from '../../electron/update';
import { StaticProxyResolver, type ProxyResolver } from '../../electron/connect';
import { AppImageInstaller } from '../../native/linux/appimage-installer';
import { startStoreServer, publishBuild, TEST_KEY, type StoreServer } from '../fixtures/update/store-server';
import { startStack, type Stack } from './harness/stack';

const script = (build: string) => Buffer.from(`#!/bin/sh\necho "myApps build ${build}"\n# ${'x'.repeat(200_000)}\n`);

describe('auto update: PBX model → bus → store download → verify → AppImage replaced', () => {
  let store: StoreServer;
  let stack: Stack;
  let page: Page;
  let dir: string;
  let traces: TraceFiles;
  let target: string;
  const asked: string[] = [];
  const installed: InstallOutcome[] = [];
  const resolved: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'update-e2e-'));
    target = path.join(dir, 'opt', 'myApps.AppImage');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, script('1000'), { mode: 0o755 });
    store = await startStoreServer();
    publishBuild(store, '1001', [{ os: 'linux', arch: 'x64', kind: 'appimage', name: 'myApps-1001-x86_64.AppImage', data: script('1001') }]);
    // the first download breaks after 64 KiB, then a 500: the service must resume
    store.faults.push({ type: 'cut', afterBytes: 64 * 1024 }, { type: 'status', code: 500 });
    traces = createTraceFiles({ dir: path.join(dir, 'logs'), commandLine: { logFlags: 0x1n }, flushOnExit: false });
    // The proxy the OS names for each URL (the product asks session.resolveProxy): direct here.
    const direct = new StaticProxyResolver([{ kind: 'direct' }]);
    const proxyResolver: ProxyResolver = { resolve: (url) => { resolved.push(url); return direct.resolve(); } };
    stack = await startStack({
      sim: { model: { launcherUpdateBuild: '1001', appStoreUrl: store.storeUrl } },
      ports: {
        proxyResolver,
        caCertificates: [store.ca],
        update: {
          installer: new AppImageInstaller(target),
          ui: {
            askInstall: async (info: { build: string }) => { asked.push(info.build); return 'now' as const; },
            showInstallProgress: () => ({ update() {}, close() {} }),
          },
          currentBuild: '1000', os: 'linux', arch: 'x64', installKind: 'appimage',
          fasterDownloads: false, throttleBytesPerSec: 4 * 1024 * 1024, retryDelayMs: 20,
          downloadDir: path.join(dir, 'updates'),
          publicKeys: [{ keyId: TEST_KEY.keyId, publicKey: TEST_KEY.publicKey }],
          logger: traces.helper('myAppsUpdate'),
          onInstalled: (o: InstallOutcome) => installed.push(o),
        },
      },
    });
    page = await stack.openWebClient();
  });

  afterAll(async () => {
    await page?.close().catch(() => {});
    await stack?.close();
    await store?.close();
    await traces?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const service = () => stack.services.instances.update!;
  const waitForState = (state: UpdateStatus['state']) => expect.poll(() => service().status.state, { timeout: 60_000, interval: 100 }).toBe(state);

  it('is wired by createPlatformServices with the product\'s Linux fetch', () => {
    expect(stack.services.skipped.update).toBeUndefined();
    expect(service()).toBeDefined();
    expect(stack.services.instances.proxyFetch).toBeTypeOf('function');
  });

  it('downloads (resuming after a cut and a 500), verifies and replaces the AppImage', async () => {
    await waitForState('installed');
    expect(asked).toEqual(['1001']);
    expect(installed).toEqual([{ next: 'relaunch', relaunch: target, detail: `replaced ${target}` }]);
    expect(execFileSync(target, { encoding: 'utf8' }).trim()).toBe('myApps build 1001');
    const fileReqs = store.requests.filter((r) => r.path.endsWith('.AppImage'));
    expect(fileReqs.map((r) => r.status)).toEqual([200, 500, 206]);
    // every request went through the proxy-aware fetch (it asks the resolver for each URL)
    expect(resolved[0]).toBe(`${store.storeUrl}software.json`);
    expect(resolved.filter((u) => u.endsWith('.AppImage'))).toHaveLength(3);
  });

  it('a build equal to the running one does nothing', async () => {
    const before = store.requests.length;
    // the PBX names the running build (1000; the installed image takes effect on relaunch)
    stack.sim.control.setModel({ launcherUpdateBuild: '1000' });
    await waitForState('idle');
    expect(store.requests.length).toBe(before);
  });

  it('a tampered build pushed by the PBX is refused, deleted and traced', async () => {
    const good = script('1002');
    const bad = Buffer.from(good);
    bad[20] = bad[20]! ^ 1;
    const { createHash } = await import('node:crypto');
    publishBuild(store, '1002', [{ os: 'linux', arch: 'x64', kind: 'appimage', name: 'myApps-1002-x86_64.AppImage', data: bad, sha256: createHash('sha256').update(good).digest('hex') }]);
    stack.sim.control.setModel({ launcherUpdateBuild: '1002' });
    await waitForState('refused');
    expect(service().status).toMatchObject({ build: '1002', reason: expect.stringMatching(/SHA-256 mismatch/) });
    expect(fs.readdirSync(path.join(dir, 'updates')).filter((n) => n.includes('1002'))).toEqual([]);
    expect(execFileSync(target, { encoding: 'utf8' }).trim()).toBe('myApps build 1001');
    await traces.flush();
    const text = (await listTraceFiles(path.join(dir, 'logs'), 'myAppsUpdate')).map((f) => fs.readFileSync(f, 'utf8')).join('');
    expect(text).toMatch(/\[WARN\] update: REFUSED build 1002: myApps-1002-x86_64\.AppImage: SHA-256 mismatch/);
    expect(text).toMatch(/\[App\] update: PBX wants build 1001/);
  });

  it('a plain-http store is refused with the reason, nothing is fetched', async () => {
    const before = resolved.length;
    stack.sim.control.setModel({ launcherUpdateBuild: '1003', appStoreUrl: store.storeUrl.replace('https:', 'http:') });
    await expect.poll(() => JSON.stringify(service().status), { timeout: 30_000 }).toMatch(/only https is allowed/);
    expect(resolved.length).toBe(before);
  });

  it('empty PBX settings turn updates off', async () => {
    stack.sim.control.setModel({ launcherUpdateBuild: '', appStoreUrl: '' });
    await waitForState('off');
    expect(service().status).toEqual({ state: 'off', reason: 'PBX update settings empty', code: 'pbxEmpty' });
  });
});
