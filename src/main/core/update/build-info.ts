import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * What this build is: version, commit, build date, signed or not, and the key its updates must be signed with.
 * `npm run dist` writes dist/build-info.json (scripts/packaging/build-info.mjs) and packages it; a checkout that was
 * only built (`npm run build`) has none, and asks git instead.
 */
export const BuildInfoFileSchema = z.object({
  name: z.literal('pdm-studio'),
  version: z.string().min(1),
  commit: z.string().min(1),
  dirty: z.boolean(),
  buildDate: z.string().min(1),
  signed: z.boolean(),
  signing: z.string(),
  updatePublicKey: z.string().nullable(),
});
export type BuildInfoFile = z.infer<typeof BuildInfoFileSchema>;

export interface BuildInfo extends BuildInfoFile {
  /** 'build-info': dist/build-info.json of a packaged build; 'checkout': read from package.json and git. */
  readonly source: 'build-info' | 'checkout';
}

export const BUILD_INFO_FILE = join('dist', 'build-info.json');

const here = dirname(fileURLToPath(import.meta.url));

/** The folder holding package.json: the checkout, or app.asar in a packaged app (src/... or dist/... below it). */
export const appRoot = (): string => {
  const candidates = [join(here, '..', '..', '..', '..'), join(here, '..', '..', '..', '..', '..')];
  for (const dir of candidates) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'pdm-studio') return dir;
    } catch {
      // try the next candidate
    }
  }
  return candidates[0] ?? '.';
};

const git = (root: string, args: readonly string[]): string | null => {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};

/** Read the build's identity; never throws (an unreadable file is reported in `signing`). */
export const readBuildInfo = (root: string = appRoot()): BuildInfo => {
  const file = join(root, BUILD_INFO_FILE);
  // A checkout (it has .git; a packaged app has not) keeps the build-info.json of its last `npm run dist`: it
  // describes this code only while HEAD is still that commit.
  const head = existsSync(join(root, '.git')) ? git(root, ['rev-parse', 'HEAD']) : null;
  let problem = '';
  if (existsSync(file)) {
    try {
      const parsed = BuildInfoFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (parsed.success && (head === null || head === parsed.data.commit))
        return { ...parsed.data, source: 'build-info' };
      problem = parsed.success
        ? `${file} is from an older commit; `
        : `${file} is not a build-info file (${parsed.error.issues[0]?.path.join('.') ?? '?'}); `;
    } catch (error) {
      problem = `${file} could not be read (${error instanceof Error ? error.message : String(error)}); `;
    }
  }
  let version = '0.0.0';
  try {
    version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? version;
  } catch {
    // keep 0.0.0
  }
  const status = git(root, ['status', '--porcelain', '--untracked-files=no']);
  // The build date of a checkout is when its main code was compiled.
  const compiled = [
    join(root, 'dist', 'main', 'cli', 'main.js'),
    join(root, 'dist', 'main', 'electron', 'main.js'),
  ].find((f) => existsSync(f));
  return {
    name: 'pdm-studio',
    version,
    commit: head ?? git(root, ['rev-parse', 'HEAD']) ?? 'unknown',
    dirty: status !== null && status !== '',
    buildDate: compiled === undefined ? 'not built' : statSync(compiled).mtime.toISOString(),
    signed: false,
    signing: `${problem}development checkout, not a packaged build`,
    updatePublicKey: null,
    source: 'checkout',
  };
};

/** The lines the About box and `pdm-studio --version` show. */
export const describeBuild = (info: BuildInfo): string[] => [
  `PdM Studio ${info.version}`,
  `commit ${info.commit === 'unknown' ? 'unknown' : info.commit.slice(0, 12)}${info.dirty ? ' (with uncommitted changes)' : ''}`,
  `built ${info.buildDate}`,
  info.signed ? `signed (${info.signing})` : `UNSIGNED build (${info.signing})`,
];
