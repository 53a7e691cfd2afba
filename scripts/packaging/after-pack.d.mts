// Types for after-pack.mjs (imported by the tests).
import type { PackContext } from './fuses.d.mts';
export declare const afterPack: (context: PackContext) => Promise<void>;
