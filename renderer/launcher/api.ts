/**
 * What the launcher's own pages (connect form, error page, advanced settings) need from the main
 * process, as one typed interface. In the product it is backed by the preload API
 * `window.myAppsLauncher` (common/preload.ts); in plain Chromium (demo, screenshots, tests),
 * where no preload exists and the page is not on the `myapps-launcher:` scheme, the in-memory
 * demo API (demo-api.ts, a separate script the demo and test servers add before the page's own;
 * never part of the product's page bundles) is used and a "demo" banner says so. On the launcher
 * scheme a missing preload is an error, never silently faked.
 */
import { LAUNCHER_SCHEME, PRELOAD_GLOBAL, type MyAppsLauncherApi, type PreloadEventPayload, type PreloadResponse } from '../../common/preload';
import type { ConnectFailure } from '../../common/connect-failure';
import { SETTINGS, type SettingDescriptor, type SettingKey } from '../../common/settings/schema';
import { settingRow, type SettingRow, type SettingState } from '../../common/settings/resolve';
import { asLanguage, type Language } from '../../common/i18n';

export type { ConnectFailure };

export interface ConnectPageState {
  /** Preset or last server string ('' = none). */
  server: string;
  /** Preset by the installer/MDM: the form shows it read-only. */
  locked: boolean;
  /** Last error of the connect form (parse error or refusal). */
  error?: string;
  /** The URL that failed (error page). */
  url?: string;
  /** The classified failure (error page): kind, title, message, certificate details. */
  failure?: ConnectFailure;
}

export type { SettingRow };

export type Result = { ok: true } | { ok: false; error: string };

/** Hot-key registration per function and the display-session note (settings page). */
export type HotkeyStatusView = PreloadResponse<'hotkeys.status'>;
/** Update install progress (update.html). */
export type UpdateProgressView = PreloadResponse<'update.getState'>;
/** Proxy credential request (proxy-auth.html). */
export type ProxyAuthRequestView = PreloadResponse<'proxyAuth.getRequest'>;
/** Screens and windows on offer (display-picker.html). */
export type PickerStateView = PreloadResponse<'displayPicker.getState'>;
/** Versions, PBX, update channel and state (settings page, About). */
export type AboutView = PreloadResponse<'about.get'>;
/** Collect logs: bytes of trace files read so far. */
export type CollectProgressView = PreloadEventPayload<'collectLogsProgress'>;
/** A link from page content waiting for the user (link-confirm.html). */
export type LinkConfirmRequestView = PreloadResponse<'linkConfirm.getRequest'>;
/** The alerting incoming calls (incoming-call.html). */
export type IncomingCallView = PreloadResponse<'incomingCall.getState'>;
/** The user's screen is being shared (sharing.html). */
export type SharingView = PreloadResponse<'sharing.getState'>;
/** Notifications of the in-app banner (banner.html). */
export type BannerView = PreloadResponse<'banner.getState'>;
export type BannerAction = '' | 'accept' | 'reject' | 'dismiss';

export interface LauncherPagesApi {
  /** True for the in-memory demo API (plain Chromium). */
  readonly demo: boolean;
  /** The language of the page's words: the client's (OS) language; demo: `?lang=de`. */
  language(): Promise<Language>;
  getConnectState(): Promise<ConnectPageState>;
  connect(server: string): Promise<Result>;
  retry(): Promise<void>;
  changeServer(): Promise<void>;
  /** Error page, certificate failure: trust exactly this certificate for this origin, then retry. */
  trustCertificate?(origin: string, fingerprint256: string): Promise<Result>;
  openSettings(): Promise<void>;
  getSettings(): Promise<{ rows: SettingRow[]; warnings: string[] }>;
  setSetting(key: string, value: unknown): Promise<Result>;
  resetSetting(key: string): Promise<Result>;
  onSettingsChanged(cb: () => void): () => void;
  /** Hot-key status; rejects where the launcher has no hot-key service. */
  hotkeyStatus(): Promise<HotkeyStatusView>;
  onHotkeysChanged(cb: (s: HotkeyStatusView) => void): () => void;
  /** Zip of traces + settings; resolves with its path. Progress while it runs. */
  collectLogs(onProgress?: (p: CollectProgressView) => void): Promise<string>;
  /** About section; rejects where the launcher has none. */
  about(): Promise<AboutView>;
  onAboutChanged(cb: (a: AboutView) => void): () => void;
  openTraceFolder(): Promise<void>;
  updateState(): Promise<UpdateProgressView>;
  onUpdateProgress(cb: (s: UpdateProgressView) => void): () => void;
  proxyAuthRequest(): Promise<ProxyAuthRequestView>;
  answerProxyAuth(answer: { username: string; password: string } | { cancel: true }): Promise<Result>;
  onProxyAuthRequest(cb: (s: ProxyAuthRequestView) => void): () => void;
  linkConfirmRequest(): Promise<LinkConfirmRequestView>;
  answerLinkConfirm(confirm: boolean): Promise<Result>;
  onLinkConfirmRequest(cb: (s: LinkConfirmRequestView) => void): () => void;
  pickerState(): Promise<PickerStateView>;
  choosePickerSource(id: string): Promise<Result>;
  cancelPicker(): Promise<void>;
  onPickerChanged(cb: (s: PickerStateView) => void): () => void;
  incomingCalls(): Promise<IncomingCallView>;
  answerCall(key: string, action: 'accept' | 'reject'): Promise<Result>;
  onIncomingCallsChanged(cb: (s: IncomingCallView) => void): () => void;
  sharingState(): Promise<SharingView>;
  stopSharing(): Promise<Result>;
  onSharingChanged(cb: (s: SharingView) => void): () => void;
  bannerState(): Promise<BannerView>;
  bannerAct(id: string, action: BannerAction): Promise<Result>;
  onBannerChanged(cb: (s: BannerView) => void): () => void;
}

