/**
 * What the main window shows (connect form, web client, error page) and the handlers of the
 * preload contract (common/preload.ts) behind it. Electron-free: the composition root gives it
 * functions that load URLs and open windows.
 */
import type { AppClientConfig } from '../../common/bus';
import type { Language } from '../../common/i18n';
import type { PreloadEventName, PreloadEventPayload, PreloadResponse } from '../../common/preload';
import type { CertificateInfo, ConnectFailure } from '../../common/connect-failure';
import type { ParsedServer, ServerStringResult } from '../../common/server-string';
import { launcherPageUrl, type PreloadHandlers } from '../security';
import { originOf } from '../../common/origin';
import { normaliseFingerprint } from '../../common/fingerprint';
import type { Logger } from '../platform';
import type { SettingsSnapshotRow } from '../settings';
import type { WindowsService } from './service';

/** The server-string parser (common/server-string.ts), injected so tests can pass their own. */
export type ServerParser = (input: unknown) => ServerStringResult;

/** Why the web client did not load (the controller itself reads only the certificate's fingerprint). */
export type LoadFailure = Omit<ConnectFailure, 'certificate'> & { certificate?: Pick<CertificateInfo, 'fingerprint256'> & Partial<CertificateInfo> };

/** The settings the launcher pages see and change (adapter over electron/settings SettingsStore). */
export interface LauncherSettings {
  snapshot(): SettingsSnapshotRow[];
  warnings?(): string[];
  set(key: string, value: unknown): Promise<{ ok: true } | { ok: false; error: string }>;
  reset(key: string): Promise<{ ok: true } | { ok: false; error: string }>;
}

export interface LauncherControllerOptions {
  logger: Logger;
  identity: { name: string; version: string; build: string; platform: string; language: Language };
  parseServer: ServerParser;
  /** The stored server string (user or installer layer). */
  server(): string;
  /** The installer/MDM preset it and the user cannot change it. */
  serverLocked(): boolean;
  saveServer(canonical: string): Promise<void>;
  /** Point the security policy and the bus at the new PBX origin. */
  setPbxOrigin(origin: string | undefined): void;
  loadMain(url: string): void;
  openSettingsWindow(): void;
  appClientConfig(): AppClientConfig | undefined;
  settings?: LauncherSettings;
  windows?: WindowsService;
  /** Writes the log zip; progress as bytes of trace files read. */
  collectLogs?(onProgress?: (p: PreloadEventPayload<'collectLogsProgress'>) => void): Promise<string>;
  openTraceFolder?(): Promise<void>;
  /** Sends an event to one launcher page (the caller of a long call, by webContents id). */
  emitTo?<E extends PreloadEventName>(webContentsId: number, event: E, payload: PreloadEventPayload<E>): void;
  /** Keep a certificate pin (settings `trustedCertificates`). */
  pinCertificate?(origin: string, fingerprint256: string): Promise<void>;
}

export interface LauncherController {
  readonly handlers: PreloadHandlers;
  /** Show the web client if a server is known, else the connect form. */
  start(): void;
  /** The main frame failed to load (network or certificate): show the error page. */
  loadFailed(failure: LoadFailure): void;
  pbxOrigin(): string | null;
}

