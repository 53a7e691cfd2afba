#!/usr/bin/env node
// `npm run dist` ends with this ("postdist"): signs each update feed electron-builder wrote (release/latest*.yml)
// with the Ed25519 key in PDM_UPDATE_SIGNING_KEY_FILE, writing <feed>.sig beside it. Installed apps accept an
// update only when its feed carries the signature of the key baked into them (PDM_UPDATE_PUBLIC_KEY_FILE at build
// time; src/main/core/update/update-signature.ts verifies). Keep the private key off the file share.
//   node scripts/packaging/sign-update.mjs [folder]     (default: release)
import { createPrivateKey, sign } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * @param {string} folder
 * @param {string} keyPem
 * @returns {string[]} the feeds signed
 */
export const signFeeds = (folder, keyPem) => {
  const key = createPrivateKey(keyPem);
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`an Ed25519 private key is needed, not ${key.asymmetricKeyType}`);
  const feeds = readdirSync(folder).filter((name) => /^latest.*\.yml$/.test(name));
  for (const name of feeds) {
    const signature = sign(null, readFileSync(join(folder, name)), key).toString('base64');
    writeFileSync(join(folder, `${name}.sig`), `${signature}\n`);
  }
  return feeds;
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const folder = resolve(process.argv[2] ?? join(root, 'release'));
  const keyFile = (process.env['PDM_UPDATE_SIGNING_KEY_FILE'] ?? '').trim();
  if (!existsSync(folder)) {
    process.stdout.write(`sign-update: ${folder} does not exist; nothing to sign\n`);
  } else if (keyFile === '') {
    process.stdout.write(
      `sign-update: update feeds in ${folder} NOT signed (PDM_UPDATE_SIGNING_KEY_FILE is unset): installed apps refuse them as updates\n`,
    );
  } else {
    try {
      const feeds = signFeeds(folder, readFileSync(keyFile, 'utf8'));
      process.stdout.write(
        feeds.length === 0
          ? `sign-update: no latest*.yml in ${folder}\n`
          : `sign-update: signed ${feeds.join(', ')} in ${folder}\n`,
      );
    } catch (error) {
      process.stderr.write(`sign-update: ${keyFile}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    }
  }
}
