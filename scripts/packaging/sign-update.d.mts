// Types for sign-update.mjs (imported by the tests).
export declare const signFeeds: (folder: string, keyPem: string) => string[];
