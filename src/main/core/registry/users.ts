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

/**
 * Looks tokens up by hash; re-reads the file whenever it changes (so users can be added, removed or re-keyed
 * while serving). A users file that is missing, unreadable or invalid fails closed: every token is refused
 * (503) until it is fixed, and the reason is logged once. Tokens loaded before the file broke are not kept.
 */
export class UserDirectory {
  private users: RegistryUser[] = [];
  private signature = '';
  private broken: string | null = null;
  private log: (line: string) => void = () => undefined;

  constructor(private readonly path: string) {}

  onError(log: (line: string) => void): void {
    this.log = log;
  }

  async load(): Promise<void> {
    let signature: string;
    try {
      const info = await stat(this.path);
      signature = [info.mtimeMs, info.ctimeMs, info.size, info.ino].join('/');
    } catch (error) {
      this.fail(`users file ${this.path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      return;
    }
    if (signature === this.signature && this.broken === null) return;
    try {
      const users = await readUsersFile(this.path);
      this.users = users;
      this.signature = signature;
      if (this.broken !== null) this.log(`users file ${this.path} is valid again: ${users.length} users`);
      this.broken = null;
    } catch (error) {
      this.fail(`users file ${this.path} is not valid: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private fail(reason: string) {
    if (this.broken !== reason) this.log(`error: ${reason}; refusing every request until it is fixed`);
    this.broken = reason;
    this.users = [];
    this.signature = '';
  }

  /** Throws if the users file could not be loaded (at start-up: better not to serve at all). */
  assertUsable(): void {
    if (this.broken !== null) throw new RegistryError('unavailable', this.broken);
  }

  async authenticate(token: string): Promise<RegistryUser | null> {
    await this.load();
    if (this.broken !== null)
      throw new RegistryError(
        'unavailable',
        "the registry's users file is missing or damaged, so no token can be checked; an administrator must fix it (pdm-studio registry add-user)",
      );
    const given = Buffer.from(hashToken(token), 'hex');
    let found: RegistryUser | null = null;
    // Compare against every entry in constant time, so timing does not reveal which hash was close.
    for (const user of this.users) {
      if (timingSafeEqual(given, Buffer.from(user.tokenSha256, 'hex'))) found = user;
    }
    return found;
  }
}
