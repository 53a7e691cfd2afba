// electron-builder beforePack hook (electron-builder.yml): the Electron zip of the target being packed must be in
// release/electron-zips (scripts/packaging/preflight.mjs links it there). Without it electron-builder would take
// the folder for an unpacked Electron and package an app without one; this stops with one line instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronVersion, electronZipName, ZIP_FOLDER } from './electron-zip.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** electron-builder's Arch enum (builder-util), by value. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** @param {{ electronPlatformName: string, arch: number }} context @param {string} [zipFolder] */
export const beforePack = async (context, zipFolder = join(root, ZIP_FOLDER)) => {
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const name = electronZipName(electronVersion(root), context.electronPlatformName, arch);
  if (!existsSync(join(zipFolder, name)))
    throw new Error(
      `${name} is not in ${zipFolder}: run "PDM_DIST_TARGETS=${context.electronPlatformName}-${arch} npm run dist" with it in the Electron cache (README "Build installers")`,
    );
};
