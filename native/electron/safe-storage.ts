/**
 * StringCipher (electron/connect/ports) with Electron safeStorage: DPAPI on Windows, the Keychain
 * on macOS (the product's proxy-credential cipher there; Linux keeps its credentials in the
 * Secret Service through secret-tool, docs/decisions.md). The asynchronous calls: Electron 45
 * deprecates the synchronous ones, and data written by them still decrypts.
 */
import { safeStorage } from 'electron';
import type { StringCipher } from '../../electron/connect/ports';

/** Whether the OS store can encrypt (Windows and macOS: after app ready). */
export function safeStorageAvailable(): Promise<boolean> {
  return safeStorage.isAsyncEncryptionAvailable().catch(() => false);
}

export function createSafeStorageCipher(): StringCipher {
  return {
    id: 'electron-safeStorage',
    async encrypt(plain: string): Promise<Buffer> {
      return safeStorage.encryptStringAsync(plain);
    },
    async decrypt(data: Buffer): Promise<string> {
      return (await safeStorage.decryptStringAsync(data)).result;
    },
  };
}
