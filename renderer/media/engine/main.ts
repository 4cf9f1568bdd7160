/**
 * The media engine page's script, the bundle entry scripts/build.mjs builds as
 * dist/media-engine.js (and electron/media/engine-bundle.ts in development and tests). It runs
 * in a Chromium renderer (a hidden window in the product, a headless page in the tests), loaded
 * from `http://127.0.0.1:<port>/media-engine-page/#token=…&secret=…`, and starts the engine
 * (./engine.ts) that executes the Media and Ringer protocol requests the relay forwards
 * (common/media.ts, docs/media-protocol.md):
 *
 *   one channel = one RTCPeerConnection with one m-section (audio, video or appsharing-as-video);
 *   descriptions are innovaphone's Signal `channels` (+ channels_cmd), converted to/from SDP
 *   (../channels.ts), sent once ICE gathering is complete (later candidates trickle);
 *   codec preference: transceiver.setCodecPreferences where possible plus SDP munging;
 *   candidates of excluded addresses (VPN interfaces, EXCLUDEINTERFACES) are never signalled;
 *   devices: enumerate + devicechange; setSinkId / deviceId constraints;
 *   ringer: built-in tones synthesised with WebAudio, custom .mp3 through /ringtones;
 *   headset buttons and LEDs through WebHID (../hid).
 */
import { MEDIA_ENGINE_PATH } from '../../../common/media';
import { Engine } from './engine';

function boot(): void {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token') ?? '';
  const secret = params.get('secret') ?? '';
  // Keep the secrets out of the history/referrer once read.
  history.replaceState(null, '', location.pathname);
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${MEDIA_ENGINE_PATH}?token=${encodeURIComponent(token)}&v=1`;
  const engine = new Engine(url, secret);
  (globalThis as unknown as { mediaEngine: { snapshot(): Record<string, unknown> } }).mediaEngine = { snapshot: () => engine.snapshot() };
  engine.start();
}

if (typeof window !== 'undefined' && typeof document !== 'undefined') boot();
