/**
 * The simulator's self-signed TLS certificate: generated with `selfsigned` on first use and cached
 * in a temp folder (regenerated when missing, unreadable or about to expire).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { writeFileAtomic } from '../../electron/util/atomic';

export interface SimCert {
  key: string;
  cert: string;
  /** SHA-256 fingerprint, as shown by browsers. */
  fingerprint256: string;
}

export const DEFAULT_CERT_DIR = join(tmpdir(), 'myapps-pbx-sim-cert');

function tryLoad(dir: string): SimCert | undefined {
  try {
    const key = readFileSync(join(dir, 'key.pem'), 'utf8');
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const x = new X509Certificate(cert);
    // Keep a day of margin so a long test run never sees it expire.
    if (new Date(x.validTo).getTime() - Date.now() < 24 * 3600_000) return undefined;
    if (!x.checkHost('localhost') || !x.checkIP('127.0.0.1')) return undefined;
    // A pair written by two processes at once could mismatch: check the key belongs to the cert.
    if (!x.checkPrivateKey(createPrivateKey(key))) return undefined;
    return { key, cert, fingerprint256: x.fingerprint256 };
  } catch {
    return undefined;
  }
}

/** Load the cached certificate or generate a new one (CN pbx-sim, SAN localhost, 127.0.0.1, ::1). */
export async function simCertificate(dir = DEFAULT_CERT_DIR): Promise<SimCert> {
  const cached = tryLoad(dir);
  if (cached) return cached;
  const notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  const pems = await generate([{ name: 'commonName', value: 'pbx-sim' }, { name: 'organizationName', value: 'myApps PBX simulator' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Each file is replaced atomically, so a concurrent reader never sees half a file (a mismatched
  // pair is caught by tryLoad's key check).
  await writeFileAtomic(join(dir, 'key.pem'), pems.private, 0o600);
  await writeFileAtomic(join(dir, 'cert.pem'), pems.cert, 0o644);
  const x = new X509Certificate(pems.cert);
  return { key: pems.private, cert: pems.cert, fingerprint256: x.fingerprint256 };
}
