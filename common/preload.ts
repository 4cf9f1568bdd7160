/**
 * The API the launcher exposes to the pages it hosts, declared once (like Mattermost's
 * `@mattermost/desktop-api`): `window.myAppsLauncher`, version 1.
 *
 * Three kinds of frames may call it (the main process decides by the sender frame):
 *  - `pbx`: the hosted myApps web client, the top frame of the configured PBX origin;
 *  - `launcher`: the launcher's own pages (connect form, error page, advanced settings), served
 *    from the privileged `myapps-launcher://` scheme;
 *  - `app`: an app frame inside the web client (a subframe of the PBX origin or of an App Platform
 *    origin on the bus allow-list): only lib1's launcher hooks (`consoleLine`, `openWindow`).
 * Every other frame is refused. Each channel names which kinds may call it.
 *
 * Every call goes over one IPC channel per method (`myapps:<method>`) as `ipcRenderer.invoke`;
 * the main process validates the request with the schema below, checks the sender, runs the
 * handler, validates the response and answers with a `PreloadResult` envelope. The preload turns
 * `{ok:false}` into a rejected promise with the error text.
 *
 * This module is imported by the main process, the preload (bundled) and the launcher pages.
 * It must stay free of Node and DOM APIs.
 */
import { z } from 'zod';
import { AppClientConfigSchema } from './bus';
import { SETTING_SOURCES } from './settings/resolve';
import { LANGUAGES } from './i18n';
import { CONSOLE_LEVELS, CONSOLE_LINE_MAX, PRELOAD_API_VERSION, PRELOAD_CHANNEL_PREFIX, PRELOAD_EVENT_NAMES, PRELOAD_METHOD_NAMES, type SenderKind } from './preload-names';

// Names and channels live in ./preload-names (no zod: the sandboxed preload bundles only those).
export * from './preload-names';


const empty = z.object({}).strict().optional();
const ok = z.object({ ok: z.literal(true) });

/** A setting as the pages see it: its resolved state (common/settings/resolve.ts SettingState) plus `forced`. */
export const SettingValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.string(), z.unknown())]);
export const ResolvedSettingSchema = z.object({
  key: z.string(),
  value: SettingValueSchema,
  source: z.enum(SETTING_SOURCES),
  /** Forced by the PBX (value+force). */
  forced: z.boolean(),
  /** The user cannot change it (forced by the PBX, or an installer-only setting). */
  locked: z.boolean(),
  lockedBy: z.enum(['pbx', 'installer']).optional(),
});
export const SettingsSnapshotSchema = z.object({
  settings: z.array(ResolvedSettingSchema),
  /** Problems found while loading settings (corrupt file set aside, bad managed values). */
  warnings: z.array(z.string()).optional(),
});
/** Why the web client could not be loaded (common/connect-failure.ts ConnectFailure), for the error page. */
export const ConnectFailureSchema = z
  .object({
    kind: z.string(),
    title: z.string(),
    message: z.string(),
    url: z.string(),
    status: z.number().optional(),
    code: z.string().optional(),
    certificate: z.object({ fingerprint256: z.string() }).passthrough().optional(),
  })
  .passthrough();
const settingKey = z.string().min(1).max(100).regex(/^[A-Za-z][\w.-]*$/, 'setting keys are letters, digits and . _ -');

/** Identifier of an app of the web client (`app` name of an app link). */
const appId = z.string().min(1).max(200).regex(/^[\w.@:-]+$/, 'app ids are letters, digits and . _ - @ :');
const httpsUrl = z.string().max(4000).url();

