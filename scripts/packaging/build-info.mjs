// dist/build-info.json, written by `npm run dist` (scripts/packaging/preflight.mjs) and packaged with the app: what
// the About box and `pdm-studio --version` show (src/main/core/update/build-info.ts reads it; a checkout without
// it asks git instead).
import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** @param {string} root @param {string[]} args */
const git = (root, args) => {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};

/**
 * The update-signing public key baked into the build (PDM_UPDATE_PUBLIC_KEY_FILE, an Ed25519 PEM), or null.
 * @param {Record<string, string | undefined>} env
 */
export const updatePublicKey = (env) => {
  const file = (env['PDM_UPDATE_PUBLIC_KEY_FILE'] ?? '').trim();
  if (file === '') return null;
  const pem = readFileSync(file, 'utf8');
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(
      `PDM_UPDATE_PUBLIC_KEY_FILE ${file}: an Ed25519 public key is needed, this is ${key.asymmetricKeyType}`,
    );
  return key.export({ type: 'spki', format: 'pem' }).toString();
};

/**
 * @param {{ root: string, env: Record<string, string | undefined>, signed: boolean, signing: string, now?: Date }} options
 */
export const createBuildInfo = ({ root, env, signed, signing, now = new Date() }) => {
  const pkg = /** @type {{ version: string }} */ (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
  // SOURCE_DATE_EPOCH: reproducible builds pin the date (seconds since 1970).
  const epoch = Number(env['SOURCE_DATE_EPOCH'] ?? '');
  const buildDate = Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : now;
  const commit = git(root, ['rev-parse', 'HEAD']) ?? (env['PDM_STUDIO_COMMIT'] || 'unknown');
  const status = git(root, ['status', '--porcelain', '--untracked-files=no']);
  return {
    name: 'pdm-studio',
    version: pkg.version,
    commit,
    dirty: status !== null && status !== '',
    buildDate: buildDate.toISOString(),
    signed,
    signing,
    updatePublicKey: updatePublicKey(env),
  };
};
