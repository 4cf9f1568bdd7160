/**
 * Ports of the auto-update service (electron/update). Re-exported by electron/platform.ts.
 */

/** The subset of a fetch `Response` the update service reads. The global `fetch`'s Response fits. */
export interface UpdateResponse {
  status: number;
  headers: { get(name: string): string | null };
  /** A WHATWG ReadableStream<Uint8Array> or any AsyncIterable<Uint8Array>; null for no body. */
  body: unknown;
}

/**
 * All update HTTP goes through this function (docs/update.md "Fetch"): on Linux the proxy-aware
 * fetch of electron/connect (createProxyFetch), on Windows and macOS Electron's session fetch
 * (native/electron/net-fetch.ts). The tests drive createProxyFetch, as the Linux product does.
 * Every URL it is given or redirected to follows `updateUrl` (https only).
 */
export type UpdateFetch = (url: string, init: { method?: 'GET'; headers?: Record<string, string>; signal?: AbortSignal; redirect?: 'follow' | 'error' }) => Promise<UpdateResponse>;

/**
 * The one rule for update URLs: the store URL the PBX names and every URL the update is fetched
 * from, redirects included, are https (an http store is refused with this message, not tried).
 * Signatures and hashes are checked anyway; https keeps what the client asks for and which build
 * it is offered private and unaltered on the way. Returns the parsed URL.
 */
export function updateUrl(url: string, what = 'update URL'): URL {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new Error(`${what} ${JSON.stringify(url)} is not a URL`);
  }
  if (u.protocol !== 'https:') throw new Error(`${what} ${JSON.stringify(url)}: only https is allowed`);
  if (u.username || u.password) throw new Error(`${what} must not carry credentials`);
  return u;
}

/** How this copy of the client was installed; decides the installer and whether updates apply. */
export type InstallKind =
  | 'msi-per-machine' // Windows MSI into Program Files: updated by installing the new MSI (never by overwriting files)
  | 'msi-per-user'    // Windows MSI per user
  | 'nsis'            // Windows electron-builder NSIS (per user)
  | 'pkg'             // macOS .pkg/.dmg from the innovaphone store
  | 'appimage'        // Linux AppImage: replaced in place
  | 'deb'             // Linux package: updated by the package manager, not by us
  | 'mas'             // Mac App Store: updates come from the store
  | 'appx'            // Windows Store
  | 'dev';            // unpackaged (development): no updates

/** The manifest `kind` a given install kind downloads. */
export type PackageKind = 'msi' | 'nsis' | 'pkg' | 'appimage';

/** The manifest package kind an install kind takes; undefined: not updated by us. */
export function packageKindFor(kind: InstallKind): PackageKind | undefined {
  switch (kind) {
    case 'msi-per-machine':
    case 'msi-per-user': return 'msi';
    case 'nsis': return 'nsis';
    case 'pkg': return 'pkg';
    case 'appimage': return 'appimage';
    default: return undefined;
  }
}

export interface InstallRequest {
  /** The downloaded file, verified (size, SHA-256, signature) just before this call. */
  file: string;
  build: string;
  kind: PackageKind;
  /** Installer progress 0…1 where the installer reports it. */
  onProgress?(fraction: number): void;
}

export interface InstallOutcome {
  /**
   * What the client does next: 'quit' (an external installer takes over and restarts the
   * client, e.g. msiexec with FORCERESTART), 'relaunch' (files replaced: start `relaunch` and quit).
   */
  next: 'quit' | 'relaunch';
  /** The executable to start for 'relaunch'. */
  relaunch?: string;
  detail: string;
}

/** Hands a verified package over to the platform's installer. */
export interface InstallerPort {
  readonly kind: InstallKind;
  install(req: InstallRequest): Promise<InstallOutcome>;
}

/** The update UI (renderer/launcher-owned windows and OS notifications). */
export interface UpdateUiPort {
  /**
   * Update ready while running: "install now / later". Only what the signature covers is passed
   * (the build number; the manifest's `label` is not signed and never shown). Resolves with the user's answer; a
   * dismissed or unanswered notification must resolve 'later' (the service asks again in 1 h).
   */
  askInstall(info: { build: string }): Promise<'now' | 'later'>;
  /** Installing (at start or after "now"): a progress popup. */
  showInstallProgress(info: { build: string }): { update(fraction: number | undefined): void; close(): void };
}

/** Time (injectable for the one-hour re-prompt and download back-off). */
export interface UpdateClock {
  now(): number;
  /** Run fn after ms; returns a cancel function. */
  setTimeout(fn: () => void, ms: number): () => void;
}

/** Runs an installer command line without a shell (execFile semantics). */
export interface CommandRunner {
  run(command: string, args: readonly string[], opts?: { detached?: boolean }): Promise<{ code: number | null; stdout: string; stderr: string }>;
}
