/**
 * The typed service graph: what createPlatformServices takes (the ports of each area, the
 * configuration) and what it gives back (each service under its own name, the ones not started
 * in `skipped` with the reason). docs/architecture.md "The one wiring".
 */
import type { DisplaySession } from '../../common/session';
import type { FileLocations, Logger, WindowFocus } from '../platform';
import type { ApiRouter, AppFrameSource, AppOrigins, LauncherIdentity, LocalServicesServer, OriginAllowList } from '../bus';
import type { ManagedSettingsReader, SettingsStore } from '../settings';
import type { CredentialPrompt, CredentialStore, ProxyConnector, ProxyResolver } from '../connect';
import type { LinkService, ProtocolRegistrar } from '../links';
import type { HotkeyService, KeyListener, SelectionReader } from '../hotkeys';
import type { ActivityService, IdleClock } from '../activity';
import type { AttentionPort, InAppBanner, LauncherApi, NotificationService, Notifier, OverlayHost } from '../notifications';
import type { AwakeKeeper, IncomingCallWindow, PowerSaveBlocker, SharingWindow } from '../calls';
import type { DialogHost } from '../windows';
import type { Translator } from '../../common/i18n';
import type { ExternalApp, ExternalAppsService, ProcessSpawner, UrlOpener } from '../externalapps';
import type { ContactSource, PhonebookService, PhonebookSettings } from '../phonebook';
import type { MediaEngineHost, MediaService, MediaServiceConfig } from '../media';
import type { TraceFiles } from '../log';
import type { UpdateFetch, UpdateService, UpdateServiceOptions } from '../update';
import type { AppProxy, AppProxySettings, UpstreamFetch } from '../appproxy';
import type { SettingsReactions } from './reactions';

/** What every area may use. */
export interface CorePorts {
  logger?: Logger;
  files?: FileLocations;
  /** The trace files (createTraceFiles); their `main` is the logger. Log flags follow the settings. */
  traces?: TraceFiles;
}

/** Settings: the store the composition root opened, or the managed readers to open one from files.userData. */
export interface SettingsPorts {
  settings?: SettingsStore;
  /** Lowest priority first. */
  managedSettings?: ManagedSettingsReader[];
}

/** Node-side HTTPS through the OS proxy (update downloads). */
export interface ConnectPorts {
  proxyResolver?: ProxyResolver;
  credentialStore?: CredentialStore;
  credentialPrompt?: CredentialPrompt;
  /** PEM certificates trusted beside Node's roots by the proxy-aware fetch (Linux: the OS bundle). */
  caCertificates?: string[];
}

export interface LinkPorts {
  windowFocus?: WindowFocus;
  protocolRegistrar?: ProtocolRegistrar;
}

export interface HotkeyPorts {
  keyListener?: KeyListener;
  selectionReader?: SelectionReader;
  displaySession?: DisplaySession;
}

/** com.innovaphone.launcher: user activity and notifications. */
export interface LauncherPorts {
  idleClock?: IdleClock;
  notifier?: Notifier;
  attention?: AttentionPort;
  /**
   * The launcher's own view over the main window: with it, a notification the desktop has no
   * notification service for is shown in the in-app banner (electron/notifications/banner.ts).
   */
  overlays?: OverlayHost;
}

/**
 * What the launcher does around calls (electron/calls, docs/media-protocol.md "What the launcher
 * does around calls"), from the media service's channels and the phone apps' call models.
 */
export interface CallPorts {
  /** Keeps the system awake during calls and the display during video and sharing. */
  powerSaveBlocker?: PowerSaveBlocker;
  /** The launcher's own windows: the sharing bar and the incoming-call window. */
  dialogs?: DialogHost;
  /** The language of their texts (default English). */
  words?: Translator;
}

export interface ExternalAppsPorts {
  spawner?: ProcessSpawner;
  /** Opens external apps' URLs in the default browser. */
  urlOpener?: UrlOpener;
}

export interface PhonebookPorts {
  /** Replaces the OS contact sources (tests, demo). */
  phonebookSources?: ContactSource[];
  /** The Outlook search's own trace (default: traces.helper('myAppsOutlookSearch')). */
  outlookLogger?: Logger;
}

export interface MediaPorts {
  /** Opens the media engine page (hidden BrowserWindow in the product, a Chromium page in tests). */
  mediaEngineHost?: MediaEngineHost;
}

