/**
 * The words of the admin templates in English and German. Setting titles, descriptions and option
 * names are the client's own (common/i18n/en.json, de.json: `setting.<key>.…`), so the templates
 * and the settings page say the same; the fixed strings of the ADML files and the explain texts
 * are here.
 */
import { translator, type Translator } from '../../common/i18n';
import type { PolicySetting } from './model';

export type Lang = 'en-US' | 'de-DE';
export const LANGS: readonly Lang[] = ['en-US', 'de-DE'];

/** Fixed strings of the ADML files and the profiles. */
export const COMMON: Record<Lang, Record<'vendor' | 'product' | 'supported' | 'admlName' | 'admlDescription', string>> = {
  'en-US': {
    vendor: 'innovaphone',
    product: 'myApps',
    supported: 'myApps 0.1 or later',
    admlName: 'myApps desktop client',
    admlDescription: 'Group Policy settings of the myApps desktop client, generated from its settings schema.',
  },
  'de-DE': {
    vendor: 'innovaphone',
    product: 'myApps',
    supported: 'myApps 0.1 oder neuer',
    admlName: 'myApps-Desktop-Client',
    admlDescription: 'Gruppenrichtlinien-Einstellungen des myApps-Desktop-Clients, erzeugt aus seinem Einstellungsschema.',
  },
};

const words = (lang: Lang): Translator => translator(lang === 'de-DE' ? 'de' : 'en');

export function title(p: PolicySetting, lang: Lang): string {
  return words(lang).t(`setting.${p.key}.label`);
}

export function description(p: PolicySetting, lang: Lang): string {
  return words(lang).t(`setting.${p.key}.description`);
}

export function optionText(p: PolicySetting, option: string, lang: Lang): string {
  const w = words(lang);
  const key = `setting.${p.key}.options.${option}`;
  if (!w.has(key)) throw new Error(`no ${lang} text for ${p.key} option ${option}`);
  return w.t(key);
}

function renderValue(p: PolicySetting, value: unknown, lang: Lang): string {
  const de = lang === 'de-DE';
  if (typeof value === 'boolean') return value ? (de ? 'ein' : 'on') : de ? 'aus' : 'off';
  if (p.element === 'enum') return `${String(value)} (${optionText(p, String(value), lang)})`;
  if (Array.isArray(value)) {
    if (value.length === 0) return de ? '(keine)' : '(none)';
    return p.dsc.kind === 'stringList' ? value.join(',') : JSON.stringify({ externalApps: value });
  }
  if (value === '') return de ? '(leer)' : '(empty)';
  return String(value);
}

/** The explain text of a policy: what it does, who can override it, what it writes, default, example. */
export function explain(p: PolicySetting, lang: Lang, registryKey: string, example: unknown): string {
  const de = lang === 'de-DE';
  const lines = [description(p, lang), ''];
  if (p.locked) {
    lines.push(de ? 'Installer-Einstellung: Solange sie gesetzt ist, können Benutzer sie nicht ändern.' : 'Installer setting: while it is set, users cannot change it.');
  } else if (p.dsc.pbxKey) {
    lines.push(
      de
        ? `Eine Vorgabe: Die Client-Einstellungen der PBX (${p.dsc.pbxKey}) und die eigene Wahl des Benutzers haben Vorrang; ein PBX-Wert mit „force“ hat Vorrang vor beiden.`
        : `A preset: the PBX Client Settings (${p.dsc.pbxKey}) and the user's own choice override it; a PBX value with "force" overrides both.`,
    );
  } else {
    lines.push(de ? 'Eine Vorgabe: Die eigene Wahl des Benutzers in den erweiterten Einstellungen hat Vorrang.' : "A preset: the user's own choice in the advanced settings overrides it.");
  }
  if (p.element === 'toggle') {
    lines.push(
      de
        ? `Aktiviert schreibt ${p.valueName} = 1 (REG_DWORD), Deaktiviert schreibt 0, unter ${registryKey}.`
        : `Enabled writes ${p.valueName} = 1 (REG_DWORD), Disabled writes 0, under ${registryKey}.`,
    );
  } else {
    lines.push(de ? `Schreibt den Registrierungswert ${p.valueName} (${p.regType}) unter ${registryKey}.` : `Writes the registry value ${p.valueName} (${p.regType}) under ${registryKey}.`);
  }
  lines.push(de ? 'Nicht konfiguriert: Der Client nimmt den Wert aus der nächsten Quelle.' : 'Not configured: the client takes the value from the next source.');
  if (p.dsc.msi) lines.push(de ? `Die MSI-Eigenschaft ${p.dsc.msi} setzt denselben Wert bei der Installation.` : `The MSI property ${p.dsc.msi} sets the same value at install time.`);
  lines.push(`${de ? 'Standard' : 'Default'}: ${renderValue(p, p.dsc.default, lang)}`);
  if (p.element !== 'toggle') lines.push(`${de ? 'Beispiel' : 'Example'}: ${renderValue(p, example, lang)}`);
  return lines.join('\n');
}
