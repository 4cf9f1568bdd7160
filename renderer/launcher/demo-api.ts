/**
 * In-memory API for the launcher pages in plain Chromium (demo, screenshots, page tests): a script
 * of its own that the test servers add before a page's script (renderer/launcher/pages.test.ts, test/e2e/launcher-pages.e2e.test.ts with `build.mjs --demo`);
 * it leaves its factory at window[DEMO_API_GLOBAL] for getLauncherApi(). It runs
 * the real server-string parser and the real settings layering with a demo PBX that forces two
 * settings and an installer value, so every state of the pages can be shown. Query parameters:
 *   server=<string>  preset server;  locked=1  server preset by the installer;
 *   failure=dns|refused|timeout|certificate|http|proxy|proxy-auth  error page scenario.
 *   wayland=1  hot keys in a pure Wayland session (settings page);
 *   pbx=0  no PBX client settings (nothing forced);
 *   accessibility=1  the dial hot key's last press failed: macOS Accessibility permission missing;
 *   progress=<0..1>  update popup at a fixed fraction (default: counts up);
 *   retry=1  proxy dialog after refused credentials;  empty=1  picker with nothing to share;
 *   lang=de|en  the pages' language (default: the browser's, German for de-*);
 *   update=off|idle|downloading|ready  the update state in About (default: downloading, counting up);
 *   pbxurl=<origin>  the connected PBX in About (default https://pbx.example.com);
 *   from=<origin>  link confirmation asked by that origin (none: an unknown page);  chat=1  an im: link.
 *   calls=0|1|2  alerting incoming calls in the incoming-call window (default 1);  waiting=<n>  calls
 *   waiting behind it (one call at a time);
 *   sharing=0  the sharing bar after Stop;  items=0..3  notifications in the in-app banner (default 3).
 */
import { makeFailure, type FailureKind } from '../../common/connect-failure';
import { parseServerString } from '../../common/server-string';
import { resolveSettings, type AdminSettings } from '../../common/settings/resolve';
import { coerceSetting, isSettingKey, type SettingKey } from '../../common/settings/schema';
import { sessionNotice } from '../../common/session';
import type { BannerView, ConnectPageState, HotkeyStatusView, IncomingCallView, LauncherPagesApi, LinkConfirmRequestView, PickerStateView, ProxyAuthRequestView, Result, SharingView, UpdateProgressView } from './api';
import type { AboutView, CollectProgressView } from './api';
import { DEMO_API_GLOBAL, rowsFrom } from './api';
import { asLanguage, pickLanguage } from '../../common/i18n';

const DEMO_PBX: AdminSettings = {
  hotkeyDial: { value: 'CTRL + F8', force: true },
  logFlags: { value: '0x856000001', force: true },
  notifications: { value: true, force: false },
  offline: { value: 300000 },
};

export function createDemoApi(params: URLSearchParams): LauncherPagesApi {
  return {
    demo: true,
    ...demoConnect(params),
    ...demoSettings(params),
    ...demoHotkeys(params),
    ...demoUpdate(params),
    ...demoProxyAuth(params),
    ...demoLinkConfirm(params),
    ...demoPicker(params),
    ...demoLanguageAndAbout(params),
    ...demoCalls(params),
  };
}

