/**
 * The update manifest (docs/update.md): innovaphone's App Store `software.json` layout, extended
 * with one `files[]` list per version. Each file entry names OS, architecture, package kind, file
 * name, size and SHA-256, and carries an Ed25519 signature over its canonical form.
 */
import * as crypto from 'node:crypto';
import { z } from 'zod';
import { updateUrl, type PackageKind } from './ports';

/** Our store id in software.json. */
export const SOFTWARE_ID = 'myappsdesktop';
/** The manifest's file name under the app store URL. */
export const MANIFEST_NAME = 'software.json';
/** Manifests larger than this are refused (they are a few KB). */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

const FileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/, 'a plain file name (letters, digits, . _ + -)').refine((s) => !s.includes('..'), 'no ".."');
const Segment = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/).refine((s) => !s.includes('..'), 'no ".."');

export const ManifestFileSchema = z.object({
  os: z.enum(['win32', 'darwin', 'linux']),
  arch: z.enum(['x64', 'arm64', 'ia32']),
  kind: z.enum(['msi', 'nsis', 'pkg', 'appimage']),
  name: FileName,
  size: z.number().int().positive().max(4 * 1024 ** 3),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
  keyId: z.string().min(1).max(100),
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'base64 of 64 bytes'),
});
export type ManifestFile = z.infer<typeof ManifestFileSchema>;

export const ManifestVersionSchema = z.object({
  id: z.string(),
  build: z.string().regex(/^\d{1,12}$/),
  label: z.string().optional(),
  files: z.array(ManifestFileSchema).optional(),
});

export const ManifestSoftwareSchema = z.object({
  id: z.string(),
  folder: Segment,
  binary: z.string().optional(),
  versions: z.array(ManifestVersionSchema),
  manufacturer: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
});

export const ManifestSchema = z.object({ software: z.array(z.unknown()) });

/** What the client signs and verifies: the entry plus the software id, folder and build it belongs to. */
export interface SignedEntry {
  software: string;
  folder: string;
  build: string;
  os: ManifestFile['os'];
  arch: ManifestFile['arch'];
  kind: PackageKind;
  name: string;
  size: number;
  sha256: string;
}

/**
 * The canonical bytes the signature covers: a JSON array in a fixed field order, UTF-8, no
 * whitespace. Binding software id, folder and build stops a signed file being replayed under
 * another build or path.
 */
export function canonicalEntry(e: SignedEntry): Buffer {
  return Buffer.from(JSON.stringify(['myapps-update-entry/1', e.software, e.folder, e.build, e.os, e.arch, e.kind, e.name, e.size, e.sha256]), 'utf8');
}

export interface UpdateKey {
  keyId: string;
  /** Ed25519 public key: 32 raw bytes in base64. */
  publicKey: string;
}

function publicKeyObject(k: UpdateKey): crypto.KeyObject {
  const raw = Buffer.from(k.publicKey, 'base64');
  if (raw.length !== 32) throw new Error(`update key ${k.keyId}: not a 32-byte Ed25519 public key`);
  return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** Sign an entry with an Ed25519 private key (PKCS#8 PEM); returns base64 (release tooling, fixtures). */
export function signEntry(e: SignedEntry, privateKeyPem: string): string {
  return crypto.sign(null, canonicalEntry(e), crypto.createPrivateKey(privateKeyPem)).toString('base64');
}

/** Verify an entry's signature with the key of the same id among `keys`. */
export function verifyEntrySignature(e: SignedEntry, keyId: string, signature: string, keys: readonly UpdateKey[]): { ok: true } | { ok: false; reason: string } {
  const key = keys.find((k) => k.keyId === keyId);
  if (!key) return { ok: false, reason: `signed with unknown key ${JSON.stringify(keyId)} (built-in keys: ${keys.map((k) => k.keyId).join(', ') || 'none'})` };
  try {
    const ok = crypto.verify(null, canonicalEntry(e), publicKeyObject(key), Buffer.from(signature, 'base64'));
    return ok ? { ok: true } : { ok: false, reason: `signature does not verify with key ${keyId}` };
  } catch (err) {
    return { ok: false, reason: `signature check failed: ${(err as Error).message}` };
  }
}

/** A new Ed25519 key pair: private key as PKCS#8 PEM, public key as raw base64 (release tooling). */
export function generateUpdateKeyPair(keyId: string): { keyId: string; publicKey: string; privateKeyPem: string } {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { keyId, publicKey: Buffer.from(jwk.x!, 'base64url').toString('base64'), privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

export interface SelectedUpdate {
  entry: SignedEntry;
  keyId: string;
  signature: string;
  label?: string;
  /** Absolute download URL: `<appStoreUrl><folder>/<build>/<name>`. */
  url: string;
}

/** `appStoreUrl` checked (https only, no credentials: `updateUrl`) and ending with `/`. */
export function normaliseStoreUrl(appStoreUrl: string): URL {
  const u = updateUrl(appStoreUrl, 'appStoreUrl');
  u.search = '';
  u.hash = '';
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u;
}

export function manifestUrl(appStoreUrl: string): string {
  return new URL(MANIFEST_NAME, normaliseStoreUrl(appStoreUrl)).href;
}

/**
 * Find our software entry and the file for this build, OS, arch and package kind. Throws with
 * a clear message when the manifest is malformed or has no such file.
 */
export function selectUpdate(manifest: unknown, want: { build: string; os: string; arch: string; kind: PackageKind; appStoreUrl: string; softwareId?: string }): SelectedUpdate {
  const top = ManifestSchema.safeParse(manifest);
  if (!top.success) throw new Error(`manifest: not a software.json ({"software":[…]} expected)`);
  const id = want.softwareId ?? SOFTWARE_ID;
  const raw = top.data.software.find((s) => (s as { id?: unknown })?.id === id);
  if (!raw) throw new Error(`manifest: no software entry "${id}"`);
  const sw = ManifestSoftwareSchema.safeParse(raw);
  if (!sw.success) throw new Error(`manifest: software entry "${id}" is malformed: ${sw.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const version = sw.data.versions.find((v) => v.build === want.build);
  if (!version) throw new Error(`manifest: build ${want.build} not listed for "${id}" (listed: ${sw.data.versions.map((v) => v.build).join(', ') || 'none'})`);
  const f = (version.files ?? []).find((x) => x.os === want.os && x.arch === want.arch && x.kind === want.kind);
  if (!f) throw new Error(`manifest: build ${want.build} has no ${want.kind} file for ${want.os}/${want.arch}`);
  const entry: SignedEntry = { software: id, folder: sw.data.folder, build: version.build, os: f.os, arch: f.arch, kind: f.kind, name: f.name, size: f.size, sha256: f.sha256 };
  const url = new URL(`${sw.data.folder}/${version.build}/${f.name}`, normaliseStoreUrl(want.appStoreUrl)).href;
  return { entry, keyId: f.keyId, signature: f.signature, label: version.label, url };
}
