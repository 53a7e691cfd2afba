// Types for build-info.mjs (imported by the tests).
export interface BuildInfoFile {
  readonly name: 'pdm-studio';
  readonly version: string;
  readonly commit: string;
  readonly dirty: boolean;
  readonly buildDate: string;
  readonly signed: boolean;
  readonly signing: string;
  readonly updatePublicKey: string | null;
}
export declare const updatePublicKey: (env: Record<string, string | undefined>) => string | null;
export declare const createBuildInfo: (options: {
  root: string;
  env: Record<string, string | undefined>;
  signed: boolean;
  signing: string;
  now?: Date;
}) => BuildInfoFile;
