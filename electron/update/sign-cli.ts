/**
 * Release tooling for update manifests (docs/update.md):
 *
 *   npx tsx electron/update/sign-cli.ts keygen <keyId> <out.json>
 *       new Ed25519 key pair; prints the public half for electron/update/keys.ts
 *   npx tsx electron/update/sign-cli.ts entry <key.json> <file> <build> <os> <arch> <kind> [folder]
 *       prints the signed `files[]` entry for software.json
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { generateUpdateKeyPair, signEntry, SOFTWARE_ID, type SignedEntry } from './manifest';
import { sha256File } from './download';
import { writeFileAtomic } from '../util/atomic';

async function main(argv: string[]): Promise<void> {
  const [cmd, ...a] = argv;
  if (cmd === 'keygen' && a.length === 2) {
    const kp = generateUpdateKeyPair(a[0]!);
    await writeFileAtomic(a[1]!, JSON.stringify(kp, null, 2) + '\n');
    console.log(JSON.stringify({ keyId: kp.keyId, publicKey: kp.publicKey }));
    return;
  }
  if (cmd === 'entry' && a.length >= 6) {
    const key = JSON.parse(await fs.readFile(a[0]!, 'utf8')) as { keyId: string; privateKeyPem: string };
    const file = a[1]!;
    const e: SignedEntry = {
      software: SOFTWARE_ID, folder: a[6] ?? SOFTWARE_ID, build: a[2]!, os: a[3] as SignedEntry['os'], arch: a[4] as SignedEntry['arch'],
      kind: a[5] as SignedEntry['kind'], name: path.basename(file), size: (await fs.stat(file)).size, sha256: await sha256File(file),
    };
    const { software: _s, folder: _f, build: _b, ...fields } = e;
    console.log(JSON.stringify({ ...fields, keyId: key.keyId, signature: signEntry(e, key.privateKeyPem) }, null, 2));
    return;
  }
  console.error('usage: sign-cli.ts keygen <keyId> <out.json> | entry <key.json> <file> <build> <os> <arch> <kind> [folder]');
  process.exitCode = 2;
}

void main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
