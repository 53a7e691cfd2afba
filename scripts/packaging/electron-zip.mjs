// Where `npm run dist` finds Electron's release zip without a network: the Electron download cache that
// `npm ci` fills on a machine that can reach Electron's download host, or a folder seeded by hand on an
// air-gapped build machine. Zips are checked against node_modules/electron/checksums.json, which the electron
// package ships, so a corrupt or substituted zip is refused before it is packaged.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The folder electron-builder.yml's electronDist names, relative to the project: preflight.mjs links the zips there. */
export const ZIP_FOLDER = 'release/electron-zips';

/** @param {string} electronDir the installed electron package (node_modules/electron) */
export const electronVersion = (electronDir) =>
  /** @type {{ version: string }} */ (JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'))).version;

/** @param {string} version @param {string} platform @param {string} arch */
export const electronZipName = (version, platform, arch) => `electron-v${version}-${platform}-${arch}.zip`;

/**
 * @electron/get's default cache folder (what `npm ci` fills; env-paths("electron").cache).
 * @param {Record<string, string | undefined>} env @param {string} platform @param {string} [home]
 */
export const defaultElectronCache = (env, platform, home = homedir()) => {
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Caches', 'electron');
    case 'win32':
      return join(env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local'), 'electron', 'Cache');
    default:
      return join(env['XDG_CACHE_HOME'] || join(home, '.cache'), 'electron');
  }
};

/**
 * The folders searched, first match wins: ELECTRON_CACHE, electron_config_cache (the variable Electron's own
 * installer reads), then the default cache.
 * @param {Record<string, string | undefined>} env @param {string} platform @param {string} [home]
 * @returns {{ folder: string, from: string }[]}
 */
export const electronCacheFolders = (env, platform, home) => {
  const out = [];
  for (const name of ['ELECTRON_CACHE', 'electron_config_cache', 'npm_config_electron_config_cache']) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') out.push({ folder: value.trim(), from: name });
  }
  out.push({ folder: defaultElectronCache(env, platform, home), from: 'the default Electron cache' });
  return out;
};

/**
 * The zip in one of the folders: directly inside (seeded by hand), or in one of @electron/get's per-URL
 * subfolders (<cache>/<sha256 of the download URL's folder>/<zip>, what `npm ci` leaves).
 * @param {string} name @param {readonly { folder: string }[]} folders
 */
export const findElectronZip = (name, folders) => {
  for (const { folder } of folders) {
    if (!existsSync(folder)) continue;
    const direct = join(folder, name);
    if (existsSync(direct) && statSync(direct).isFile()) return direct;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const nested = join(folder, entry.name, name);
      if (existsSync(nested) && statSync(nested).isFile()) return nested;
    }
  }
  return null;
};

/** @param {string} electronDir @param {string} name @returns {string | null} the SHA-256 (hex) Electron publishes */
export const publishedSha256 = (electronDir, name) => {
  const sums = /** @type {Record<string, string>} */ (
    JSON.parse(readFileSync(join(electronDir, 'checksums.json'), 'utf8'))
  );
  return sums[name] ?? null;
};

/** @param {string} file @returns {Promise<string>} */
export const sha256File = (file) =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
