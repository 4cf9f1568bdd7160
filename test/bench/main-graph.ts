/**
 * The child process of main.bench.ts (bundled by it with esbuild, as scripts/build.mjs bundles
 * electron/main.ts, and run with plain node): the whole platform service graph from the shared
 * wiring function with the adapters electron/os-adapters.ts chooses (createOsAdapters, as main.ts
 * and the demo call it, with the demo's Electron stand-in), checked against the Linux X11 choice
 * the tests expect (test/e2e/harness/linux-adapters.ts), idle for
 * MAIN_BENCH_IDLE_MS, then one JSON line with process.memoryUsage(), what started and what was
 * skipped. Where the product passes an Electron adapter, a Node one stands in and is named in
 * `standins`; the media engine page is opened by the parent in Chromium (line `{"open":url}`).
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { FileLocations } from '../../electron/platform';
import { useElectronStandIn } from '../../scripts/demo/electron-stand-in';
import { LINUX_X11_ADAPTER_KINDS } from '../e2e/harness/linux-adapters';
import { createNodeUpstream } from '../fixtures/appproxy/node-upstream';

/** Electron adapters of main.ts and the Node stand-ins used here. */
const STANDINS = {
  proxyResolver: 'DIRECT (product: Electron session.resolveProxy)',
  appProxyUpstream: 'Node https upstream (product: Electron net through the session)',
  urlOpener: 'no-op (product: shell.openExternal)',
  updateUi: 'no-op (product: launcher dialogs)',
  electron: 'the electron module is test/fixtures/fake-electron (scripts/demo/electron-stand-in.ts); the Linux X11 adapters use only powerMonitor events of it',
  mediaEngineHost: 'Chromium page of the parent (product: hidden BrowserWindow)',
  appFrames: 'AppFrameEvents with no frames (product: Electron webContents frame events)',
  dialogs: 'windows that are never shown (product: launcher dialogs in BrowserWindows; the sharing bar and the incoming-call window open only during calls)',
  overlays: 'overlay views that are never shown (product: WebContentsView over the main window; the banner shows only without a notification service)',
};

/** A window that exists and is never drawn: the bench measures an idle graph, no dialog opens in it. */
function hiddenWindow(id: number) {
  return { id, emit() {}, focus() {}, close() {}, onClosed() {}, setHeight() {} };
}

async function main(root: string, idleMs: number, nativeDir: string): Promise<void> {
  const files: FileLocations = { userData: path.join(root, 'userData'), localData: path.join(root, 'localData'), logs: path.join(root, 'logs') };
  for (const d of Object.values(files)) mkdirSync(d, { recursive: true });
  // Before anything loads the Electron adapters: the product's modules are imported after it.
  const electron = useElectronStandIn({ paths: { appData: path.join(root, 'appData'), temp: path.join(root, 'tmp'), home: root }, env: process.env }) as { session: { defaultSession: unknown } };
  const { createPlatformServices } = await import('../../electron/wiring');
  const { productUpdatePorts } = await import('../../electron/wiring/update-product');
  const { createTraceFiles } = await import('../../electron/log');
  const { AppFrameEvents } = await import('../../electron/bus');
  const { NodeSpawner } = await import('../../native/spawner');
  const { createOsAdapters } = await import('../../electron/os-adapters');
  const { translator } = await import('../../common/i18n');
  const traces = createTraceFiles({ dir: files.logs });
  const logger = traces.main;
  // The product's choice for this OS (electron/os-adapters.ts), as main.ts and the demo make it.
  const os = await createOsAdapters({
    platform: 'linux', env: process.env, files, logger,
    session: electron.session.defaultSession as Parameters<typeof createOsAdapters>[0]['session'],
    nativeDir, productName: 'myApps', isPackaged: false, execPath: process.execPath, warmUpCopyHelper: false,
  });
  const wrongKinds = Object.entries(LINUX_X11_ADAPTER_KINDS).filter(([k, v]) => os.kinds[k] !== v).map(([k]) => `${k}: ${os.kinds[k]}`);
  const upstream = createNodeUpstream();
  let next = 1000;
  const update = productUpdatePorts(
    { platform: 'linux', arch: process.arch, env: process.env, execPath: process.execPath, isPackaged: false, windowsStore: false, mas: false, recorded: undefined, build: 'bench', localData: files.localData, fasterDownloads: false, policy: 'notify' },
    { askInstall: async () => 'later', showInstallProgress: () => ({ update() {}, close() {} }) },
    () => {},
  );
  const services = await createPlatformServices(
    {
      logger, traces, files,
      idleClock: os.idleClock, protocolRegistrar: os.protocolRegistrar, keyListener: os.keyListener, selectionReader: os.selectionReader,
      displaySession: os.displaySession, notifier: os.notifier, credentialStore: os.credentialStore, caCertificates: os.caCertificates,
      proxyResolver: { resolve: async () => [{ kind: 'direct' }] },
      spawner: new NodeSpawner(),
      urlOpener: { openExternal: async () => {} },
      appProxyUpstream: upstream,
      appFrames: new AppFrameEvents(),
      // around calls (electron/calls) and the in-app banner, as main.ts passes them
      powerSaveBlocker: os.powerSaveBlocker,
      dialogs: { open: () => hiddenWindow(next++) },
      overlays: { open: () => hiddenWindow(next++) },
      words: translator('en'),
      update: { ...update, logger: traces.helper('myAppsUpdate') },
      mediaEngineHost: { open: async (url: string) => { process.stdout.write(`${JSON.stringify({ open: url })}\n`); return { close: async () => {} }; } },
    },
    {
      launcher: { name: 'myApps', version: '0.1.0', build: 'bench', platform: 'linux' },
      linkHandoffPath: path.join(root, 'run', 'handoff.sock'),
      hotkeyDial: 'Ctrl+Alt+D',
      phonebook: { nativeDir },
      media: {},
    },
  );
  await new Promise((r) => setTimeout(r, idleMs));
  const instances = services.instances as Record<string, unknown>;
  process.stdout.write(`${JSON.stringify({ memory: process.memoryUsage(), started: Object.keys(instances).filter((k) => instances[k] !== undefined), skipped: services.skipped, standins: STANDINS, adapters: os.kinds, adapters_not_as_expected: wrongKinds })}\n`);
  await services.close();
  os.close();
  upstream.close();
  await traces.close();
  process.exit(0);
}

void main(process.env.MAIN_BENCH_ROOT!, Number(process.env.MAIN_BENCH_IDLE_MS ?? 60_000), process.env.MAIN_BENCH_NATIVE_DIR!);
