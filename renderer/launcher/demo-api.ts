/**
 * In-memory API for the launcher pages in plain Chromium (demo, screenshots, page tests). It runs
 * the real server-string parser and the real settings layering with a demo PBX that forces two
 * settings and an installer value, so every state of the pages can be shown. Query parameters:
 *   server=<string>  preset server;  locked=1  server preset by the installer;
 *   failure=dns|refused|timeout|certificate|http|proxy|proxy-auth  error page scenario.
 */
import { makeFailure, type FailureKind } from '../../electron/connect/flow';
import { parseServerString } from '../../electron/connect/server-string';
import { resolveSettings, type AdminSettings } from '../../electron/settings/resolve';
import { coerceSetting, isSettingKey, type SettingKey } from '../../electron/settings/schema';
import type { ConnectPageState, LauncherPagesApi, Result } from './api';
import { rowsFrom } from './api';

const DEMO_PBX: AdminSettings = {
  hotkeyDial: { value: 'CTRL + F8', force: true },
  logFlags: { value: '0x856000001', force: true },
  notifications: { value: true, force: false },
  offline: { value: 300000 },
};

export function createDemoApi(params: URLSearchParams): LauncherPagesApi {
  const user: Record<string, unknown> = { docking: 'right', autostart: true, hotkeyDial: 'F9' };
  const managed: Partial<Record<SettingKey, unknown>> = { disableLocalhost: true, excludeInterfaces: '172,192.168' };
  const listeners = new Set<() => void>();
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
  const snapshot = () => {
    const r = resolveSettings({ managed, pbx: DEMO_PBX, user });
    return {
      rows: rowsFrom(Object.values(r.settings).map((s) => ({ key: s.key, value: s.value, source: s.source, locked: s.locked, ...(s.lockedBy ? { lockedBy: s.lockedBy } : {}) }))),
      warnings: r.warnings,
    };
  };
  const changed = () => {
    for (const l of listeners) l();
  };
  return {
    demo: true,
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
