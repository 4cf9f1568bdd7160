/**
 * $-variables of external applications (docs/external-apps.md): in the parameters of a program, and in
 * the path when it is a URL (the community's configuration, `https://crm.example/Customer1/$n`).
 *
 * Parameters: the template is split FIRST (white space separates arguments, "double" or 'single'
 * quotes group, backslash escapes the next character inside double quotes and outside quotes),
 * THEN each argument is substituted, so a value can never add, remove or split arguments, and
 * nothing ever goes through a shell.
 *
 * URLs: variables may stand only after the host (path, query, fragment); each value is
 * percent-encoded (encodeURIComponent), so it cannot change the scheme, host, path segments or
 * query structure; the result goes through the openExternal allow-list (security/links.ts).
 *
 *   $n  number as dialled/received     $N  national format     $I  international format
 *   $d  peer display name              $u  peer URI            $c  conference id (call guid)
 *   $$  a literal $                    any other $x stays as written
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { decideExternalLink } from '../security';

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

const VARIABLES = /\$([nNIduc$])/g;

/** Replaces the $-variables of `text`; `encode` is applied to each value (not to a `$$`). */
function substitute(text: string, call: CallData, prefixes: DialPrefixes, encode: (v: string) => string = (v) => v): string {
  const num = call.num ?? '';
  let formats: { national: string; international: string } | undefined;
  const f = () => (formats ??= numberFormats(num, prefixes));
  return text.replace(VARIABLES, (_m, v: string) => {
    switch (v) {
      case 'n': return encode(num);
      case 'N': return encode(f().national);
      case 'I': return encode(f().international);
      case 'd': return encode(call.dn ?? '');
      case 'u': return encode(call.uri ?? '');
      case 'c': return encode(call.conf ?? '');
      default: return '$';
    }
  });
}

export function substituteArg(arg: string, call: CallData, prefixes: DialPrefixes): string {
  return substitute(arg, call, prefixes);
}

/** A path that is a URL (any `scheme:`, but not a Windows drive `C:\`): opened, never started. */
export function isUrlPath(path: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(path.trim()) && !/^[a-z]:[\\/]/i.test(path.trim());
}

/** What is wrong with a URL path template (http/https, variables after the host only), or undefined. */
export function urlTemplateError(template: string): string | undefined {
  const authority = /^https?:\/\/[^/?#]*/i.exec(template.trim());
  if (!authority) return 'only http and https URLs can be opened';
  if (/\$[nNIduc]/.test(authority[0])) return 'variables may stand only in the path, query or fragment of a URL';
  const probe = decideExternalLink(template.trim().replace(VARIABLES, (_m, v: string) => (v === '$' ? '$' : '0')));
  return probe.action === 'external' ? undefined : `URL refused: ${probe.action === 'deny' ? probe.reason : 'not a web link'}`;
}

/** The URL to open for a call: variables percent-encoded, then vetted by the openExternal allow-list. */
export function buildUrl(template: string, call: CallData, prefixes: DialPrefixes): string {
  const bad = urlTemplateError(template);
  if (bad) throw new Error(bad);
  const decision = decideExternalLink(substitute(template.trim(), call, prefixes, encodeURIComponent));
  if (decision.action !== 'external' || !/^https?:/i.test(decision.url)) throw new Error(`URL refused: ${decision.action === 'deny' ? decision.reason : 'not a web link'}`);
  return decision.url;
}

/**
 * First characters that make an argument an option or an indirection for some program: `-`
 * (POSIX), `/` (Windows), `@` (`@file` response files: javac, gcc, many .NET and Windows tools),
 * `+` (vim `+cmd`, `set +x`) and every Unicode dash (`\p{Pd}`: PowerShell reads `–Command` and
 * `—x` as parameters).
 */
const OPTION_LEAD = /^[-/@+\p{Pd}]/u;
/** An international number (`$I`, or `$n` as received): `+` and digits only, never an option. */
const INTERNATIONAL_NUMBER = /^\+[0-9]{1,32}$/;

/**
 * Why a substituted argument must not be passed, or undefined. An argument may begin with one of
 * OPTION_LEAD only when the administrator wrote that character in the template (`--name=$d`,
 * `/name:$d`); when it comes from call data (`$d` = `–Command`) it is refused. An argument that
 * is exactly an international number (`+497031730090`) is data (issue 12, externalapps-options).
 */
export function optionProblem(template: string, value: string): string | undefined {
  if (!OPTION_LEAD.test(value)) return undefined;
  if (template[0] === value[0] && !template.startsWith('$')) return undefined;
  if (INTERNATIONAL_NUMBER.test(value)) return undefined;
  return `call data would become an option (argument starting with ${JSON.stringify(value[0])})`;
}

/**
 * The argument array for one start: split the template, then substitute each argument. Call data
 * comes from the phone model, so it must never turn an argument into an option: an argument whose
 * first character comes from a value and is one of `-` `/` `@` `+` or a Unicode dash is refused
 * (optionProblem).
 */
export function buildArgs(template: string, call: CallData, prefixes: DialPrefixes): string[] {
  return splitTemplate(template).map((a) => {
    const v = substituteArg(a, call, prefixes);
    const problem = optionProblem(a, v);
    if (problem) throw new Error(problem);
    return v;
  });
}
