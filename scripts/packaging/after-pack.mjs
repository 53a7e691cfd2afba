// electron-builder afterPack hook (electron-builder.yml): flips the Electron fuses of scripts/packaging/fuses.mjs
// in the freshly unpacked app, before electron-builder signs it, then reads them back so a binary whose wire
// did not take the values fails the build instead of shipping.
import { applyFuses, FUSES, packagedBinary, readFuses } from './fuses.mjs';

/** @param {import('./fuses.d.mts').PackContext} context */
export const afterPack = async (context) => {
  const binary = packagedBinary(context);
  await applyFuses(binary, { platform: context.electronPlatformName, arch: context.arch });
  const set = await readFuses(binary);
  const wrong = Object.entries(FUSES).filter(
    ([name, value]) => set[name] !== undefined && set[name] !== 'removed' && set[name] !== value,
  );
  if (wrong.length > 0)
    throw new Error(`fuses: ${binary} still has ${wrong.map(([name]) => `${name}=${String(set[name])}`).join(', ')}`);
  process.stdout.write(
    `  • fuses set in ${binary}: ${Object.entries(set)
      .map(([n, v]) => `${n}=${String(v)}`)
      .join(' ')}\n`,
  );
};