/**
 * Rows in the order of the schema: the visible settings, plus the installer-only ones (read-only,
 * so an admin sees e.g. FORCERESTART too; docs/msi-properties.md lists every MSI property).
 */
export function rowsFrom(values: readonly SettingState[]): SettingRow[] {
  const byKey = new Map(values.map((v) => [v.key, v]));
  return (SETTINGS as readonly SettingDescriptor[]).filter((d) => d.visible || !d.userEditable).map((d) => settingRow(d, byKey.get(d.key)));
}

/** Adapter from the preload API (common/preload.ts). */
function fromPreload(p: MyAppsLauncherApi): LauncherPagesApi {
  const asResult = async (fn: () => Promise<unknown>): Promise<Result> => {
    try {
      const r = (await fn()) as Result | undefined;
      return r && r.ok === false ? r : { ok: true };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  };
  return {
    demo: false,
    language: async () => asLanguage((await p.call('getInfo')).language) ?? 'en',
    async getConnectState() {
      const s = (await p.call('getConnectState')) as ConnectPageState;
      return s;
    },
    connect: (server) => asResult(() => p.call('connect', { server })),
    retry: async () => void (await p.call('retry')),
    changeServer: async () => void (await p.call('changeServer')),
    openSettings: async () => void (await p.call('openSettings')),
    async getSettings() {
      const snap = await p.call('settings.get');
      return { rows: rowsFrom(snap.settings), warnings: snap.warnings ?? [] };
    },
    setSetting: (key, value) => asResult(() => p.call('settings.set', { key, value: value as never })),
    resetSetting: (key) => asResult(() => p.call('settings.reset', { key })),
    onSettingsChanged: (cb) => p.on('settingsChanged', () => cb()),
    hotkeyStatus: () => p.call('hotkeys.status'),
    onHotkeysChanged: (cb) => p.on('hotkeysChanged', cb),
    async collectLogs(onProgress) {
      const off = onProgress ? p.on('collectLogsProgress', onProgress) : undefined;
      try {
        return (await p.call('collectLogs')).path;
      } finally {
        off?.();
      }
    },
    about: () => p.call('about.get'),
    onAboutChanged: (cb) => p.on('aboutChanged', cb),
    openTraceFolder: async () => void (await p.call('openTraceFolder')),
    updateState: () => p.call('update.getState'),
    onUpdateProgress: (cb) => p.on('updateProgress', cb),
    proxyAuthRequest: () => p.call('proxyAuth.getRequest'),
    answerProxyAuth: (answer) => asResult(() => p.call('proxyAuth.answer', answer)),
    onProxyAuthRequest: (cb) => p.on('proxyAuthRequest', cb),
    linkConfirmRequest: () => p.call('linkConfirm.getRequest'),
    answerLinkConfirm: (confirm) => asResult(() => p.call('linkConfirm.answer', { confirm })),
    onLinkConfirmRequest: (cb) => p.on('linkConfirmRequest', cb),
    pickerState: () => p.call('displayPicker.getState'),
    choosePickerSource: (id) => asResult(() => p.call('displayPicker.choose', { id })),
    cancelPicker: async () => void (await p.call('displayPicker.cancel')),
    onPickerChanged: (cb) => p.on('displayPickerChanged', cb),
    incomingCalls: () => p.call('incomingCall.getState'),
    answerCall: (key, action) => asResult(() => p.call('incomingCall.answer', { key, action })),
    onIncomingCallsChanged: (cb) => p.on('incomingCallChanged', cb),
    sharingState: () => p.call('sharing.getState'),
    stopSharing: () => asResult(() => p.call('sharing.stop')),
    onSharingChanged: (cb) => p.on('sharingChanged', cb),
    bannerState: () => p.call('banner.getState'),
    bannerAct: (id, action) => asResult(() => p.call('banner.act', { id, action })),
    onBannerChanged: (cb) => p.on('bannerChanged', cb),
  };
}

/** Where demo-api.ts, when a server added it to the page, leaves its factory. */
export const DEMO_API_GLOBAL = '__myAppsLauncherDemoApi';

/** The API for this page: the preload's, or the demo API in plain Chromium. */
export function getLauncherApi(): LauncherPagesApi {
  const w = window as unknown as Record<string, unknown>;
  const preload = w[PRELOAD_GLOBAL] as MyAppsLauncherApi | undefined;
  if (preload && typeof preload.call === 'function') return fromPreload(preload);
  if (window.location.protocol === `${LAUNCHER_SCHEME}:`) {
    throw new Error('The launcher API is not available (preload missing).');
  }
  const demo = w[DEMO_API_GLOBAL] as ((params: URLSearchParams) => LauncherPagesApi) | undefined;
  if (typeof demo !== 'function') throw new Error('The launcher API is not available (no preload, and no demo API in this page).');
  return demo(new URLSearchParams(window.location.search));
}

export type { SettingKey };
