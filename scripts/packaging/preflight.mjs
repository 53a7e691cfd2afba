#!/usr/bin/env node
// `npm run dist` runs this first (package.json "predist"), before the build: packaging must never reach
// electron-builder's download of Electron, which fails on air-gapped machines with a network stack trace.
//  1. finds Electron's release zip for each target in the Electron cache (README "Build installers"), checks it
//     against the SHA-256 the electron package publishes, and links it into release/electron-zips, the folder
//     electron-builder.yml's electronDist names; a missing zip stops here with one line saying what and where;
//  2. writes dist/build-info.json (version, commit, build date, signed or not, the update-signing public key);
//  3. writes electron-builder.env (loaded by electron-builder's CLI): "-unsigned" in artifact names when the
//     signing variables are absent, and no keychain auto-discovery.
// PDM_DIST_TARGETS=win32-x64,darwin-arm64 checks other targets than this machine's (for `npm run dist -- --win`).
import { copyFileSync, linkSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBuildInfo } from './build-info.mjs';
import {
  electronCacheFolders,
  electronVersion,
  electronZipName,
  findElectronZip,
  publishedSha256,
  sha256File,
  ZIP_FOLDER,
} from './electron-zip.mjs';
import { builderEnv, signingFor } from './signing.mjs';

/** A reason not to package, in one line. */
export class PreflightError extends Error {}

/** Link, else hard-link, else copy (symlinks need a privilege on Windows; zips are about 110 MB). */
const place = (from, to) => {
  try {
    symlinkSync(from, to);
  } catch {
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
  }
};

/**
 * Everything `npm run dist` needs before it builds. Throws PreflightError with the one line to print.
 * @param {{ root: string, env: Record<string, string | undefined>, platform: string, arch: string,
 *           electronDir?: string, home?: string }} options
 * @returns {Promise<string>} the line to print on success
 */
export const prepareDist = async ({ root, env, platform, arch, electronDir, home }) => {
  const electron = electronDir ?? join(root, 'node_modules', 'electron');
  const targets = (env['PDM_DIST_TARGETS'] ?? '').trim()
    ? (env['PDM_DIST_TARGETS'] ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
    : [`${platform}-${arch}`];
  let version;
  try {
    version = electronVersion(electron);
  } catch {
    throw new PreflightError('the electron package is not installed (node_modules/electron): run "npm ci" first');
  }

  const folders = electronCacheFolders(env, platform, home);
  const found = [];
  for (const target of targets) {
    const match = /^(win32|darwin|mas|linux)-(x64|arm64|ia32|armv7l|universal)$/.exec(target);
    if (match === null)
      throw new PreflightError(`PDM_DIST_TARGETS: "${target}" is not <platform>-<arch> (e.g. win32-x64, darwin-arm64)`);
    const name = electronZipName(version, match[1], match[2]);
    const zip = findElectronZip(name, folders);
    if (zip === null) {
      const first = folders[0];
      const where =
        first.from === 'the default Electron cache'
          ? `${first.folder}, or name its folder in ELECTRON_CACHE`
          : `${first.folder} (${first.from})`;
      throw new PreflightError(
        `Electron ${version} for ${target} is missing: put ${name} in ${where} (see README "Build installers")`,
      );
    }
    const expected = publishedSha256(electron, name);
    if (expected === null) throw new PreflightError(`node_modules/electron/checksums.json has no SHA-256 for ${name}`);
    const actual = await sha256File(zip);
    if (actual !== expected)
      throw new PreflightError(
        `${zip} is not Electron's published ${name} (SHA-256 ${actual.slice(0, 12)}..., expected ${expected.slice(0, 12)}...): download it again`,
      );
    found.push({ name, zip });
  }

  const zipFolder = join(root, ZIP_FOLDER);
  rmSync(zipFolder, { recursive: true, force: true });
  mkdirSync(zipFolder, { recursive: true });
  for (const { name, zip } of found) place(zip, join(zipFolder, name));

  const platforms = [...new Set(targets.map((t) => t.split('-')[0]))];
  const signing = platforms.map((p) => signingFor(env, p));
  const signed = signing.every((s) => s.signed);
  let info;
  try {
    info = createBuildInfo({ root, env, signed, signing: signing.map((s) => s.detail).join('; ') });
  } catch (error) {
    throw new PreflightError(error instanceof Error ? error.message : String(error));
  }
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'dist', 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
  writeFileSync(
    join(root, 'electron-builder.env'),
    `# Written by scripts/packaging/preflight.mjs for this build; not committed.\n${Object.entries(builderEnv(signed))
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  );
  return (
    `dist: Electron ${version} for ${targets.join(', ')} from the cache (SHA-256 checked); ${signed ? 'signed' : 'UNSIGNED'} build` +
    ` of ${info.version} (${info.commit.slice(0, 12)}${info.dirty ? ', uncommitted changes' : ''})` +
    `${info.updatePublicKey === null ? '; no update-signing key (PDM_UPDATE_PUBLIC_KEY_FILE): this build cannot take updates' : ''}`
  );
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const line = await prepareDist({
      root: fileURLToPath(new URL('../..', import.meta.url)),
      env: process.env,
      platform: process.platform,
      arch: process.arch,
    });
    process.stdout.write(`${line}\n`);
  } catch (error) {
    process.stderr.write(`npm run dist: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
