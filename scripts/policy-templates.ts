/**
 * `npm run policy-templates`: writes the admin templates (ADMX/ADML, macOS profiles, Linux /etc
 * sample) generated from the settings schema to build/policy/ (docs/admin.md).
 * `--check` writes nothing and exits 1 when the checked-in files differ.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../electron/util/atomic';
import { generatePolicyFiles } from './policy';

export const POLICY_DIR = path.join(__dirname, '..', 'build', 'policy');

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p, base)));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

/** Files that differ from the generated ones, missing, or not generated at all. */
export async function drift(dir = POLICY_DIR): Promise<string[]> {
  const files = generatePolicyFiles();
  const bad: string[] = [];
  for (const [rel, text] of files) {
    const cur = await fs.readFile(path.join(dir, rel), 'utf8').catch(() => undefined);
    if (cur !== text) bad.push(cur === undefined ? `${rel} (missing)` : `${rel} (differs)`);
  }
  for (const rel of await listFiles(dir)) if (!files.has(rel)) bad.push(`${rel} (not generated)`);
  return bad;
}

async function main(): Promise<void> {
  if (process.argv.includes('--check')) {
    const bad = await drift();
    if (bad.length) {
      console.error(`build/policy is out of date (run npm run policy-templates):\n  ${bad.join('\n  ')}`);
      process.exit(1);
    }
    console.log('build/policy is up to date');
    return;
  }
  const files = generatePolicyFiles();
  for (const rel of await listFiles(POLICY_DIR)) if (!files.has(rel)) await fs.rm(path.join(POLICY_DIR, rel));
  for (const [rel, text] of files) {
    const file = path.join(POLICY_DIR, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, text, 0o644);
  }
  console.log(`wrote ${files.size} files to ${path.relative(process.cwd(), POLICY_DIR) || POLICY_DIR}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
