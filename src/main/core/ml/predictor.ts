/** Windows for a model call, row-major: x[(w * length + step) * features + f]. */
export interface PredictorWindows {
  readonly x: Float32Array;
  readonly n: number;
  readonly length: number;
  readonly features: number;
}

/**
 * The model behind a package: one output per window (RUL, anomaly score or failure probability). Declared in ml/
 * so that monitoring/ depends on ml/ and never the other way round.
 */
export interface Predictor {
  /** Where it runs, e.g. "wasm" or "plain TypeScript (no TensorFlow)". */
  readonly backend: string;
  predict(windows: PredictorWindows): Promise<Float32Array>;
  dispose(): void;
}
