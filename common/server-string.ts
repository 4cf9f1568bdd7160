/**
 * The server string the user types in the connect form (or the admin presets with MSI SERVER,
 * macOS `server`, Linux `server`): `host[:port][/PBX0[-n]][#phys=location]`, expanded to the
 * web client URL `https://host[:port]/PBX0[-n]/APPCLIENT/appclient.htm[#phys=location]`
 * (docs/settings.md, `server`).
 *
 * Pure code (only the WHATWG URL class and the message catalogue of common/i18n): used by the main process and, bundled, by the
 * launcher's connect form, so both show the same validation messages.
 */
import { english, type Message, type MessageKey, type MessageParams } from './i18n';

export interface ParsedServer {
  ok: true;
  /** The web client URL to load. */
  url: string;
  /** `https://host[:port]` (port only when not 443). */
  origin: string;
  /** Normalised host: lower case, IDN as punycode, IPv6 in brackets. */
  host: string;
  /** The port when one was given and it is not 443. */
  port?: number;
  /** `PBX0` or `PBX0-<n>` (DynPBX module). */
  module: string;
  /** Physical location for the softphone (`#phys=`), if given. */
  phys?: string;
  /** The canonical server string (what we store): `host[:port][/PBX0-n][#phys=loc]`. */
  canonical: string;
}

export interface ServerStringError {
  ok: false;
  /** A sentence for the user, in English (traces, the main process). */
  error: string;
  /** The same as a message, for a page to put in its reader's language (common/i18n). */
  message: Message;
}

export type ServerStringResult = ParsedServer | ServerStringError;

const MAX_LENGTH = 512;
const PHYS_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MODULE_RE = /^PBX0(?:-(\d{1,4}))?$/i;
const LABEL_RE = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4_RE = /^\d{1,3}(?:\.\d{1,3}){3}$/;
/** Plain dotted decimal: four numbers 0-255, no leading zeros (what the user means is what is dialled). */
const PLAIN_IPV4_RE = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** URL schemes people type in front of the server ("https:pbx.example.com"). */
const SCHEME_PREFIX_RE = /^(?:https?|wss?|ftp|file|sips?|tel|callto|mailto|myapps-launcher):/i;

/**
 * Why `text` (a host made of digits, dots and maybe hex) is not a plain dotted-decimal IPv4
 * address. The WHATWG URL parser accepts octal (`010.0.0.5` is 8.0.0.5), hexadecimal
 * (`0x7f.1`), fewer parts (`127.1`) and single numbers (`3232235521`), each meaning another
 * address than it seems to (issue 12, server-string-forms); only the plain form is accepted.
 */
function ipv4Problem(text: string, readAs: string | undefined): ServerStringError {
  const parts = text.replace(/\.$/, '').split('.');
  // the URL parser refuses it (a part above 255, an empty part): no address it would mean
  if (!readAs) return fail('serverString.ipv4Plain.range', { host: text });
  const params = { host: text, readAs };
  if (parts.some((p) => /^0x/i.test(p))) return fail('serverString.ipv4Plain.hex', params);
  if (parts.some((p) => /^0\d/.test(p))) return fail('serverString.ipv4Plain.octal', params);
  if (text.endsWith('.')) return fail('serverString.ipv4Plain.dot', params);
  if (parts.length === 1) return fail('serverString.ipv4Plain.single', params);
  if (parts.length !== 4) return fail('serverString.ipv4Plain.parts', { ...params, count: parts.length });
  return fail('serverString.ipv4Plain.form', params);
}

function fail(key: MessageKey, params?: MessageParams): ServerStringError {
  const message: Message = params ? { key, params } : { key };
  return { ok: false, error: english.text(message), message };
}

/**
 * Parse and expand a server string. Outer white space is ignored; anything else that is not
 * `host[:port][/PBX0[-n]][#phys=loc]` is refused with a message saying what is wrong.
 */
