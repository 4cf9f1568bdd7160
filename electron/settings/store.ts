/**
 * The settings store: holds the layers, resolves them, persists the user layer to
 * `<userData>/settings.json` (atomic writes; a corrupt file is set aside and defaults used, with
 * a warning) and tells listeners what changed so services react live.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../platform';
import { setAside, writeFileAtomic } from '../util/atomic';
import type { ManagedSettingsReader } from './ports';
import { managedByKey, resolveSettings, settingRow, type AdminSettings, type ResolvedSetting, type Resolution, type SettingRow } from '../../common/settings/resolve';
import { SETTINGS, coerceSetting, descriptor, isSettingKey, shown, type SettingDescriptor, type SettingKey, type SettingValues } from '../../common/settings/schema';
import { measureJson } from '../../common/json-bounds';

export const SETTINGS_FILE_NAME = 'settings.json';
/** Warnings kept in `SettingsStore.warnings` (issue 12, redact-redos). */
export const MAX_KEPT_WARNINGS = 100;
const FILE_VERSION = 1;
/** Deepest nesting in `values` (settings are flat; kept unknown keys of a newer version nest a little). */
const MAX_FILE_DEPTH = 32;

export interface SettingChange<K extends SettingKey = SettingKey> {
  key: K;
  previous: ResolvedSetting<K>;
  current: ResolvedSetting<K>;
}

export class SettingsError extends Error {
  constructor(
    message: string,
    readonly code: 'locked' | 'invalid' | 'unknown',
  ) {
    super(message);
    this.name = 'SettingsError';
  }
}

export interface OpenSettingsOptions {
  /** The user data folder; the user file is `<userData>/settings.json`. */
  userData: string;
  logger: Logger;
  /** Managed sources, lowest priority first (a later reader's value wins). */
  managed?: ManagedSettingsReader[];
}

export class SettingsStore {
  private user: Record<string, unknown> = {};
  private extra: Record<string, unknown> = {};
  private managed: Partial<Record<SettingKey, unknown>> = {};
  private pbx: AdminSettings = {};
  private resolution: Resolution;
  private listeners = new Set<(changes: SettingChange[]) => void>();
  private writeChain: Promise<void> = Promise.resolve();
  /**
   * Warnings from loading (corrupt file, bad managed values); shown to the user and logged. At
   * most MAX_KEPT_WARNINGS are kept (a PBX sending a new bad value with every model update must
   * not grow it without end); the rest are counted in `warningsDropped` and logged once.
   */
  readonly warnings: string[] = [];
  warningsDropped = 0;

  private constructor(
    readonly file: string,
    private readonly logger: Logger,
  ) {
    this.resolution = resolveSettings({ managed: {}, pbx: {}, user: {} });
  }

  /** Open the store: read managed sources and the user file. Never throws on bad input. */
  static async open(opts: OpenSettingsOptions): Promise<SettingsStore> {
    const store = new SettingsStore(path.join(opts.userData, SETTINGS_FILE_NAME), opts.logger);
    const managedWarnings: string[] = [];
    const managed: Record<string, unknown> = {};
    for (const reader of opts.managed ?? []) {
      try {
        const r = await reader.read();
        managedWarnings.push(...r.warnings);
        Object.assign(managed, managedByKey(r.values, managedWarnings, r.origins.join(', ') || 'managed settings'));
        if (r.origins.length) opts.logger.trace('App', 'managed settings read', { origins: r.origins, names: Object.keys(r.values) });
      } catch (err) {
        managedWarnings.push(`managed settings could not be read: ${(err as Error).message}`);
      }
    }
    store.managed = managed;
    await store.loadUserFile();
    store.resolution = resolveSettings(store.layers());
    for (const w of [...managedWarnings, ...store.resolution.warnings]) store.warn(w);
    return store;
  }

  private warn(message: string): void {
    if (this.warnings.length >= MAX_KEPT_WARNINGS) {
      if (this.warningsDropped++ === 0) this.logger.warn(`settings: more than ${MAX_KEPT_WARNINGS} warnings; further ones are counted, not kept or logged`);
      return;
    }
    this.warnings.push(message);
    this.logger.warn(`settings: ${message}`);
  }

