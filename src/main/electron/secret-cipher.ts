import { KEYCHAIN_PREFIX, type SecretCipher } from '../core/historians/secrets.js';

/*
 * Connection-profile passwords in the desktop app: kept with the OS keychain through Electron safeStorage
 * (Keychain on macOS, DPAPI on Windows, libsecret/kwallet on Linux). Written against the few safeStorage
 * methods it uses, so that the unit tests run with a fake; main.ts hands in the real one.
 */

/** Electron's safeStorage as far as the app uses it. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keyring answered and the "encryption" uses a fixed, public key. */
  getSelectedStorageBackend?(): string;
}

export interface KeychainCipherOptions {
  readonly safeStorage: SafeStorageLike;
  /** The at-rest file-key cipher: used when the keychain is unavailable, and to read passwords it wrote. */
  readonly fallback: SecretCipher;
  readonly log: { info(message: string): void; warn(message: string): void };
  readonly platform?: NodeJS.Platform;
}

/** Why the OS keychain cannot be used, or null when it can. */
export const keychainUnavailable = (
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): string | null => {
  let available = false;
  try {
    available = safeStorage.isEncryptionAvailable();
  } catch {
    available = false;
  }
  if (!available) return 'Electron safeStorage reports that OS encryption is not available';
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
    return 'no OS keyring (libsecret or kwallet) answered, and safeStorage would fall back to a fixed key';
  }
  return null;
};

/**
 * A `SecretCipher` on the OS keychain. New passwords are encrypted with safeStorage when it is available;
 * otherwise (and this is logged once) with the fallback file key. Passwords saved earlier with the file key
 * (CLI or browser mode, or a machine without a keyring) stay readable.
 */
export const createKeychainCipher = (options: KeychainCipherOptions): SecretCipher => {
  const { safeStorage, fallback, log } = options;
  const platform = options.platform ?? process.platform;
  const reason = keychainUnavailable(safeStorage, platform);
  if (reason === null) log.info('connection passwords are kept with the OS keychain (Electron safeStorage)');
  else
    log.warn(
      `OS keychain not available (${reason}): connection passwords are encrypted at rest with the key file of the user data folder instead`,
    );
  const useKeychain = reason === null;
  return {
    kind: useKeychain ? 'os-keychain' : fallback.kind,
    encrypt: async (plain) => {
      if (!useKeychain) return fallback.encrypt(plain);
      return KEYCHAIN_PREFIX + safeStorage.encryptString(plain).toString('base64');
    },
    decrypt: async (stored) => {
      if (!stored.startsWith(KEYCHAIN_PREFIX)) return fallback.decrypt(stored);
      if (!useKeychain) {
        throw new Error(
          'saved password is kept with the OS keychain, which is not available now; enter the password again',
        );
      }
      try {
        return safeStorage.decryptString(Buffer.from(stored.slice(KEYCHAIN_PREFIX.length), 'base64'));
      } catch {
        throw new Error(
          "saved password cannot be decrypted with this user's OS keychain (was the workspace copied from another user or machine?); enter it again",
        );
      }
    },
  };
};
