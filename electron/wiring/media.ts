/**
 * Media and Ringer (electron/media, docs/media-protocol.md): the protocols relayed to the engine
 * in Chromium, opened through the mediaEngineHost port (a hidden BrowserWindow in the product).
 * Skipped when neither config.media nor the port is given. The engine settings (exclude VPN,
 * EXCLUDEINTERFACES, ring in headset, DISABLEHEADSETS) come from config.media, else the settings.
 */
import { startMediaService, type MediaService, type MediaServiceConfig } from '../media';
import type { Wiring } from './context';

export async function wireMedia(w: Wiring): Promise<MediaService | undefined> {
  const { ports, config } = w;
  if (!config.media && !ports.mediaEngineHost) {
    w.skip('media', 'no media settings (config.media) and no mediaEngineHost port');
    return undefined;
  }
  const given = config.media ?? {};
  const engine: MediaServiceConfig = { ...given };
  const excludeVpn = w.setting('excludeVpn', given.excludeVpn);
  if (excludeVpn !== undefined) engine.excludeVpn = excludeVpn;
  const ringInHeadset = w.setting('ringInHeadset', given.ringInHeadset);
  if (ringInHeadset !== undefined) engine.ringInHeadset = ringInHeadset;
  const disableHeadsets = w.setting('disableHeadsets', given.disableHeadsets);
  if (disableHeadsets !== undefined) engine.disableHeadsets = disableHeadsets;
  if (given.excludeInterfaces === undefined && w.store) engine.excludeInterfaces = w.store.get('excludeInterfaces').join(',');
  const media = await startMediaService(w.server, w.router, w.logger, { host: ports.mediaEngineHost, files: ports.files, config: engine });
  w.onClose(() => media.close());
  return media;
}
