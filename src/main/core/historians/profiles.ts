import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { fileKeyCipher, type SecretCipher } from './secrets.js';

/** Connection profiles, saved per workspace in `connections.json`; passwords only encrypted (see secrets.ts). */
export const PROFILES_FILE = 'connections.json';

const OpcuaProfileSchema = z.object({
  kind: z.literal('opcua'),
  name: z.string().min(1).max(100),
  endpoint: z.string().startsWith('opc.tcp://'),
  securityMode: z.enum(['None', 'Sign', 'SignAndEncrypt']),
  securityPolicy: z.enum(['None', 'Basic256Sha256']),
  userName: z.string().nullable(),
  password: z.string().nullable(),
});
const PostgresProfileSchema = z.object({
  kind: z.literal('postgres'),
  name: z.string().min(1).max(100),
  /** Connection URL without the password. */
  url: z.string().startsWith('postgres'),
  password: z.string().nullable(),
});
export const ProfileSchema = z.discriminatedUnion('kind', [OpcuaProfileSchema, PostgresProfileSchema]);
export type Profile = z.infer<typeof ProfileSchema>;
/** A profile as used in memory: the password in plain text (never written or logged as such). */
export type OpenProfile = Profile & { readonly plainPassword: string | null };
/** A profile to save: as stored, but with the plain password (encrypted by `save`). */
export type ProfileInput = {
  [K in Profile['kind']]: Omit<Extract<Profile, { kind: K }>, 'password'> & { readonly plainPassword: string | null };
}[Profile['kind']];

export class ProfileStore {
  private readonly cipher: SecretCipher;

  /** `cipher` encrypts passwords (default: the file key of `userDataDir`, browser/CLI mode). */
  constructor(
    private readonly workspaceDir: string,
    userDataDir: string,
    cipher?: SecretCipher,
  ) {
    this.cipher = cipher ?? fileKeyCipher(userDataDir);
  }

  private get file(): string {
    return join(this.workspaceDir, PROFILES_FILE);
  }

  async list(): Promise<Profile[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const parsed = z.array(ProfileSchema).safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.file}: not a valid connection profile list`);
    return parsed.data;
  }

  async get(name: string): Promise<OpenProfile> {
    const profile = (await this.list()).find((p) => p.name === name);
    if (profile === undefined) throw new Error(`no connection profile "${name}" in ${this.workspaceDir}`);
    const plainPassword = profile.password === null ? null : await this.cipher.decrypt(profile.password);
    return { ...profile, plainPassword };
  }

  /** Save (or replace by name) a profile; `plainPassword` is encrypted before it touches the disk. */
  async save(profile: ProfileInput): Promise<void> {
    const { plainPassword, ...rest } = profile;
    const password = plainPassword === null ? null : await this.cipher.encrypt(plainPassword);
    const stored = ProfileSchema.parse({ ...rest, password });
    const others = (await this.list()).filter((p) => p.name !== profile.name);
    await writeFileAtomic(this.file, `${JSON.stringify([...others, stored], null, 2)}\n`);
  }

  /** Remove a profile by name; false when there was none. */
  async delete(name: string): Promise<boolean> {
    const all = await this.list();
    const others = all.filter((p) => p.name !== name);
    if (others.length === all.length) return false;
    await writeFileAtomic(this.file, `${JSON.stringify(others, null, 2)}\n`);
    return true;
  }
}
