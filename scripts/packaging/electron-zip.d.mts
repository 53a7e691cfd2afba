// Types for electron-zip.mjs (imported by the tests).
export declare const ZIP_FOLDER: string;
export declare const electronVersion: (electronDir: string) => string;
export declare const electronZipName: (version: string, platform: string, arch: string) => string;
export declare const defaultElectronCache: (
  env: Record<string, string | undefined>,
  platform: string,
  home?: string,
) => string;
export declare const electronCacheFolders: (
  env: Record<string, string | undefined>,
  platform: string,
  home?: string,
) => { folder: string; from: string }[];
export declare const findElectronZip: (name: string, folders: readonly { folder: string }[]) => string | null;
export declare const publishedSha256: (electronDir: string, name: string) => string | null;
export declare const sha256File: (file: string) => Promise<string>;
