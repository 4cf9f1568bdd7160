/**
 * Auto update (docs/update.md).
 *
 * On start, login and reconnect the wiring passes the `com.innovaphone.client` model
 * (`launcherUpdateBuild`, `appStoreUrl`). Empty → updates off. Build equal to the running one →
 * nothing. Otherwise: fetch `<appStoreUrl>software.json`, pick our file for this OS/arch/package
 * kind, check its Ed25519 signature, download it (throttled unless FASTERDOWNLOADS, resumable),
 * verify size + SHA-256 + signature, record it as ready, then ask "install now / later" (again
 * after one hour). An update found ready at start is installed right away with a progress popup.
 * Every refusal deletes the file and is traced (warn: always written).
 *
 * Issue 12: packages live in a per-user private folder (`ensurePrivateDir`: 0700, ours, no
 * symbolic link; refused otherwise, nothing touched); the folder is emptied file by file, never
 * recursively; what the installer gets is a private copy made while hashing (`copyVerified`). A
 * build lower than the running one is refused unless the administrator allows downgrades
 * (`allowDowngrade`, managed setting `allowUpdateDowngrade`); the user is shown only what the
 * signature covers (the build number), never the manifest's unsigned `label`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../platform';
import { writeFileAtomic, setAside } from '../util/atomic';
import { ensurePrivateDir } from '../util/private-dir';
import { copyVerified } from './verified-copy';
import { downloadFile, sha256File, DownloadRefused } from './download';
import { discardBody, iterateBody } from './body';
import { verifyEntrySignature, selectUpdate, manifestUrl, MAX_MANIFEST_BYTES, type SignedEntry, type UpdateKey } from './manifest';
import { PRODUCT_UPDATE_KEYS } from './keys';
import { packageKindFor } from './ports';
import { updatePolicy, type UpdateOffCode } from './install-kind';
import { TokenBucket, DEFAULT_THROTTLE_BYTES_PER_S, DEFAULT_THROTTLE_BURST, type ThrottleClock } from './throttle';
import type { InstallKind, InstallOutcome, InstallerPort, UpdateClock, UpdateFetch, UpdateUiPort } from './ports';

export const ASK_AGAIN_MS = 60 * 60 * 1000;
const TRACE = 'App';

export interface ClientUpdateModel {
  launcherUpdateBuild?: unknown;
  appStoreUrl?: unknown;
}

export type UpdateTrigger = 'start' | 'login' | 'reconnect' | 'model';

export type UpdateStatus =
  | { state: 'off'; reason: string; code: UpdateOffCode }
  | { state: 'idle'; detail: string }
  | { state: 'checking'; build: string }
  | { state: 'downloading'; build: string; received: number; total: number; bytesPerSec: number }
  | { state: 'ready'; build: string }
  | { state: 'installing'; build: string }
  | { state: 'installed'; build: string; outcome: InstallOutcome }
  | { state: 'refused'; build: string; reason: string }
  | { state: 'error'; build?: string; error: string };

export interface UpdateServiceOptions {
  logger: Logger;
  /** All update HTTP (proxy-aware fetch of electron/connect in the product). */
  fetch: UpdateFetch;
  installer?: InstallerPort;
  ui: UpdateUiPort;
  /** The running build (digits), compared with `launcherUpdateBuild`. */
  currentBuild: string;
  os: 'win32' | 'darwin' | 'linux';
  arch: string;
  installKind: InstallKind;
  terminalServer?: boolean;
  adminDisabled?: boolean;
  /** MSI `FASTERDOWNLOADS`: no throttle. */
  fasterDownloads?: boolean;
  /** Throttled rate in bytes/s (default 256 KiB/s). */
  throttleBytesPerSec?: number;
  /**
   * Where packages are downloaded: a per-user private folder (`<localData>/updates`), checked by
   * ensurePrivateDir before every use. Never a fixed name in a shared temp folder.
   */
  downloadDir: string;
  /**
   * Administrator policy (managed setting `allowUpdateDowngrade`): install a build lower than the
   * running one when the PBX names it. Default false: lower builds are refused.
   */
  allowDowngrade?: boolean;
  /** Default: the keys built into the product (electron/update/keys.ts). */
  publicKeys?: readonly UpdateKey[];
  clock?: UpdateClock;
  /** Sleep/now for throttling and download back-off (tests pass a fast one). */
  throttleClock?: ThrottleClock;
  retryDelayMs?: number;
  downloadAttempts?: number;
  askAgainMs?: number;
  softwareId?: string;
  /** The installer took over: the product quits (and relaunches for 'relaunch'). */
  onInstalled?(outcome: InstallOutcome): void;
}