  private async loadUserFile(): Promise<void> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.warn(`cannot read ${this.file}: ${(err as Error).message}; using defaults`);
      return;
    }
    let parsed: unknown;
    let problem: string | undefined;
    try {
      parsed = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) problem = 'not a JSON object';
      else {
        const obj = parsed as Record<string, unknown>;
        if (obj.version !== FILE_VERSION) problem = `unknown version ${JSON.stringify(obj.version)}`;
        else if (!obj.values || typeof obj.values !== 'object' || Array.isArray(obj.values)) problem = '"values" is not an object';
        // A value nested deeper than any setting could not be quoted, copied or written back.
        else problem = measureJson(obj.values, { maxDepth: MAX_FILE_DEPTH }).error ?? undefined;
      }
    } catch (err) {
      problem = `invalid JSON (${(err as Error).message})`;
    }
    if (problem) {
      const aside = await setAside(this.file);
      this.warn(`${this.file} is corrupt (${problem}); kept as ${path.basename(aside)}, using defaults`);
      return;
    }
    const values = (parsed as { values: Record<string, unknown> }).values;
    for (const [k, v] of Object.entries(values)) {
      if (isSettingKey(k)) this.user[k] = v;
      else this.extra[k] = v; // unknown keys (newer version?) are kept, never dropped
    }
  }

  private layers() {
    return { managed: this.managed, pbx: this.pbx, user: this.user };
  }

  /** The resolved value of a setting. */
  get<K extends SettingKey>(key: K): SettingValues[K] {
    return structuredClone(this.resolution.settings[key].value) as SettingValues[K];
  }

  /** Value plus source and lock state. */
  resolve<K extends SettingKey>(key: K): ResolvedSetting<K> {
    return structuredClone(this.resolution.settings[key]) as ResolvedSetting<K>;
  }

  /** All settings as rows for the advanced settings page. */
  view(): SettingRow[] {
    return (SETTINGS as readonly SettingDescriptor[]).map((d) => settingRow(d, this.resolution.settings[d.key]));
  }

  /** Listen for resolved-value changes (value, source or lock). Returns the unsubscribe function. */
  onChange(listener: (changes: SettingChange[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Set the user's value. Refused (SettingsError) when locked or invalid. Persists atomically. */
  async set<K extends SettingKey>(key: K, raw: unknown): Promise<ResolvedSetting<K>> {
    if (!isSettingKey(key)) throw new SettingsError(`unknown setting ${String(key)}`, 'unknown');
    const d = descriptor(key);
    const current = this.resolution.settings[key];
    if (!d.userEditable) throw new SettingsError(`${key} is set by the installer and cannot be changed here`, 'locked');
    if (current.locked) throw new SettingsError(`${key} is forced by the PBX administrator`, 'locked');
    const c = coerceSetting(key, raw);
    if (!c.ok) throw new SettingsError(c.error, 'invalid');
    this.user[key] = c.value;
    this.recompute();
    await this.persist();
    return this.resolve(key);
  }

  /** Forget the user's value (back to PBX / managed / default). */
  async reset(key: SettingKey): Promise<void> {
    if (!Object.hasOwn(this.user, key)) return;
    if (this.resolution.settings[key].locked) throw new SettingsError(`${key} is locked`, 'locked');
    delete this.user[key];
    this.recompute();
    await this.persist();
  }

  /** The PBX's adminSettings (com.innovaphone.client model) changed, e.g. on (re)login. */
  setAdminSettings(admin: unknown): void {
    if (admin === undefined || admin === null) admin = {};
    if (typeof admin !== 'object' || Array.isArray(admin)) {
      this.warn(`PBX adminSettings ignored: not an object (${shown(admin)})`);
      return;
    }
    this.pbx = structuredClone(admin) as AdminSettings;
    this.recompute();
  }

  /** Replace the managed layer (e.g. after re-reading the managed sources). */
  setManaged(raw: Record<string, unknown>): void {
    const warnings: string[] = [];
    this.managed = managedByKey(raw, warnings);
    for (const w of warnings) this.warn(w);
    this.recompute();
  }

  /** Wait for pending writes (tests, shutdown). */
  flush(): Promise<void> {
    return this.writeChain;
  }

  private recompute(): void {
    const before = this.resolution;
    this.resolution = resolveSettings(this.layers());
    for (const w of this.resolution.warnings) if (!before.warnings.includes(w)) this.warn(w);
    const changes: SettingChange[] = [];
    for (const d of SETTINGS as readonly SettingDescriptor[]) {
      const a = before.settings[d.key];
      const b = this.resolution.settings[d.key];
      if (JSON.stringify(a.value) !== JSON.stringify(b.value) || a.source !== b.source || a.locked !== b.locked) {
        changes.push({ key: d.key, previous: a, current: b });
      }
    }
    if (changes.length === 0) return;
    this.logger.trace('App', 'settings changed', { keys: changes.map((c) => c.key) });
    for (const l of this.listeners) {
      try {
        l(structuredClone(changes));
      } catch (err) {
        this.logger.error('settings listener failed', { error: (err as Error).message });
      }
    }
  }

  private persist(): Promise<void> {
    const snapshot = JSON.stringify({ version: FILE_VERSION, values: { ...this.extra, ...this.user } }, null, 2) + '\n';
    const next = this.writeChain.then(() => writeFileAtomic(this.file, snapshot));
    this.writeChain = next.catch((err: Error) => {
      this.logger.error('settings: write failed', { file: this.file, error: err.message });
    });
    return next;
  }
}
