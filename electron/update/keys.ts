/**
 * The Ed25519 public keys update packages must be signed with (docs/update.md, "Keys").
 *
 * The product key is deliberately NOT in this repository yet: release engineering generates it
 * offline (`npx tsx electron/update/sign-cli.ts keygen <keyId>`), keeps the private half in its
 * signing system and adds the public half here (or passes it at build time through
 * `UpdateServiceOptions.publicKeys`). With no key built in, the update service refuses every
 * update with the trace "no update signing key built in" instead of trusting anything.
 *
 * The test key pair lives in test/fixtures/update/ and is never built into the product.
 */
import type { UpdateKey } from './manifest';

export const PRODUCT_UPDATE_KEYS: readonly UpdateKey[] = [
  // { keyId: 'myapps-release-2026', publicKey: '<32 bytes base64>' },
];
