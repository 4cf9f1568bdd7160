/**
 * The OS certificate bundle of a Linux distribution (PEM), for the Node-side update download
 * (electron/connect proxyFetch): Node trusts only its built-in Mozilla roots, while companies add
 * their own CA (TLS-inspecting proxies, internal stores) to the OS store. The first bundle found is
 * read: Debian/Ubuntu/Arch, Fedora/RHEL, openSUSE, Alpine. Nothing when none is readable.
 */
import { readFileSync } from 'node:fs';

export const OS_CA_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem', '/etc/ssl/cert.pem'];

/** The PEM text of the OS bundle and where it came from, or undefined. At most 8 MiB. */
export function readOsCaBundle(files: readonly string[] = OS_CA_BUNDLES): { file: string; pem: string } | undefined {
  for (const file of files) {
    try {
      const pem = readFileSync(file, 'utf8');
      if (pem.length <= 8 * 1024 * 1024 && pem.includes('-----BEGIN CERTIFICATE-----')) return { file, pem };
    } catch {
      // not this distribution's place
    }
  }
  return undefined;
}
