// Types for generate-icons.mjs (imported by the tests).
export declare const ICON_SOURCE: string;
export declare const DEFAULT_OUT: string;
export declare const ICO_SIZES: readonly number[];
export declare const LINUX_SIZES: readonly number[];
export declare const ICON_FILES: readonly string[];
export declare const generateIcons: (options?: { source?: string; outDir?: string }) => string[];
