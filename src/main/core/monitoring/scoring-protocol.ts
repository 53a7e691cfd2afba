import type { ManifestCore } from '../../../shared/registry-manifest.js';
import type { PredictorWindows } from '../ml/predictor.js';
import type { ScoreRange, ScoringPipeline } from './score.js';

/** Messages between worker-scorer.ts (main) and scoring-worker.ts (the scoring thread); `id` pairs them. */
export type ScorerRequest =
  | { readonly type: 'load'; readonly id: number; readonly manifest: ManifestCore; readonly dir: string }
  | { readonly type: 'predict'; readonly id: number; readonly windows: PredictorWindows }
  | {
      readonly type: 'score-series';
      readonly id: number;
      readonly pipeline: ScoringPipeline;
      readonly readings: readonly { readonly t: Float64Array; readonly values: Float64Array }[];
      readonly range: ScoreRange;
    };

export type ScorerReply =
  | { readonly type: 'ready'; readonly id: number; readonly backend: string }
  | { readonly type: 'output'; readonly id: number; readonly y: Float32Array }
  | {
      readonly type: 'scores';
      readonly id: number;
      readonly windowEnd: Float64Array;
      readonly value: Float64Array;
      readonly incomplete: number;
    }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
