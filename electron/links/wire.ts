/**
 * Wiring of the issue-3 services into createPlatformServices (electron/services.ts): one function
 * per service, each started only when its ports are present. Settings arrive as plain values in
 * the config (keys as in common/settings/schema.ts); later changes go to the instances' setters
 * (see docs/hotkeys.md "Wiring").
 */
import type { ApiRouter } from '../bus';
import type { Logger, WindowFocus } from '../platform';
import { LinkService } from './service';
import { LINK_SCHEMES } from '../../common/links';
import { startLinkHandoffServer } from './handoff';
import type { ProtocolRegistrar } from './ports';
import { HotkeyService, type KeyListener, type SelectionReader } from '../hotkeys';
import type { DisplaySession } from '../../common/session';
import { ActivityService, type IdleClock } from '../activity';
import { LauncherApi, NotificationService, type AttentionPort, type Notifier } from '../notifications';
import { ExternalAppsService, parseExternalAppsJson, type ProcessSpawner, type UrlOpener } from '../externalapps';

export interface DesktopServicePorts {
  windowFocus?: WindowFocus;
  protocolRegistrar?: ProtocolRegistrar;
  keyListener?: KeyListener;
  selectionReader?: SelectionReader;
  displaySession?: DisplaySession;
  idleClock?: IdleClock;
  notifier?: Notifier;
  attention?: AttentionPort;
  spawner?: ProcessSpawner;
  /** Opens external apps' URLs in the default browser. */
  urlOpener?: UrlOpener;
  /** The settings service (electron/settings SettingsStore): values and change events. */
  settings?: SettingsSource;
}

/** What the wiring needs of electron/settings' SettingsStore (structural, so tests may pass plain values). */
export interface SettingsSource {
  get(key: string): unknown;
  onChange(listener: (changes: { key: string }[]) => void): () => void;
}

export interface DesktopServiceConfig {
  hotkeyDial?: string;
  hotkeyAccept?: string;
  hotkeyReject?: string;
  /** "Appear offline after" in ms (settings key appearOfflineAfterMs); 0 = off. */
  appearOfflineAfterMs?: number;
  /** "Desktop notifications". Default true. */
  notifications?: boolean;
  externalApps?: unknown[];
  /** MSI EXTERNALAPPS JSON, used when externalApps is not set. */
  externalAppsJson?: string;
  /** Listen for a second start's arguments on this local socket or pipe (handoff.ts linkHandoffEndpoint). */
  linkHandoffPath?: string;
  /** A touch screen is attached (com.innovaphone.launcher model `touch`). Default false. */
  touch?: boolean;
}

type Wired = { name: string; instance?: unknown; close?: () => void | Promise<void>; skipped?: string };