/** Incoming-call window, sharing bar and in-app banner: `calls=`, `waiting=`, `sharing=0`, `items=`. */
function demoCalls(params: URLSearchParams): Pick<LauncherPagesApi, 'incomingCalls' | 'answerCall' | 'onIncomingCallsChanged' | 'sharingState' | 'stopSharing' | 'onSharingChanged' | 'bannerState' | 'bannerAct' | 'onBannerChanged'> {
  const callers = [
    { key: '["softphone",1]', name: 'Bob Builder', number: '+49 7031 73009-12', pending: false },
    { key: '["softphone",2]', name: '', number: '+1 555 0100', pending: false },
  ];
  const incoming: IncomingCallView = { calls: callers.slice(0, Math.min(2, Math.max(0, Number(params.get('calls') ?? 1) || 0))), waiting: Math.max(0, Number(params.get('waiting') ?? 0) || 0) };
  const callListeners = new Set<(s: IncomingCallView) => void>();
  const sharing: SharingView = params.get('sharing') === '0' ? { sharing: false, channels: 0 } : { sharing: true, channels: 1 };
  const sharingListeners = new Set<(s: SharingView) => void>();
  const all: BannerView['items'] = [
    { id: '3', title: 'Bob Builder', body: 'Can you call me back about the quarterly report? It is rather urgent.', kind: 'chat', buttons: [] },
    { id: '2', title: 'Missed call', body: 'Alice Example, +49 7031 73009-0', kind: 'missed', buttons: [{ action: '', label: 'Call back' }] },
    { id: '1', title: 'Incoming call', body: 'Carol Caller, 210', kind: 'call', buttons: [{ action: 'accept', label: 'Accept' }, { action: 'reject', label: 'Reject' }] },
  ];
  const banner: BannerView = { items: all.slice(0, Math.min(3, Math.max(0, Number(params.get('items') ?? 3)))) };
  const bannerListeners = new Set<(s: BannerView) => void>();
  const listen = <T>(set: Set<(s: T) => void>) => (cb: (s: T) => void) => {
    set.add(cb);
    return () => set.delete(cb);
  };
  return {
    incomingCalls: async () => structuredClone(incoming),
    async answerCall(key, action): Promise<Result> {
      const c = incoming.calls.find((x) => x.key === key);
      if (!c) return { ok: false, error: 'That call is not alerting any more.' };
      document.body.dataset.answered = `${action}:${key}`;
      c.pending = true;
      for (const l of callListeners) l(structuredClone(incoming));
      return { ok: true };
    },
    onIncomingCallsChanged: listen(callListeners),
    sharingState: async () => ({ ...sharing }),
    async stopSharing(): Promise<Result> {
      if (!sharing.sharing) return { ok: false, error: 'Nothing is being shared.' };
      sharing.sharing = false;
      sharing.channels = 0;
      document.body.dataset.stopped = 'true';
      for (const l of sharingListeners) l({ ...sharing });
      return { ok: true };
    },
    onSharingChanged: listen(sharingListeners),
    bannerState: async () => structuredClone(banner),
    async bannerAct(id, action): Promise<Result> {
      const i = banner.items.findIndex((x) => x.id === id);
      if (i < 0) return { ok: false, error: 'That notification is gone.' };
      banner.items.splice(i, 1);
      document.body.dataset.acted = `${action || 'open'}:${id}`;
      for (const l of bannerListeners) l(structuredClone(banner));
      return { ok: true };
    },
    onBannerChanged: listen(bannerListeners),
  };
}

/** Connect and error pages: a preset or typed server, the `failure=` scenario. */
function demoConnect(params: URLSearchParams): Pick<LauncherPagesApi, 'getConnectState' | 'connect' | 'retry' | 'changeServer' | 'trustCertificate' | 'openSettings'> {
  const failureKind = params.get('failure') as FailureKind | null;
  const server = params.get('server') ?? (failureKind ? 'pbx.example.com:4444' : '');
  const state: ConnectPageState = { server, locked: params.get('locked') === '1' };
  if (failureKind) {
    const url = parseServerString(server);
    const u = url.ok ? url.url : 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm';
    state.url = u;
    state.failure = makeFailure(failureKind, u, failureKind === 'certificate'
      ? {
          code: 'SELF_SIGNED_CERT_IN_CHAIN',
          certificate: {
            subject: 'CN=pbx.example.com, O=Example Ltd',
            issuer: 'CN=pbx.example.com, O=Example Ltd',
            validFrom: 'Jan  1 00:00:00 2026 GMT',
            validTo: 'Jan  1 00:00:00 2027 GMT',
            fingerprint256: '3A:91:7C:0E:55:12:AF:90:1B:C4:7D:2E:88:03:61:F5:9A:4B:D0:17:6C:E2:35:08:BE:71:C9:44:0D:A6:5F:12',
            serialNumber: '01A2B3',
            subjectAltName: 'DNS:pbx.example.com',
            error: 'SELF_SIGNED_CERT_IN_CHAIN',
          },
        }
      : failureKind === 'http' ? { status: 404 } : {});
  }
  return {
    async getConnectState() {
      return structuredClone(state);
    },
    async connect(input: string): Promise<Result> {
      if (state.locked) return { ok: false, error: 'The server is preset by your administrator.' };
      const p = parseServerString(input);
      if (!p.ok) return { ok: false, error: p.error };
      state.server = p.canonical;
      return { ok: true };
    },
    async retry() {},
    async changeServer() {
      window.location.href = 'connect.html';
    },
    async trustCertificate() {
      return { ok: true };
    },
    async openSettings() {
      window.location.href = 'settings.html';
    },
  };
}