export function createLauncherController(o: LauncherControllerOptions): LauncherController {
  let current: ParsedServer | undefined;
  let lastError: { error: string; url: string; failure?: LoadFailure } | undefined;

  function use(server: string): { ok: true } | { ok: false; error: string } {
    const p = o.parseServer(server);
    if (!p.ok) return p;
    current = p;
    lastError = undefined;
    o.setPbxOrigin(p.origin);
    o.logger.trace('App', 'loading web client', { url: p.url });
    o.loadMain(p.url);
    return { ok: true };
  }

  function showConnect(): void {
    o.loadMain(launcherPageUrl('connect.html'));
  }

  const handlers: PreloadHandlers = {
    getInfo: () => ({ api: 1 as const, ...o.identity }),
    getConfig: () => {
      const c = o.appClientConfig();
      if (!c) throw new Error('local services not running');
      return c;
    },
    getConnectState: () => ({
      server: current?.canonical ?? o.server(),
      locked: o.serverLocked(),
      ...(lastError ? { error: lastError.error, url: lastError.url } : {}),
      // The response schema passes the failure's extra fields (certificate details) through.
      ...(lastError?.failure ? { failure: lastError.failure as PreloadResponse<'getConnectState'>['failure'] } : {}),
    }),
    trustCertificate: async ({ origin, fingerprint256 }) => {
      const f = lastError?.failure;
      const presented = f?.certificate?.fingerprint256 ? normaliseFingerprint(f.certificate.fingerprint256) : undefined;
      const failedOrigin = f ? originOf(f.url) : null;
      if (!f || f.kind !== 'certificate' || !presented) return { ok: false as const, error: 'No certificate is waiting for a decision.' };
      if (!failedOrigin || failedOrigin !== originOf(origin) || presented !== normaliseFingerprint(fingerprint256)) {
        o.logger.warn('trustCertificate refused: not the certificate that was presented', { origin });
        return { ok: false as const, error: 'This is not the certificate the server presented.' };
      }
      if (!o.pinCertificate) return { ok: false as const, error: 'Certificates cannot be trusted here.' };
      await o.pinCertificate(failedOrigin, presented);
      o.logger.warn('certificate trusted by the user', { origin: failedOrigin, fingerprint256: presented });
      const s = current?.canonical ?? o.server();
      if (s) use(s);
      return { ok: true as const };
    },
    connect: async ({ server }) => {
      if (o.serverLocked() && server.trim() !== o.server()) return { ok: false as const, error: 'The server is preset by your administrator.' };
      const p = o.parseServer(server);
      if (!p.ok) return { ok: false as const, error: p.error };
      await o.saveServer(p.canonical);
      return use(p.canonical);
    },
    retry: () => {
      const s = current?.canonical ?? o.server();
      if (s && use(s).ok) return { ok: true as const };
      showConnect();
      return { ok: true as const };
    },
    changeServer: () => {
      showConnect();
      return { ok: true as const };
    },
    openSettings: () => {
      o.openSettingsWindow();
      return { ok: true as const };
    },
    showWindow: () => {
      o.windows?.showMain();
      return { ok: true as const };
    },
  };
  if (o.settings) {
    const s = o.settings;
    handlers['settings.get'] = () => ({ settings: s.snapshot().map((x) => ({ ...x, value: x.value as never })), warnings: s.warnings?.() ?? [] });
    handlers['settings.set'] = ({ key, value }) => s.set(key, value);
    handlers['settings.reset'] = ({ key }) => s.reset(key);
  }
  if (o.collectLogs) {
    const c = o.collectLogs;
    const emitTo = o.emitTo;
    handlers.collectLogs = async (_req, caller) => ({ path: await c(emitTo ? (p) => emitTo(caller.webContentsId, 'collectLogsProgress', p) : undefined) });
  }
  if (o.openTraceFolder) {
    const f = o.openTraceFolder;
    handlers.openTraceFolder = async () => {
      await f();
      return { ok: true as const };
    };
  }
  if (o.windows) {
    const w = o.windows;
    handlers.detachApp = (req) => w.detachApp(req);
    handlers.attachApp = ({ app }) => {
      w.attachApp(app);
      return { ok: true as const };
    };
    handlers.getDetachedApps = () => ({ apps: w.getDetachedApps() });
    handlers.setBadge = ({ count }) => {
      w.setBadge(count);
      return { ok: true as const };
    };
  }

  return {
    handlers,
    start() {
      const s = o.server();
      if (s) {
        const r = use(s);
        if (r.ok) return;
        o.logger.warn('stored server string is invalid; showing the connect form', { error: r.error });
        lastError = { error: r.error, url: '' };
      }
      o.setPbxOrigin(undefined);
      showConnect();
    },
    loadFailed(failure) {
      lastError = { error: failure.message, url: failure.url, failure };
      o.logger.warn('web client not loaded', { url: failure.url, kind: failure.kind, error: failure.message });
      o.loadMain(launcherPageUrl('error.html'));
    },
    pbxOrigin: () => current?.origin ?? null,
  };
}
