import type { ManifestCore } from '../../../shared/registry-manifest.js';

/** Messages between worker-predictor.ts (main) and predictor-worker.ts (the scoring thread); `id` pairs them. */
export type PredictorRequest =
  | { readonly type: 'load'; readonly id: number; readonly manifest: ManifestCore; readonly dir: string }
  | {
      readonly type: 'predict';
      readonly id: number;
      readonly windows: {
        readonly x: Float32Array;
        readonly n: number;
        readonly length: number;
        readonly features: number;
      };
    };

export type PredictorReply =
  | { readonly type: 'ready'; readonly id: number; readonly backend: string }
  | { readonly type: 'output'; readonly id: number; readonly y: Float32Array }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
