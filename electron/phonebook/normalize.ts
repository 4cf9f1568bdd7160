/**
 * Phone number normalisation for reverse lookup (docs/phonebook.md "Reverse lookup: number normalisation").
 *
 * The PBX sends the caller's number in PBX dialling form (`0004970311234567`: external line
 * prefix + international prefix + country + area + number) together with its prefixes; stored
 * contact numbers come in any form a human typed (`+49 (7031) 123-4567`, `07031 1234567`,
 * `0049 7031 1234567`, `+49 (0)7031 …`, bare local numbers, internal extensions). Both sides are
 * turned into one or more canonical keys, and a contact matches when a key is shared:
 *   - `+<E.164 digits>` for a full number (`+4970311234567`);
 *   - `ext:<digits>` for an internal extension (a number without any prefix).
 * libphonenumber-js knows each country's international (IDD) and national (trunk) prefixes.
 */
import { getCountries, getCountryCallingCode, Metadata, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** The PBX's dialling context, as sent in a `Lookup` request (docs/phonebook.md). */
export interface DialContext {
  /** Full prefix for international numbers, including the external line prefix ("000"). */
  prefixIntl?: string;
  /** Full prefix for national numbers, including the external line prefix ("00"). */
  prefixNtl?: string;
  /** External line prefix ("0"); empty when the PBX needs none. */
  prefixExt?: string;
  /** Area code of the PBX, without trunk prefix ("7031"). */
  area?: string;
  /** Country calling code of the PBX ("49"). */
  country?: string;
  /** The PBX's own subscriber number (extensions are reachable as +<country><area><subscriber><ext>). */
  subscriber?: string;
}

interface Plan {
  region?: CountryCode;
  cc: string;
  area: string;
  idd?: RegExp;
  national?: string;
}

const mainRegionCache = new Map<string, CountryCode | undefined>();
/** Regions sharing a calling code: the one whose numbering plan is the "main" one. */
const MAIN_REGION: Record<string, CountryCode> = { '1': 'US', '7': 'RU', '44': 'GB', '39': 'IT', '47': 'NO', '61': 'AU', '212': 'MA', '262': 'RE', '290': 'SH', '358': 'FI', '590': 'GP', '599': 'CW' };

export function regionForCallingCode(cc: string): CountryCode | undefined {
  if (mainRegionCache.has(cc)) return mainRegionCache.get(cc);
  let region: CountryCode | undefined = MAIN_REGION[cc];
  if (!region) region = getCountries().find((r) => getCountryCallingCode(r) === cc);
  mainRegionCache.set(cc, region);
  return region;
}

const planCache = new Map<string, Plan>();

function planFor(ctx: DialContext): Plan {
  const cc = digitsOf(ctx.country ?? '');
  const key = `${cc}|${ctx.area ?? ''}`;
  const hit = planCache.get(key);
  if (hit) return hit;
  const region = cc ? regionForCallingCode(cc) : undefined;
  let idd: RegExp | undefined;
  let national: string | undefined;
  if (region) {
    const m = new Metadata();
    m.selectNumberingPlan(region);
    const np = m.numberingPlan as unknown as { IDDPrefix(): string; nationalPrefix?(): string | undefined } | undefined;
    if (np) {
      idd = new RegExp(`^(?:${np.IDDPrefix()})`);
      national = np.nationalPrefix?.() || undefined;
    }
  }
  let area = digitsOf(ctx.area ?? '');
  if (national && area.startsWith(national)) area = area.slice(national.length);
  const plan: Plan = { region, cc, area, idd, national };
  if (planCache.size > 64) planCache.clear();
  planCache.set(key, plan);
  return plan;
}

function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

/** Strip visual separators; keep a leading '+' and the digits. Letters and '*#' make it unusable. */
function cleanNumber(raw: string): string | undefined {
  let s = raw.trim();
  if (!s) return undefined;
  s = s.replace(/^tel:/i, '');
  // Drop an extension suffix the human wrote ("x12", "ext. 12"): lookups match the main number.
  s = s.replace(/\s*(?:ext\.?|x|#)\s*\d+\s*$/i, '');
  // "+49 (0) 7031 …": the national trunk prefix in parentheses is not dialled internationally.
  s = s.replace(/^(\+\d{1,3})\s*\(0\)/, '$1');
  const plus = s.startsWith('+');
  if (/[^\d\s()./\-+\u00a0]/.test(s.replace(/^\+/, ''))) return undefined;
  const d = digitsOf(s);
  if (!d) return undefined;
  return plus ? `+${d}` : d;
}

function e164(text: string, region?: CountryCode): string | undefined {
  const p = parsePhoneNumberFromString(text, region);
  if (p && p.isPossible()) return p.number;
  return undefined;
}

const nationalPrefixCache = new Map<string, string | null | undefined>();
/** The national prefix of a calling code's main region: null when it has none, undefined when no such calling code. */
function nationalPrefixOf(cc: string): string | null | undefined {
  if (nationalPrefixCache.has(cc)) return nationalPrefixCache.get(cc);
  const region = regionForCallingCode(cc);
  let np: string | null | undefined;
  if (region) {
    const m = new Metadata();
    m.selectNumberingPlan(region);
    np = (m.numberingPlan as unknown as { nationalPrefix?(): string | undefined } | undefined)?.nationalPrefix?.() || null;
  }
  nationalPrefixCache.set(cc, np);
  return np;
}

/**
 * E.164 of an international number ('+' and digits). Fast path: when the digits after the
 * country code do not start with that country's national prefix, they are already E.164;
 * otherwise (`+49 07031…`, `+39 06…`, `+7 8…`) libphonenumber decides.
 */
function international(d: string): string {
  for (let len = 1; len <= 3 && len < d.length - 1; len++) {
    const cc = d.slice(1, 1 + len);
    const np = nationalPrefixOf(cc);
    if (np === undefined) continue;
    if (np && d.startsWith(np, 1 + len)) break;
    return d;
  }
  return e164(d) ?? d;
}

function uniq(keys: (string | undefined)[]): string[] {
  return [...new Set(keys.filter((k): k is string => !!k && k.length > 1))];
}

/**
 * Canonical keys of the number the PBX sent (`lookup`) in its dialling context.
 * Longest matching prefix wins: prefixIntl ("000") before prefixNtl ("00") before prefixExt ("0").
 */
export function dialStringKeys(lookup: string, ctx: DialContext): string[] {
  const d = cleanNumber(lookup);
  if (!d) return [];
  const plan = planFor(ctx);
  if (d.startsWith('+')) return uniq([international(d)]);
  const prefixes = (
    [
      ['intl', digitsOf(ctx.prefixIntl ?? '')],
      ['ntl', digitsOf(ctx.prefixNtl ?? '')],
      ['ext', digitsOf(ctx.prefixExt ?? '')],
    ] as const
  )
    .filter(([, p]) => p.length > 0)
    .sort((a, b) => b[1].length - a[1].length);
  for (const [kind, p] of prefixes) {
    if (!d.startsWith(p) || d.length === p.length) continue;
    const rest = d.slice(p.length);
    if (kind === 'intl') return uniq([international(`+${rest}`)]);
    if (!plan.cc) return [];
    if (kind === 'ntl') return uniq([international(`+${plan.cc}${rest}`)]);
    // External line, local number: inside the PBX's area (or a national number where there are no areas).
    if (plan.area) return uniq([`+${plan.cc}${plan.area}${rest}`]);
    return uniq([e164(rest, plan.region) ?? `+${plan.cc}${rest}`]);
  }
  // No prefix: an internal extension.
  const keys = [`ext:${d}`];
  if (plan.cc && ctx.subscriber) keys.push(`+${plan.cc}${plan.area}${digitsOf(ctx.subscriber)}${d}`);
  if (plan.cc && !digitsOf(ctx.prefixExt ?? '') && plan.area) keys.push(`+${plan.cc}${plan.area}${d}`);
  return uniq(keys);
}

/** Canonical keys of a number stored in a contact, read in the PBX's country and area. */
export function storedNumberKeys(raw: string, ctx: DialContext): string[] {
  const d = cleanNumber(raw);
  if (!d) return [];
  if (d.startsWith('+')) return uniq([international(d)]);
  const plan = planFor(ctx);
  const keys: (string | undefined)[] = [];
  // Numbers copied from the PBX in dialling form ("0004970311234567").
  const pIntl = digitsOf(ctx.prefixIntl ?? '');
  const pNtl = digitsOf(ctx.prefixNtl ?? '');
  if (digitsOf(ctx.prefixExt ?? '') && ((pIntl && d.startsWith(pIntl)) || (pNtl && d.startsWith(pNtl)))) keys.push(...dialStringKeys(d, ctx));
  if (plan.idd && plan.idd.test(d)) {
    keys.push(international(`+${d.replace(plan.idd, '')}`));
  } else if (plan.national && d.startsWith(plan.national)) {
    keys.push(e164(d, plan.region) ?? (plan.cc ? `+${plan.cc}${d.slice(plan.national.length)}` : undefined));
  } else {
    // No prefix: an internal extension, or a local number in the PBX's area.
    keys.push(`ext:${d}`);
    if (plan.cc) {
      if (plan.national && plan.area) keys.push(`+${plan.cc}${plan.area}${d}`);
      // A full national number typed without trunk prefix ("212 555 0100" in the US; any
      // number in countries without trunk prefix, like Italy).
      if (plan.region && d.length > 6) {
        const p = parsePhoneNumberFromString(d, plan.region);
        if (p && p.isValid()) keys.push(p.number);
      }
    }
  }
  return uniq(keys);
}

/** A stable key of the parts of the context stored-number keys depend on. */
export function contextKey(ctx: DialContext): string {
  return [ctx.prefixIntl, ctx.prefixNtl, ctx.prefixExt, ctx.area, ctx.country, ctx.subscriber].map((x) => x ?? '').join('|');
}
