/**
 * The product's MediaEngineHost: the media engine page in a hidden BrowserWindow.
 *
 * - WebRTC UDP ports: Chromium has no command-line switch for a port range (checked on Chromium
 *   156: only the `WebRtcUdpPortRange` enterprise policy); Electron exposes it per webContents as
 *   `setWebRTCUDPPortRange`. One engine window = one range, so the engine gets the audio range
 *   by default (50000-50099) or the union 50000-50199 when video/appsharing is wanted; see
 *   docs/media-protocol.md "RTP port ranges".
 * - No throttling of the hidden window (timers drive ring cadence and stats), autoplay allowed.
 * - A crashed renderer is reloaded; the engine reconnects to the relay by itself.
 *
 * Usage in electron/main.ts (the engine session needs media, display-capture and hid permissions
 * for the engine origin http://127.0.0.1:<port> only):
 *   const host = electronMediaEngineHost({ logger, session: session.fromPartition('media-engine') });
 *   const engine = await host.open(mediaRelay.engineUrl());
 */
import { BrowserWindow, type Session } from 'electron';
import type { Logger } from '../../electron/platform';
import type { MediaEngineHost } from '../../electron/media/ports';
import { RTP_PORT_RANGES } from '../../common/media';

export interface ElectronEngineHostOptions {
  logger: Logger;
  session?: Session;
  /** UDP port range for all channels of this engine; default audio+video 50000-50199. null = any port. */
  portRange?: { min: number; max: number } | null;
}

export function electronMediaEngineHost(opts: ElectronEngineHostOptions): MediaEngineHost {
  return {
    async open(url: string) {
      const win = new BrowserWindow({
        show: false,
        width: 320,
        height: 240,
        webPreferences: {
          ...(opts.session ? { session: opts.session } : {}),
          sandbox: true,
          contextIsolation: true,
          nodeIntegration: false,
          backgroundThrottling: false,
          autoplayPolicy: 'no-user-gesture-required',
        },
      });
      const range = opts.portRange === undefined ? { min: RTP_PORT_RANGES.audio.min, max: RTP_PORT_RANGES.video.max } : opts.portRange;
      if (range) win.webContents.setWebRTCUDPPortRange(range);
      let closing = false;
      win.webContents.on('render-process-gone', (_e, details) => {
        opts.logger.warn('media engine renderer gone, reloading', { reason: details.reason });
        if (!closing && !win.isDestroyed()) void win.loadURL(url).catch(() => undefined);
      });
      await win.loadURL(url);
      opts.logger.trace('Media', 'media engine window loaded', { portRange: range ? `${range.min}-${range.max}` : 'any' });
      return {
        async close() {
          closing = true;
          if (!win.isDestroyed()) win.destroy();
        },
      };
    },
  };
}
