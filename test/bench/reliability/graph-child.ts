/**
 * The main process of `reliability.reconnect_cycles`: the real platform service graph
 * (createPlatformServices of electron/wiring, the wiring electron/main.ts uses) in a process of its own, so that its
 * RSS and open handles are measured without the PBX simulator and the browser driver. Answers
 * the parent over IPC: `config` (appclient-config for the browser), `stats` (RSS, heap, handles,
 * bus connections, updates of the web client's com.innovaphone.client provider).
 */
import { Api, isWebClientProvider } from '../../../common/bus';
import { createPlatformServices } from '../../../electron/wiring';
import { AppFrameEvents } from '../../../electron/bus';

type Request = { id: number; op: 'stats' | 'gc' | 'close' };

async function main(): Promise<void> {
  const [pbxOrigin, appsOrigin] = process.argv.slice(2) as [string, string];
  // The browser runs in the parent: its app frame is reported as the product's frame events would
  // (an App Platform frame under the web client's top frame), so the product's rule allows its origin.
  const appFrames = new AppFrameEvents();
  const services = await createPlatformServices({ appFrames }, { pbxOrigin, launcher: { name: 'myApps', version: '0.1.0', build: 'bench', platform: 'linux' } });
  appFrames.navigated({ id: 'bench-app', url: `${appsOrigin}/`, parent: { origin: pbxOrigin, top: true } });
  // Updates of the web client's own provider (its model is sent again after every PBX login).
  let clientUpdates = 0;
  const client = services.router.consume(Api.client);
  client.onUpdate((p) => {
    if (Object.keys(p).some(isWebClientProvider)) clientUpdates++;
  });
  process.send!({ config: services.server.config });
  process.on('message', (m: Request) => {
    if (m.op === 'gc') (globalThis as { gc?: () => void }).gc?.();
    if (m.op === 'close') {
      client.close();
      void services.close().then(() => process.exit(0));
      return;
    }
    const mem = process.memoryUsage();
    process.send!({ id: m.id, rss: mem.rss, heapUsed: mem.heapUsed, handles: process.getActiveResourcesInfo().length, busConnections: services.server.connections(), clientUpdates });
  });
}

main().catch((err: unknown) => {
  process.send!({ fatal: String(err instanceof Error ? err.stack : err) });
  process.exit(1);
});