export function parseServerString(input: unknown): ServerStringResult {
  if (typeof input !== 'string') return fail('serverString.missing');
  const s = input.trim();
  if (s === '') return fail('serverString.empty');
  if (s.length > MAX_LENGTH) return fail('serverString.tooLong', { max: MAX_LENGTH });
  if (/\s/.test(s)) return fail('serverString.spaces');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) return fail('serverString.control');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    return fail('serverString.protocol');
  }
  if (SCHEME_PREFIX_RE.test(s)) {
    const name = s.replace(SCHEME_PREFIX_RE, '').replace(/^\/+/, '');
    return fail('serverString.protocolPrefix', { name: name || 'pbx.example.com', input: s });
  }
  if (s.includes('?')) return fail('serverString.query');

  // Split off the fragment (#phys=loc).
  let rest = s;
  let phys: string | undefined;
  const hashAt = rest.indexOf('#');
  if (hashAt >= 0) {
    const frag = rest.slice(hashAt + 1);
    rest = rest.slice(0, hashAt);
    const m = /^phys=(.*)$/.exec(frag);
    if (!m) return fail('serverString.fragment');
    if (!PHYS_RE.test(m[1]!)) {
      return fail('serverString.phys');
    }
    phys = m[1]!;
  }

  // Split off the path (/PBX0 or /PBX0-n).
  let authority = rest;
  let module = 'PBX0';
  // A bare IPv6 literal has several colons and no brackets; it cannot carry a port or a path.
  // Its first group is empty or 1-4 hex digits; anything else with two colons is a name with
  // more than one ":<port>" (host:4444:5555), which is said as such.
  const colons = rest.match(/:/g)?.length ?? 0;
  const firstGroup = rest.split(':', 1)[0]!;
  if (!rest.startsWith('[') && colons >= 2 && firstGroup !== '' && !/^[0-9a-f]{1,4}$/i.test(firstGroup)) {
    return fail('serverString.twoPorts', { host: rest.split('/', 1)[0]! });
  }
  const bareIpv6 = !rest.startsWith('[') && colons >= 2;
  if (!bareIpv6) {
    const slashAt = rest.indexOf('/');
    if (slashAt >= 0) {
      authority = rest.slice(0, slashAt);
      let path = rest.slice(slashAt + 1);
      if (path.endsWith('/')) path = path.slice(0, -1);
      if (path !== '') {
        const mm = MODULE_RE.exec(path);
        if (!mm) {
          return fail('serverString.module', { path });
        }
        module = mm[1] !== undefined ? `PBX0-${Number(mm[1])}` : 'PBX0';
      }
    }
  } else if (rest.includes('/')) {
    return fail('serverString.ipv6Path');
  }
  if (authority === '') return fail('serverString.nameMissingBefore');
  if (authority.includes('@')) return fail('serverString.user');
  if (authority.includes('\\')) return fail('serverString.backslash');

  // Separate host and port.
  let hostPart: string;
  let portPart: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return fail('serverString.ipv6Bracket');
    hostPart = authority.slice(0, close + 1);
    const after = authority.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return fail('serverString.ipv6Port');
      portPart = after.slice(1);
    }
  } else if (bareIpv6) {
    hostPart = `[${authority}]`;
  } else {
    const colon = authority.lastIndexOf(':');
    if (colon >= 0) {
      hostPart = authority.slice(0, colon);
      portPart = authority.slice(colon + 1);
    } else {
      hostPart = authority;
    }
  }

  let port: number | undefined;
  if (portPart !== undefined) {
    if (!/^\d{1,5}$/.test(portPart)) return fail('serverString.port', { port: portPart });
    port = Number(portPart);
    if (port < 1 || port > 65535) return fail('serverString.portRange', { port: portPart });
  }
  if (hostPart === '' || hostPart === '[]') return fail('serverString.nameMissing');

  // Digits and dots, or a hex number (0x…): an IPv4 address, accepted only in plain dotted decimal.
  const ipv4Like = /^[0-9a-fx.]+$/i.test(hostPart) && (/^[0-9.]+$/.test(hostPart) || /(?:^|\.)0x/i.test(hostPart));
  if (ipv4Like && !PLAIN_IPV4_RE.test(hostPart)) {
    let readAs: string | undefined;
    try { readAs = new URL(`https://${hostPart}/`).hostname; } catch { /* not an address at all */ }
    return ipv4Problem(hostPart, readAs);
  }

  // Let the WHATWG URL parser normalise (case, IDN → punycode, IPv4 forms, IPv6 compression).
  let url: URL;
  try {
    url = new URL(`https://${hostPart}/`);
  } catch {
    return fail(hostPart.startsWith('[') ? 'serverString.ipv6' : 'serverString.name', { host: hostPart });
  }
  const host = url.hostname;
  if (!host.startsWith('[')) {
    if (IPV4_RE.test(host)) {
      // The URL parser read it as an IPv4 address: only the plain form the user typed is accepted
      // (any other spelling, e.g. "1.0x2.3.4", would mean another address than it seems to).
      if (host !== hostPart.toLowerCase()) return ipv4Problem(hostPart, host);
    } else {
      if (/^[0-9.]+$/.test(hostPart)) return fail('serverString.ipv4', { host: hostPart });
      const name = host.endsWith('.') ? host.slice(0, -1) : host;
      if (name.length > 253) return fail('serverString.nameTooLong');
      const labels = name.split('.');
      if (labels.some((l) => !LABEL_RE.test(l))) {
        return fail('serverString.nameChars', { host: hostPart });
      }
    }
  }
  const hostNoDot = host.endsWith('.') ? host.slice(0, -1) : host;
  const effectivePort = port === 443 ? undefined : port;
  const origin = `https://${hostNoDot}${effectivePort !== undefined ? `:${effectivePort}` : ''}`;
  const fragment = phys !== undefined ? `#phys=${phys}` : '';
  const modulePath = module === 'PBX0' ? '' : `/${module}`;
  return {
    ok: true,
    url: `${origin}/${module}/APPCLIENT/appclient.htm${fragment}`,
    origin,
    host: hostNoDot,
    ...(effectivePort !== undefined ? { port: effectivePort } : {}),
    module,
    ...(phys !== undefined ? { phys } : {}),
    canonical: `${hostNoDot}${effectivePort !== undefined ? `:${effectivePort}` : ''}${modulePath}${fragment}`,
  };
}
