// Types for electron-binary.mjs (imported by the unit tests).
export type ElectronBinary = { available: true; path: string } | { available: false; reason: string };

export declare const platformExecutable: (platform?: string) => string;
export declare const electronPackageDir: (fromDir?: string) => string | null;
export declare const findElectronBinary: (options?: {
  packageDir?: string | null;
  env?: Record<string, string | undefined>;
  platform?: string;
}) => ElectronBinary;
export declare const displayProblem: (env?: Record<string, string | undefined>, platform?: string) => string | null;
export type Launch = { mode: 'electron'; path: string } | { mode: 'browser'; notice: string };
export declare const chooseLaunch: (options?: {
  env?: Record<string, string | undefined>;
  platform?: string;
  packageDir?: string | null;
}) => Launch;
