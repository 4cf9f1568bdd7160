/**
 * Wires the preload contract (common/preload.ts) to ipcMain: one `handle` channel per method,
 * all going through the Electron-free dispatcher (sender check, zod validation), plus the
 * synchronous config channel the preload reads before the page's scripts run.
 */
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { channelOf, PRELOAD_EVENT_CHANNEL, PRELOAD_METHOD_NAMES, PRELOAD_SYNC_CONFIG_CHANNEL, PreloadEvents, type PreloadEventName, type PreloadEventPayload, type SyncConfigReply } from '../../common/preload';
import type { AppClientConfig } from '../../common/bus';
import type { Logger } from '../../electron/platform';
import { classifyOrigin, type OriginPolicy, type PreloadDispatcher } from '../../electron/security';
import { originOf } from '../../common/origin';

export interface PreloadIpc {
  /** Send an event to every trusted page that may receive it. */
  emit<E extends PreloadEventName>(targets: WebContents[], event: E, payload: PreloadEventPayload<E>): void;
  dispose(): void;
}

/**
 * The URL of the sending frame when it is a top-level frame; undefined for subframes, which are
 * then refused by the dispatcher and the config handler (the preload only runs in top frames
 * today, as nodeIntegrationInSubFrames is off; this keeps it so if that ever changes).
 */
function topFrameUrl(frame: { url: string; parent?: unknown } | null | undefined): string | undefined {
  return frame && frame.parent == null ? frame.url : undefined;
}

export function registerPreloadIpc(o: { dispatcher: PreloadDispatcher; origins: OriginPolicy; logger: Logger; appClientConfig(): AppClientConfig | undefined }): PreloadIpc {
  const { dispatcher, origins, logger } = o;
  const channels: string[] = [];
  for (const m of PRELOAD_METHOD_NAMES) {
    const ch = channelOf(m);
    channels.push(ch);
    // Every declared method gets a channel; the dispatcher refuses those without a handler.
    ipcMain.handle(ch, (event: IpcMainInvokeEvent, payload: unknown) => dispatcher.dispatch(m, topFrameUrl(event.senderFrame), event.sender.id, payload));
  }
  const onSync = (event: IpcMainEvent) => {
    const url = topFrameUrl(event.senderFrame);
    let reply: SyncConfigReply = null;
    if (classifyOrigin(url, origins) === 'pbx') {
      const config = o.appClientConfig();
      const origin = originOf(url);
      if (config && origin) reply = { origin, config };
    } else {
      logger.trace('App', 'appclient-config not given to this frame', { origin: originOf(url) ?? '' });
    }
    event.returnValue = reply;
  };
  ipcMain.on(PRELOAD_SYNC_CONFIG_CHANNEL, onSync);
  return {
    emit(targets, event, payload) {
      const spec = PreloadEvents[event];
      const checked = spec.payload.safeParse(payload);
      if (!checked.success) {
        logger.error('preload event outside the contract', { event });
        return;
      }
      for (const wc of targets) {
        if (wc.isDestroyed()) continue;
        const kind = classifyOrigin(wc.getURL(), origins);
        if (kind && (spec.to as readonly string[]).includes(kind)) wc.send(PRELOAD_EVENT_CHANNEL, { event, payload: checked.data });
      }
    },
    dispose() {
      for (const ch of channels) ipcMain.removeHandler(ch);
      ipcMain.removeListener(PRELOAD_SYNC_CONFIG_CHANNEL, onSync);
    },
  };
}
