/**
 * The child process of main.bench.ts (bundled by it with esbuild, as scripts/build.mjs bundles
 * electron/main.ts, and run with plain node): the whole platform service graph from the shared
 * wiring function with the Linux X11 adapters electron/os-adapters.ts chooses on Linux, idle for
 * MAIN_BENCH_IDLE_MS, then one JSON line with process.memoryUsage(), what started and what was
 * skipped. Where the product passes an Electron adapter, a Node one stands in and is named in
 * `standins`; the media engine page is opened by the parent in Chromium (line `{"open":url}`).
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { createPlatformServices } from '../../electron/wiring';
import { AppFrameEvents } from '../../electron/bus';
import { productUpdatePorts } from '../../electron/wiring/update-product';
import { createTraceFiles } from '../../electron/log';
import { EncryptedFileCredentialStore, LocalKeyCipher } from '../../electron/connect';
import { X11GrabKeyListener } from '../../native/linux/grab-key-listener';
import { X11SelectionReader } from '../../native/linux/selection';
import { X11IdleClock } from '../../native/linux/idle-clock';
import { DbusNotifier } from '../../native/linux/notifier';
import { createLinuxCredentialStore } from '../../native/linux/secret-tool';
import { readOsCaBundle } from '../../native/linux/ca-bundle';
import { LinuxProtocolRegistrar } from '../../native/linux/protocol-registrar';
import { NodeSpawner } from '../../native/spawner';
import type { FileLocations } from '../../electron/platform';
import { createNodeUpstream } from '../fixtures/appproxy/node-upstream';

/** Electron adapters of main.ts and the Node stand-ins used here. */
const STANDINS = {
  proxyResolver: 'DIRECT (product: Electron session.resolveProxy)',
  appProxyUpstream: 'Node https upstream (product: Electron net through the session)',
  urlOpener: 'no-op (product: shell.openExternal)',
  updateUi: 'no-op (product: launcher dialogs)',
  idleClock: 'X11 idle time without powerMonitor events (Electron)',
  mediaEngineHost: 'Chromium page of the parent (product: hidden BrowserWindow)',
  appFrames: 'AppFrameEvents with no frames (product: Electron webContents frame events)',
};

async function main(root: string, idleMs: number, nativeDir: string): Promise<void> {
  const files: FileLocations = { userData: path.join(root, 'userData'), localData: path.join(root, 'localData'), logs: path.join(root, 'logs') };
  for (const d of Object.values(files)) mkdirSync(d, { recursive: true });
  const traces = createTraceFiles({ dir: files.logs });
  const logger = traces.main;
  const display = process.env.DISPLAY;
  const notifier = await DbusNotifier.connect({ appName: 'myApps', logger, busAddress: process.env.DBUS_SESSION_BUS_ADDRESS });
  const credentialStore = await createLinuxCredentialStore({ logger, env: process.env, fallback: () => new EncryptedFileCredentialStore(path.join(files.userData, 'proxy-credentials.json'), new LocalKeyCipher(path.join(files.localData, 'proxy-credentials.key')), logger) });
  const ca = readOsCaBundle();
  const keyListener = new X11GrabKeyListener({ display });
  const selectionReader = new X11SelectionReader({ display });
  const idleClock = new X11IdleClock({ display });
  const protocolRegistrar = new LinuxProtocolRegistrar({ desktopId: 'myapps-links', exec: [process.execPath], dataHome: path.join(root, '.local', 'share'), configHome: path.join(root, '.config'), name: 'myApps' });
  const upstream = createNodeUpstream();
  const update = productUpdatePorts(
    { platform: 'linux', arch: process.arch, env: process.env, execPath: process.execPath, isPackaged: false, windowsStore: false, mas: false, recorded: undefined, build: 'bench', localData: files.localData, fasterDownloads: false, policy: 'notify' },
    { askInstall: async () => 'later', showInstallProgress: () => ({ update() {}, close() {} }) },
    () => {},
  );
  const services = await createPlatformServices(
    {
      logger, traces, files, idleClock, protocolRegistrar, keyListener, selectionReader, displaySession: 'x11', notifier, credentialStore,
      caCertificates: ca ? [ca.pem] : [],
      proxyResolver: { resolve: async () => [{ kind: 'direct' }] },
      spawner: new NodeSpawner(),
      urlOpener: { openExternal: async () => {} },
      appProxyUpstream: upstream,
      appFrames: new AppFrameEvents(),
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
  process.stdout.write(`${JSON.stringify({ memory: process.memoryUsage(), started: Object.keys(instances).filter((k) => instances[k] !== undefined), skipped: services.skipped, standins: STANDINS })}\n`);
  await services.close();
  keyListener.close();
  selectionReader.close();
  idleClock.close();
  notifier.close();
  upstream.close();
  await traces.close();
  process.exit(0);
}

void main(process.env.MAIN_BENCH_ROOT!, Number(process.env.MAIN_BENCH_IDLE_MS ?? 60_000), process.env.MAIN_BENCH_NATIVE_DIR!);
