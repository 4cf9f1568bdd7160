/**
 * The ports several parts of the main process share: the Logger, the FileLocations and the
 * main window's WindowFocus. Each service declares its own ports in
 * `electron/<service>/ports.ts` (docs/architecture.md); implementations are in native/ (the product's Electron adapters in native/electron/) and
 * in-memory fakes in the tests (test/fixtures/memory-logger.ts).
 */

/** Trace categories are the log-flag table of common/log-categories.ts (docs/log-flags.md). */
export interface Logger {
  /** A trace line in a category; written only when the category's flag is on. */
  trace(category: string, message: string, data?: Record<string, unknown>): void;
  /** Always written (warnings and errors are never masked by log flags). */
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
  /**
   * Optional: true when `trace(category, …)` lines would be written. Hot paths (every bus frame)
   * ask first and build nothing when it is false; a logger without it gets every line.
   */
  enabled?(category: string): boolean;
}

/** Where the client keeps its files (Electron app.getPath, or temporary folders in tests). */
export interface FileLocations {
  /** Roaming user data: settings.json, ringtones/ */
  userData: string;
  /** Local (non-roaming) app data: appproxy/, trace files. */
  localData: string;
  /** Trace files folder. */
  logs: string;
}

/** Shows, restores and focuses the main window (after a link or a notification click). */
export interface WindowFocus {
  showAndFocus(): void;
}

/**
 * The user's preferred languages, best first (BCP 47 tags). The client's own words follow them
 * (common/i18n pickLanguage: German for de-*), and so do the spell-check dictionaries.
 * Product: Electron's app.getPreferredSystemLanguages() (native/electron/locale.ts).
 */
export interface LanguageSource {
  preferredLanguages(): readonly string[];
}

/** A logger that drops everything; for tests that do not look at traces. */
export const silentLogger: Logger = { trace() {}, warn() {}, error() {}, enabled: () => false };
