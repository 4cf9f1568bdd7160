/**
 * Vitest global setup of the e2e project: makes sure the Debian packages of system-packages.ts
 * are present. As root it installs the missing ones (`apt-get update` once, then
 * `apt-get install -y --no-install-recommends …`); otherwise it fails with the command to run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SYSTEM_PACKAGES } from './system-packages';

export function missingPackages(list: readonly { pkg: string; bin: string }[] = SYSTEM_PACKAGES): string[] {
  return list.filter((p) => !existsSync(p.bin)).map((p) => p.pkg);
}

export default function setup(): void {
  ensurePackages(SYSTEM_PACKAGES, 'e2e tests', '[e2e setup]');
}

/**
 * Installs the packages of `list` that are missing (as root, with apt-get); otherwise throws with
 * the command to run. `who` needs them (for the message), `tag` prefixes what is printed.
 */
export function ensurePackages(list: readonly { pkg: string; bin: string }[], who: string, tag: string): void {
  const missing = missingPackages(list);
  if (!missing.length) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.platform !== 'linux' || typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error(`${who} need these Debian packages, which are missing: ${missing.join(', ')}.\nInstall them as root: ${command}`);
  }
  console.log(`${tag} installing missing system packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  } catch (err) {
    throw new Error(`${tag} apt-get failed (${(err as Error).message}); run by hand: ${command}`);
  }
  const still = missingPackages(list);
  if (still.length) throw new Error(`${tag} still missing after apt-get install: ${still.join(', ')}`);
}
