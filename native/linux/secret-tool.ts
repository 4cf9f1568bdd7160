/**
 * Linux CredentialStore in the desktop's Secret Service (GNOME Keyring, KeePassXC, KWallet 5.97+)
 * through libsecret's `secret-tool` (an argument array, the secret on stdin, never on the command
 * line; the deb depends on libsecret-tools). Items: attributes `service=myapps-proxy
 * host=<proxy host>`, secret = JSON `{username,password}`. `createLinuxCredentialStore` uses it
 * when `secret-tool` answers, else the fallback it is given (the product: the encrypted 0600 file
 * store with a local key, electron/os-adapters.ts).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import type { Logger } from '../../electron/platform';
import type { CredentialStore, ProxyCredentials } from '../../electron/connect/ports';

export const SECRET_SERVICE_ATTRIBUTE = 'myapps-proxy';
const HOST_RE = /^[A-Za-z0-9_][A-Za-z0-9_.:[\]-]{0,252}$/;

export interface SecretToolOptions {
  /** Environment of the secret-tool processes (DBUS_SESSION_BUS_ADDRESS). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Per call, ms (a locked keyring may wait for a prompt). Default 10 000. */
  timeoutMs?: number;
  /** Absolute path of secret-tool. Default /usr/bin/secret-tool. */
  bin?: string;
}

function checkHost(host: string): string {
  if (!HOST_RE.test(host)) throw new Error(`refusing an odd proxy host name ${JSON.stringify(host)}`);
  return host.toLowerCase();
}

export class SecretToolCredentialStore implements CredentialStore {
  private readonly env: NodeJS.ProcessEnv;
  private readonly timeoutMs: number;
  private readonly bin: string;

  constructor(opts: SecretToolOptions = {}) {
    this.env = opts.env ?? process.env;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    // An absolute path: never a secret-tool planted earlier on PATH (libsecret-tools installs it here).
    this.bin = opts.bin ?? '/usr/bin/secret-tool';
  }

  private run(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const p = spawn(this.bin, args, { env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => {
        p.kill('SIGKILL');
        reject(new Error(`secret-tool ${args[0]} timed out`));
      }, this.timeoutMs);
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      p.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      p.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 1, stdout, stderr });
      });
      p.stdin.end(input ?? '');
    });
  }

  /** True when secret-tool runs and the Secret Service answers (a lookup of a probe item). */
  async probe(): Promise<boolean> {
    try {
      const r = await this.run(['lookup', 'service', SECRET_SERVICE_ATTRIBUTE, 'host', '__probe__']);
      // Found nothing: exit 1 without a message. A missing service prints an error.
      return (r.code === 0 || r.code === 1) && r.stderr.trim() === '';
    } catch {
      return false;
    }
  }

  async get(host: string): Promise<ProxyCredentials | undefined> {
    const r = await this.run(['lookup', 'service', SECRET_SERVICE_ATTRIBUTE, 'host', checkHost(host)]);
    if (r.code !== 0) {
      if (r.stderr.trim()) throw new Error(`secret-tool lookup failed: ${r.stderr.trim()}`);
      return undefined;
    }
    try {
      const c = JSON.parse(r.stdout) as ProxyCredentials;
      return typeof c.username === 'string' && typeof c.password === 'string' ? { username: c.username, password: c.password } : undefined;
    } catch {
      return undefined;
    }
  }

  async set(host: string, creds: ProxyCredentials): Promise<void> {
    const h = checkHost(host);
    const r = await this.run(['store', `--label=myApps proxy ${h}`, 'service', SECRET_SERVICE_ATTRIBUTE, 'host', h], JSON.stringify({ username: creds.username, password: creds.password }));
    if (r.code !== 0) throw new Error(`secret-tool store failed: ${r.stderr.trim() || `exit ${r.code}`}`);
  }

  async delete(host: string): Promise<void> {
    const r = await this.run(['clear', 'service', SECRET_SERVICE_ATTRIBUTE, 'host', checkHost(host)]);
    if (r.code !== 0 && r.stderr.trim()) throw new Error(`secret-tool clear failed: ${r.stderr.trim()}`);
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Linux credential store: the Secret Service via secret-tool when it is installed and answers
 * on the session bus, else `fallback()`.
 */
export async function createLinuxCredentialStore<F extends CredentialStore>(opts: SecretToolOptions & { logger: Logger; fallback: () => F }): Promise<(SecretToolCredentialStore & { kind: 'secret-service' }) | (F & { kind: 'file' })> {
  const env = opts.env ?? process.env;
  if (env.DBUS_SESSION_BUS_ADDRESS && isExecutable(opts.bin ?? '/usr/bin/secret-tool')) {
    const s = new SecretToolCredentialStore({ ...opts, env, timeoutMs: opts.timeoutMs ?? 5000 });
    if (await s.probe()) {
      opts.logger.trace('App', 'proxy credentials: Secret Service (secret-tool)');
      return Object.assign(s, { kind: 'secret-service' as const });
    }
  }
  opts.logger.trace('App', 'proxy credentials: encrypted file (no Secret Service answered)');
  return Object.assign(opts.fallback(), { kind: 'file' as const });
}
