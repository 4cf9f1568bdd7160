/**
 * StringCipher (electron/connect/ports) with Electron safeStorage: DPAPI on Windows, the Keychain
 * on macOS, the Secret Service / kwallet on Linux. Where no OS store is available (Linux without
 * a keyring: backend "basic_text") it reports itself unavailable and the caller falls back.
 */
import { safeStorage } from 'electron';
import type { StringCipher } from '../../electron/connect/ports';

export function safeStorageAvailable(platform: NodeJS.Platform = process.platform): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return false;
  return true;
}

export function createSafeStorageCipher(): StringCipher {
  return {
    id: 'electron-safeStorage',
    async encrypt(plain: string): Promise<Buffer> {
      return safeStorage.encryptString(plain);
    },
    async decrypt(data: Buffer): Promise<string> {
      return safeStorage.decryptString(data);
    },
  };
}
