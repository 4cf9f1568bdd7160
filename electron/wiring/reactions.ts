/**
 * The one place that reacts to settings changes: a table from each setting (every key of
 * common/settings/schema.ts) to what it drives. A setting either drives a service method live
 * (`live`: value, source or lock changed -> the method), or says why nothing runs on a change:
 * `next-start` (read once when the client starts), `at-use` (read each time it is needed) or
 * `missing` (the behaviour it names is not built; said so, never pretended). Values at start
 * are given to each service when it is created (the per-area wiring files); this table handles
 * what changes afterwards. The launcher pages get every change (settingsChanged).
 *
 * Unit test: electron/wiring/reactions.test.ts walks the schema and drives each live reaction
 * through the real service.
 */
import { tryParseLogFlags } from '../../common/log-flags';
import type { SettingKey, SettingValues } from '../../common/settings/schema';
import type { Logger } from '../platform';
import type { HotkeyService } from '../hotkeys';
import type { ActivityService } from '../activity';
import type { LauncherApi, NotificationService } from '../notifications';
import type { IncomingCallWindow } from '../calls';
import type { ExternalAppsService } from '../externalapps';
import type { PhonebookService } from '../phonebook';
import { parseExcludeInterfaces, type MediaRelay } from '../media';
import type { TraceFiles } from '../log';
import type { WindowsService } from '../windows';
import type { SettingChange } from '../settings';

/** The services a live reaction drives; each optional (a service that does not run is left out). */
export interface ReactionTargets {
  hotkeys?: Pick<HotkeyService, 'configure'>;
  activity?: Pick<ActivityService, 'setThresholdMinutes'>;
  notifications?: Pick<NotificationService, 'setEnabled'>;
  /** The incoming-call window follows "Desktop notifications" too (electron/calls). */
  incomingCall?: Pick<IncomingCallWindow, 'setEnabled'>;
  launcher?: Pick<LauncherApi, 'setModelFields'>;
  externalApps?: Pick<ExternalAppsService, 'setApps'>;
  phonebook?: Pick<PhonebookService, 'updateSettings'>;
  media?: Pick<MediaRelay, 'setOptions'>;
  traces?: Pick<TraceFiles, 'setSettingsMask' | 'setSettingsMaxFileSize'>;
  /** The update service's policy (electron/wiring/update.ts: applies it and checks again). */
  update?: { setPolicy(p: { adminDisabled: boolean; fasterDownloads: boolean }): void };
  windows?: Pick<WindowsService, 'applyDocking' | 'applyTaskbar' | 'applyAutostart'>;
  /** The permission policy's "hid" answer (electron/security, via main.ts). */
  headsets?: { setDisabled(disabled: boolean): void };
  /** The launcher pages (settings page, connect form): they get the new snapshot. */
  pages?: { settingsChanged(): void };
}

export interface SettingsSource {
  get<K extends SettingKey>(key: K): SettingValues[K];
  onChange(listener: (changes: SettingChange[]) => void): () => void;
}

type Apply = (t: ReactionTargets, s: Pick<SettingsSource, 'get'>, logger: Logger) => unknown;

export type Reaction =
  | { kind: 'live'; /** "service.method" it drives (docs, settings page) */ drives: string; apply: Apply }
  | { kind: 'next-start' | 'at-use' | 'missing'; why: string };

const live = (drives: string, apply: Apply): Reaction => ({ kind: 'live', drives, apply });

// Reactions shared by several keys run once per change batch (e.g. a PBX login changing all three hot keys).
const hotkeys = live('hotkeys.configure', (t, s) => t.hotkeys?.configure({ dial: s.get('hotkeyDial'), accept: s.get('hotkeyAccept'), reject: s.get('hotkeyReject') }));
const updatePolicy = live('update.setPolicy', (t, s) => t.update?.setPolicy({ adminDisabled: s.get('updatePolicy') === 'off', fasterDownloads: s.get('fasterDownloads') === true }));

