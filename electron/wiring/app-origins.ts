/**
 * The apps' origins follow the web client's app frames onto the bus allow-list
 * (electron/bus/app-origins.ts, docs/local-services.md "Which origins are allowed"), from the
 * appFrames port (product: native/electron/app-frames.ts; e2e: the harness's Chromium frames).
 */
import { trackAppOrigins, type AppOrigins } from '../bus';
import type { Wiring } from './context';

export function wireAppOrigins(w: Wiring, pbxOrigin: () => string | undefined): AppOrigins | undefined {
  if (!w.ports.appFrames) {
    w.skip('appOrigins', 'no appFrames port: only the PBX origin is on the bus allow-list');
    return undefined;
  }
  const tracker = trackAppOrigins({ origins: w.server.origins, frames: w.ports.appFrames, pbxOrigin, logger: w.logger });
  w.onClose(() => tracker.close());
  return tracker;
}
