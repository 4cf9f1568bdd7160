/**
 * Around calls (electron/calls, docs/media-protocol.md "What the launcher does around calls"),
 * from the media relay's channels and the phone apps' call models on the bus:
 *  - powerSaveBlocker: the system stays awake during any call, the display during video and
 *    screen sharing (AwakeKeeper);
 *  - dialogs: the sharing bar with Stop (SharingWindow, needs the media service) and the
 *    incoming-call window (IncomingCallWindow; "Desktop notifications" at start from the
 *    configuration or the settings, live through the reaction table; config.oneIncomingCall:
 *    one call at a time, Windows Server).
 * Their pages' preload handlers are each instance's `handlers` (main.ts adds them to the table).
 */
import { AwakeKeeper, IncomingCallWindow, SharingWindow } from '../calls';
import type { MediaService } from '../media';
import type { Wiring } from './context';
import type { PlatformInstances } from './types';

export type CallsPart = Pick<PlatformInstances, 'awake' | 'sharingWindow' | 'incomingCallWindow'>;

export function wireCalls(w: Wiring, media: MediaService | undefined): CallsPart {
  const { ports, config, logger } = w;
  const { powerSaveBlocker: blocker, dialogs, words } = ports;
  const productName = config.launcher?.name ?? 'myApps';
  const out: CallsPart = {};
  const relay = media?.relay;

  if (!relay || !blocker) w.skip('awake', relay ? 'no powerSaveBlocker port' : 'no media service');
  else {
    const awake = new AwakeKeeper({ blocker, logger, words });
    const off = relay.onActivity((a) => void awake.update(a));
    w.onClose(async () => {
      off();
      await awake.close();
    });
    out.awake = awake;
  }

  if (!relay || !dialogs) w.skip('sharingWindow', relay ? 'no dialogs port' : 'no media service');
  else {
    const sharing = new SharingWindow({ media: relay, dialogs, logger, words, productName });
    w.onClose(() => sharing.close());
    out.sharingWindow = sharing;
  }

  if (!dialogs) w.skip('incomingCallWindow', 'no dialogs port');
  else {
    const enabled = w.setting('notifications', config.notifications) !== false;
    const incoming = new IncomingCallWindow({ router: w.router, logger, dialogs, words, productName, enabled, oneAtATime: config.oneIncomingCall === true });
    w.onClose(() => incoming.close());
    out.incomingCallWindow = incoming;
  }
  return out;
}
