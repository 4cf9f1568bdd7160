/**
 * Certificate decisions. Decision (documented in docs/settings.md): a certificate that the OS /
 * Chromium does not trust is NEVER accepted silently. The connection fails and the error page
 * shows the certificate's details (subject, issuer, validity, SHA-256 fingerprint). The user may
 * then explicitly trust exactly that certificate for exactly that origin (a pin stored in the user
 * settings `trustedCertificates`); later connections accept it only while the fingerprint and the
 * origin both match. A changed certificate, another port or a redirect to another host is denied
 * again. Admins cannot pin through the PBX (a PBX that is not trusted cannot vouch for itself).
 */
import type { PeerCertificate } from 'node:tls';
import type { CertificatePin } from '../../common/settings/schema';
import type { CertificateInfo } from '../../common/connect-failure';
import { webOrigin } from '../../common/origin';
import { normaliseFingerprint } from '../../common/fingerprint';

export type { CertificateInfo };

function dn(x: Record<string, string | string[]> | undefined): string {
  if (!x) return '';
  return Object.entries(x)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

export function certificateInfo(c: PeerCertificate, error?: string): CertificateInfo {
  return {
    subject: dn(c.subject as unknown as Record<string, string>),
    issuer: dn(c.issuer as unknown as Record<string, string>),
    validFrom: c.valid_from,
    validTo: c.valid_to,
    fingerprint256: normaliseFingerprint(c.fingerprint256) ?? c.fingerprint256,
    serialNumber: c.serialNumber,
    ...(c.subjectaltname ? { subjectAltName: c.subjectaltname } : {}),
    ...(error ? { error } : {}),
  };
}

/**
 * Called only for certificates that failed the normal trust check. Allows the connection only
 * when the user pinned this certificate's fingerprint for this exact origin; otherwise denies.
 */
export function certificateDecision(req: { origin: string; certificate: Pick<CertificateInfo, 'fingerprint256'> }, pins: readonly CertificatePin[]): 'allow' | 'deny' {
  const fp = normaliseFingerprint(req.certificate.fingerprint256);
  if (!fp) return 'deny';
  const origin = webOrigin(req.origin);
  if (!origin?.startsWith('https://')) return 'deny';
  return pins.some((p) => p.origin === origin && normaliseFingerprint(p.fingerprint256) === fp) ? 'allow' : 'deny';
}
