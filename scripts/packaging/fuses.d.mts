// Types for fuses.mjs (imported by the tests).
export type FuseName =
  | 'RunAsNode'
  | 'EnableCookieEncryption'
  | 'EnableNodeOptionsEnvironmentVariable'
  | 'EnableNodeCliInspectArguments'
  | 'EnableEmbeddedAsarIntegrityValidation'
  | 'OnlyLoadAppFromAsar'
  | 'LoadBrowserProcessSpecificV8Snapshot'
  | 'GrantFileProtocolExtraPrivileges';
export interface PackContext {
  readonly appOutDir: string;
  readonly electronPlatformName: string;
  readonly arch: number;
  readonly packager: { readonly appInfo: { readonly productFilename: string }; readonly executableName?: string };
}
export declare const FUSES: Readonly<Record<FuseName, boolean>>;
export declare const fuseConfig: (target: { platform: string; arch: number }) => Record<string, unknown>;
export declare const packagedBinary: (context: PackContext) => string;
export declare const applyFuses: (binary: string, target: { platform: string; arch: number }) => Promise<unknown>;
export declare const readFuses: (binary: string) => Promise<Record<string, boolean | 'removed'>>;
