/**
 * Why the web client could not be loaded, as the error page shows it: the failure kinds, their
 * titles and advice, the certificate details, and the mapping of Chromium's net error codes.
 * Shared by the connect flow (electron/connect), the composition root and the launcher pages.
 */

/** A server certificate's details (Node's PeerCertificate, or Electron's Certificate), for the error page. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** Upper-case hex with colons, as Node prints it. */
  fingerprint256: string;
  serialNumber: string;
  subjectAltName?: string;
  /** Why it is not trusted (Node authorizationError / Chromium net error), if it is not. */
  error?: string;
}

export type FailureKind = 'dns' | 'refused' | 'timeout' | 'certificate' | 'tls' | 'http' | 'proxy' | 'proxy-auth' | 'network';

export interface ConnectFailure {
  kind: FailureKind;
  /** Short headline for the error page. */
  title: string;
  /** What happened and what to do, in a sentence or two. */
  message: string;
  url: string;
  status?: number;
  code?: string;
  certificate?: CertificateInfo;
}

const TITLES: Record<FailureKind, string> = {
  dns: 'Server not found',
  refused: 'Connection refused',
  timeout: 'Connection timed out',
  certificate: 'Certificate not trusted',
  tls: 'Secure connection failed',
  http: 'The server answered with an error',
  proxy: 'Proxy error',
  'proxy-auth': 'Proxy authentication failed',
  network: 'Network error',
};

export const FAILURE_ADVICE: Record<FailureKind, string> = {
  dns: 'Check the server name, or your network connection.',
  refused: 'The PBX is not accepting connections on this address and port. Check the port.',
  timeout: 'The PBX did not answer. Check your network, VPN or firewall.',
  certificate: 'The server presented a certificate your computer does not trust. Check the details with your administrator before trusting it.',
  tls: 'The secure connection could not be set up.',
  http: 'Check the server string (e.g. the /PBX0-n module).',
  proxy: 'The HTTP proxy could not open a connection to the PBX.',
  'proxy-auth': 'The proxy refused the user name or password.',
  network: 'The connection failed.',
};

export function makeFailure(kind: FailureKind, url: string, extra: Partial<ConnectFailure> = {}): ConnectFailure {
  return { ...extra, kind, title: TITLES[kind], message: extra.message ?? FAILURE_ADVICE[kind], url };
}

/**
 * From Chromium's net error code (Electron `did-fail-load` errorCode / description), see
 * chromium net/base/net_error_list.h.
 */
export function failureFromChromiumError(code: number, description: string, url: string): ConnectFailure {
  let kind: FailureKind = 'network';
  if (code === -105 || code === -137) kind = 'dns';
  else if (code === -102 || code === -109 || code === -104) kind = 'refused';
  else if (code === -118 || code === -7) kind = 'timeout';
  else if (code <= -200 && code > -300) kind = 'certificate';
  else if (code === -107 || code === -110 || code === -112 || code === -113) kind = 'tls';
  else if (code === -111 || code === -130 || code === -336) kind = 'proxy';
  else if (code === -127 || code === -115) kind = 'proxy-auth';
  return makeFailure(kind, url, { code: description || String(code), message: `${FAILURE_ADVICE[kind]} (${description || code})` });
}
