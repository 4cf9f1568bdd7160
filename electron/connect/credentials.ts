/**
 * Proxy credentials kept on disk, encrypted, mode 0600, keyed by proxy host name (as Windows
 * Credential Manager keys them). The cipher is a port: Electron's `safeStorage` in the product
 * (OS keychain / DPAPI / libsecret key), a local AES-256-GCM key file otherwise. With the local key
 * file the protection is the file mode: the encryption only keeps the password out of plain text
 * in backups and greps. A corrupt store is set aside and starts empty (the user is asked again).
 */
import { promises as fs } from 'node:fs';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Logger } from '../platform';
import { setAside, writeFileAtomic } from '../util/atomic';
import type { CredentialStore, ProxyCredentials, StringCipher } from './ports';

/** AES-256-GCM with a random 32-byte key in a 0600 file (created on first use). */
export class LocalKeyCipher implements StringCipher {
  readonly id = 'aes-256-gcm-local';
  private key: Promise<Buffer> | undefined;

  constructor(private readonly keyFile: string) {}

  private loadKey(): Promise<Buffer> {
    this.key ??= (async () => {
      try {
        const k = await fs.readFile(this.keyFile);
        if (k.length === 32) return k;
        await setAside(this.keyFile);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const k = randomBytes(32);
      await writeFileAtomic(this.keyFile, k, 0o600);
      return k;
    })();
    return this.key;
  }

  async encrypt(plain: string): Promise<Buffer> {
    const key = await this.loadKey();
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), data]);
  }

  async decrypt(blob: Buffer): Promise<string> {
    const key = await this.loadKey();
    const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
    d.setAuthTag(blob.subarray(12, 28));
    return Buffer.concat([d.update(blob.subarray(28)), d.final()]).toString('utf8');
  }
}

interface StoreFile {
  version: 1;
  cipher: string;
  entries: Record<string, string>;
}

export class EncryptedFileCredentialStore implements CredentialStore {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly cipher: StringCipher,
    private readonly logger: Logger,
  ) {}

  private async load(): Promise<StoreFile> {
    const empty: StoreFile = { version: 1, cipher: this.cipher.id, entries: {} };
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return empty;
      throw err;
    }
    try {
      const f = JSON.parse(text) as StoreFile;
      if (f.version !== 1 || typeof f.entries !== 'object' || !f.entries) throw new Error('bad layout');
      if (f.cipher !== this.cipher.id) throw new Error(`written with cipher ${f.cipher}`);
      return f;
    } catch (err) {
      const aside = await setAside(this.file);
      this.logger.warn('proxy credential store unreadable; set aside, credentials will be asked again', { aside, error: (err as Error).message });
      return empty;
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => {});
    return p;
  }

  get(host: string): Promise<ProxyCredentials | undefined> {
    return this.serial(async () => {
      const f = await this.load();
      const blob = f.entries[host.toLowerCase()];
      if (!blob) return undefined;
      try {
        const c = JSON.parse(await this.cipher.decrypt(Buffer.from(blob, 'base64'))) as ProxyCredentials;
        if (typeof c.username !== 'string' || typeof c.password !== 'string') return undefined;
        return { username: c.username, password: c.password };
      } catch (err) {
        this.logger.warn('proxy credentials for a host could not be decrypted; asking again', { host, error: (err as Error).message });
        return undefined;
      }
    });
  }

  set(host: string, creds: ProxyCredentials): Promise<void> {
    return this.serial(async () => {
      const f = await this.load();
      f.entries[host.toLowerCase()] = (await this.cipher.encrypt(JSON.stringify({ username: creds.username, password: creds.password }))).toString('base64');
      await writeFileAtomic(this.file, JSON.stringify(f, null, 2), 0o600);
    });
  }

  delete(host: string): Promise<void> {
    return this.serial(async () => {
      const f = await this.load();
      if (!(host.toLowerCase() in f.entries)) return;
      delete f.entries[host.toLowerCase()];
      await writeFileAtomic(this.file, JSON.stringify(f, null, 2), 0o600);
    });
  }
}