/** Hot-key registration per function (electron/hotkeys HotkeyStatus), for the settings page. */
const HotkeyStateSchema = z.object({
  configured: z.string().max(200),
  chord: z.string().max(100).optional(),
  active: z.boolean(),
  reason: z.string().max(1000).optional(),
  /** Registered, but the action failed on the last press (dial: macOS Accessibility permission…). */
  problem: z.string().max(1000).optional(),
  problemKind: z.string().max(50).optional(),
});
export const HotkeyStatusSchema = z.object({
  functions: z.object({ dial: HotkeyStateSchema, accept: HotkeyStateSchema, reject: HotkeyStateSchema }),
  /** Display-session note (Wayland, no display). */
  notice: z.string().max(2000).optional(),
});
/** Update installing: progress popup (electron/windows/dialogs.ts). fraction null = unknown. */
export const UpdateProgressSchema = z.object({
  build: z.string().max(50),
  fraction: z.number().min(0).max(1).nullable(),
  phase: z.enum(['installing', 'failed']),
  detail: z.string().max(1000).optional(),
});
/** The auto update as users see it (electron/update status, common/update-status.ts words). */
export const UpdateStatusViewSchema = z.object({
  state: z.enum(['off', 'idle', 'checking', 'downloading', 'ready', 'installing', 'installed', 'refused', 'error']),
  build: z.string().max(50).optional(),
  received: z.number().min(0).optional(),
  total: z.number().min(0).optional(),
  bytesPerSec: z.number().min(0).optional(),
  /** Why updates are off (a code of update.reason.* in common/i18n), or the service's text. */
  reasonCode: z.string().max(50).optional(),
  /** Refusal reason or error (English, from the service). */
  detail: z.string().max(1000).optional(),
});
/** Settings page "About": versions, the PBX, the update channel and state. */
export const AboutSchema = z.object({
  name: z.string().max(100),
  version: z.string().max(50),
  build: z.string().max(50),
  electron: z.string().max(50).optional(),
  chromium: z.string().max(50).optional(),
  os: z.string().max(200),
  /** Origin of the PBX the main window is connected to (null: none yet). */
  pbx: z.string().max(300).nullable(),
  updatePolicy: z.string().max(20),
  /** Where updates come from: the PBX's App Store URL and the build it names. */
  updateSource: z.object({ url: z.string().max(1000), build: z.string().max(50) }).optional(),
  update: UpdateStatusViewSchema,
});
/** "Collect logs" progress: bytes of trace files read into the zip. */
export const CollectLogsProgressSchema = z.object({
  done: z.number().min(0),
  total: z.number().min(0),
  files: z.number().int().min(0),
  filesTotal: z.number().int().min(0),
});
/** A proxy asks for credentials (407, or Electron's login event with isProxy). */
export const ProxyAuthRequestSchema = z.object({
  pending: z.boolean(),
  host: z.string().max(300),
  port: z.number().int().min(0).max(65535),
  realm: z.string().max(300).optional(),
  /** The previous credentials were refused. */
  retry: z.boolean(),
});
/** A link from page content waiting for the user's confirmation (common/link-confirm.ts). */
export const LinkConfirmRequestSchema = z.object({
  pending: z.boolean(),
  action: z.enum(['call', 'chat']).optional(),
  /** The number or address as it will be sent. */
  target: z.string().max(300).optional(),
  /** Origin of the frame that asked; absent: unknown. */
  from: z.string().max(300).optional(),
  /** Further links waiting behind this one. */
  more: z.number().int().min(0).max(100).optional(),
});
/** Display-media picker state (native/electron/display-media.ts PickerState). */
export const DisplayPickerStateSchema = z.object({
  open: z.boolean(),
  origin: z.string().max(300),
  sources: z.array(
    z.object({
      id: z.string().max(200),
      name: z.string().max(500),
      kind: z.enum(['screen', 'window']),
      /** PNG data URL ('' = none). */
      thumbnail: z.string().max(2_000_000).regex(/^(data:image\/png;base64,[A-Za-z0-9+/=]*)?$/, 'PNG data URL'),
      displayId: z.string().max(100).optional(),
    }),
  ).max(200),
});

/** Incoming-call window (electron/calls IncomingCallWindow): the alerting incoming calls it shows. */
export const IncomingCallStateSchema = z.object({
  calls: z.array(
    z.object({
      /** The call as the window names it to the main process (phone provider + call id). */
      key: z.string().max(400),
      /** Display name of the caller ('' = none known). */
      name: z.string().max(200),
      /** Number or SIP URI of the caller ('' = none known). */
      number: z.string().max(200),
      /** Accept or reject was pressed; the phone app has not changed the call yet. */
      pending: z.boolean(),
    }),
  ).max(20),
  /** Further alerting calls not shown (one incoming call at a time, docs/notifications.md). */
  waiting: z.number().int().min(0),
});
/** Sharing window (electron/calls SharingWindow): the user's screen is being sent. */
export const SharingStateSchema = z.object({ sharing: z.boolean(), channels: z.number().int().min(0) });
/** In-app notification banner (electron/notifications InAppBanner): what it shows. */
export const BannerStateSchema = z.object({
  items: z.array(
    z.object({
      id: z.string().max(100),
      title: z.string().max(256),
      body: z.string().max(2000),
      kind: z.enum(['default', 'call', 'missed', 'chat']),
      buttons: z.array(z.object({ action: z.enum(['', 'accept', 'reject']), label: z.string().max(64) })).max(4),
    }),
  ).max(20),
});

