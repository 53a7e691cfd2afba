import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Update metadata (electron-builder's latest*.yml, which names the installer and its SHA-512) is signed with
 * Ed25519; the signature sits beside it as `<feed>.sig` (base64). The public key is baked into each build
 * (dist/build-info.json), so a file share that anyone on the plant network can write to cannot hand out an
 * installer of its own: a changed feed fails the signature, a changed installer fails the signed SHA-512.
 */
export const SIGNATURE_SUFFIX = '.sig';

const ed25519 = (key: KeyObject, what: string): KeyObject => {
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`the update-signing ${what} must be an Ed25519 key, not ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
};

export const generateUpdateKeys = (): { readonly publicKey: string; readonly privateKey: string } => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
};

/** The base64 signature of the feed's exact bytes. */
export const signFeed = (feed: Uint8Array, privateKeyPem: string): string =>
  sign(null, feed, ed25519(createPrivateKey(privateKeyPem), 'private key')).toString('base64');

/** True only when `signature` (base64, as in `<feed>.sig`) is the key's signature of exactly these bytes. */
export const verifyFeed = (feed: Uint8Array, signature: string, publicKeyPem: string): boolean => {
  const key = ed25519(createPublicKey(publicKeyPem), 'public key');
  const bytes = Buffer.from(signature.trim(), 'base64');
  if (bytes.length !== 64) return false;
  return verify(null, feed, key, bytes);
};
