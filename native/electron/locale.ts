/**
 * LanguageSource (electron/platform.ts) from Electron: the OS's preferred languages
 * (app.getPreferredSystemLanguages(): Windows/macOS settings; on Linux gettext's LANGUAGE,
 * LC_ALL, LC_MESSAGES, LANG), then Chromium's UI locale. Where Electron reports none (some Linux
 * sessions), the POSIX environment is read the way gettext does (common/i18n languagesFromEnv).
 */
import { app } from 'electron';
import { languagesFromEnv } from '../../common/i18n';
import type { LanguageSource } from '../../electron/platform';

export function createLanguageSource(env: NodeJS.ProcessEnv = process.env): LanguageSource {
  return {
    preferredLanguages() {
      let system: string[] = [];
      try {
        system = app.getPreferredSystemLanguages();
      } catch {
        // older Electron or not ready: the environment below
      }
      const own = system.length ? system : languagesFromEnv(env);
      let locale = '';
      try {
        locale = app.getLocale();
      } catch {
        // before app ready
      }
      return [...own, ...(locale ? [locale] : [])];
    },
  };
}