/**
 * The methods. `from` lists the sender kinds that may call the method; `request`/`response`
 * are validated in the main process on every call.
 */
export const PreloadMethods = {
  /** Version and identity of the launcher; any trusted page. */
  getInfo: {
    from: ['pbx', 'launcher'],
    request: empty,
    response: z.object({
      api: z.literal(PRELOAD_API_VERSION),
      name: z.string(),
      version: z.string(),
      build: z.string(),
      platform: z.string(),
      /** The language of the client's own words (the OS language: common/i18n pickLanguage). */
      language: z.enum(LANGUAGES),
    }),
  },
  /** The local services configuration (also written to localStorage by the preload). */
  getConfig: {
    from: ['pbx'],
    request: empty,
    response: AppClientConfigSchema,
  },
  /** Connect form state: the preset or last server and the last error, if any. */
  getConnectState: {
    from: ['launcher'],
    request: empty,
    response: z.object({
      server: z.string(),
      /** The server is preset by the installer/MDM and cannot be changed by the user. */
      locked: z.boolean(),
      error: z.string().optional(),
      /** The URL that failed (error page). */
      url: z.string().optional(),
      failure: ConnectFailureSchema.optional(),
    }),
  },
  /**
   * Error page, certificate failure: trust exactly the certificate that was presented for that
   * origin (the main process refuses any other origin/fingerprint), then retry.
   */
  trustCertificate: {
    from: ['launcher'],
    request: z.object({ origin: z.string().url().max(300), fingerprint256: z.string().regex(/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){31}$/, 'SHA-256 fingerprint AB:CD:…') }).strict(),
    response: z.union([ok, z.object({ ok: z.literal(false), error: z.string() })]),
  },
  /** Connect form: the user entered a server string. Parse errors come back as `error`. */
  connect: {
    from: ['launcher'],
    request: z.object({ server: z.string().max(1000) }).strict(),
    response: z.union([ok, z.object({ ok: z.literal(false), error: z.string() })]),
  },
  /** Error page: load the web client again. */
  retry: { from: ['launcher'], request: empty, response: ok },
  /** Web client ("Change server") or error page: show the connect form. */
  changeServer: { from: ['pbx', 'launcher'], request: empty, response: ok },
  /** Open the advanced settings page (own window). */
  openSettings: { from: ['pbx', 'launcher'], request: empty, response: ok },
  /** All settings with value, source and forced flag. */
  'settings.get': { from: ['launcher'], request: empty, response: SettingsSnapshotSchema },
  /** Change one user setting. Forced settings are refused (`ok:false`). */
  'settings.set': {
    from: ['launcher'],
    request: z.object({ key: settingKey, value: SettingValueSchema }).strict(),
    response: z.union([ok, z.object({ ok: z.literal(false), error: z.string() })]),
  },
  /** Remove the user's value of one setting (falls back to PBX/installer/default). */
  'settings.reset': {
    from: ['launcher'],
    request: z.object({ key: settingKey }).strict(),
    response: z.union([ok, z.object({ ok: z.literal(false), error: z.string() })]),
  },
  /** Write a zip of traces + resolved settings and reveal it; returns its path. */
  collectLogs: { from: ['pbx', 'launcher'], request: empty, response: z.object({ path: z.string() }) },
  /** Open the trace folder in the file manager. */
  openTraceFolder: { from: ['pbx', 'launcher'], request: empty, response: ok },
  /**
   * Open an app in its own window. The web client calls this after the app's
   * RequestPrepareReload/PrepareReload/PrepareReloadComplete exchange (docs/windows.md).
   * `url` must be of the PBX origin.
   */
  detachApp: {
    from: ['pbx'],
    request: z.object({ app: appId, url: httpsUrl, title: z.string().max(200).optional() }).strict(),
    response: z.union([ok, z.object({ ok: z.literal(false), error: z.string() })]),
  },
  /** Close an app's own window (the app goes back into the main window). */
  attachApp: { from: ['pbx'], request: z.object({ app: appId }).strict(), response: ok },
  /** Apps currently detached (the web client asks after start to restore its layout). */
  getDetachedApps: {
    from: ['pbx'],
    request: empty,
    response: z.object({ apps: z.array(z.object({ app: z.string(), url: z.string(), title: z.string().optional() })) }),
  },
  /** Badge on the task bar / dock / tray (0 or '' clears it). */
  setBadge: {
    from: ['pbx'],
    request: z.object({ count: z.union([z.number().int().min(0).max(100000), z.string().max(4)]) }).strict(),
    response: ok,
  },
  /** Bring the main window to the front (incoming call, StartActivity). */
  showWindow: { from: ['pbx', 'launcher'], request: empty, response: ok },
  /** Settings page: hot-key registration per chord (active, or why not) and the Wayland note. */
  'hotkeys.status': { from: ['launcher'], request: empty, response: HotkeyStatusSchema },
  /** Update progress popup: the install in progress. Only the popup window gets an answer. */
  'update.getState': { from: ['launcher'], request: empty, response: UpdateProgressSchema },
  /** Proxy credentials dialog: the request waiting for the user (only the dialog window). */
  'proxyAuth.getRequest': { from: ['launcher'], request: empty, response: ProxyAuthRequestSchema },
  /** Proxy credentials dialog: the user's answer (or cancel). Only the dialog window. */
  'proxyAuth.answer': {
    from: ['launcher'],
    request: z.union([
      z.object({ username: z.string().min(1).max(256), password: z.string().max(1024) }).strict(),
      z.object({ cancel: z.literal(true) }).strict(),
    ]),
    response: z.union([ok, z.object({ ok: z.literal(false), error: z.string() })]),
  },
  /** Link confirmation dialog: the link from page content waiting for the user (only the dialog window). */
  'linkConfirm.getRequest': { from: ['launcher'], request: empty, response: LinkConfirmRequestSchema },
  /** Link confirmation dialog: dial (true) or not (false). Only the dialog window. */
  'linkConfirm.answer': {
    from: ['launcher'],
    request: z.object({ confirm: z.boolean() }).strict(),
    response: z.union([ok, z.object({ ok: z.literal(false), error: z.string() })]),
  },
  /** Screen/window picker for app sharing: the sources on offer (only the picker window). */
  'displayPicker.getState': { from: ['launcher'], request: empty, response: DisplayPickerStateSchema },
  /** Share this source. */
  'displayPicker.choose': {
    from: ['launcher'],
    request: z.object({ id: z.string().min(1).max(200) }).strict(),
    response: z.union([ok, z.object({ ok: z.literal(false), error: z.string() })]),
  },
  /** Share nothing (the engine's getDisplayMedia fails cleanly). */
  'displayPicker.cancel': { from: ['launcher'], request: empty, response: ok },
  /** Settings page: version, build, Electron/Chromium, PBX, update channel and state. */
  'about.get': { from: ['launcher'], request: empty, response: AboutSchema },
  /** Incoming-call window: the calls it shows (only that window). */
  'incomingCall.getState': { from: ['launcher'], request: empty, response: IncomingCallStateSchema },
  /** Incoming-call window: accept or reject one call (ConnectCall / DisconnectCall to its phone app). */
  'incomingCall.answer': {
    from: ['launcher'],
    request: z.object({ key: z.string().min(1).max(400), action: z.enum(['accept', 'reject']) }).strict(),
    response: z.union([ok, z.object({ ok: z.literal(false), error: z.string() })]),
  },
  /** Sharing window: is the screen being shared (only that window). */
  'sharing.getState': { from: ['launcher'], request: empty, response: SharingStateSchema },
  /** Sharing window: Stop — the appsharing channels that send end. */
  'sharing.stop': { from: ['launcher'], request: empty, response: z.union([ok, z.object({ ok: z.literal(false), error: z.string() })]) },
  /** In-app notification banner: the notifications it shows (only the banner view). */
  'banner.getState': { from: ['launcher'], request: empty, response: BannerStateSchema },
  /** In-app notification banner: a click on a notification ('' body/Open, a button) or its dismissal. */
  'banner.act': {
    from: ['launcher'],
    request: z.object({ id: z.string().min(1).max(100), action: z.enum(['', 'accept', 'reject', 'dismiss']) }).strict(),
    response: z.union([ok, z.object({ ok: z.literal(false), error: z.string() })]),
  },
  /**
   * lib1's launcher hooks (renderer/page-hooks.ts): a line of the launcher's console
   * (`console.custom`) of the web client or an app frame, for the trace (Browser Console flag;
   * redacted, rate-limited). Sent by the preload's bridge, never awaited by the page.
   */
  consoleLine: {
    from: ['pbx', 'app'],
    request: z.object({ level: z.enum(CONSOLE_LEVELS), text: z.string().max(CONSOLE_LINE_MAX) }).strict(),
    response: ok,
  },
  /**
   * lib1's launcher hooks: `window.open` of the web client or an app frame, through the client's
   * window policy (docs/security.md): a launcher-owned window for the PBX's pages, the default
   * browser for outside links, the URI handler for tel:/sip:/im:, refused otherwise.
   */
  openWindow: {
    from: ['pbx', 'app'],
    request: z.object({ url: z.string().min(1).max(4000) }).strict(),
    response: z.object({ action: z.enum(['popup', 'external', 'internal', 'deny']) }),
  },
} as const satisfies Record<string, { from: readonly SenderKind[]; request: z.ZodType; response: z.ZodType }>;

