import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileStore, PROFILES_FILE } from '../../../src/main/core/historians/profiles.js';
import { fileKeyCipher, KEY_FILE, type SecretCipher } from '../../../src/main/core/historians/secrets.js';
import {
  createKeychainCipher,
  keychainUnavailable,
  type SafeStorageLike,
} from '../../../src/main/electron/secret-cipher.js';

/*
 * Connection-profile passwords in the desktop app: the OS keychain through a fake Electron safeStorage (the real
 * module is never imported here), the file-key fallback when the keychain is unavailable, and never plain text.
 */

/** A safeStorage stand-in: AES-GCM under a key that lives only in this object, as the OS keychain's would. */
const fakeSafeStorage = (options: { available?: boolean; backend?: string } = {}) => {
  const key = randomBytes(32);
  const calls = { encrypt: 0, decrypt: 0 };
  const storage: SafeStorageLike & { calls: typeof calls } = {
    calls,
    isEncryptionAvailable: () => options.available ?? true,
    encryptString: (plain) => {
      if (!(options.available ?? true)) throw new Error('Encryption is not available.');
      calls.encrypt++;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from('v10'), iv, cipher.getAuthTag(), data]);
    },
    decryptString: (encrypted) => {
      calls.decrypt++;
      if (encrypted.subarray(0, 3).toString() !== 'v10')
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      const decipher = createDecipheriv('aes-256-gcm', key, encrypted.subarray(3, 15));
      decipher.setAuthTag(encrypted.subarray(15, 31));
      return Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString('utf8');
    },
    ...(options.backend !== undefined ? { getSelectedStorageBackend: () => options.backend as string } : {}),
  };
  return storage;
};

const fakeLog = () => {
  const lines: string[] = [];
  return { lines, info: (m: string) => lines.push(`INFO ${m}`), warn: (m: string) => lines.push(`WARN ${m}`) };
};

const PASSWORD = 'S3cret-pässwörd!';

let root = '';
let workspaceDir = '';
let userDataDir = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'pdm-secret-cipher-'));
  workspaceDir = join(root, 'ws');
  userDataDir = join(root, 'user-data');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every file under `dir`, as text. */
const allText = async (dir: string): Promise<string> => {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const texts = await Promise.all(
    entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'utf8')),
  );
  return texts.join('\n');
};

const saveProfile = (cipher: SecretCipher, name = 'plant') =>
  new ProfileStore(workspaceDir, userDataDir, cipher).save({
    kind: 'opcua',
    name,
    endpoint: 'opc.tcp://historian.plant:4840',
    securityMode: 'SignAndEncrypt',
    securityPolicy: 'Basic256Sha256',
    userName: 'operator',
    plainPassword: PASSWORD,
  });

const storedPassword = async (name = 'plant'): Promise<string | null> => {
  const list = JSON.parse(await readFile(join(workspaceDir, PROFILES_FILE), 'utf8')) as {
    name: string;
    password: string | null;
  }[];
  return list.find((p) => p.name === name)?.password ?? null;
};

const expectNoPlainText = async () => {
  for (const dir of [workspaceDir, userDataDir]) {
    const text = await allText(dir);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(Buffer.from(PASSWORD).toString('base64'));
  }
};

