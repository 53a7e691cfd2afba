// Types for signing.mjs (imported by the tests).
export declare const signingFor: (
  env: Record<string, string | undefined>,
  platform: string,
) => { signed: boolean; detail: string };
export declare const builderEnv: (signed: boolean) => Record<string, string>;