export type PreloadMethodName = keyof typeof PreloadMethods;
export type PreloadRequest<M extends PreloadMethodName> = NonNullable<z.infer<(typeof PreloadMethods)[M]['request']>>;
export type PreloadResponse<M extends PreloadMethodName> = z.infer<(typeof PreloadMethods)[M]['response']>;

/** Events main -> page (`api.on(event, cb)` returns an unsubscribe function). */
export const PreloadEvents = {
  /** Settings changed (any layer). */
  settingsChanged: { to: ['pbx', 'launcher'], payload: SettingsSnapshotSchema },
  /** A detached app window was closed by the user: the web client shows the app again. */
  appAttached: { to: ['pbx'], payload: z.object({ app: z.string() }) },
  /** Hot-key registration changed (settings page). */
  hotkeysChanged: { to: ['launcher'], payload: HotkeyStatusSchema },
  /** Update install progress (progress popup). */
  updateProgress: { to: ['launcher'], payload: UpdateProgressSchema },
  /** The next proxy credential request (dialog). */
  proxyAuthRequest: { to: ['launcher'], payload: ProxyAuthRequestSchema },
  /** The next link waiting for confirmation (dialog). */
  linkConfirmRequest: { to: ['launcher'], payload: LinkConfirmRequestSchema },
  /** Picker sources changed or the request was withdrawn (picker window). */
  displayPickerChanged: { to: ['launcher'], payload: DisplayPickerStateSchema },
  /** About changed: update progress (at most about once a second), PBX (settings page). */
  aboutChanged: { to: ['launcher'], payload: AboutSchema },
  /** "Collect logs" running: progress to the page that asked. */
  collectLogsProgress: { to: ['launcher'], payload: CollectLogsProgressSchema },
  /** The incoming calls changed (incoming-call window). */
  incomingCallChanged: { to: ['launcher'], payload: IncomingCallStateSchema },
  /** Sharing started or ended (sharing window). */
  sharingChanged: { to: ['launcher'], payload: SharingStateSchema },
  /** The notifications of the in-app banner changed. */
  bannerChanged: { to: ['launcher'], payload: BannerStateSchema },
} as const satisfies Record<string, { to: readonly SenderKind[]; payload: z.ZodType }>;
export type PreloadEventName = keyof typeof PreloadEvents;
export type PreloadEventPayload<E extends PreloadEventName> = z.infer<(typeof PreloadEvents)[E]['payload']>;


