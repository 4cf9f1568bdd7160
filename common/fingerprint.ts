/**
 * Certificate fingerprints, normalised once: Node prints SHA-256 fingerprints as upper-case hex
 * with colons (`AB:CD:…`), Electron as `sha256/<base64>`, people type them in lower case or
 * without colons. Pins (settings `trustedCertificates`, `--trust-certificate`) and presented
 * certificates are compared in the colon-hex form. Browser-safe (no Buffer).
 */

const HEX_32 = /^([0-9a-f]{2}:?){32}$/i;

function base64Bytes(b64: string): number[] | undefined {
  try {
    return Array.from(atob(b64), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/**
 * A SHA-256 fingerprint as `AB:CD:…` (32 bytes) from Node's form, bare or lower-case hex, or
 * Electron's `sha256/<base64>`; undefined when it is none of these.
 */
export function normaliseFingerprint(fp: string): string | undefined {
  const s = fp.trim();
  let bytes: number[] | undefined;
  if (/^sha256\//i.test(s)) bytes = base64Bytes(s.slice(7));
  else if (HEX_32.test(s)) bytes = s.replace(/:/g, '').match(/../g)!.map((h) => parseInt(h, 16));
  if (!bytes || bytes.length !== 32) return undefined;
  return bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}
