import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RegistryError } from './errors.js';

/** registry.json at the root of a folder registry; its presence is what makes a folder a registry. */
export const REGISTRY_CONFIG_FILE = 'registry.json';

export const RegistryConfigSchema = z.object({
  formatVersion: z.literal(1),
  /**
   * Whether `--as <user>` may override the OS user. Off by default: on a folder registry the OS user is
   * the only identity there is, and letting anyone type another name would make four-eyes a formality.
   */
  allowAs: z.boolean().default(false),
  /** A lock whose holder stopped refreshing it for this long is considered abandoned. */
  lockStaleMs: z.number().int().min(1000).default(30_000),
  /** fsync files and folders before they become visible (survives power loss, costs some speed). */
  fsync: z.boolean().default(true),
});
export type RegistryConfig = z.infer<typeof RegistryConfigSchema>;

export const defaultRegistryConfig = (): RegistryConfig => RegistryConfigSchema.parse({ formatVersion: 1 });

export const readRegistryConfig = async (root: string): Promise<RegistryConfig | null> => {
  let text: string;
  try {
    text = await readFile(join(root, REGISTRY_CONFIG_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = RegistryConfigSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new RegistryError('invalid-argument', `${join(root, REGISTRY_CONFIG_FILE)} is not a valid registry config`);
  return parsed.data;
};

/** Creates registry.json unless it exists (O_EXCL, so two first publishers cannot both write it). */
export const createRegistryConfig = async (root: string, config: Partial<RegistryConfig> = {}): Promise<void> => {
  const full = RegistryConfigSchema.parse({ ...defaultRegistryConfig(), ...config });
  try {
    await writeFile(join(root, REGISTRY_CONFIG_FILE), `${JSON.stringify(full, null, 2)}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
};
