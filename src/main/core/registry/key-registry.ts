import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RegistryError } from './errors.js';
import { keyIdOf, type SigningKey } from './keys.js';

/**
 * Public keys registered in a registry: `keys/<principal>.pub`, created once (O_EXCL) by the first use of
 * that principal and never replaced by the tools. The audit log names the key id of every signature, so a
 * key file swapped later no longer matches the entries signed before, and `verify` says so.
 */
export const KEYS_DIR = 'keys';

export const RegisteredKeySchema = z.object({
  principal: z.string(),
  publicKey: z.string(),
  keyId: z.string().regex(/^[0-9a-f]{64}$/),
  registeredAt: z.string(),
});
export type RegisteredKey = z.infer<typeof RegisteredKeySchema>;

const keyPath = (root: string, principal: string) => join(root, KEYS_DIR, `${principal}.pub`);

/** Every readable key file, by principal; a file that does not parse or whose id is wrong is left out (and so fails its entries). */
export const readRegisteredKeys = async (root: string): Promise<Map<string, RegisteredKey>> => {
  const keys = new Map<string, RegisteredKey>();
  const files = await readdir(join(root, KEYS_DIR)).catch(() => [] as string[]);
  for (const file of files) {
    if (!file.endsWith('.pub')) continue;
    try {
      const parsed = RegisteredKeySchema.parse(JSON.parse(await readFile(join(root, KEYS_DIR, file), 'utf8')));
      if (`${parsed.principal}.pub` === file && keyIdOf(parsed.publicKey) === parsed.keyId)
        keys.set(parsed.principal, parsed);
    } catch {
      // reported through the entries that name this principal
    }
  }
  return keys;
};

/** Registers a key on first use; a different key already registered for the same principal is refused. */
export const registerKey = async (root: string, key: Pick<SigningKey, 'principal' | 'publicKey' | 'keyId'>) => {
  const path = keyPath(root, key.principal);
  const record: RegisteredKey = {
    principal: key.principal,
    publicKey: key.publicKey,
    keyId: key.keyId,
    registeredAt: new Date().toISOString(),
  };
  await mkdir(join(root, KEYS_DIR), { recursive: true });
  // Written aside and linked into place: link() fails if the name exists, and a concurrent reader never sees
  // a half-written key file (which it would take for a different key).
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx' });
  try {
    await link(temp, path);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') {
      // Some network shares have no hard links: fall back to an exclusive create.
      try {
        await writeFile(path, `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx' });
        return;
      } catch (fallback) {
        if ((fallback as NodeJS.ErrnoException).code !== 'EEXIST') throw fallback;
      }
    }
  } finally {
    await rm(temp, { force: true });
  }
  let existing = (await readRegisteredKeys(root)).get(key.principal);
  // Written by an exclusive create on a share without hard links, it may still be half written: look again.
  for (let attempt = 0; existing === undefined && attempt < 5; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    existing = (await readRegisteredKeys(root)).get(key.principal);
  }
  if (existing?.keyId !== key.keyId)
    throw new RegistryError(
      'forbidden',
      `the registry has a different signing key for ${key.principal} (${existing?.keyId.slice(0, 16) ?? 'unreadable'}…) than this computer's (${key.keyId.slice(0, 16)}…): ` +
        `only ${key.principal}'s own key can sign as ${key.principal}; if the key was lost, an administrator must re-register it`,
    );
};
