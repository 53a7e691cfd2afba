import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { RegistryError } from './errors.js';
import { sha256 } from './hash.js';
import { checkUserName } from './names.js';
import type { GovernAction } from './registry-types.js';

/**
 * The registry server's users file: names, roles and SHA-256 hashes of bearer tokens, never tokens.
 * Tokens are 256 random bits, so a fast hash is enough (a slow KDF protects guessable passwords, and
 * would cost CPU on every request here for nothing).
 */
export const ROLES = ['viewer', 'author', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const UserSchema = z.object({
  name: z.string(),
  role: z.enum(ROLES),
  tokenSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export const UsersFileSchema = z.object({ users: z.array(UserSchema) });
export type RegistryUser = z.infer<typeof UserSchema>;

export type Operation = 'read' | 'publish' | GovernAction;

const ALLOWED: Readonly<Record<Operation, readonly Role[]>> = {
  read: ['viewer', 'author', 'approver', 'admin'],
  publish: ['author', 'admin'],
  approve: ['approver', 'admin'],
  reject: ['approver', 'admin'],
  promote: ['approver', 'admin'],
  rollback: ['approver', 'admin'],
  archive: ['approver', 'admin'],
};

export const mayDo = (role: Role, operation: Operation): boolean => ALLOWED[operation].includes(role);

export const hashToken = (token: string): string => sha256(token);
export const newToken = (): string => `pdm_${randomBytes(32).toString('base64url')}`;

export const readUsersFile = async (path: string): Promise<RegistryUser[]> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = UsersFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new RegistryError('invalid-argument', `${path} is not a valid users file`);
  for (const user of parsed.data.users) checkUserName(user.name);
  return parsed.data.users;
};

/** Adds (or with `replace`, re-keys) a user and returns the new token: the only time it exists in clear. */
export const addUser = async (
  path: string,
  name: string,
  role: Role,
  options: { readonly replace?: boolean } = {},
): Promise<string> => {
  checkUserName(name);
  const users = await readUsersFile(path);
  const existing = users.findIndex((u) => u.name.toLowerCase() === name.toLowerCase());
  if (existing >= 0 && options.replace !== true)
    throw new RegistryError('conflict', `user ${name} exists (use --replace to issue a new token)`);
  const token = newToken();
  const user: RegistryUser = { name, role, tokenSha256: hashToken(token) };
  if (existing >= 0) users[existing] = user;
  else users.push(user);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify({ users }, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, path);
  return token;
};

/** Looks tokens up by hash; re-reads the file when it changes, so users can be added while serving. */
export class UserDirectory {
  private users: RegistryUser[] = [];
  private mtimeMs = -1;

  constructor(private readonly path: string) {}

  async load(): Promise<void> {
    const info = await stat(this.path);
    if (info.mtimeMs === this.mtimeMs) return;
    this.users = await readUsersFile(this.path);
    this.mtimeMs = info.mtimeMs;
  }

  async authenticate(token: string): Promise<RegistryUser | null> {
    await this.load().catch(() => undefined);
    const given = Buffer.from(hashToken(token), 'hex');
    let found: RegistryUser | null = null;
    // Compare against every entry in constant time, so timing does not reveal which hash was close.
    for (const user of this.users) {
      if (timingSafeEqual(given, Buffer.from(user.tokenSha256, 'hex'))) found = user;
    }
    return found;
  }
}
