// Types for preflight.mjs (imported by the tests).
export declare class PreflightError extends Error {}
export declare const prepareDist: (options: {
  root: string;
  env: Record<string, string | undefined>;
  platform: string;
  arch: string;
  electronDir?: string;
  home?: string;
}) => Promise<string>;
