// The Electron fuses every packaged PdM Studio sets (flipped in electron-builder's afterPack hook, before
// signing, so the signature covers them). Fuses are bits compiled into the Electron binary that switch off
// features an attacker could otherwise use to run code inside a signed app.
import fuses from '@electron/fuses';

const { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } = fuses;

/**
 * The value of each fuse, by name. Every fuse @electron/fuses knows is listed, so a change is a deliberate one.
 * @type {Readonly<Record<keyof typeof FuseV1Options, boolean>>}
 */
export const FUSES = Object.freeze({
  // `ELECTRON_RUN_AS_NODE=1 "PdM Studio"` would turn the signed app into a plain Node interpreter.
  RunAsNode: false,
  // Chromium's cookie store encrypted with the OS keychain key.
  EnableCookieEncryption: true,
  // NODE_OPTIONS (e.g. --require evil.js) and --inspect / --inspect-brk would inject code into the main process.
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  // app.asar is checked against the hash electron-builder embeds (macOS and Windows; Electron has no Linux support).
  EnableEmbeddedAsarIntegrityValidation: true,
  // The app runs only from app.asar: a resources/app folder placed beside it is ignored.
  OnlyLoadAppFromAsar: true,
  // Electron's default: one V8 snapshot for every process.
  LoadBrowserProcessSpecificV8Snapshot: false,
  // Stays on (Electron's default): the renderer is loaded from file:// and Vite's build uses module scripts,
  // which Chromium refuses from a file:// page without these privileges.
  GrantFileProtocolExtraPrivileges: true,
});

/** electron-builder's Arch enum values (builder-util): which builds need their ad-hoc macOS signature redone. */
const ARM64 = 3;
const UNIVERSAL = 4;

/**
 * The @electron/fuses configuration for one packaged binary.
 * @param {{ platform: string, arch: number }} target electron-builder's electronPlatformName and Arch
 */
export const fuseConfig = ({ platform, arch }) => ({
  version: FuseVersion.V1,
  // Flipping bits breaks the ad-hoc signature Apple silicon requires to launch at all; an identity-signed build
  // is signed again after this hook anyway.
  resetAdHocDarwinSignature: (platform === 'darwin' || platform === 'mas') && (arch === ARM64 || arch === UNIVERSAL),
  ...Object.fromEntries(Object.entries(FUSES).map(([name, value]) => [FuseV1Options[name], value])),
});

/**
 * The Electron executable inside electron-builder's unpacked output (the same paths electron-builder uses).
 * @param {{ appOutDir: string, electronPlatformName: string, packager: { appInfo: { productFilename: string }, executableName?: string } }} context
 */
export const packagedBinary = (context) => {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return `${appOutDir}/${packager.appInfo.productFilename}.app`;
    case 'win32':
      return `${appOutDir}/${packager.appInfo.productFilename}.exe`;
    case 'linux':
      return `${appOutDir}/${packager.executableName ?? packager.appInfo.productFilename}`;
    default:
      throw new Error(`fuses: unknown platform ${electronPlatformName}`);
  }
};

/** @param {string} binary @param {{ platform: string, arch: number }} target */
export const applyFuses = (binary, target) => flipFuses(binary, fuseConfig(target));

/**
 * The fuses set in a binary, by name: true (on), false (off), or 'removed'.
 * @param {string} binary
 */
export const readFuses = async (binary) => {
  const wire = await getCurrentFuseWire(binary);
  /** @type {Record<string, boolean | 'removed'>} */
  const out = {};
  for (const [name, index] of Object.entries(FuseV1Options)) {
    if (typeof index !== 'number' || wire[index] === undefined) continue;
    const state = wire[index];
    out[name] = state === 114 ? 'removed' : state === 49;
  }
  return out;
};
