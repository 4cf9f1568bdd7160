/**
 * Ports: the small interfaces through which platform services reach the operating system.
 * Implemented by native/electron/* (the product), native/linux/* (real
 * Linux tools, used by the end-to-end tests) and in-memory fakes (unit tests).
 *
 * Each service folder may declare its own ports in `<service>/ports.ts`; they are re-exported
 * here so that the composition root and the e2e harness see one list.
 */

/** Trace categories are defined in electron/log (log flags, features.md §14). */
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
  /** Temporary files (downloads in progress). */
  temp: string;
}

/** A logger that drops everything; for tests that do not look at traces. */
export const silentLogger: Logger = { trace() {}, warn() {}, error() {}, enabled: () => false };

/** A logger that collects lines in memory; for tests that assert on traces and refusals. */
export function memoryLogger(): Logger & { lines: { level: string; category?: string; message: string; data?: Record<string, unknown> }[] } {
  const lines: { level: string; category?: string; message: string; data?: Record<string, unknown> }[] = [];
  return {
    lines,
    trace(category, message, data) { lines.push({ level: 'trace', category, message, data }); },
    warn(message, data) { lines.push({ level: 'warn', message, data }); },
    error(message, data) { lines.push({ level: 'error', message, data }); },
  };
}

// Service ports (one line per service folder, added as services arrive):
export * from './update/ports';
export * from './phonebook/ports';
export * from './settings/ports';
export * from './connect/ports';
export * from './media/ports';
export * from './hotkeys/ports';
export * from './links/ports';
export * from './activity/ports';
export * from './notifications/ports';
export * from './externalapps/ports';
export * from './appproxy/ports';
