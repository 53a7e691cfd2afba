import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { RegistryError } from './errors.js';
import { sha256 } from './hash.js';

/**
 * Ed25519 signing keys. Each person's private key lives in their own key folder (never in a registry), one
 * file per principal, created on first use; registries hold only public keys. Signatures make an audit entry
 * attributable: someone with write access to a folder registry can still edit files, but cannot make an entry
 * that verifies as another person's decision without that person's private key.
 */
export const KEY_DIR_ENV = 'PDM_KEY_DIR';
/** The principal a registry server signs its own entries as; not a valid user name, so no user can claim it. */
export const SERVER_PRINCIPAL = '_server';
const PRINCIPAL = /^(_server|[A-Za-z0-9][A-Za-z0-9._@-]{0,63})$/;

export interface SigningKey {
  readonly principal: string;
  /** SHA-256 of the public key (DER, SPKI): the fingerprint people compare. */
  readonly keyId: string;
  /** Base64 of the public key (DER, SPKI). */
  readonly publicKey: string;
  readonly privateKey: KeyObject;
}

export const defaultKeyDir = (): string => {
  const fromEnv = process.env[KEY_DIR_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  const base =
    process.platform === 'win32'
      ? (process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'))
      : (process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'));
  return join(base, 'pdm-studio', 'keys');
};

export const keyIdOf = (publicKey: string): string => sha256(Buffer.from(publicKey, 'base64'));

const checkPrincipal = (principal: string): string => {
  if (!PRINCIPAL.test(principal) || principal.includes('..'))
    throw new RegistryError('invalid-argument', `invalid key owner ${JSON.stringify(principal.slice(0, 80))}`);
  return principal;
};

const fromPrivate = (principal: string, privateKey: KeyObject): SigningKey => {
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
  return { principal, keyId: keyIdOf(publicKey), publicKey, privateKey };
};

/** A key folder inside the registry would hand every private key to everyone who can read the share. */
export const assertOutside = (keyDir: string, registryRoot: string): void => {
  const rel = relative(resolve(registryRoot), resolve(keyDir));
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)))
    throw new RegistryError(
      'invalid-argument',
      `the key folder ${keyDir} is inside the registry ${registryRoot}: private keys must stay outside it (set ${KEY_DIR_ENV})`,
    );
};

/** Loads `<keyDir>/<principal>.ed25519.pem`, creating it (mode 0600) on first use; safe against concurrent creators. */
export const loadOrCreateKey = async (keyDir: string, principal: string): Promise<SigningKey> => {
  const path = join(keyDir, `${checkPrincipal(principal)}.ed25519.pem`);
  const read = async () => fromPrivate(principal, createPrivateKey(await readFile(path, 'utf8')));
  try {
    return await read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new RegistryError('invalid-argument', `signing key ${path} is unreadable: ${(error as Error).message}`);
  }
  await mkdir(keyDir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  try {
    // link() fails if another process created the key meanwhile: theirs wins and both use it.
    await link(temp, path).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return;
      // A key folder on a file system without hard links: an exclusive create does the same job.
      await writeFile(path, await readFile(temp), { mode: 0o600, flag: 'wx' }).catch((again: NodeJS.ErrnoException) => {
        if (again.code !== 'EEXIST') throw again;
      });
    });
  } finally {
    await rm(temp, { force: true });
  }
  return read();
};

const entryMessage = (hash: string) => Buffer.from(`pdm-studio registry entry ${hash}`, 'utf8');
const runMessage = (hash: string) => Buffer.from(`pdm-studio run record ${hash}`, 'utf8');

export const signEntryHash = (key: SigningKey, hash: string): string =>
  sign(null, entryMessage(hash), key.privateKey).toString('base64');

export const signRunHash = (key: SigningKey, hash: string): string =>
  sign(null, runMessage(hash), key.privateKey).toString('base64');

/**
 * A verification is a pure function of (public key, message, signature), so results are remembered: every read
 * of a registry checks every entry's signature, and a long log would otherwise cost a verify per entry per read.
 */
const VERIFIED_LIMIT = 200_000;
const verified = new Set<string>();
const publicKeys = new Map<string, KeyObject>();

const check = (message: Buffer, publicKey: string, signature: string): boolean => {
  const memo = `${publicKey}\n${message.toString('utf8')}\n${signature}`;
  if (verified.has(memo)) return true;
  try {
    let keyObject = publicKeys.get(publicKey);
    if (keyObject === undefined) {
      keyObject = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
      if (publicKeys.size > 1000) publicKeys.clear();
      publicKeys.set(publicKey, keyObject);
    }
    const ok = verify(null, message, keyObject, Buffer.from(signature, 'base64'));
    if (ok) {
      if (verified.size >= VERIFIED_LIMIT) verified.clear();
      verified.add(memo);
    }
    return ok;
  } catch {
    return false;
  }
};

export const verifyEntryHash = (publicKey: string, hash: string, signature: string): boolean =>
  check(entryMessage(hash), publicKey, signature);

export const verifyRunHash = (publicKey: string, hash: string, signature: string): boolean =>
  check(runMessage(hash), publicKey, signature);