/** The update service's ports: installer, UI, install facts; fetch defaults to the proxy-aware one. */
export type UpdatePortSet = Omit<UpdateServiceOptions, 'logger' | 'fetch'> & { logger?: Logger; fetch?: UpdateFetch };

export interface UpdatePorts {
  update?: UpdatePortSet;
}

export interface AppProxyPorts {
  appProxyUpstream?: UpstreamFetch;
}

export interface AppOriginPorts {
  /** The frames of the client's windows: the apps' origins follow them onto the bus allow-list. */
  appFrames?: AppFrameSource;
}

export interface PlatformPorts
  extends CorePorts, SettingsPorts, ConnectPorts, LinkPorts, HotkeyPorts, LauncherPorts, ExternalAppsPorts, PhonebookPorts, MediaPorts, CallPorts, UpdatePorts, AppProxyPorts, AppOriginPorts {}

/**
 * Configuration. Values named like settings (common/settings/schema.ts) win over the settings
 * store when given (tests, demo); otherwise the store's resolved value is used.
 */
export interface PlatformConfig {
  /** Origin of the user's PBX (https://host[:port]); the bus accepts it. Optional before first connect. */
  pbxOrigin?: string;
  /** DISABLELOCALHOST: hand out 127.0.0.1 (true) or localhost (false) URLs. Default 127.0.0.1. */
  disableLocalhost?: boolean;
  /** Fixed port for the local services server (0 = random, the default). */
  port?: number;
  launcher?: LauncherIdentity;
  /** A touch screen is attached (com.innovaphone.launcher model `touch`). Default false. */
  touch?: boolean;
  /** Listen for a second start's arguments on this local socket or pipe (electron/links/handoff.ts linkHandoffEndpoint). */
  linkHandoffPath?: string;
  hotkeyDial?: string;
  hotkeyAccept?: string;
  hotkeyReject?: string;
  /** "Appear offline after" in ms; 0 = off. */
  appearOfflineAfterMs?: number;
  /** "Desktop notifications". Default true. */
  notifications?: boolean;
  /** Only one incoming-call notification at a time (Windows Server editions, docs/notifications.md). */
  oneIncomingCall?: boolean;
  /** "Autostart video" (com.innovaphone.launcher model `videoAutostart`). */
  videoAutostart?: boolean;
  externalApps?: ExternalApp[];
  /** MSI EXTERNALAPPS JSON, used when neither externalApps nor a settings store gives the list. */
  externalAppsJson?: string;
  /** The local phone book (+ the folder of its helper scripts); skipped without it or phonebookSources. */
  phonebook?: Partial<PhonebookSettings> & { nativeDir?: string };
  /** The media service; skipped without it or a mediaEngineHost. Unset fields come from the settings. */
  media?: MediaServiceConfig;
  /** The app proxy cache; maxBytes defaults to the appProxyCacheMb setting. */
  appProxy?: AppProxySettings;
}

/** Every service of the graph, by name (`skipped` uses the same names). */
export interface PlatformInstances {
  settings?: SettingsStore;
  connector?: ProxyConnector;
  proxyFetch?: UpdateFetch;
  links?: LinkService;
  hotkeys?: HotkeyService;
  launcher?: LauncherApi;
  activity?: ActivityService;
  notifications?: NotificationService;
  /** The notifier every part uses: the OS notifier, with the in-app banner behind it when `overlays` is given. */
  notifier?: Notifier;
  banner?: InAppBanner;
  awake?: AwakeKeeper;
  sharingWindow?: SharingWindow;
  incomingCallWindow?: IncomingCallWindow;
  externalApps?: ExternalAppsService;
  phonebook?: PhonebookService;
  media?: MediaService;
  update?: UpdateService;
  appProxy?: AppProxy;
  appOrigins?: AppOrigins;
  reactions?: SettingsReactions;
}

export type ServiceName = keyof PlatformInstances | 'launcherServices' | 'logFlags';

export interface PlatformServices {
  readonly server: LocalServicesServer;
  readonly router: ApiRouter;
  readonly origins: OriginAllowList;
  readonly logger: Logger;
  /** Services that were not started, with the reason (missing port, no settings store). */
  readonly skipped: Partial<Record<ServiceName, string>>;
  readonly instances: PlatformInstances;
  /** Points the client at another PBX (after "change server"). */
  setPbxOrigin(origin: string | undefined): void;
  close(): Promise<void>;
}
