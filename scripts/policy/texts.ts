/**
 * The words of the admin templates in English and German. English titles and descriptions are
 * the schema's own (common/settings/schema.ts); German ones are written here, one per setting
 * (the type makes a missing one a compile error).
 */
import type { PolicyKey, PolicySetting } from './model';

export type Lang = 'en-US' | 'de-DE';
export const LANGS: readonly Lang[] = ['en-US', 'de-DE'];

interface SettingText {
  title: string;
  description: string;
}

const GERMAN: { [K in PolicyKey]: SettingText } = {
  server: { title: 'Server', description: 'PBX-Serveradresse ohne Protokoll: host[:port][/PBX0-n][#phys=Standort].' },
  autostart: { title: 'Autostart', description: 'myApps bei der Anmeldung starten.' },
  appearOfflineAfterMs: { title: 'Offline erscheinen nach (ms)', description: 'Leerlaufzeit, nach der die Präsenz „offline“ zeigt; 0 = nie.' },
  hotkeyDial: { title: 'Tastenkürzel: markierte Nummer wählen', description: 'F1–F11 mit bis zu zwei von CTRL, ALT, SHIFT, WIN; leer = keines.' },
  hotkeyAccept: { title: 'Tastenkürzel: Anruf annehmen', description: 'F1–F11 mit bis zu zwei von CTRL, ALT, SHIFT, WIN; leer = keines.' },
  hotkeyReject: { title: 'Tastenkürzel: Anruf abweisen oder beenden', description: 'F1–F11 mit bis zu zwei von CTRL, ALT, SHIFT, WIN; leer = keines.' },
  docking: { title: 'Andocken', description: 'Das Fenster am linken oder rechten Bildschirmrand andocken.' },
  notifications: { title: 'Desktop-Benachrichtigungen', description: 'Benachrichtigungen des Betriebssystems anzeigen.' },
  showInTaskbar: { title: 'In der Taskleiste anzeigen', description: 'myApps zusätzlich zum Symbol im Infobereich in der Taskleiste zeigen.' },
  excludeVpn: { title: 'VPN-Schnittstellen für Medien ausschließen', description: 'Audio, Video und Application Sharing nutzen nie PPP- oder Tunnel-Schnittstellen.' },
  logFlags: { title: 'Trace-Flags', description: 'Maske der Trace-Kategorien (hexadezimal), z. B. 0x856000001 bei Problemen mit Anrufen.' },
  logSizeBytes: { title: 'Höchstgröße einer Trace-Datei (Bytes)', description: 'Wie --log-size: Jede Trace-Datei wird bei dieser Größe gewechselt.' },
  externalApps: { title: 'Externe Anwendungen', description: 'Anwendungen, die bei Anrufen gestartet werden ({id,name,path,param,startOnAccept}); path: ein Programm oder eine http(s)-URL.' },
  ringInHeadset: { title: 'Im Headset klingeln', description: 'Eingehende Anrufe im Headset statt im Lautsprecher klingeln lassen.' },
  disableOutlookSearch: { title: 'Outlook-Suche abschalten', description: 'Die lokale Kontaktsuche abschalten.' },
  videoAutostart: { title: 'Video automatisch starten', description: 'Telefonie-Apps beginnen Anrufe mit Video.' },
  officePresence: { title: 'Office-Präsenz', description: 'Die Präsenz der PBX auf den Präsenzstatus von Office übertragen.' },
  disableHeadsets: { title: 'Headset-Unterstützung abschalten', description: 'Die Headset-Unterstützung (HID) abschalten.' },
  disableLocalhost: { title: '127.0.0.1 statt localhost verwenden', description: 'Die lokalen Dienste über 127.0.0.1 ansprechen (unsere Voreinstellung; DISABLELOCALHOST=0 wählt localhost).' },
  excludeInterfaces: { title: 'Ausgeschlossene Schnittstellen', description: 'Adresspräfixe, die nie für Medien genutzt werden, z. B. 172,192.168,10.10.' },
  fasterDownloads: { title: 'Schnellere Update-Downloads', description: 'Update-Downloads nicht drosseln.' },
  updatePolicy: { title: 'Updates', description: 'auto: Updates installieren; notify: vorher fragen; off: nie.' },
  appProxyCacheMb: { title: 'Größe des App-Proxy-Caches (MB)', description: 'Höchstgröße des Offline-Caches der Apps.' },
};

/** Display names of enum options (docking, updatePolicy). */
const OPTIONS: Record<Lang, Record<string, string>> = {
  'en-US': {
    'docking.none': 'Not docked',
    'docking.left': 'Left screen edge',
    'docking.right': 'Right screen edge',
    'updatePolicy.auto': 'Install updates automatically',
    'updatePolicy.notify': 'Ask before installing',
    'updatePolicy.off': 'Never update',
  },
  'de-DE': {
    'docking.none': 'Nicht angedockt',
    'docking.left': 'Linker Bildschirmrand',
    'docking.right': 'Rechter Bildschirmrand',
    'updatePolicy.auto': 'Updates automatisch installieren',
    'updatePolicy.notify': 'Vor der Installation fragen',
    'updatePolicy.off': 'Nie aktualisieren',
  },
};

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

export function title(p: PolicySetting, lang: Lang): string {
  return lang === 'en-US' ? p.dsc.label : GERMAN[p.key].title;
}

export function description(p: PolicySetting, lang: Lang): string {
  return lang === 'en-US' ? p.dsc.description : GERMAN[p.key].description;
}

export function optionText(p: PolicySetting, option: string, lang: Lang): string {
  const t = OPTIONS[lang][`${p.key}.${option}`];
  if (t === undefined) throw new Error(`no ${lang} text for ${p.key} option ${option}`);
  return t;
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
