/**
 * The server string the user types in the connect form (or the admin presets with MSI SERVER,
 * macOS `server`, Linux `server`): `host[:port][/PBX0[-n]][#phys=location]`, expanded to the
 * web client URL `https://host[:port]/PBX0[-n]/APPCLIENT/appclient.htm[#phys=location]`
 * (docs/settings.md, `server`).
 *
 * Pure code (only the WHATWG URL class): used by the main process and, bundled, by the
 * launcher's connect form, so both show the same validation messages.
 */

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
  /** A sentence for the user. */
  error: string;
}

export type ServerStringResult = ParsedServer | ServerStringError;

const MAX_LENGTH = 512;
const PHYS_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MODULE_RE = /^PBX0(?:-(\d{1,4}))?$/i;
const LABEL_RE = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4_RE = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function fail(error: string): ServerStringError {
  return { ok: false, error };
}

/**
 * Parse and expand a server string. Outer white space is ignored; anything else that is not
 * `host[:port][/PBX0[-n]][#phys=loc]` is refused with a message saying what is wrong.
 */
export function parseServerString(input: unknown): ServerStringResult {
  if (typeof input !== 'string') return fail('Enter the server name of your PBX.');
  const s = input.trim();
  if (s === '') return fail('Enter the server name of your PBX, for example pbx.example.com.');
  if (s.length > MAX_LENGTH) return fail(`The server string is too long (more than ${MAX_LENGTH} characters).`);
  if (/\s/.test(s)) return fail('The server string must not contain spaces.');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) return fail('The server string contains control characters.');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    return fail('Enter the server without a protocol: write pbx.example.com, not https://pbx.example.com.');
  }
  if (s.includes('?')) return fail('The server string must not contain a query ("?…").');

  // Split off the fragment (#phys=loc).
  let rest = s;
  let phys: string | undefined;
  const hashAt = rest.indexOf('#');
  if (hashAt >= 0) {
    const frag = rest.slice(hashAt + 1);
    rest = rest.slice(0, hashAt);
    const m = /^phys=(.*)$/.exec(frag);
    if (!m) return fail('Only "#phys=<location>" may follow the server (the softphone\'s physical location).');
    if (!PHYS_RE.test(m[1]!)) {
      return fail('The physical location after "#phys=" must be 1-64 letters, digits, ".", "_" or "-".');
    }
    phys = m[1]!;
  }

  // Split off the path (/PBX0 or /PBX0-n).
  let authority = rest;
  let module = 'PBX0';
  // A bare IPv6 literal has several colons and no brackets; it cannot carry a port or a path.
  const bareIpv6 = !rest.startsWith('[') && (rest.match(/:/g)?.length ?? 0) >= 2;
  if (!bareIpv6) {
    const slashAt = rest.indexOf('/');
    if (slashAt >= 0) {
      authority = rest.slice(0, slashAt);
      let path = rest.slice(slashAt + 1);
      if (path.endsWith('/')) path = path.slice(0, -1);
      if (path !== '') {
        const mm = MODULE_RE.exec(path);
        if (!mm) {
          return fail(`Only "/PBX0" or "/PBX0-<n>" (DynPBX module) may follow the server, not "/${path}".`);
        }
        module = mm[1] !== undefined ? `PBX0-${Number(mm[1])}` : 'PBX0';
      }
    }
  } else if (rest.includes('/')) {
    return fail('Write an IPv6 address with a path in brackets, e.g. [fe80::1]/PBX0-1.');
  }
  if (authority === '') return fail('The server name is missing before the "/" or "#".');
  if (authority.includes('@')) return fail('The server string must not contain a user name ("user@…").');
  if (authority.includes('\\')) return fail('The server string must not contain a backslash.');

  // Separate host and port.
  let hostPart: string;
  let portPart: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return fail('The IPv6 address is missing its closing "]".');
    hostPart = authority.slice(0, close + 1);
    const after = authority.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return fail('Only ":<port>" may follow an IPv6 address in brackets.');
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
    if (!/^\d{1,5}$/.test(portPart)) return fail(`"${portPart}" is not a port number (1-65535).`);
    port = Number(portPart);
    if (port < 1 || port > 65535) return fail(`Port ${portPart} is out of range (1-65535).`);
  }
  if (hostPart === '' || hostPart === '[]') return fail('The server name is missing.');

  if (/^[0-9.]+$/.test(hostPart) && !IPV4_RE.test(hostPart)) return fail(`"${hostPart}" is not a valid IPv4 address.`);

  // Let the WHATWG URL parser normalise (case, IDN → punycode, IPv4 forms, IPv6 compression).
  let url: URL;
  try {
    url = new URL(`https://${hostPart}/`);
  } catch {
    return fail(hostPart.startsWith('[') ? `"${hostPart}" is not a valid IPv6 address.` : `"${hostPart}" is not a valid server name.`);
  }
  const host = url.hostname;
  if (!host.startsWith('[')) {
    if (IPV4_RE.test(host)) {
      // The URL parser accepted it as an IPv4 address; fine.
    } else {
      if (/^[0-9.]+$/.test(hostPart)) return fail(`"${hostPart}" is not a valid IPv4 address.`);
      const name = host.endsWith('.') ? host.slice(0, -1) : host;
      if (name.length > 253) return fail('The server name is too long.');
      const labels = name.split('.');
      if (labels.some((l) => !LABEL_RE.test(l))) {
        return fail(`"${hostPart}" is not a valid server name (letters, digits, "-" and "." only).`);
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
