import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Passwords of connection profiles are stored encrypted (AES-256-GCM). The key lives in the user data folder
 * (mode 0600), never in the workspace: a copied or shared workspace carries no usable password.
 * This is the browser/CLI mode store. The desktop shell passes its own `SecretCipher` (the OS keychain through
 * Electron safeStorage, see src/main/electron/secret-cipher.ts); core code only knows the interface.
 */
export const KEY_FILE = 'secret.key';
const PREFIX = 'aes256gcm:v1:';
/** Prefix of secrets the desktop app encrypted with the OS keychain (Electron safeStorage). */
export const KEYCHAIN_PREFIX = 'safestorage:v1:';

/** Encrypts secrets before they are written and decrypts them when read; never logs them. */
export interface SecretCipher {
  /** What protects the secrets, for messages and logs: 'os-keychain' or 'file-key'. */
  readonly kind: 'os-keychain' | 'file-key';
  encrypt(plain: string): Promise<string>;
  decrypt(stored: string): Promise<string>;
}

/** True when `stored` is in a format one of the app's ciphers wrote (never a plain-text password). */
export const isEncryptedSecret = (stored: string): boolean =>
  stored.startsWith(PREFIX) || stored.startsWith(KEYCHAIN_PREFIX);

/** The at-rest cipher of browser/CLI mode: AES-256-GCM with the key file of the user data folder. */
export const fileKeyCipher = (userDataDir: string): SecretCipher => ({
  kind: 'file-key',
  encrypt: async (plain) => encryptSecret(await loadOrCreateKey(userDataDir), plain),
  decrypt: async (stored) => decryptSecret(await loadOrCreateKey(userDataDir), stored),
});

export const loadOrCreateKey = async (userDataDir: string): Promise<Buffer> => {
  const file = join(userDataDir, KEY_FILE);
  try {
    const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    if (key.length !== 32)
      throw new Error(
        `${file}: not a 256-bit key; delete it to create a new one (saved passwords must then be entered again)`,
      );
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(userDataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  try {
    await writeFile(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateKey(userDataDir);
    throw error;
  }
  await chmod(file, 0o600);
  return key;
};

export const encryptSecret = (key: Buffer, plain: string): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
};

export const decryptSecret = (key: Buffer, stored: string): string => {
  if (stored.startsWith(KEYCHAIN_PREFIX)) {
    throw new Error(
      'saved password is kept with the OS keychain of the desktop app and cannot be read here; give the password, or use the desktop app',
    );
  }
  if (!stored.startsWith(PREFIX)) throw new Error('saved password is not in a known encrypted format; enter it again');
  const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(
      "saved password cannot be decrypted with this user's key (was the workspace copied from another user or machine?); enter it again",
    );
  }
};