describe('connection passwords with the OS keychain (fake safeStorage)', () => {
  it('encrypts with safeStorage when available: never plain text, no key file, read back exactly', async () => {
    const safeStorage = fakeSafeStorage();
    const log = fakeLog();
    const cipher = createKeychainCipher({ safeStorage, fallback: fileKeyCipher(userDataDir), log, platform: 'darwin' });
    expect(cipher.kind).toBe('os-keychain');
    expect(log.lines).toEqual(['INFO connection passwords are kept with the OS keychain (Electron safeStorage)']);

    await saveProfile(cipher);
    expect(safeStorage.calls.encrypt).toBe(1);
    expect(await storedPassword()).toMatch(/^safestorage:v1:[A-Za-z0-9+/=]+$/);
    await expectNoPlainText();
    // The keychain holds the key: no key file is created in the user data folder.
    await expect(readFile(join(userDataDir, KEY_FILE))).rejects.toMatchObject({ code: 'ENOENT' });

    const profile = await new ProfileStore(workspaceDir, userDataDir, cipher).get('plant');
    expect(profile.plainPassword).toBe(PASSWORD);
    expect(safeStorage.calls.decrypt).toBe(1);
    expect(log.lines.join('\n')).not.toContain(PASSWORD);
  });

  it('falls back to the file key when safeStorage is unavailable, and says so in the log', async () => {
    const safeStorage = fakeSafeStorage({ available: false });
    const log = fakeLog();
    const cipher = createKeychainCipher({ safeStorage, fallback: fileKeyCipher(userDataDir), log, platform: 'win32' });
    expect(cipher.kind).toBe('file-key');
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(
      /^WARN OS keychain not available \(.*not available\): connection passwords are encrypted at rest with the key file/,
    );

    await saveProfile(cipher);
    expect(safeStorage.calls.encrypt).toBe(0);
    expect(await storedPassword()).toMatch(/^aes256gcm:v1:/);
    await expectNoPlainText();
    expect((await new ProfileStore(workspaceDir, userDataDir, cipher).get('plant')).plainPassword).toBe(PASSWORD);
    // The same user's CLI (file key, no Electron) reads it too.
    expect((await new ProfileStore(workspaceDir, userDataDir).get('plant')).plainPassword).toBe(PASSWORD);
  });

  it('treats Linux without a keyring (basic_text backend) as unavailable', () => {
    expect(keychainUnavailable(fakeSafeStorage({ backend: 'basic_text' }), 'linux')).toMatch(/no OS keyring/);
    expect(keychainUnavailable(fakeSafeStorage({ backend: 'gnome_libsecret' }), 'linux')).toBeNull();
    expect(keychainUnavailable(fakeSafeStorage({ available: false }), 'darwin')).toMatch(/not available/);
    const throwing: SafeStorageLike = {
      ...fakeSafeStorage(),
      isEncryptionAvailable: () => {
        throw new Error('not ready');
      },
    };
    expect(keychainUnavailable(throwing, 'win32')).not.toBeNull();
    const log = fakeLog();
    expect(
      createKeychainCipher({
        safeStorage: fakeSafeStorage({ backend: 'basic_text' }),
        fallback: fileKeyCipher(userDataDir),
        log,
        platform: 'linux',
      }).kind,
    ).toBe('file-key');
    expect(log.lines[0]).toMatch(/^WARN OS keychain not available/);
  });

  it('reads passwords saved earlier with the file key (CLI or browser mode) and re-saves them with the keychain', async () => {
    await saveProfile(fileKeyCipher(userDataDir));
    expect(await storedPassword()).toMatch(/^aes256gcm:v1:/);
    const safeStorage = fakeSafeStorage();
    const cipher = createKeychainCipher({
      safeStorage,
      fallback: fileKeyCipher(userDataDir),
      log: fakeLog(),
      platform: 'darwin',
    });
    const store = new ProfileStore(workspaceDir, userDataDir, cipher);
    const profile = await store.get('plant');
    expect(profile.plainPassword).toBe(PASSWORD);
    const { password: _stored, plainPassword, ...rest } = profile;
    await store.save({ ...rest, plainPassword });
    expect(await storedPassword()).toMatch(/^safestorage:v1:/);
    expect((await store.get('plant')).plainPassword).toBe(PASSWORD);
    await expectNoPlainText();
  });

  it('a keychain password is refused with a clear message where the keychain is missing; tampering is detected', async () => {
    const cipher = createKeychainCipher({
      safeStorage: fakeSafeStorage(),
      fallback: fileKeyCipher(userDataDir),
      log: fakeLog(),
      platform: 'darwin',
    });
    await saveProfile(cipher);
    // The CLI (file key only) cannot read it, and says why.
    await expect(new ProfileStore(workspaceDir, userDataDir).get('plant')).rejects.toThrow(
      /kept with the OS keychain of the desktop app/,
    );
    // A desktop app whose keychain is unavailable now.
    const without = createKeychainCipher({
      safeStorage: fakeSafeStorage({ available: false }),
      fallback: fileKeyCipher(userDataDir),
      log: fakeLog(),
      platform: 'darwin',
    });
    await expect(new ProfileStore(workspaceDir, userDataDir, without).get('plant')).rejects.toThrow(
      /OS keychain, which is not available now/,
    );
    // Another user's keychain (a different key) cannot decrypt it.
    const other = createKeychainCipher({
      safeStorage: fakeSafeStorage(),
      fallback: fileKeyCipher(userDataDir),
      log: fakeLog(),
      platform: 'darwin',
    });
    await expect(new ProfileStore(workspaceDir, userDataDir, other).get('plant')).rejects.toThrow(
      /cannot be decrypted with this user's OS keychain/,
    );
  });

  it('profiles without a password store null, and several profiles each keep their own cipher text', async () => {
    const cipher = createKeychainCipher({
      safeStorage: fakeSafeStorage(),
      fallback: fileKeyCipher(userDataDir),
      log: fakeLog(),
      platform: 'darwin',
    });
    const store = new ProfileStore(workspaceDir, userDataDir, cipher);
    await store.save({
      kind: 'opcua',
      name: 'anon',
      endpoint: 'opc.tcp://a:4840',
      securityMode: 'None',
      securityPolicy: 'None',
      userName: null,
      plainPassword: null,
    });
    await saveProfile(cipher, 'one');
    await saveProfile(cipher, 'two');
    expect(await storedPassword('anon')).toBeNull();
    expect(await storedPassword('one')).not.toBe(await storedPassword('two'));
    expect((await store.get('one')).plainPassword).toBe(PASSWORD);
    expect((await store.get('two')).plainPassword).toBe(PASSWORD);
    expect((await store.get('anon')).plainPassword).toBeNull();
    await expectNoPlainText();
  });
});
