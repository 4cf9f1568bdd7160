/**
 * The language files: the same keys in English and German (a key missing in either fails), the
 * same {{placeholders}} per key, no empty text, every key used by the code (and none left over);
 * the language choice from OS tags and the POSIX environment; the formatters.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from './en.json';
import de from './de.json';
import { english, languagesFromEnv, pickLanguage, translator } from '.';

type Tree = { [k: string]: string | Tree };

function flatten(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const EN = flatten(en as Tree);
const DE = flatten(de as Tree);
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
/** `x_one` / `x_other` are the plural forms of the key `x`. */
const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, '');

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCE_DIRS = ['common', 'renderer', 'electron', 'native', 'scripts'];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|mjs)$/.test(name) && !/\.test\.ts$/.test(name)) out.push(p);
  }
  return out;
}

describe('language files', () => {
  it('have the same keys in English and German', () => {
    const missingInDe = [...EN.keys()].filter((k) => !DE.has(k));
    const missingInEn = [...DE.keys()].filter((k) => !EN.has(k));
    expect(missingInDe, 'keys missing in de.json').toEqual([]);
    expect(missingInEn, 'keys missing in en.json').toEqual([]);
  });

  it('have no empty text and the same placeholders in both languages', () => {
    for (const [k, v] of EN) {
      expect(v.trim(), `en ${k}`).not.toBe('');
      expect(DE.get(k)?.trim(), `de ${k}`).not.toBe('');
      expect(placeholders(DE.get(k) ?? ''), `placeholders of ${k}`).toEqual(placeholders(v));
    }
  });

  it('has every key used by the code, and no key the code does not use', () => {
    const text = SOURCE_DIRS.flatMap((d) => sources(path.join(ROOT, d))).map((f) => readFileSync(f, 'utf8')).join('\n');
    // Literal keys: 'a.b.c' or "a.b.c". Keys built at run time: `setting.${key}.label` → setting.[^.]+.label.
    const literal = new Set([...text.matchAll(/['"]([a-zA-Z][\w-]*(?:\.[\w-]+)+)['"]/g)].map((m) => m[1]!));
    const patterns = [...text.matchAll(/`([a-zA-Z][\w-]*(?:\.(?:[\w-]+|\$\{[^}]+\}))+)`/g)]
      .map((m) => m[1]!)
      .filter((p) => p.includes('${'))
      .map((p) => new RegExp(`^${p.split(/\$\{[^}]+\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\w-]+')}$`));
    const used = (k: string) => literal.has(k) || patterns.some((re) => re.test(k));
    const unused = [...new Set([...EN.keys()].map(base))].filter((k) => !used(k));
    expect(unused, 'keys no code uses').toEqual([]);
  });

  it('plural forms exist for both languages', () => {
    expect(translator('de').t('units.minutes', { count: 1 })).toBe('1 Minute');
    expect(translator('de').t('units.minutes', { count: 5 })).toBe('5 Minuten');
    expect(english.t('units.hours', { count: 1 })).toBe('1 hour');
    expect(english.t('units.hours', { count: 2 })).toBe('2 hours');
  });
});

describe('language choice', () => {
  it('is German for de-*, English for en-* and for everything else', () => {
    expect(pickLanguage(['de-DE'])).toBe('de');
    expect(pickLanguage(['de-AT', 'en-US'])).toBe('de');
    expect(pickLanguage(['de'])).toBe('de');
    expect(pickLanguage(['en-GB', 'de-DE'])).toBe('en');
    expect(pickLanguage(['fr-FR', 'de-CH'])).toBe('de'); // French is not offered: the next language the user reads
    expect(pickLanguage(['fr-FR'])).toBe('en');
    expect(pickLanguage([])).toBe('en');
    expect(pickLanguage(['dee', 'deu'])).toBe('en');
  });

  it('reads the POSIX environment as gettext does', () => {
    expect(languagesFromEnv({ LANG: 'de_DE.UTF-8' })).toEqual(['de-DE']);
    expect(languagesFromEnv({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'de_AT.UTF-8' })).toEqual(['de-AT']);
    expect(languagesFromEnv({ LANG: 'en_US.UTF-8', LC_ALL: 'de_CH.UTF-8@euro' })).toEqual(['de-CH']);
    expect(languagesFromEnv({ LANG: 'en_US.UTF-8', LANGUAGE: 'de:en' })).toEqual(['de', 'en', 'en-US']);
    // LANGUAGE counts only when a locale is set (gettext ignores it for C)
    expect(languagesFromEnv({ LANG: 'C', LANGUAGE: 'de' })).toEqual([]);
    expect(languagesFromEnv({ LANG: 'C.UTF-8' })).toEqual([]);
    expect(languagesFromEnv({})).toEqual([]);
    expect(pickLanguage(languagesFromEnv({ LANG: 'de_DE.UTF-8' }))).toBe('de');
  });
});

describe('formatting', () => {
  it('writes numbers, sizes, rates and durations the way each language does', () => {
    const d = translator('de');
    expect(english.bytes(12_345_678)).toBe('12.3 MB');
    expect(d.bytes(12_345_678)).toBe('12,3 MB');
    expect(english.rate(256 * 1024)).toBe('262 kB/s');
    expect(english.bytes(512)).toBe('512 byte');
    expect(english.percent(0.423)).toBe('42%');
    expect(d.percent(0.423)).toBe('42\u00a0%');
    expect(d.number(10_000_000)).toBe('10.000.000');
    expect(english.duration(44.2)).toBe('45 sec');
    expect(english.duration(61)).toBe('2 min');
    expect(english.duration(3900)).toBe('1 hr 5 min');
    expect(d.duration(3600)).toBe('1 Std.');
  });
});
