/**
 * Chromium's certificate errors (Electron `certificate-error`), decided Electron-free: a
 * certificate the OS does not trust is accepted only when pinned, by `--trust-certificate`
 * (demo, tests) or by the user for exactly that origin (setting `trustedCertificates`); a
 * refused certificate of the main window's page shows the error page with its details.
 * docs/settings.md "Certificates", docs/security.md.
 */
import { makeFailure, type CertificateInfo, type ConnectFailure } from '../../common/connect-failure';
import { normaliseFingerprint } from '../../common/fingerprint';
import { originOf } from '../../common/origin';
import type { CertificatePin } from '../../common/settings/schema';
import type { Logger } from '../platform';
import { certificateDecision } from '../connect';
import { decideCertificateError } from '../security';

/** What Electron hands over (its Certificate, the fields used here). */
export interface CertificateError {
  url: string;
  error: string;
  certificate: { fingerprint: string; subjectName?: string; issuerName?: string; validStart?: number; validExpiry?: number; serialNumber?: string };
  /** The error is about the top frame of the main window (the web client). */
  mainWindowPage: boolean;
}

export interface CertificatePolicy {
  /** True: accept the certificate; false: refuse it (and show the error page for the main window). */
  decide(e: CertificateError): boolean;
}

const date = (seconds: number | undefined): string => (seconds !== undefined && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : '');

export function createCertificatePolicy(o: {
  /** `--trust-certificate` fingerprints. */
  cliPins: readonly string[];
  /** The user's pins (empty until the settings are open). */
  pins(): readonly CertificatePin[];
  logger(): Logger;
  /** The main window's page was refused: show the error page. */
  onRefused(failure: ConnectFailure): void;
}): CertificatePolicy {
  const cliPins = o.cliPins.map((p) => normaliseFingerprint(p) ?? p);
  return {
    decide(e) {
      const origin = originOf(e.url) ?? '';
      const fingerprint256 = normaliseFingerprint(e.certificate.fingerprint) ?? e.certificate.fingerprint;
      const decision = decideCertificateError(e.url, fingerprint256, cliPins);
      if (decision.allow || certificateDecision({ origin, certificate: { fingerprint256 } }, o.pins()) === 'allow') return true;
      o.logger().warn('certificate refused', { url: e.url.slice(0, 200), error: e.error, reason: decision.reason });
      if (e.mainWindowPage) {
        const c = e.certificate;
        const certificate: CertificateInfo = { fingerprint256, subject: c.subjectName ?? '', issuer: c.issuerName ?? '', validFrom: date(c.validStart), validTo: date(c.validExpiry), serialNumber: c.serialNumber ?? '', error: e.error };
        o.onRefused(makeFailure('certificate', e.url, { code: e.error, certificate }));
      }
      return false;
    },
  };
}
