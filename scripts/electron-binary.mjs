// Find the Electron executable the way node_modules/electron/index.js does, but WITHOUT its side effect:
// requiring the 'electron' package runs index.js, which downloads the binary when it is missing (and fails
// on machines that cannot reach the download host). Here we only read files.
//
// index.js: the executable is <electron package>/dist/<contents of path.txt>, where install.js writes
// path.txt ('electron' on Linux/BSD, 'electron.exe' on Windows, 'Electron.app/Contents/MacOS/Electron' on
// macOS) after unzipping the download into dist/. ELECTRON_OVERRIDE_DIST_PATH replaces the dist folder.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The executable name install.js would write to path.txt for this platform. */
export const platformExecutable = (platform = process.platform) => {
  switch (platform) {
    case 'darwin':
    case 'mas':
      return 'Electron.app/Contents/MacOS/Electron';
    case 'win32':
      return 'electron.exe';
    default:
      return 'electron';
  }
};

/** The folder of the installed 'electron' package, or null (resolving package.json does not run index.js). */
export const electronPackageDir = (fromDir = process.cwd()) => {
  try {
    const require = createRequire(join(fromDir, 'noop.js'));
    return dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
};

/**
 * Is a usable Electron binary installed?
 * @param {{ packageDir?: string | null, env?: Record<string, string | undefined>, platform?: string }} [options]
 * @returns {{ available: true, path: string } | { available: false, reason: string }}
 */
export const findElectronBinary = (options = {}) => {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const packageDir = options.packageDir === undefined ? electronPackageDir() : options.packageDir;
  if (packageDir === null) return { available: false, reason: 'the electron package is not installed' };

  const pathFile = join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  let binary;
  if (override !== undefined && override !== '') {
    binary = join(override, executable || platformExecutable(platform));
  } else {
    if (executable === '')
      return { available: false, reason: 'node_modules/electron/path.txt is missing: the binary was never downloaded' };
    binary = join(packageDir, 'dist', executable);
  }
  try {
    if (!statSync(binary).isFile()) return { available: false, reason: `${binary} is not a file` };
  } catch {
    return { available: false, reason: `${binary} does not exist` };
  }
  if (platform !== 'win32') {
    try {
      accessSync(binary, constants.X_OK);
    } catch {
      return { available: false, reason: `${binary} is not executable` };
    }
  }
  return { available: true, path: binary };
};

/** On Linux (and BSD) Electron needs an X11 or Wayland display; without one it would exit at once. */
export const displayProblem = (env = process.env, platform = process.platform) => {
  if (platform === 'win32' || platform === 'darwin') return null;
  if ((env['DISPLAY'] ?? '') !== '' || (env['WAYLAND_DISPLAY'] ?? '') !== '') return null;
  return 'no display: DISPLAY and WAYLAND_DISPLAY are unset';
};

/**
 * How `npm start` should launch: Electron when its binary is installed and can open a window, otherwise
 * browser mode with a one-line notice saying why. PDM_STUDIO_BROWSER=1 forces browser mode.
 * @param {{ env?: Record<string, string | undefined>, platform?: string, packageDir?: string | null }} [options]
 * @returns {{ mode: 'electron', path: string } | { mode: 'browser', notice: string }}
 */
export const chooseLaunch = (options = {}) => {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const forced = env['PDM_STUDIO_BROWSER'];
  if (forced !== undefined && forced !== '' && forced !== '0' && forced.toLowerCase() !== 'false') {
    return { mode: 'browser', notice: 'PDM_STUDIO_BROWSER is set; starting in browser mode.' };
  }
  const binary = findElectronBinary({ env, platform, packageDir: options.packageDir });
  if (!binary.available) {
    return {
      mode: 'browser',
      notice: `Electron binary not available here (${binary.reason}); starting in browser mode.`,
    };
  }
  const display = displayProblem(env, platform);
  if (display !== null)
    return { mode: 'browser', notice: `Electron cannot open a window here (${display}); starting in browser mode.` };
  return { mode: 'electron', path: binary.path };
};
