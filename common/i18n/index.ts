/**
 * The client's own words in English and German (docs/i18n.md): one file per language
 * (./en.json, ./de.json), looked up with i18next (plurals via Intl.PluralRules, `{{name}}`
 * interpolation). Used by the main process (tray, dialogs, notifications, spell-check menu) and,
 * bundled, by the launcher pages. The language follows the OS: German for `de-*`, English
 * otherwise (pickLanguage). The key type comes from en.json, so a key that is not in the English
 * file is a compile error; common/i18n/i18n.test.ts fails on a key missing in either file, on
 * unused keys, and on placeholders that differ between the languages.
 *
 * Browser-safe: no Node or DOM APIs; the resources are bundled (no loading at run time, nothing
 * evaluated, so it runs under the launcher pages' CSP).
 */
import i18next, { type i18n } from 'i18next';
import en from './en.json';
import de from './de.json';

export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

type Join<P extends string, K extends string> = P extends '' ? K : `${P}.${K}`;
type PluralSuffix = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';
type StripPlural<K extends string> = K extends `${infer B}_${PluralSuffix}` ? B : K;
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? StripPlural<Join<P, K>> : Leaves<T[K], Join<P, K>>;
}[keyof T & string];

/** Every message key of the English file (plural forms `x_one`/`x_other` are the key `x`). */
export type MessageKey = Leaves<typeof en>;
export type MessageParams = Record<string, string | number>;

/** A message to be put into words later, in the reader's language (e.g. a parser's error). */
export interface Message {
  key: MessageKey;
  params?: MessageParams;
}

export interface Translator {
  readonly language: Language;
  /** The text of a key; `count` in params selects the plural form. */
  t(key: MessageKey, params?: MessageParams): string;
  /** True when the key (built at run time, e.g. a setting's option) is in the catalogue. */
  has(key: string): key is MessageKey;
  /** A Message (or plain text, kept as it is) in this language. */
  text(m: Message | string): string;
  /** A number with this language's digit grouping and decimal sign, at most `digits` decimals. */
  number(n: number, digits?: number): string;
  /** 0…1 as "42 %" / "42 %". */
  percent(fraction: number): string;
  /** Bytes as kB/MB/GB (decimal units, as file managers show them). */
  bytes(n: number): string;
  /** Bytes per second as "256 kB/s". */
  rate(bytesPerSec: number): string;
  /** A duration in seconds as "45 s", "4 min", "1 h 5 min" (rounded up to what is shown). */
  duration(seconds: number): string;
}

const RESOURCES = { en: { translation: en }, de: { translation: de } } as const;

/**
 * The language for a list of preferred OS languages (BCP 47 tags, or POSIX names like de_DE.UTF-8),
 * best first: the first that is German or English decides; none of them: English.
 */
export function pickLanguage(preferred: readonly (string | undefined | null)[]): Language {
  for (const raw of preferred) {
    const tag = String(raw ?? '').trim().toLowerCase().replace(/_/g, '-');
    if (/^de(-|$|\.|@)/.test(tag)) return 'de';
    if (/^en(-|$|\.|@)/.test(tag)) return 'en';
  }
  return 'en';
}

/** A language code from the outside (query parameter, preload answer): a Language, or undefined. */
export function asLanguage(v: unknown): Language | undefined {
  return (LANGUAGES as readonly unknown[]).includes(v) ? (v as Language) : undefined;
}

/**
 * The user's languages on Linux and other POSIX systems, best first, from the environment the way
 * gettext reads it: LANGUAGE (a colon list, only when a locale is set), then the first of LC_ALL,
 * LC_MESSAGES, LANG. "C"/"POSIX" count as no preference. Tags are BCP 47 (de_DE.UTF-8 → de-DE).
 */
export function languagesFromEnv(env: Record<string, string | undefined>): string[] {
  const toTag = (s: string): string | undefined => {
    const base = s.trim().split(/[.@]/)[0] ?? '';
    if (!base || base === 'C' || base === 'POSIX') return undefined;
    return /^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8})?$/.test(base) ? base.replace('_', '-') : undefined;
  };
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v.trim() !== '');
  const out: string[] = [];
  const localeTag = locale ? toTag(locale) : undefined;
  if (localeTag && env.LANGUAGE) for (const l of env.LANGUAGE.split(':')) {
    const t = toTag(l);
    if (t && !out.includes(t)) out.push(t);
  }
  if (localeTag && !out.includes(localeTag)) out.push(localeTag);
  return out;
}

const instances = new Map<Language, i18n>();

function instance(language: Language): i18n {
  let inst = instances.get(language);
  if (!inst) {
    inst = i18next.createInstance();
    void inst.init({
      lng: language,
      fallbackLng: false,
      supportedLngs: [...LANGUAGES],
      resources: RESOURCES,
      initAsync: false,
      // The launcher pages put text into the DOM with textContent, never as HTML.
      interpolation: { escapeValue: false },
      returnNull: false,
      returnEmptyString: false,
      showSupportNotice: false,
    } as Parameters<i18n['init']>[0]);
    instances.set(language, inst);
  }
  return inst;
}

const cache = new Map<Language, Translator>();

/** The translator of a language (created once; synchronous, the resources are bundled). */
export function translator(language: Language): Translator {
  const hit = cache.get(language);
  if (hit) return hit;
  const inst = instance(language);
  const locale = language === 'de' ? 'de-DE' : 'en-US';
  const num = (n: number, digits = 2) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n);
  const unit = (n: number, u: string, digits = 1) => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short', maximumFractionDigits: digits }).format(n);
  const sized = (n: number, suffix: '' | '-per-second') => {
    const v = Math.max(0, n);
    if (v < 1000) return unit(Math.round(v), `byte${suffix}`, 0);
    if (v < 1e6) return unit(v / 1e3, `kilobyte${suffix}`, v < 1e4 ? 1 : 0);
    if (v < 1e9) return unit(v / 1e6, `megabyte${suffix}`, 1);
    return unit(v / 1e9, `gigabyte${suffix}`, 2);
  };
  const t: Translator = {
    language,
    t(key, params) {
      const s = inst.t(key, params as Record<string, unknown>);
      return typeof s === 'string' ? s : String(s);
    },
    has: (key): key is MessageKey => inst.exists(key),
    text: (m) => (typeof m === 'string' ? m : t.t(m.key, m.params)),
    number: num,
    percent: (f) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(Math.min(1, Math.max(0, f))),
    bytes: (n) => sized(n, ''),
    rate: (n) => sized(n, '-per-second'),
    duration(seconds) {
      const s = Math.max(0, Math.ceil(seconds));
      if (s < 60) return unit(s, 'second', 0);
      const min = Math.ceil(s / 60);
      if (min < 60) return unit(min, 'minute', 0);
      const h = Math.floor(min / 60);
      const m = min % 60;
      return m ? `${unit(h, 'hour', 0)} ${unit(m, 'minute', 0)}` : unit(h, 'hour', 0);
    },
  };
  cache.set(language, t);
  return t;
}

/** English: the language of traces, and of texts made before a reader is known. */
export const english: Translator = translator('en');
