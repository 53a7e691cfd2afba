import * as tf from '@tensorflow/tfjs';
import { PROBE_TOLERANCE, type BackendProbe } from '../../../shared/training-engine.js';
import type { ModelConfig } from '../../../shared/training.js';
import { buildEnsemble } from './models.js';

/**
 * The backend probe run before a training run in the renderer engine (and usable in Node): on one real batch,
 * the gradients of every trainable weight on a candidate backend are compared with the cpu backend's, from the
 * same starting weights, and a few training steps are timed. A backend passes when its largest gradient error,
 * relative to the largest cpu gradient of the same weight, is within PROBE_TOLERANCE; the fastest passing
 * backend wins. A backend that lacks a kernel the model needs (tfjs fails hard, with no fallback) is skipped with
 * the kernel's name, so the run never dies mid-training for it. No node:* here: it runs in a Web Worker too.
 */
export interface ProbeInput {
  readonly model: Exclude<ModelConfig, { type: 'pca' }>;
  readonly length: number;
  readonly features: number;
  /** Outputs per window (1 for RUL and classification, length * features for the autoencoder). */
  readonly outputs: number;
  readonly finalActivation: 'linear' | 'sigmoid';
  /** One batch: `n` windows of length * features values, and their targets (n * outputs). */
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly n: number;
  readonly seed: number;
  /** Timed training steps after one warm-up step (the median is reported). */
  readonly timedSteps?: number;
}

/** A backend to try: its tfjs name, or why it cannot be tried at all here (e.g. its package is not installed). */
export interface ProbeCandidate {
  readonly backend: string;
  readonly unavailable?: string;
  /** The GPU adapter the backend runs on (e.g. "WebGPU: nvidia ampere"): the probe's report names it. */
  readonly adapter?: string;
}

export interface ProbeChoice {
  readonly backend: string;
  readonly reason: string;
  readonly probes: readonly BackendProbe[];
}

/** tfjs's own words for a missing kernel: "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'". */
export const missingKernelName = (error: unknown): string | null => {
  const text = error instanceof Error ? error.message : String(error);
  return /Kernel '([^']+)' not registered/.exec(text)?.[1] ?? null;
};

interface Measured {
  readonly grads: readonly Float32Array[];
  readonly msPerStep: number | null;
}

const build = (input: ProbeInput) =>
  buildEnsemble({
    model: input.model,
    length: input.length,
    features: input.features,
    members: 1,
    seed: input.seed,
    l2: 0,
    outputs: input.outputs,
    finalActivation: input.finalActivation,
    outputScale: 1,
  });

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

/** Gradients (and optionally step timing) on the current backend, from `weights` when given. */
const measure = async (
  input: ProbeInput,
  weights: readonly Float32Array[] | null,
  timed: boolean,
): Promise<{ measured: Measured; weights: Float32Array[] }> => {
  const models = build(input);
  const x = tf.tensor3d(input.x, [input.n, input.length, input.features]);
  const y = tf.tensor2d(input.y, [input.n, input.outputs]);
  try {
    const model = models.train;
    if (weights !== null) {
      const current = model.getWeights();
      const next = current.map((w, i) => tf.tensor(weights[i] as Float32Array, w.shape));
      model.setWeights(next);
      tf.dispose(next);
    }
    const start = await Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () => tf.losses.meanSquaredError(y, model.predict(x) as tf.Tensor) as tf.Scalar,
      variables,
    );
    const values = await Promise.all(
      variables.map(async (v) => (await (grads[v.name] as tf.Tensor).data()) as Float32Array),
    );
    tf.dispose([value, ...Object.values(grads)]);
    let msPerStep: number | null = null;
    if (timed) {
      model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
      await model.trainOnBatch(x, y); // warm-up: shader compilation and first uploads are not the steady state
      const times: number[] = [];
      for (let i = 0; i < (input.timedSteps ?? 3); i += 1) {
        const t0 = performance.now();
        await model.trainOnBatch(x, y); // returns the loss as a number: the step has finished on the device
        times.push(performance.now() - t0);
      }
      msPerStep = median(times);
    }
    return { measured: { grads: values, msPerStep }, weights: start };
  } finally {
    tf.dispose([x, y]);
    models.train.dispose();
  }
};

/** Largest |g - ref| / max|ref| over all weights (NaN anywhere counts as infinitely far). */
export const relativeError = (grads: readonly Float32Array[], reference: readonly Float32Array[]): number => {
  let worst = 0;
  reference.forEach((ref, i) => {
    const g = grads[i];
    if (g === undefined || g.length !== ref.length) {
      worst = Infinity;
      return;
    }
    let scale = 0;
    let diff = 0;
    for (let k = 0; k < ref.length; k += 1) {
      scale = Math.max(scale, Math.abs(ref[k] as number));
      const d = Math.abs((g[k] as number) - (ref[k] as number));
      diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    }
    // A weight whose cpu gradient is ~0 everywhere (e.g. a dead unit) is judged on absolute error.
    worst = Math.max(worst, diff / Math.max(scale, 1e-6));
  });
  return worst;
};