/** Settings page: the real layering over the demo PBX (`pbx=0`: none) and installer values; logs. */
function demoSettings(params: URLSearchParams): Pick<LauncherPagesApi, 'getSettings' | 'setSetting' | 'resetSetting' | 'onSettingsChanged' | 'openTraceFolder'> {
  const user: Record<string, unknown> = { docking: 'right', autostart: true, hotkeyDial: 'F9', hotkeyAccept: 'F9' };
  const managed: Partial<Record<SettingKey, unknown>> = { disableLocalhost: true, excludeInterfaces: '172,192.168' };
  const listeners = new Set<() => void>();
  const snapshot = () => {
    const r = resolveSettings({ managed, pbx: params.get('pbx') === '0' ? {} : DEMO_PBX, user });
    return {
      rows: rowsFrom(Object.values(r.settings)),
      warnings: r.warnings,
    };
  };
  const changed = () => {
    for (const l of listeners) l();
  };
  return {
    async openTraceFolder() {},
    async getSettings() {
      return snapshot();
    },
    async setSetting(key: string, value: unknown): Promise<Result> {
      if (!isSettingKey(key)) return { ok: false, error: `unknown setting ${key}` };
      const row = snapshot().rows.find((r) => r.key === key);
      if (row?.locked) return { ok: false, error: `${key} is locked` };
      const c = coerceSetting(key, value);
      if (!c.ok) return { ok: false, error: c.error };
      user[key] = c.value;
      changed();
      return { ok: true };
    },
    async resetSetting(key: string): Promise<Result> {
      delete user[key];
      changed();
      return { ok: true };
    },
    onSettingsChanged(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  };
}

/** Hot-key status on the settings page: `wayland=1`, `accessibility=1`. */
function demoHotkeys(params: URLSearchParams): Pick<LauncherPagesApi, 'hotkeyStatus' | 'onHotkeysChanged'> {
  const wayland = params.get('wayland') === '1';
  const hotkeys: HotkeyStatusView = {
    functions: wayland
      ? {
          dial: { configured: 'CTRL + F8', chord: 'ctrl+F8', active: false, reason: 'no X11 display: global hot keys are off in this session' },
          accept: { configured: 'F9', chord: 'F9', active: false, reason: 'no X11 display: global hot keys are off in this session' },
          reject: { configured: '', active: false },
        }
      : {
          dial: {
            configured: 'CTRL + F8',
            chord: 'ctrl+F8',
            active: true,
            ...(params.get('accessibility') === '1'
              ? { problemKind: 'permission-denied', problem: 'Dial: allow myApps under System Settings › Privacy & Security › Accessibility, then press the hot key again.' }
              : {}),
          },
          accept: { configured: 'F9', chord: 'F9', active: false, reason: 'the chord is taken by another program' },
          reject: { configured: '', active: false },
        },
    ...(wayland ? { notice: sessionNotice('wayland') } : {}),
  };
  return {
    async hotkeyStatus() {
      return structuredClone(hotkeys);
    },
    onHotkeysChanged() {
      return () => undefined;
    },
  };
}

/** Update popup: `progress=<0..1>` fixed, else counting up. */
function demoUpdate(params: URLSearchParams): Pick<LauncherPagesApi, 'updateState' | 'onUpdateProgress'> {
  const fixed = params.get('progress');
  const update: UpdateProgressView = { build: '137766', fraction: fixed === null ? 0 : Math.min(1, Math.max(0, Number(fixed) || 0)), phase: 'installing' };
  const updateListeners = new Set<(s: UpdateProgressView) => void>();
  if (fixed === null) {
    const t = setInterval(() => {
      update.fraction = Math.min(1, (update.fraction ?? 0) + 0.05);
      for (const l of updateListeners) l({ ...update });
      if (update.fraction >= 1) clearInterval(t);
    }, 250);
  }
  return {
    async updateState() {
      return { ...update };
    },
    onUpdateProgress(cb) {
      updateListeners.add(cb);
      return () => updateListeners.delete(cb);
    },
  };
}

/** Proxy credentials dialog: `retry=1` after refused credentials. */
function demoProxyAuth(params: URLSearchParams): Pick<LauncherPagesApi, 'proxyAuthRequest' | 'answerProxyAuth' | 'onProxyAuthRequest'> {
  let proxy: ProxyAuthRequestView = { pending: true, host: 'proxy.corp.example', port: 3128, realm: 'Corporate proxy', retry: params.get('retry') === '1' };
  return {
    async proxyAuthRequest() {
      return { ...proxy };
    },
    async answerProxyAuth(answer): Promise<Result> {
      if (!proxy.pending) return { ok: false, error: 'No request is waiting.' };
      proxy = { pending: false, host: '', port: 0, retry: false };
      document.body.dataset.answered = 'cancel' in answer ? 'cancel' : `user:${answer.username}`;
      return { ok: true };
    },
    onProxyAuthRequest() {
      return () => undefined;
    },
  };
}

/** Link confirmation: a call (or `chat=1` a chat) asked by `from=<origin>` or an unknown page, one more waiting. */
function demoLinkConfirm(params: URLSearchParams): Pick<LauncherPagesApi, 'linkConfirmRequest' | 'answerLinkConfirm' | 'onLinkConfirmRequest'> {
  const from = params.get('from') ?? undefined;
  let req: LinkConfirmRequestView = params.get('chat') === '1'
    ? { pending: true, action: 'chat', target: 'alice@example.com', ...(from ? { from } : {}) }
    : { pending: true, action: 'call', target: '+19005550123', ...(from ? { from } : {}), more: 1 };
  return {
    async linkConfirmRequest() {
      return { ...req };
    },
    async answerLinkConfirm(confirm): Promise<Result> {
      if (!req.pending) return { ok: false, error: 'No link is waiting.' };
      req = { pending: false };
      document.body.dataset.answered = confirm ? 'confirm' : 'cancel';
      return { ok: true };
    },
    onLinkConfirmRequest() {
      return () => undefined;
    },
  };
}

/** Screen-sharing picker: screens and windows with drawn thumbnails; `empty=1` nothing to share. */
function demoPicker(params: URLSearchParams): Pick<LauncherPagesApi, 'pickerState' | 'choosePickerSource' | 'cancelPicker' | 'onPickerChanged'> {
  const picker: PickerStateView =
    params.get('empty') === '1'
      ? { open: true, origin: 'http://127.0.0.1:40123', sources: [] }
      : {
          open: true,
          origin: 'http://127.0.0.1:40123',
          sources: [
            { id: 'screen:1:0', name: 'Entire screen 1', kind: 'screen', thumbnail: thumb('1', 210), displayId: '1' },
            { id: 'screen:2:0', name: 'Entire screen 2', kind: 'screen', thumbnail: thumb('2', 150), displayId: '2' },
            { id: 'window:4711:0', name: 'Quarterly report.xlsx – Spreadsheet', kind: 'window', thumbnail: thumb('xlsx', 120) },
            { id: 'window:4712:0', name: 'Mail – Inbox (3)', kind: 'window', thumbnail: thumb('mail', 30) },
            { id: 'window:4713:0', name: 'A window without a thumbnail', kind: 'window', thumbnail: '' },
          ],
        };
  const pickerListeners = new Set<(s: PickerStateView) => void>();
  const closePicker = () => {
    picker.open = false;
    picker.sources = [];
    for (const l of pickerListeners) l(structuredClone(picker));
  };
  return {
    async pickerState() {
      return structuredClone(picker);
    },
    async choosePickerSource(id: string): Promise<Result> {
      if (!picker.sources.some((s) => s.id === id)) return { ok: false, error: 'That screen or window is not on offer.' };
      document.body.dataset.chosen = id;
      closePicker();
      return { ok: true };
    },
    async cancelPicker() {
      document.body.dataset.chosen = 'cancel';
      closePicker();
    },
    onPickerChanged(cb) {
      pickerListeners.add(cb);
      return () => pickerListeners.delete(cb);
    },
  };
}

/** A 320x180 PNG that looks like a screen or window, labelled. */
function thumb(label: string, hue: number): string {
  const c = document.createElement('canvas');
  c.width = 320;
  c.height = 180;
  const g = c.getContext('2d');
  if (!g) return '';
  g.fillStyle = `hsl(${hue} 45% 35%)`;
  g.fillRect(0, 0, 320, 180);
  g.fillStyle = `hsl(${hue} 30% 88%)`;
  g.fillRect(16, 16, 288, 24);
  g.fillRect(16, 52, 180, 112);
  g.fillStyle = '#fff';
  g.font = '20px sans-serif';
  g.fillText(label, 210, 110);
  return c.toDataURL('image/png');
}

/** Language (`lang=`), About with a running update download (`update=`, `pbxurl=`), collect logs with progress. */
function demoLanguageAndAbout(params: URLSearchParams): Pick<LauncherPagesApi, 'language' | 'about' | 'onAboutChanged' | 'collectLogs'> {
  const language = asLanguage(params.get('lang')) ?? pickLanguage(navigator.languages ?? [navigator.language]);
  const total = 94_371_840;
  const state = params.get('update') ?? 'downloading';
  const about: AboutView = {
    name: 'myApps',
    version: '0.1.0',
    build: '137700',
    electron: '45.4.1',
    chromium: '140.0.7339.249',
    os: 'Linux 6.12 (x64)',
    pbx: params.get('pbxurl') ?? 'https://pbx.example.com',
    updatePolicy: 'auto',
    ...(state === 'off' ? {} : { updateSource: { url: 'https://store.example.com/', build: '137766' } }),
    update:
      state === 'off' ? { state: 'off', reasonCode: 'pbxEmpty' }
        : state === 'idle' ? { state: 'idle' }
          : state === 'ready' ? { state: 'ready', build: '137766' }
            : { state: 'downloading', build: '137766', received: 18_874_368, total, bytesPerSec: 262_144 },
  };
  const listeners = new Set<(a: AboutView) => void>();
  if (about.update.state === 'downloading') {
    const t = setInterval(() => {
      const u = about.update;
      u.received = Math.min(total, (u.received ?? 0) + 262_144);
      for (const l of listeners) l(structuredClone(about));
      if (u.received >= total) clearInterval(t);
    }, 1000);
  }
  return {
    language: async () => language,
    about: async () => structuredClone(about),
    onAboutChanged(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    async collectLogs(onProgress?: (p: CollectProgressView) => void) {
      const all = 48_000_000;
      for (let done = 0, files = 0; done < all; done += 12_000_000, files += 2) {
        onProgress?.({ done, total: all, files, filesTotal: 8 });
        await new Promise((r) => setTimeout(r, 100));
      }
      onProgress?.({ done: all, total: all, files: 8, filesTotal: 8 });
      return '/home/demo/.local/share/innovaphone/myApps/collected-logs/myApps-logs-demo.zip';
    },
  };
}

(globalThis as unknown as Record<string, unknown>)[DEMO_API_GLOBAL] = createDemoApi;
