/**
 * The main process's side of the preload contract (common/preload.ts): the IPC handler table and
 * the events the pages get. The table is filled as its parts come up, in this order in
 * electron/main.ts: lib1's page hooks, proxy sign-in, update progress (both may be needed while
 * the services start), the screen picker, the launcher controller (connect form, error page,
 * settings page, detach), the hot-key status. The dispatcher looks handlers up per call, checks
 * the sender and validates every request (electron/security/ipc-guard.ts).
 */
import { PreloadEvents, type PreloadEventName, type PreloadEventPayload } from '../../common/preload';
import type { Logger } from '../platform';
import { createPreloadDispatcher, type OriginPolicy, type PreloadDispatcher, type PreloadHandlers } from '../security';
import { settingsSnapshot, type SettingsStore } from '../settings';
import type { HotkeyService } from '../hotkeys';
import type { WindowsService } from '../windows';

export interface HandlerTable {
  readonly dispatcher: PreloadDispatcher;
  /** Adds one part's handlers (a method is handled by the last part that names it). */
  add(part: PreloadHandlers): void;
}

export function createHandlerTable(o: { origins: OriginPolicy; logger: Logger }): HandlerTable {
  const handlers: PreloadHandlers = {};
  return {
    dispatcher: createPreloadDispatcher({ handlers, origins: o.origins, logger: o.logger }),
    add: (part) => void Object.assign(handlers, part),
  };
}

/** Where main.ts sends an event (through the IPC adapter, which checks who may receive it). */
export interface PreloadEventSink {
  /** The main window (the web client, or the launcher page it shows). */
  main<E extends PreloadEventName>(event: E, payload: PreloadEventPayload<E>): void;
  /** The advanced settings window, when it is open. */
  settings<E extends PreloadEventName>(event: E, payload: PreloadEventPayload<E>): void;
}

export interface PreloadEvents {
  /** The settings changed: both windows get the new snapshot (the `pages` target of the reaction table). */
  settingsChanged(): void;
  close(): void;
}

/**
 * The events: settingsChanged (web client and settings page), appAttached (a detached window
 * was closed: the web client shows the app again), hotkeysChanged (the settings page, live), and
 * the `hotkeys.status` method the settings page asks.
 */
export function wirePreloadEvents(o: {
  sink: PreloadEventSink;
  table: HandlerTable;
  settings: SettingsStore;
  windows: Pick<WindowsService, 'onAppAttached'>;
  hotkeys?: Pick<HotkeyService, 'status' | 'onStatus'>;
  logger: Logger;
}): PreloadEvents {
  const { sink } = o;
  const offs: (() => void)[] = [];
  offs.push(o.windows.onAppAttached((app) => sink.main('appAttached', { app })));
  const hotkeys = o.hotkeys;
  if (hotkeys) {
    o.table.add({ 'hotkeys.status': () => hotkeys.status() });
    offs.push(hotkeys.onStatus((st) => sink.settings('hotkeysChanged', st)));
  }
  return {
    settingsChanged() {
      // electron/settings/snapshot.ts keeps the certificate pins out of the pages
      const snapshot = PreloadEvents.settingsChanged.payload.safeParse({ settings: settingsSnapshot(o.settings).settings });
      if (!snapshot.success) {
        o.logger.error('settings snapshot outside the preload contract', { error: snapshot.error.message });
        return;
      }
      sink.main('settingsChanged', snapshot.data);
      sink.settings('settingsChanged', snapshot.data);
    },
    close() {
      for (const off of offs.splice(0)) off();
    },
  };
}
