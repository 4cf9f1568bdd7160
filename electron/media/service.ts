/**
 * Wires the media service into the platform service graph (called from electron/wiring/media.ts):
 * the relay on the local services server, the engine opened through the MediaEngineHost port,
 * headset keys -> com.innovaphone.phone (ConnectCall / DisconnectCall), and phone call state ->
 * headset LEDs.
 */
import { join } from 'node:path';
import type { ApiRouter } from '../bus';
import type { FileLocations, Logger } from '../platform';
import { callsFromProviders, hookKeyToPhoneRequest, ledStateFromCalls, type PhoneCall } from './headset';
import { parseExcludeInterfaces } from './interfaces';
import type { MediaEngineHost } from './ports';
import { startMediaRelay, type MediaRelay, type MediaRelayOptions, type MediaServerHost } from './relay';
import { bundleEngine } from './engine-bundle';
import { RecordingStore } from './recording';

export interface MediaServiceConfig {
  /** The engine bundle; default: bundle renderer/media/engine/main.ts with esbuild (development, tests). */
  engineScript?: () => string | Promise<string>;
  /** "Audio/Video/AppSharing outside VPN" (default true). */
  excludeVpn?: boolean;
  /** EXCLUDEINTERFACES, e.g. "172,192.168,10.10". */
  excludeInterfaces?: string;
  ringInHeadset?: boolean;
  /** DISABLEHEADSETS. */
  disableHeadsets?: boolean;
  /** The machine's interfaces (default os.networkInterfaces; tests pass their own VPN). */
  networkInterfaces?: MediaRelayOptions['networkInterfaces'];
}

export interface MediaService {
  relay: MediaRelay;
  close(): Promise<void>;
}

export async function startMediaService(
  server: MediaServerHost,
  router: ApiRouter,
  logger: Logger,
  deps: { host?: MediaEngineHost; files?: FileLocations; config: MediaServiceConfig; /** proxy-aware fetch for recording uploads */ fetch?: typeof fetch },
): Promise<MediaService> {
  const { config } = deps;
  let calls: PhoneCall[] = [];
  let ledMsg: Record<string, unknown> | null = null;
  const recordings = deps.files ? new RecordingStore({ dir: join(deps.files.localData, 'recordings'), logger, ...(deps.fetch ? { fetch: deps.fetch } : {}) }) : undefined;
  const phone = router.consume('com.innovaphone.phone');
  const relay = startMediaRelay(server, {
    logger,
    engineScript: config.engineScript ?? (() => bundleEngine()),
    ringtonesDir: deps.files ? join(deps.files.userData, 'ringtones') : undefined,
    ...(recordings ? { recordings } : {}),
    excludeVpn: config.excludeVpn ?? true,
    excludePrefixes: parseExcludeInterfaces(config.excludeInterfaces),
    ringInHeadset: config.ringInHeadset ?? false,
    disableHeadsets: config.disableHeadsets ?? false,
    ...(config.networkInterfaces ? { networkInterfaces: config.networkInterfaces } : {}),
    // a (re)started engine gets the LED state of the current calls
    onEngineConnected: () => {
      if (ledMsg) relay.toEngine('media', ledMsg);
    },
    onHookKey: (key) => {
      const req = hookKeyToPhoneRequest(key, calls);
      if (!req) return;
      try {
        phone.send(req);
        logger.trace('Audio', `headset ${key} -> ${req.mt}`);
      } catch (err) {
        logger.warn('headset key: no phone app to send it to', { key, error: String(err) });
      }
    },
  });
  let lastLeds = '';
  const offUpdate = phone.onUpdate((providers) => {
    calls = callsFromProviders(providers);
    const { offHook, ring, hold } = ledStateFromCalls(calls, false);
    const key = `${offHook}${ring}${hold}`;
    if (key === lastLeds) return;
    lastLeds = key;
    ledMsg = { mt: 'SetHeadsetState', offHook, ring, hold, ...(offHook || hold ? {} : { mute: false }) };
    relay.toEngine('media', ledMsg);
  });
  let engine: { close(): Promise<void> } | null = null;
  if (deps.host) engine = await deps.host.open(relay.engineUrl());
  return {
    relay,
    async close() {
      offUpdate();
      phone.close();
      relay.close();
      await engine?.close();
      await recordings?.close();
    },
  };
}
