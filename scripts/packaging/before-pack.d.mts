// Types for before-pack.mjs (imported by the tests).
export declare const beforePack: (
  context: {
    electronPlatformName: string;
    arch: number;
    packager?: { config?: { electronDist?: unknown } };
  },
  zipFolder?: string,
) => Promise<void>;
