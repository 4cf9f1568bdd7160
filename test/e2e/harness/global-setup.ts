/**
 * Vitest global setup of the e2e project: makes sure the Debian packages of system-packages.ts
 * are present. As root it installs the missing ones (`apt-get update` once, then
 * `apt-get install -y --no-install-recommends …`); otherwise it fails with the command to run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SYSTEM_PACKAGES } from './system-packages';

export function missingPackages(): string[] {
  return SYSTEM_PACKAGES.filter((p) => !existsSync(p.bin)).map((p) => p.pkg);
}

export default function setup(): void {
  const missing = missingPackages();
  if (!missing.length) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.platform !== 'linux' || typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error(`e2e tests need these Debian packages, which are missing: ${missing.join(', ')}.\nInstall them as root: ${command}`);
  }
  console.log(`[e2e setup] installing missing system packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  } catch (err) {
    throw new Error(`[e2e setup] apt-get failed (${(err as Error).message}); run by hand: ${command}`);
  }
  const still = missingPackages();
  if (still.length) throw new Error(`[e2e setup] still missing after apt-get install: ${still.join(', ')}`);
}