const round = (value: number, digits: number): number => Number(value.toPrecision(digits));

const describe = (p: BackendProbe): string =>
  p.msPerStep === null ? p.backend : `${p.backend} ${round(p.msPerStep, 3)} ms/step`;

/**
 * Probe `candidates` (cpu is always the reference and always a fallback) and choose: the user's backend when
 * `forced` names one (refused only when it cannot run this model at all), else the fastest that passed.
 * Leaves the chosen backend set.
 */
export const probeBackends = async (
  input: ProbeInput,
  candidates: readonly ProbeCandidate[],
  forced: string | null,
): Promise<ProbeChoice> => {
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend of TensorFlow.js could not start');
  const reference = await measure(input, null, true);
  const probes: BackendProbe[] = [
    {
      backend: 'cpu',
      status: 'reference',
      maxRelativeError: 0,
      msPerStep: reference.measured.msPerStep,
      detail: 'the reference every other backend is compared with',
    },
  ];
  for (const candidate of candidates) {
    if (candidate.backend === 'cpu') continue;
    if (candidate.unavailable !== undefined) {
      probes.push({
        backend: candidate.backend,
        status: 'unavailable',
        maxRelativeError: null,
        msPerStep: null,
        detail: candidate.unavailable,
      });
      continue;
    }
    try {
      if (!(await tf.setBackend(candidate.backend))) throw new Error(`backend ${candidate.backend} did not start`);
      await tf.ready();
      const grads = await measure(input, reference.weights, false);
      const error = relativeError(grads.measured.grads, reference.measured.grads);
      if (!(error <= PROBE_TOLERANCE)) {
        probes.push({
          backend: candidate.backend,
          status: 'too-far-from-cpu',
          maxRelativeError: Number.isFinite(error) ? round(error, 3) : null,
          msPerStep: null,
          detail: `gradients differ from cpu by ${Number.isFinite(error) ? round(error, 3) : 'NaN'} (tolerance ${PROBE_TOLERANCE})`,
        });
        continue;
      }
      const timed = await measure(input, reference.weights, true);
      probes.push({
        backend: candidate.backend,
        status: 'passed',
        maxRelativeError: round(error, 3),
        msPerStep: timed.measured.msPerStep,
        detail: `gradients within ${PROBE_TOLERANCE} of cpu (largest relative difference ${round(error, 3)})`,
      });
    } catch (error) {
      const kernel = missingKernelName(error);
      probes.push({
        backend: candidate.backend,
        status: kernel !== null ? 'missing-kernel' : 'unavailable',
        maxRelativeError: null,
        msPerStep: null,
        detail:
          kernel !== null
            ? `lacks the kernel ${kernel} that training a ${input.model.type} model needs`
            : `failed to run: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  // Each GPU backend's line names the adapter it was judged on (which GPU passed or failed matters to the user).
  probes.forEach((p, i) => {
    const adapter = candidates.find((c) => c.backend === p.backend)?.adapter;
    if (adapter !== undefined && p.status !== 'unavailable') probes[i] = { ...p, detail: `${p.detail}, on ${adapter}` };
  });
  const skipped = probes.filter((p) => p.status !== 'passed' && p.status !== 'reference');
  const skippedText =
    skipped.length === 0 ? '' : `; skipped: ${skipped.map((p) => `${p.backend} (${p.detail})`).join(', ')}`;
  let chosen: BackendProbe;
  let why: string;
  if (forced !== null) {
    const probe = probes.find((p) => p.backend === forced);
    if (probe === undefined) throw new Error(`backend "${forced}" is not one this engine can use`);
    if (probe.status === 'missing-kernel' || probe.status === 'unavailable') {
      throw new Error(`backend "${forced}" cannot train this ${input.model.type} model: ${probe.detail}`);
    }
    chosen = probe;
    why =
      probe.status === 'too-far-from-cpu'
        ? `chosen in the config (backend "${forced}") although its ${probe.detail}`
        : `chosen in the config (backend "${forced}"); ${probe.detail}`;
  } else {
    const passing = probes.filter((p) => p.status === 'passed' || p.status === 'reference');
    chosen = passing.reduce((best, p) => ((p.msPerStep ?? Infinity) < (best.msPerStep ?? Infinity) ? p : best));
    const others = passing.filter((p) => p !== chosen).map(describe);
    why =
      `fastest backend whose gradients match cpu within ${PROBE_TOLERANCE}: ${describe(chosen)}` +
      (others.length > 0 ? ` (vs ${others.join(', ')})` : '');
  }
  if (!(await tf.setBackend(chosen.backend))) throw new Error(`backend ${chosen.backend} did not start`);
  return { backend: chosen.backend, reason: why + skippedText, probes };
};
