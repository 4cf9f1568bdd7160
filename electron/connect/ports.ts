/**
 * Ports of the connect service: proxy discovery, proxy credentials (prompt + store).
 * Product (Electron adapter): ProxyResolver via `session.resolveProxy(url)` (its PAC-style answer
 * goes through `parsePacResult`), CredentialStore via an EncryptedFileCredentialStore whose
 * cipher is `safeStorage`, CredentialPrompt via a modal launcher window.
 * Linux/tests: EnvProxyResolver (HTTPS_PROXY/NO_PROXY), EncryptedFileCredentialStore with a
 * local key file, prompts answered by the test.
 */

/** One way to reach a URL, in the order to try. */
export type ProxyRoute =
  | { kind: 'direct' }
  | { kind: 'http'; host: string; port: number; username?: string; password?: string };

export interface ProxyResolver {
  /** Routes for this URL, first to try first (like a PAC result). Never empty. */
  resolve(url: string): Promise<ProxyRoute[]>;
}

export interface ProxyCredentials {
  username: string;
  password: string;
}

export interface CredentialRequest {
  /** Proxy host name (the key the credentials are stored under, as on Windows). */
  proxyHost: string;
  proxyPort: number;
  /** From `Proxy-Authenticate: Basic realm="…"`. */
  realm?: string;
  /** True when the previous credentials were refused. */
  retry: boolean;
}

export interface CredentialPrompt {
  /** Ask the user; null = cancelled. */
  ask(req: CredentialRequest): Promise<ProxyCredentials | null>;
}

export interface CredentialStore {
  get(host: string): Promise<ProxyCredentials | undefined>;
  set(host: string, creds: ProxyCredentials): Promise<void>;
  delete(host: string): Promise<void>;
}

/** Encrypts small strings (Electron `safeStorage`, or a local key on Linux/tests). */
export interface StringCipher {
  /** Short name written to the file, so a store written with one cipher is not read with another. */
  readonly id: string;
  encrypt(plain: string): Promise<Buffer>;
  decrypt(data: Buffer): Promise<string>;
}