/** What travels back over IPC for every call. */
export type PreloadResult<T = unknown> = { ok: true; value: T } | { ok: false; error: string };

/**
 * What the sync config channel answers, for the origin it is meant for: the config (the web
 * client's top frame only) and whether the frame gets lib1's launcher hooks (the web client and
 * its app frames).
 */
export const SyncConfigReplySchema = z.union([
  z.object({ origin: z.string(), config: AppClientConfigSchema.optional(), hooks: z.boolean() }),
  z.null(),
]);
export type SyncConfigReply = z.infer<typeof SyncConfigReplySchema>;

/**
 * The object pages see as `window.myAppsLauncher`. Methods whose request is empty take no
 * argument. A refused call rejects with an Error whose message says why.
 */
export type MyAppsLauncherApi = {
  readonly version: typeof PRELOAD_API_VERSION;
  readonly methods: readonly PreloadMethodName[];
  call<M extends PreloadMethodName>(method: M, ...req: PreloadRequest<M> extends Record<string, never> ? [] | [PreloadRequest<M>] : [PreloadRequest<M>]): Promise<PreloadResponse<M>>;
  on<E extends PreloadEventName>(event: E, cb: (payload: PreloadEventPayload<E>) => void): () => void;
};

// Compile-time check: the name lists of ./preload-names are exactly the declared methods/events.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _methodsMatch: Same<(typeof PRELOAD_METHOD_NAMES)[number], PreloadMethodName> = true;
const _eventsMatch: Same<(typeof PRELOAD_EVENT_NAMES)[number], PreloadEventName> = true;
void _methodsMatch;
void _eventsMatch;
void PRELOAD_CHANNEL_PREFIX;