export async function wireDesktopServices(router: ApiRouter, logger: Logger, p: DesktopServicePorts, config: DesktopServiceConfig): Promise<Wired[]> {
  const out: Wired[] = [];
  // explicit config values win; otherwise the settings service's current values
  const fromSettings = (key: keyof DesktopServiceConfig): unknown => {
    if (config[key] !== undefined) return config[key];
    try { return p.settings?.get(key); } catch { return undefined; }
  };
  const c: DesktopServiceConfig = {
    ...config,
    hotkeyDial: fromSettings('hotkeyDial') as string | undefined,
    hotkeyAccept: fromSettings('hotkeyAccept') as string | undefined,
    hotkeyReject: fromSettings('hotkeyReject') as string | undefined,
    appearOfflineAfterMs: fromSettings('appearOfflineAfterMs') as number | undefined,
    notifications: fromSettings('notifications') as boolean | undefined,
    externalApps: fromSettings('externalApps') as unknown[] | undefined,
  };
  const onSettings: ((keys: Set<string>) => void)[] = [];
  if (p.settings) {
    const off = p.settings.onChange((changes) => {
      const keys = new Set(changes.map((ch) => ch.key));
      for (const f of onSettings) {
        try { f(keys); } catch (err) { logger.warn('settings change not applied', { error: String(err) }); }
      }
    });
    out.push({ name: 'desktop-settings', close: off });
  }
  const setting = <T>(key: string): T => p.settings!.get(key) as T;

  // links: needs only the bus; the handoff socket and OS registration are optional
  {
    const links = new LinkService({ router, logger, window: p.windowFocus });
    const closers: (() => void | Promise<void>)[] = [() => links.close()];
    if (c.linkHandoffPath) {
      // A second start hands its link over here (handoff.ts); without the channel the client
      // still runs, and a second start says that nobody answered.
      try {
        const h = await startLinkHandoffServer({ path: c.linkHandoffPath, logger, onArgv: (argv) => links.handleArgv(argv, 'handoff') });
        closers.unshift(() => h.close());
      } catch (err) {
        logger.error('links: the handoff channel for second starts is not available', { path: c.linkHandoffPath, error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (p.protocolRegistrar) {
      const registering = p.protocolRegistrar.register([...LINK_SCHEMES]).then(
        (r) => {
          if (r.registered.length) logger.trace('App', 'links: registered as the handler', { schemes: r.registered.join(',') });
          r.failed.forEach((f) => logger.warn(`links: ${f.scheme}: links not registered: ${f.reason}`));
        },
        (err: unknown) => logger.warn('links: protocol registration failed', { error: String(err) }),
      );
      // at quit, let a registration still running (xdg-mime) finish writing, for at most 5 s
      closers.push(() => Promise.race([registering, new Promise<void>((r) => setTimeout(r, 5000).unref())]));
    }
    out.push({ name: 'links', instance: links, close: async () => { for (const x of closers) await x(); } });
  }

  if (p.keyListener && p.selectionReader) {
    const hotkeys = new HotkeyService({ router, logger, keys: p.keyListener, selection: p.selectionReader, session: p.displaySession });
    await hotkeys.configure({ dial: c.hotkeyDial, accept: c.hotkeyAccept, reject: c.hotkeyReject });
    onSettings.push((k) => {
      if (k.has('hotkeyDial') || k.has('hotkeyAccept') || k.has('hotkeyReject')) {
        void hotkeys.configure({ dial: setting<string>('hotkeyDial'), accept: setting<string>('hotkeyAccept'), reject: setting<string>('hotkeyReject') });
      }
    });
    out.push({ name: 'hotkeys', instance: hotkeys, close: () => hotkeys.close() });
  } else out.push({ name: 'hotkeys', skipped: 'no keyListener/selectionReader port' });

  // com.innovaphone.launcher (provider @local-<id> "myApps"): its model is fed by activity, media
  // (launcherServices, services.ts) and notifications; its requests go to notifications.
  const launcher = new LauncherApi(router, logger, { popupWindows: true, touch: c.touch === true });
  out.push({ name: 'launcher', instance: launcher, close: () => launcher.close() });

  if (p.idleClock) {
    const activity = new ActivityService({ launcher, logger, clock: p.idleClock, thresholdMinutes: (c.appearOfflineAfterMs ?? 0) / 60_000 });
    onSettings.push((k) => { if (k.has('appearOfflineAfterMs')) activity.setThresholdMinutes(Number(setting('appearOfflineAfterMs')) / 60_000); });
    out.push({ name: 'activity', instance: activity, close: () => activity.close() });
  } else out.push({ name: 'activity', skipped: 'no idleClock port' });

  if (p.notifier) {
    const notifications = new NotificationService({ router, launcher, logger, notifier: p.notifier, attention: p.attention, window: p.windowFocus, enabled: c.notifications ?? true });
    onSettings.push((k) => { if (k.has('notifications')) notifications.setEnabled(setting('notifications') !== false); });
    out.push({ name: 'notifications', instance: notifications, close: () => notifications.close() });
  } else out.push({ name: 'notifications', skipped: 'no notifier port' });

  if (p.spawner) {
    let apps = c.externalApps;
    if (!apps) {
      const parsed = parseExternalAppsJson(c.externalAppsJson);
      parsed.warnings.forEach((w) => logger.warn(`externalapps: ${w}`));
      apps = parsed.apps;
    }
    const externalApps = new ExternalAppsService({ router, logger, spawner: p.spawner, ...(p.urlOpener ? { opener: p.urlOpener } : {}), apps });
    onSettings.push((k) => { if (k.has('externalApps')) externalApps.setApps((setting<unknown[]>('externalApps') ?? [])); });
    out.push({ name: 'externalApps', instance: externalApps, close: () => externalApps.close() });
  } else out.push({ name: 'externalApps', skipped: 'no spawner port' });

  return out;
}
