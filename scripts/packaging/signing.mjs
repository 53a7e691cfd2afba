// Code signing is configured through environment variables only (never in the repository):
//   Windows: CSC_LINK (or WIN_CSC_LINK), the .pfx/.p12 file or its base64, and CSC_KEY_PASSWORD (WIN_CSC_KEY_PASSWORD);
//   macOS:   CSC_NAME, the "Developer ID Application: ..." identity in the keychain, or CSC_LINK + CSC_KEY_PASSWORD;
//            notarisation with APPLE_API_KEY + APPLE_API_KEY_ID + APPLE_API_ISSUER (or APPLE_ID +
//            APPLE_APP_SPECIFIC_PASSWORD + APPLE_TEAM_ID).
//   Linux AppImage and deb packages are not code-signed.
// electron-builder reads these itself; here we only decide whether the build will be signed, for its file name and
// its About box.

/** @param {Record<string, string | undefined>} env @param {string} name */
const set = (env, name) => (env[name] ?? '').trim() !== '';

/**
 * @param {Record<string, string | undefined>} env
 * @param {string} platform a Node platform name: win32, darwin, linux
 * @returns {{ signed: boolean, detail: string }}
 */
export const signingFor = (env, platform) => {
  switch (platform) {
    case 'win32':
      return set(env, 'CSC_LINK') || set(env, 'WIN_CSC_LINK')
        ? { signed: true, detail: 'Authenticode certificate from CSC_LINK' }
        : { signed: false, detail: 'no CSC_LINK / WIN_CSC_LINK certificate' };
    case 'darwin':
    case 'mas':
      return set(env, 'CSC_NAME') || set(env, 'CSC_LINK')
        ? { signed: true, detail: `Developer ID ${set(env, 'CSC_NAME') ? 'CSC_NAME' : 'from CSC_LINK'}` }
        : { signed: false, detail: 'no CSC_NAME / CSC_LINK identity' };
    default:
      return { signed: false, detail: `${platform} packages are not code-signed` };
  }
};

/**
 * Variables handed to electron-builder (through electron-builder.env, which its CLI loads): the artifact file
 * name suffix, and no keychain auto-discovery, so that only the environment decides what signs.
 * @param {boolean} signed
 */
export const builderEnv = (signed) => ({
  PDM_STUDIO_UNSIGNED: signed ? '' : '-unsigned',
  ...(signed ? {} : { CSC_IDENTITY_AUTO_DISCOVERY: 'false' }),
});
