/**
 * $-variables of external application parameters (docs/external-apps.md) and the split of the parameter
 * template into an argument array. The template is split FIRST (white space separates arguments,
 * "double" or 'single' quotes group, backslash escapes the next character inside double quotes
 * and outside quotes), THEN each argument is substituted, so a value can never add, remove or
 * split arguments, and nothing ever goes through a shell.
 *
 *   $n  number as dialled/received     $N  national format     $I  international format
 *   $d  peer display name              $u  peer URI            $c  conference id (call guid)
 *   $$  a literal $                    any other $x stays as written
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export interface DialPrefixes {
  /** Prefix for international numbers as dialled at the PBX (e.g. "000" with external line 0, or "00"). */
  intl?: string;
  /** Prefix for national numbers (e.g. "00" with external line 0, or "0"). */
  ntl?: string;
  /** External line (subscriber) prefix, e.g. "0"; part of intl/ntl when set. */
  subs?: string;
  /** Own area code, e.g. "7031". */
  area?: string;
  /** Own country code, e.g. "49". */
  country?: string;
}

export interface CallData {
  /** Number as dialled or received. */
  num?: string;
  /** Peer display name. */
  dn?: string;
  /** Peer URI (sip). */
  uri?: string;
  /** Conference id / call guid. */
  conf?: string;
}

export function splitTemplate(template: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inArg = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else cur += ch;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < template.length && (template[i + 1] === '"' || template[i + 1] === '\\')) cur += template[++i];
      else cur += ch;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inArg) out.push(cur);
      cur = '';
      inArg = false;
      continue;
    }
    inArg = true;
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '\\' && i + 1 < template.length) cur += template[++i];
    else cur += ch;
  }
  if (quote) throw new Error('unbalanced quote in parameter template');
  if (inArg) out.push(cur);
  return out;
}

function strip(prefix: string | undefined, sub: string | undefined): string {
  const p = prefix ?? '';
  const s = sub ?? '';
  return s && p.startsWith(s) ? p.slice(s.length) : p;
}

/**
 * National and international forms of a number as dialled/received at the PBX. Only numbers that
 * carry an area code (national or international form) are converted; others come back unchanged.
 */
export function numberFormats(num: string, p: DialPrefixes): { national: string; international: string } {
  const same = { national: num, international: num };
  const digits = num.replace(/[\s\-.()\/]/g, '');
  if (!/^\+?[0-9]+$/.test(digits)) return same;
  let cc: string | undefined;
  let nsn: string | undefined; // national significant number (area + subscriber)
  const fromInternational = (rest: string): void => {
    const parsed = parsePhoneNumberFromString(`+${rest}`);
    if (parsed) {
      cc = parsed.countryCallingCode;
      nsn = rest.slice(cc.length);
    } else if (p.country && rest.startsWith(p.country)) {
      cc = p.country;
      nsn = rest.slice(cc.length);
    }
  };
  if (digits.startsWith('+')) fromInternational(digits.slice(1));
  else if (p.intl && digits.startsWith(p.intl) && digits.length > p.intl.length) fromInternational(digits.slice(p.intl.length));
  else if (p.ntl && p.country && digits.startsWith(p.ntl) && digits.length > p.ntl.length) {
    cc = p.country;
    nsn = digits.slice(p.ntl.length);
  }
  if (!cc || !nsn) return same;
  // Public forms: the national trunk prefix without the PBX's external line prefix ("00" - "0" = "0").
  const trunkNtl = strip(p.ntl, p.subs) || '0';
  const trunkIntl = strip(p.intl, p.subs) || '00';
  const international = `+${cc}${nsn}`;
  const national = cc === p.country ? `${trunkNtl}${nsn}` : `${trunkIntl}${cc}${nsn}`;
  return { national, international };
}

export function substituteArg(arg: string, call: CallData, prefixes: DialPrefixes): string {
  const num = call.num ?? '';
  let formats: { national: string; international: string } | undefined;
  const f = () => (formats ??= numberFormats(num, prefixes));
  return arg.replace(/\$([nNIduc$])/g, (_m, v: string) => {
    switch (v) {
      case 'n': return num;
      case 'N': return f().national;
      case 'I': return f().international;
      case 'd': return call.dn ?? '';
      case 'u': return call.uri ?? '';
      case 'c': return call.conf ?? '';
      default: return '$';
    }
  });
}

/**
 * The argument array for one start: split the template, then substitute each argument. Call data
 * comes from bus messages, so it must never turn an argument into an option: an argument whose
 * template does not start with `-` but whose value does (`$n` = `--inspect`) is refused.
 */
export function buildArgs(template: string, call: CallData, prefixes: DialPrefixes, platform: NodeJS.Platform = process.platform): string[] {
  return splitTemplate(template).map((a) => {
    const v = substituteArg(a, call, prefixes);
    if (v.startsWith('-') && !a.startsWith('-')) throw new Error(`call data would become an option (argument starting with "-")`);
    // Many Windows programs read '/x' as an option too.
    if (platform === 'win32' && v.startsWith('/') && !a.startsWith('/')) throw new Error(`call data would become an option (argument starting with "/")`);
    return v;
  });
}
