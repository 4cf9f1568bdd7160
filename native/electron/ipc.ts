/**
 * Wires the preload contract (common/preload.ts) to ipcMain: one `handle` channel per method,
 * all going through the Electron-free dispatcher (sender check, zod validation), plus the
 * synchronous config channel the preload reads before the page's scripts run.
 */
import { ipcMain, webContents, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { channelOf, PRELOAD_EVENT_CHANNEL, PRELOAD_METHOD_NAMES, PRELOAD_SYNC_CONFIG_CHANNEL, type PreloadEventName, type PreloadEventPayload, type SyncConfigReply } from '../../common/preload';
import type { AppClientConfig } from '../../common/bus';
import type { Logger } from '../../electron/platform';
import { checkedEventPayload, classifySender, mayReceiveEvent, type OriginPolicy, type PreloadDispatcher, type SenderFrame } from '../../electron/security';
import { originOf } from '../../common/origin';

export interface PreloadIpc {
  /** Send an event to every trusted page that may receive it. */
  emit<E extends PreloadEventName>(targets: WebContents[], event: E, payload: PreloadEventPayload<E>): void;
  /** The same to one page by its webContents id (the caller of a long-running method). */
  emitTo<E extends PreloadEventName>(webContentsId: number, event: E, payload: PreloadEventPayload<E>): void;
  dispose(): void;
}

/**
 * The sending frame: its URL and whether it is the window's top frame. The main window and
 * detached app windows run the preload in subframes too (the web client's app frames, for lib1's
 * launcher hooks); the dispatcher gives subframes only the methods of the `app` kind.
 */
function senderOf(frame: { url: string; parent?: unknown } | null | undefined): SenderFrame {
  return frame ? { url: frame.url, top: frame.parent == null } : { url: undefined, top: false };
}

export function registerPreloadIpc(o: { dispatcher: PreloadDispatcher; origins: OriginPolicy; logger: Logger; appClientConfig(): AppClientConfig | undefined }): PreloadIpc {
  const { dispatcher, origins, logger } = o;
  const channels: string[] = [];
  for (const m of PRELOAD_METHOD_NAMES) {
    const ch = channelOf(m);
    channels.push(ch);
    // Every declared method gets a channel; the dispatcher refuses those without a handler.
    ipcMain.handle(ch, (event: IpcMainInvokeEvent, payload: unknown) => dispatcher.dispatch(m, senderOf(event.senderFrame), event.sender.id, payload));
  }
  const onSync = (event: IpcMainEvent) => {
    const sender = senderOf(event.senderFrame);
    const kind = classifySender(sender, origins);
    const origin = originOf(sender.url);
    let reply: SyncConfigReply = null;
    if (kind === 'pbx' && origin) {
      // the web client: the config, and lib1's launcher hooks
      const config = o.appClientConfig();
      reply = config ? { origin, config, hooks: true } : { origin, hooks: true };
    } else if (kind === 'app' && origin) {
      // an app frame of the web client: the hooks only
      reply = { origin, hooks: true };
    } else if (sender.top) {
      logger.trace('App', 'appclient-config not given to this frame', { origin: origin ?? '' });
    }
    event.returnValue = reply;
  };
  ipcMain.on(PRELOAD_SYNC_CONFIG_CHANNEL, onSync);
  const api: PreloadIpc = {
    emitTo(id, event, payload) {
      const wc = webContents.fromId(id);
      if (wc) api.emit([wc], event, payload);
    },
    emit(targets, event, payload) {
      const checked = checkedEventPayload(event, payload, logger);
      if (checked === undefined) return;
      for (const wc of targets) {
        if (!wc.isDestroyed() && mayReceiveEvent(wc.getURL(), event, origins)) wc.send(PRELOAD_EVENT_CHANNEL, { event, payload: checked });
      }
    },
    dispose() {
      for (const ch of channels) ipcMain.removeHandler(ch);
      ipcMain.removeListener(PRELOAD_SYNC_CONFIG_CHANNEL, onSync);
    },
  };
  return api;
}
