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
import { join } from 'node:path';
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

const root = fileURLToPath(new URL('../..', import.meta.url));
const zipFolder = join(root, ZIP_FOLDER);

const fail = (message) => {
  process.stderr.write(`npm run dist: ${message}\n`);
  process.exit(1);
};

const env = process.env;
const targets = (env['PDM_DIST_TARGETS'] ?? '').trim()
  ? env['PDM_DIST_TARGETS']
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)
  : [`${process.platform}-${process.arch}`];
let version;
try {
  version = electronVersion(root);
} catch {
  fail('the electron package is not installed (node_modules/electron): run "npm ci" first');
}

const folders = electronCacheFolders(env, process.platform);
const found = [];
for (const target of targets) {
  const match = /^(win32|darwin|mas|linux)-(x64|arm64|ia32|armv7l|universal)$/.exec(target);
  if (match === null) fail(`PDM_DIST_TARGETS: "${target}" is not <platform>-<arch> (e.g. win32-x64, darwin-arm64)`);
  const name = electronZipName(version, match[1], match[2]);
  const zip = findElectronZip(name, folders);
  if (zip === null) {
    const first = folders[0];
    const where =
      first.from === 'the default Electron cache'
        ? `${first.folder}, or name its folder in ELECTRON_CACHE`
        : `${first.folder} (${first.from})`;
    fail(`Electron ${version} for ${target} is missing: put ${name} in ${where} (see README "Build installers")`);
  }
  const expected = publishedSha256(root, name);
  if (expected === null) fail(`node_modules/electron/checksums.json has no SHA-256 for ${name}`);
  const actual = await sha256File(zip);
  if (actual !== expected)
    fail(
      `${zip} is not Electron's published ${name} (SHA-256 ${actual.slice(0, 12)}..., expected ${expected.slice(0, 12)}...): download it again`,
    );
  found.push({ name, zip });
}

// The zips electron-builder will unpack: links, not copies (about 110 MB each).
rmSync(zipFolder, { recursive: true, force: true });
mkdirSync(zipFolder, { recursive: true });
for (const { name, zip } of found) {
  const target = join(zipFolder, name);
  try {
    symlinkSync(zip, target);
  } catch {
    try {
      linkSync(zip, target);
    } catch {
      copyFileSync(zip, target);
    }
  }
}

const platforms = [...new Set(targets.map((t) => t.split('-')[0]))];
const signing = platforms.map((p) => signingFor(env, p));
const signed = signing.every((s) => s.signed);
const info = createBuildInfo({ root, env, signed, signing: signing.map((s) => s.detail).join('; ') });
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(join(root, 'dist', 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
writeFileSync(
  join(root, 'electron-builder.env'),
  `# Written by scripts/packaging/preflight.mjs for this build; not committed.\n${Object.entries(builderEnv(signed))
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`,
);
process.stdout.write(
  `dist: Electron ${version} for ${targets.join(', ')} from the cache (SHA-256 checked); ${signed ? 'signed' : 'UNSIGNED'} build` +
    ` of ${info.version} (${info.commit.slice(0, 12)}${info.dirty ? ', uncommitted changes' : ''})` +
    `${info.updatePublicKey === null ? '; no update-signing key (PDM_UPDATE_PUBLIC_KEY_FILE): this build cannot take updates' : ''}\n`,
);