export const SETTING_REACTIONS: { readonly [K in SettingKey]: Reaction } = {
  server: { kind: 'at-use', why: 'the launcher controller reads it when it connects (start, connect form, retry); a change comes with a connect' },
  autostart: live('windows.applyAutostart', (t) => t.windows?.applyAutostart()),
  appearOfflineAfterMs: live('activity.setThresholdMinutes', (t, s) => t.activity?.setThresholdMinutes(s.get('appearOfflineAfterMs') / 60_000)),
  hotkeyDial: hotkeys,
  hotkeyAccept: hotkeys,
  hotkeyReject: hotkeys,
  docking: live('windows.applyDocking', (t) => t.windows?.applyDocking()),
  notifications: live('notifications.setEnabled + incomingCall.setEnabled', (t, s) => {
    const on = s.get('notifications') !== false;
    t.notifications?.setEnabled(on);
    t.incomingCall?.setEnabled(on);
  }),
  showInTaskbar: live('windows.applyTaskbar', (t) => t.windows?.applyTaskbar()),
  excludeVpn: live('media.setOptions', (t, s) => t.media?.setOptions({ excludeVpn: s.get('excludeVpn') === true })),
  logFlags: live('traces.setSettingsMask', (t, s, logger) => {
    const raw = s.get('logFlags');
    if (raw === '') return t.traces?.setSettingsMask(undefined);
    const r = tryParseLogFlags(raw);
    if (r.ok) t.traces?.setSettingsMask(r.mask);
    else logger.warn(`log flags setting ignored: ${r.error}`);
  }),
  logSizeBytes: live('traces.setSettingsMaxFileSize', (t, s) => t.traces?.setSettingsMaxFileSize(s.get('logSizeBytes'))),
  externalApps: live('externalApps.setApps', (t, s) => t.externalApps?.setApps(s.get('externalApps'))),
  ringInHeadset: live('media.setOptions', (t, s) => t.media?.setOptions({ ringInHeadset: s.get('ringInHeadset') === true })),
  disableOutlookSearch: live('phonebook.updateSettings', (t, s) => t.phonebook?.updateSettings({ disableOutlookSearch: s.get('disableOutlookSearch') === true })),
  videoAutostart: live('launcher.setModelFields', (t, s) => t.launcher?.setModelFields({ videoAutostart: s.get('videoAutostart') === true })),
  officePresence: { kind: 'missing', why: 'the Office presence provider (Windows) is not part of this client; the installer value is kept and shown' },
  disableHeadsets: live('media.setOptions + headsets.setDisabled', (t, s) => {
    const off = s.get('disableHeadsets') === true;
    t.headsets?.setDisabled(off);
    t.media?.setOptions({ disableHeadsets: off });
  }),
  forceRestart: { kind: 'at-use', why: 'read by the Windows installer (MSI FORCERESTART) while it installs; the running client has no part in it' },
  disableLocalhost: { kind: 'next-start', why: 'the local services server hands out its URLs (bus, media, ringer) once, when it starts' },
  excludeInterfaces: live('media.setOptions', (t, s) => t.media?.setOptions({ excludePrefixes: parseExcludeInterfaces(s.get('excludeInterfaces').join(',')) })),
  fasterDownloads: updatePolicy,
  allowUpdateDowngrade: { kind: 'next-start', why: 'an admin policy read when the update service is built at start (electron/wiring/update-product.ts)' },
  updatePolicy,
  appProxyCacheMb: { kind: 'next-start', why: 'the app proxy cache is sized when it opens (no live resize, docs/appproxy.md)' },
  spellcheckDictionaryUrl: { kind: 'next-start', why: 'an installer/MDM value (read at start); the session gets its dictionary mirror when spell checking is installed' },
  trustedCertificates: { kind: 'at-use', why: 'the certificate-error handler reads the pins for each certificate the OS does not trust' },
};

export interface SettingsReactions {
  /** Add targets that start after the service graph (windows, headset permission, pages). */
  attach(t: ReactionTargets): void;
  close(): void;
}

/**
 * Runs the live reactions of these settings now (each shared one once); errors are logged, never
 * thrown. Also used at start where a target exists before the store (the trace files).
 */
export function applyReactions(keys: Iterable<SettingKey>, t: ReactionTargets, store: Pick<SettingsSource, 'get'>, logger: Logger): void {
  const run = new Set<Apply>();
  for (const key of keys) {
    const r = SETTING_REACTIONS[key];
    if (r.kind === 'live') run.add(r.apply);
  }
  for (const apply of run) {
    try {
      void Promise.resolve(apply(t, store, logger)).catch((err: unknown) => logger.warn('settings change not applied', { error: String(err) }));
    } catch (err) {
      logger.warn('settings change not applied', { error: String(err) });
    }
  }
}

/** Subscribes the table to the store: one listener for every setting. */
export function wireSettingsReactions(store: SettingsSource, targets: ReactionTargets, logger: Logger): SettingsReactions {
  const t: ReactionTargets = { ...targets };
  const off = store.onChange((changes) => {
    applyReactions(changes.map((c) => c.key), t, store, logger);
    try {
      t.pages?.settingsChanged();
    } catch (err) {
      logger.warn('settings change not shown', { error: String(err) });
    }
  });
  return {
    attach: (more) => Object.assign(t, more),
    close: off,
  };
}
