import type { ProbeChoice } from '../main/core/ml/backend-probe.js';
import type { RunEngine } from '../shared/training-engine.js';
import type { TrainProgress } from '../shared/training.js';

/** What the page learns about the renderer engine before any run: backends that start here, and the GPU. */
export interface WebEngineEnvironment {
  /** Backends whose tfjs backend starts in this worker, best first. */
  readonly backends: readonly string[];
  /** Why each missing backend is missing, in the user's words. */
  readonly missing: Readonly<Record<string, string>>;
  readonly adapter: string | null;
  /** Each GPU API's adapter name: the run records the one its backend used. */
  readonly adapters: { readonly webgpu: string | null; readonly webgl: string | null };
  readonly isolated: boolean;
  readonly wasm: { readonly simd: boolean; readonly threads: boolean; readonly threadsCount: number } | null;
}

/** Page -> training Web Worker. `request` is TypedJson text (src/shared/typed-json.ts), decoded in the worker. */
export type WebWorkerRequest =
  | { readonly type: 'environment' }
  | { readonly type: 'train'; readonly request: string }
  /** Probe only (no training): `input` is TypedJson of a ProbeInput; `forced` as a config's backend override. */
  | { readonly type: 'probe'; readonly input: string; readonly forced: string | null }
  | { readonly type: 'cancel' };

/** Training Web Worker -> page. `result` is TypedJson text of the TrainJobResult, artifact.engine filled in. */
export type WebWorkerReply =
  | { readonly type: 'environment'; readonly environment: WebEngineEnvironment }
  | { readonly type: 'progress'; readonly progress: TrainProgress }
  | { readonly type: 'probed'; readonly choice: ProbeChoice; readonly environment: WebEngineEnvironment }
  | { readonly type: 'done'; readonly result: string; readonly engine: RunEngine }
  | { readonly type: 'error'; readonly message: string; readonly cancelled: boolean };