interface ReadyRecord {
  build: string;
  file: string;
  entry: SignedEntry;
  keyId: string;
  signature: string;
}

const realClock: UpdateClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return () => clearTimeout(t);
  },
};

export class UpdateService {
  private statusValue: UpdateStatus = { state: 'idle', detail: 'no update information yet' };
  private readonly statusListeners = new Set<(s: UpdateStatus) => void>();
  private readonly keys: readonly UpdateKey[];
  private readonly clock: UpdateClock;
  private target: { build: string; url: string } | undefined;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private cancelAsk: (() => void) | undefined;
  private asking = false;
  private installing = false;
  private disposed = false;
  private readonly readyFile: string;

  constructor(private readonly o: UpdateServiceOptions) {
    this.keys = o.publicKeys ?? PRODUCT_UPDATE_KEYS;
    this.clock = o.clock ?? realClock;
    this.readyFile = path.join(o.downloadDir, 'ready.json');
  }

  get status(): UpdateStatus {
    return this.statusValue;
  }

  /** Where updates come from now: the PBX's App Store URL and the build it names (none: undefined). */
  get source(): { url: string; build: string } | undefined {
    return this.target ? { url: this.target.url, build: this.target.build } : undefined;
  }

  onStatus(fn: (s: UpdateStatus) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  private set(s: UpdateStatus): void {
    this.statusValue = s;
    for (const fn of this.statusListeners) {
      try { fn(s); } catch (err) { this.o.logger.error('update status listener failed', { err }); }
    }
  }

  /** The private download folder, checked (PrivateDirError when another user could control it). */
  private folder(): Promise<string> {
    return ensurePrivateDir(this.o.downloadDir);
  }

  /** The folder, or undefined after a warning and an error status (nothing in it is touched). */
  private async checkedFolder(build?: string): Promise<string | undefined> {
    try {
      return await this.folder();
    } catch (err) {
      const msg = `update folder refused: ${(err as Error).message}`;
      this.o.logger.warn(`update: ${msg}`);
      this.set({ state: 'error', ...(build ? { build } : {}), error: msg });
      return undefined;
    }
  }

  /** True when `build` is lower than the running build (both plain numbers). */
  private lower(build: string): boolean {
    return /^\d+$/.test(build) && /^\d+$/.test(this.o.currentBuild) && Number(build) < Number(this.o.currentBuild);
  }

  private policy(): { enabled: true } | { enabled: false; reason: string; code: UpdateOffCode } {
    const p = updatePolicy({ installKind: this.o.installKind, terminalServer: this.o.terminalServer, adminDisabled: this.o.adminDisabled });
    if (!p.enabled) return p;
    if (!packageKindFor(this.o.installKind)) return { enabled: false, code: 'noPackage', reason: `no update package for ${this.o.installKind}` };
    if (!this.o.installer) return { enabled: false, code: 'noInstaller', reason: 'no installer for this platform' };
    if (!this.keys.length) return { enabled: false, code: 'noKey', reason: 'no update signing key built in' };
    return p;
  }

  /**
   * At start, before connecting: an update downloaded and verified in an earlier run is installed
   * now with a progress popup (docs/update.md). Returns the outcome when it installed.
   */
  async start(): Promise<InstallOutcome | undefined> {
    const p = this.policy();
    if (!p.enabled) {
      this.o.logger.trace(TRACE, `update: off (${p.reason})`);
      this.set({ state: 'off', reason: p.reason, code: p.code });
      return undefined;
    }
    if (!(await this.checkedFolder())) return undefined;
    const ready = await this.readReady();
    if (!ready) return undefined;
    if (ready.build === this.o.currentBuild) {
      this.o.logger.trace(TRACE, `update: build ${ready.build} is installed; removing its package`);
      await this.cleanDownloads();
      return undefined;
    }
    if (this.lower(ready.build) && !this.o.allowDowngrade) {
      // A package downloaded earlier is older than what runs now (e.g. a newer build was installed
      // by hand meanwhile): never downgrade at start unless the administrator allows downgrades.
      this.o.logger.warn(`update: ready build ${ready.build} is older than the running ${this.o.currentBuild}; discarded at start`);
      await this.cleanDownloads();
      return undefined;
    }
    this.o.logger.trace(TRACE, `update: build ${ready.build} is ready at start; installing`);
    return this.install(ready, true);
  }

  /**
   * The update policy changed (setting `updatePolicy` 'off', `FASTERDOWNLOADS`). Turning updates
   * off stops a running check or download now; the throttle applies from the next download;
   * turned on again, updates resume with the next client model (the wiring hands the last one in
   * again right away, electron/wiring/update.ts).
   */
  setPolicy(p: { adminDisabled?: boolean; fasterDownloads?: boolean }): void {
    if (p.fasterDownloads !== undefined) this.o.fasterDownloads = p.fasterDownloads;
    if (p.adminDisabled === undefined || p.adminDisabled === (this.o.adminDisabled === true)) return;
    this.o.adminDisabled = p.adminDisabled;
    this.o.logger.trace(TRACE, `update: ${p.adminDisabled ? 'turned off' : 'turned on'} by the update policy setting`);
    const now = this.policy();
    if (!now.enabled) {
      this.stop();
      this.set({ state: 'off', reason: now.reason, code: now.code });
    }
  }

  /** The `com.innovaphone.client` model arrived or changed (start, login, reconnect). */
  onClientModel(model: ClientUpdateModel | undefined, trigger: UpdateTrigger = 'model'): void {
    if (this.disposed) return;
    const p = this.policy();
    if (!p.enabled) {
      this.set({ state: 'off', reason: p.reason, code: p.code });
      return;
    }
    const build = typeof model?.launcherUpdateBuild === 'number' ? String(model.launcherUpdateBuild) : typeof model?.launcherUpdateBuild === 'string' ? model.launcherUpdateBuild.trim() : '';
    const url = typeof model?.appStoreUrl === 'string' ? model.appStoreUrl.trim() : '';
    if (!build || !url) {
      this.o.logger.trace(TRACE, `update: off, PBX "Launcher Software Update" settings empty (${trigger})`);
      this.stop();
      this.set({ state: 'off', reason: 'PBX update settings empty', code: 'pbxEmpty' });
      return;
    }
    if (!/^\d{1,12}$/.test(build)) {
      this.o.logger.warn(`update: launcherUpdateBuild ${JSON.stringify(build.slice(0, 40))} is not a build number; ignored`);
      this.set({ state: 'error', error: 'launcherUpdateBuild is not a build number' });
      return;
    }
    if (build === this.o.currentBuild) {
      this.o.logger.trace(TRACE, `update: running build ${build} is the PBX's (${trigger})`);
      this.stop();
      this.set({ state: 'idle', detail: `build ${build} is current` });
      void this.cleanDownloads();
      return;
    }
    if (this.lower(build) && !this.o.allowDowngrade) {
      // The PBX (or whoever feeds the client model) names an older build: a signed old build may
      // have known holes, so it is not installed unless the administrator allows downgrades.
      const reason = `build ${build} is lower than the running ${this.o.currentBuild}; downgrades are not allowed (managed setting allowUpdateDowngrade)`;
      if (this.statusValue.state !== 'refused' || this.statusValue.build !== build) this.o.logger.warn(`update: REFUSED ${reason}`);
      this.stop();
      this.set({ state: 'refused', build, reason });
      return;
    }
    const same = this.target && this.target.build === build && this.target.url === url;
    const failed = this.statusValue.state === 'error' || this.statusValue.state === 'refused';
    // Already on it (or ready and asking). A failed check is retried on start/login/reconnect,
    // not on every model change.
    if (same && (!failed || trigger === 'model')) return;
    this.stop();
    this.target = { build, url };
    this.o.logger.trace(TRACE, `update: PBX wants build ${build} (running ${this.o.currentBuild}) from ${url} (${trigger})`);
    const run = this.fetchAndVerify(build, url);
    this.running = run;
    void run.finally(() => { if (this.running === run) this.running = undefined; });
  }

  /** Wait for the current check/download to finish (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private stop(): void {
    this.abort?.abort(new Error('superseded'));
    this.abort = undefined;
    this.cancelAsk?.();
    this.cancelAsk = undefined;
    this.target = undefined;
  }

  private async fetchAndVerify(build: string, storeUrl: string): Promise<void> {
    const ac = new AbortController();
    this.abort = ac;
    const kind = packageKindFor(this.o.installKind)!;
    try {
      this.set({ state: 'checking', build });
      const murl = manifestUrl(storeUrl);
      const manifest = await this.fetchManifest(murl, ac.signal);
      const sel = selectUpdate(manifest, { build, os: this.o.os, arch: this.o.arch, kind, appStoreUrl: storeUrl, softwareId: this.o.softwareId });
      const file = path.join(this.o.downloadDir, sel.entry.name);
      const sig = verifyEntrySignature(sel.entry, sel.keyId, sel.signature, this.keys);
      if (!sig.ok) {
        await this.refuse(build, `manifest entry for ${sel.entry.name}: ${sig.reason}`, file);
        return;
      }
      // the label of the manifest (`sr3`) is not covered by the signature: not kept, never shown
      const record: ReadyRecord = { build, file: sel.entry.name, entry: sel.entry, keyId: sel.keyId, signature: sel.signature };
      if (!(await this.checkedFolder(build))) return;
      const existing = await this.readReady();
      if (!(existing && existing.build === build && existing.entry.sha256 === sel.entry.sha256)) {
        await this.removeOtherPackages(sel.entry.name);
        const throttle = this.o.fasterDownloads ? undefined : new TokenBucket(this.o.throttleBytesPerSec ?? DEFAULT_THROTTLE_BYTES_PER_S, DEFAULT_THROTTLE_BURST, this.o.throttleClock);
        this.o.logger.trace(TRACE, `update: downloading ${sel.url} (${sel.entry.size} bytes, ${throttle ? `throttled to ${throttle.rate} B/s` : 'full speed (FASTERDOWNLOADS)'})`);
        this.set({ state: 'downloading', build, received: 0, total: sel.entry.size, bytesPerSec: 0 });
        try {
          await downloadFile({
            fetch: this.o.fetch, url: sel.url, dest: file, size: sel.entry.size, throttle, signal: ac.signal,
            clock: this.o.throttleClock, retryDelayMs: this.o.retryDelayMs, attempts: this.o.downloadAttempts,
            onProgress: (p) => this.set({ state: 'downloading', build, ...p }),
            onRetry: (n, reason) => this.o.logger.trace(TRACE, `update: download attempt ${n} failed (${reason}); resuming`),
          });
        } catch (err) {
          if (err instanceof DownloadRefused) {
            await this.refuse(build, `${sel.entry.name}: ${err.message}`, file);
            return;
          }
          throw err;
        }
        const v = await this.verifyFile(file, record);
        if (!v.ok) {
          await this.refuse(build, `${sel.entry.name}: ${v.reason}`, file);
          return;
        }
        await writeFileAtomic(this.readyFile, JSON.stringify(record, null, 2));
        this.o.logger.trace(TRACE, `update: build ${build} downloaded and verified (sha256 ${sel.entry.sha256})`);
      }
      if (ac.signal.aborted) return;
      this.set({ state: 'ready', build });
      void this.ask(record);
    } catch (err) {
      if (ac.signal.aborted) return;
      const msg = err instanceof Error ? err.message : String(err);
      this.o.logger.warn(`update: build ${build} not available: ${msg}`);
      this.set({ state: 'error', build, error: msg });
    } finally {
      if (this.abort === ac) this.abort = undefined;
    }
  }

  private async fetchManifest(url: string, signal: AbortSignal): Promise<unknown> {
    const res = await this.o.fetch(url, { method: 'GET', headers: { Accept: 'application/json' }, signal, redirect: 'follow' });
    if (res.status !== 200) {
      await discardBody(res.body);
      throw new Error(`manifest ${url}: HTTP ${res.status}`);
    }
    const chunks: Uint8Array[] = [];
    let n = 0;
    for await (const c of iterateBody(res.body)) {
      n += c.length;
      if (n > MAX_MANIFEST_BYTES) throw new Error(`manifest ${url}: larger than ${MAX_MANIFEST_BYTES} bytes`);
      chunks.push(c);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (err) {
      throw new Error(`manifest ${url}: not JSON (${(err as Error).message})`);
    }
  }

  /** The signature over the record's entry (built-in keys) and the record matching it. */
  private verifyRecord(r: ReadyRecord): { ok: true } | { ok: false; reason: string } {
    const sig = verifyEntrySignature(r.entry, r.keyId, r.signature, this.keys);
    if (!sig.ok) return sig;
    if (r.entry.build !== r.build || r.entry.name !== r.file) return { ok: false, reason: 'record does not match its signed entry' };
    return { ok: true };
  }

  /** Size + SHA-256 of the file and the signature over its entry, with the built-in keys. */
  private async verifyFile(file: string, r: ReadyRecord): Promise<{ ok: true } | { ok: false; reason: string }> {
    const sig = this.verifyRecord(r);
    if (!sig.ok) return sig;
    let size: number;
    try {
      size = (await fs.promises.stat(file)).size;
    } catch {
      return { ok: false, reason: 'file missing' };
    }
    if (size !== r.entry.size) return { ok: false, reason: `wrong size: ${size} bytes, the manifest says ${r.entry.size}` };
    const hash = await sha256File(file);
    if (hash !== r.entry.sha256) return { ok: false, reason: `SHA-256 mismatch: got ${hash}, the manifest says ${r.entry.sha256}` };
    return { ok: true };
  }

  private async refuse(build: string, reason: string, file?: string): Promise<void> {
    this.o.logger.warn(`update: REFUSED build ${build}: ${reason}; file deleted`);
    if (file) {
      await fs.promises.rm(file, { force: true });
      await fs.promises.rm(`${file}.part`, { force: true });
    }
    await fs.promises.rm(this.readyFile, { force: true });
    this.set({ state: 'refused', build, reason });
  }

  private async ask(r: ReadyRecord): Promise<void> {
    if (this.asking || this.installing || this.disposed) return;
    if (!this.target || this.target.build !== r.build) return;
    this.asking = true;
    let answer: 'now' | 'later';
    try {
      // only what the signature covers is shown: the build number
      answer = await this.o.ui.askInstall({ build: r.build });
    } catch (err) {
      this.o.logger.warn('update: could not ask the user', { err });
      answer = 'later';
    } finally {
      this.asking = false;
    }
    if (this.disposed || !this.target || this.target.build !== r.build) return;
    this.o.logger.trace(TRACE, `update: user chose "${answer}" for build ${r.build}`);
    if (answer === 'now') {
      await this.install(r, false);
      return;
    }
    this.cancelAsk = this.clock.setTimeout(() => {
      this.cancelAsk = undefined;
      void this.ask(r);
    }, this.o.askAgainMs ?? ASK_AGAIN_MS);
  }

  /**
   * Verify once more and hand over to the installer port: the signature over the entry, then a
   * private copy of the package made through one open descriptor while it is hashed
   * (copyVerified); the installer gets that copy, whose bytes are the verified bytes.
   */
  private async install(r: ReadyRecord, atStart: boolean): Promise<InstallOutcome | undefined> {
    if (this.installing) return undefined;
    const dir = await this.checkedFolder(r.build);
    if (!dir) return undefined;
    const file = path.join(dir, r.file);
    const sig = this.verifyRecord(r);
    if (!sig.ok) {
      await this.refuse(r.build, `${r.file} before install: ${sig.reason}`, file);
      return undefined;
    }
    this.installing = true;
    const copy = await copyVerified(file, dir, r.entry);
    if (!copy.ok) {
      this.installing = false;
      await this.refuse(r.build, `${r.file} before install: ${copy.reason}`, file);
      return undefined;
    }
    this.set({ state: 'installing', build: r.build });
    const popup = this.o.ui.showInstallProgress({ build: r.build });
    try {
      const outcome = await this.o.installer!.install({ file: copy.file, build: r.build, kind: r.entry.kind, onProgress: (f) => popup.update(f) });
      this.o.logger.trace(TRACE, `update: build ${r.build} handed to the installer${atStart ? ' at start' : ''}: ${outcome.detail}`);
      this.set({ state: 'installed', build: r.build, outcome });
      this.o.onInstalled?.(outcome);
      return outcome;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      this.o.logger.error(`update: installing build ${r.build} failed: ${msg}`);
      this.set({ state: 'error', build: r.build, error: msg });
      await fs.promises.rm(copy.file, { force: true });
      return undefined;
    } finally {
      popup.close();
      this.installing = false;
    }
  }

  private async readReady(): Promise<ReadyRecord | undefined> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.readyFile, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const r = JSON.parse(text) as ReadyRecord;
      if (typeof r?.build !== 'string' || typeof r.file !== 'string' || typeof r.entry !== 'object' || typeof r.keyId !== 'string' || typeof r.signature !== 'string') throw new Error('fields missing');
      if (path.basename(r.file) !== r.file) throw new Error('file is not a plain name');
      return r;
    } catch (err) {
      const aside = await setAside(this.readyFile).catch(() => undefined);
      this.o.logger.warn(`update: ready.json unreadable (${(err as Error).message}); kept aside as ${aside ?? '(could not rename)'}`);
      return undefined;
    }
  }

  /**
   * Empties the private folder except `keep` (and its .part): regular files only, one by one,
   * never recursively and never through a symbolic link (a link is removed itself, its target
   * never touched; a folder is left alone with a warning).
   */
  private async removeOtherPackages(keep: string): Promise<void> {
    let entries: fs.Dirent[] = [];
    try { entries = await fs.promises.readdir(this.o.downloadDir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const n = e.name;
      if (n === keep || n === `${keep}.part` || n.startsWith('ready.json')) continue;
      if (e.isDirectory()) {
        this.o.logger.warn(`update: ${JSON.stringify(n.slice(0, 80))} in the update folder is a folder; left alone`);
        continue;
      }
      await fs.promises.unlink(path.join(this.o.downloadDir, n)).catch(() => {});
    }
    await fs.promises.rm(this.readyFile, { force: true });
  }

  private async cleanDownloads(): Promise<void> {
    if (!(await this.checkedFolder())) return;
    await this.removeOtherPackages('\0');
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }
}
