import { createRequire } from 'node:module';
import { z } from 'zod';
import { UpdateError } from './update-error.js';

/*
 * electron-builder's update feed (latest.yml, latest-mac.yml, latest-linux.yml, ...): the version, and each
 * installer with its SHA-512 (base64) and size. electron-updater reads the same file.
 */

// The YAML reader electron-updater itself uses for these files: resolved from electron-updater (a declared
// dependency), so it is found however npm or electron-builder lay out node_modules. Resolving does not load
// electron-updater, which needs Electron.
const yaml = createRequire(createRequire(import.meta.url).resolve('electron-updater'))('js-yaml') as {
  load(text: string, options?: { schema?: unknown; json?: boolean }): unknown;
  JSON_SCHEMA: unknown;
};

/** The installer kinds electron-updater can install, by how this copy of the app was installed. */
export type InstallerKind = 'nsis' | 'mac-zip' | 'appimage' | 'deb';

const EXTENSION: Readonly<Record<InstallerKind, string>> = {
  nsis: '.exe',
  'mac-zip': '.zip',
  appimage: '.AppImage',
  deb: '.deb',
};

/** The feed electron-builder writes for a platform and architecture (electron-updater's channel file names). */
export const feedFileName = (platform: NodeJS.Platform, arch: string): string => {
  switch (platform) {
    case 'win32':
      return 'latest.yml';
    case 'darwin':
      return 'latest-mac.yml';
    default:
      return arch === 'x64' ? 'latest-linux.yml' : `latest-linux-${arch}.yml`;
  }
};

/** How this process was installed: an AppImage sets APPIMAGE; other Linux installs came from the deb. */
export const installerKindFor = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv = process.env): InstallerKind => {
  switch (platform) {
    case 'win32':
      return 'nsis';
    case 'darwin':
      return 'mac-zip';
    default:
      return (env['APPIMAGE'] ?? '') !== '' ? 'appimage' : 'deb';
  }
};

const FeedFileSchema = z.object({
  url: z.string().min(1),
  sha512: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'a base64 SHA-512'),
  size: z.number().int().nonnegative().optional(),
});
export type FeedFile = z.infer<typeof FeedFileSchema>;

const FeedSchema = z.object({
  version: z.string().min(1),
  files: z.array(FeedFileSchema).min(1),
  releaseDate: z.string().optional(),
  releaseNotes: z.union([z.string(), z.null()]).optional(),
});
export type Feed = z.infer<typeof FeedSchema>;

export const parseFeed = (text: string, where: string): Feed => {
  let value: unknown;
  try {
    value = yaml.load(text, { schema: yaml.JSON_SCHEMA });
  } catch (error) {
    throw new UpdateError('bad-feed', `${where} is not valid YAML: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  const parsed = FeedSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UpdateError(
      'bad-feed',
      `${where}: field ${issue?.path.join('.') || '(top)'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  return parsed.data;
};

export const pickInstaller = (feed: Feed, kind: InstallerKind): FeedFile | null =>
  feed.files.find((f) => f.url.endsWith(EXTENSION[kind])) ?? null;
