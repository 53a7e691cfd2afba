// electron-builder beforePack hook (electron-builder.yml): the Electron zip of the target being packed must be in
// release/electron-zips (scripts/packaging/preflight.mjs links it there). Without it electron-builder would take
// the folder for an unpacked Electron and package an app without one; this stops with one line instead.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronVersion, electronZipName, ZIP_FOLDER } from './electron-zip.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** electron-builder's Arch enum (builder-util), by value. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/**
 * @param {{ electronPlatformName: string, arch: number, packager?: { config?: { electronDist?: unknown } } }} context
 * @param {string} [zipFolder]
 */
export const beforePack = async (context, zipFolder = join(root, ZIP_FOLDER)) => {
  // `-c.electronDist=<unpacked Electron>` (a custom Electron build) is packaged as it is: nothing to check.
  const configured = context.packager?.config?.electronDist;
  if (typeof configured === 'string' && resolve(root, configured) !== resolve(zipFolder)) return;
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const name = electronZipName(
    electronVersion(join(root, 'node_modules', 'electron')),
    context.electronPlatformName,
    arch,
  );
  if (!existsSync(join(zipFolder, name)))
    throw new Error(
      `${name} is not in ${zipFolder}: run "PDM_DIST_TARGETS=${context.electronPlatformName}-${arch} npm run dist" with it in the Electron cache (README "Build installers")`,
    );
};
