import { ApiError, type ApiEvent } from '../../../shared/api.js';
import {
  GPU_BACKENDS,
  type EngineAnnouncement,
  type RunEngine,
  type TrainEngine,
} from '../../../shared/training-engine.js';
import type { TrainConfig, TrainProgress } from '../../../shared/training.js';
import { decodeTypedJson, encodeTypedJson } from '../../../shared/typed-json.js';
import { CancelledError } from '../jobs/cancelled.js';
import type { TrainJobRequest, TrainJobResult } from '../ml/train-job.js';
import type { TrainingHandle } from '../ml/worker-client.js';

/** How long a window may take to pick up an offered run, and to stay silent while training it. */
export interface HandoffTimeouts {
  readonly takeMs: number;
  readonly silenceMs: number;
}

const DEFAULT_TIMEOUTS: HandoffTimeouts = { takeMs: 20_000, silenceMs: 60_000 };
/** An announcement older than this no longer counts for 'auto' (windows repeat theirs every minute). */
const ANNOUNCEMENT_MAX_AGE_MS = 3 * 60_000;

interface Pending {
  readonly request: TrainJobRequest;
  readonly onProgress: (p: TrainProgress) => void;
  readonly resolve: (result: TrainJobResult) => void;
  readonly reject: (error: Error) => void;
  taken: boolean;
  cancelRequested: boolean;
  timer: ReturnType<typeof setTimeout>;
}

/** Where the core sends a run, and the sentence the run record keeps about it. */
export interface Placement {
  readonly place: 'node' | 'renderer';
  readonly reason: string;
}

/**
 * The core's side of the renderer training engine. A run placed in the renderer becomes a pending handoff: an
 * event offers it to every open window, the first to take it trains it in its Web Worker, reports progress (and
 * learns of Cancel in the answer), and finishes it. The training loop, model definitions and run record are the
 * same code as the Node worker's (src/main/core/ml/train-job.ts), so the run folder is written the same way.
 */
export class RendererHandoffs {
  private announced: (EngineAnnouncement & { readonly at: number }) | null = null;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly emit: (event: ApiEvent) => void,
    private readonly timeouts: HandoffTimeouts = DEFAULT_TIMEOUTS,
    private readonly now: () => number = Date.now,
  ) {}

  announce(info: EngineAnnouncement): void {
    this.announced = { ...info, at: this.now() };
  }

  /** The latest window announcement, when recent. */
  engine(): EngineAnnouncement | null {
    if (this.announced === null || this.now() - this.announced.at > ANNOUNCEMENT_MAX_AGE_MS) return null;
    return this.announced;
  }

  /** Decide where a run goes: the config's engine, where 'auto' means the renderer only when a window has a GPU. */
  place(config: Pick<TrainConfig, 'engine' | 'backend'>): Placement {
    const engine: TrainEngine = config.engine ?? 'node';
    const gpuOnly = config.backend === 'webgpu' || config.backend === 'webgl';
    switch (engine) {
      case 'node':
        if (gpuOnly)
          throw new ApiError(
            'invalid-argument',
            `backend "${config.backend}" exists only in the app window's engine: set "engine" to "renderer" or "auto"`,
          );
        return { place: 'node', reason: 'engine "node" (the core\'s worker thread)' };
      case 'renderer':
        return { place: 'renderer', reason: 'engine "renderer" chosen in the config' };
      case 'auto': {
        const seen = this.engine();
        const gpu = seen?.backends.filter((b) => GPU_BACKENDS.includes(b)) ?? [];
        if (gpu.length > 0)
          return {
            place: 'renderer',
            reason: `engine "auto": an open window offers ${gpu.join(', ')}${seen?.adapter ? ` on ${seen.adapter}` : ''}`,
          };
        if (gpuOnly) return { place: 'renderer', reason: `engine "auto" with backend "${config.backend}"` };
        return {
          place: 'node',
          reason:
            seen === null
              ? 'engine "auto": no app window has offered a GPU, so the core\'s worker thread'
              : 'engine "auto": the open window offers no WebGPU or WebGL, so the core\'s worker thread',
        };
      }
    }
  }

  /**
   * Offer a run to the windows; the handle behaves as the Node worker's (worker-client.ts). With `fallback` (engine
   * "auto"), a run no window takes in time trains there instead, and its record says so.
   */
  start(
    request: TrainJobRequest,
    onProgress: (p: TrainProgress) => void,
    fallback?: (request: TrainJobRequest, onProgress: (p: TrainProgress) => void) => TrainingHandle,
  ): TrainingHandle {
    const { runId } = request;
    const seconds = this.timeouts.takeMs / 1000;
    let cancel = () => undefined as void;
    let fallen: TrainingHandle | null = null;
    const result = new Promise<TrainJobResult>((resolve, reject) => {
      const untaken = () => {
        if (fallback === undefined) {
          this.settle(
            runId,
            new Error(
              `no app window took training run ${runId} within ${seconds} s: keep PdM Studio open in a window (desktop or browser mode), or train with engine "node"`,
            ),
          );
          return;
        }
        // The window that offered a GPU is gone (closed, asleep): train in the core rather than fail the run.
        this.pending.delete(runId);
        fallen = fallback(request, onProgress);
        fallen.result.then(
          (r) =>
            resolve({
              ...r,
              artifact: {
                ...r.artifact,
                engine: nodeEngineRecord(
                  r.artifact.backend,
                  `no app window took the run within ${seconds} s, so the core's worker thread`,
                ),
              },
            }),
          reject,
        );
      };
      const entry: Pending = {
        request,
        onProgress,
        resolve,
        reject,
        taken: false,
        cancelRequested: false,
        timer: setTimeout(untaken, this.timeouts.takeMs),
      };
      this.pending.set(runId, entry);
      cancel = () => {
        if (fallen !== null) {
          fallen.cancel();
          return;
        }
        entry.cancelRequested = true;
        // Not yet taken: nothing runs anywhere, so the run ends now.
        if (!entry.taken) this.settle(runId, new CancelledError('training cancelled'));
      };
    });
    this.emit({ type: 'training-handoff', runId, modelType: request.config.model.type });
    return { result, cancel: () => cancel() };
  }

  /** The first window to ask gets the request; later ones are told it is taken. */
  take(runId: string): string {
    const entry = this.pending.get(runId);
    if (entry === undefined) throw new ApiError('not-found', `no training run ${runId} is waiting for a window`);
    if (entry.taken) throw new ApiError('conflict', `training run ${runId} is already being trained by a window`);
    entry.taken = true;
    this.watch(runId, entry);
    return encodeTypedJson(entry.request);
  }

  report(runId: string, progress: TrainProgress | null): { cancel: boolean } {
    const entry = this.taken(runId);
    this.watch(runId, entry);
    if (progress !== null) entry.onProgress(progress);
    return { cancel: entry.cancelRequested };
  }

  finish(
    runId: string,
    outcome: { ok: true; result: string } | { ok: false; message: string; cancelled: boolean },
  ): void {
    this.taken(runId);
    if (!outcome.ok) {
      this.settle(
        runId,
        outcome.cancelled ? new CancelledError(outcome.message) : new Error(`in the app window: ${outcome.message}`),
      );
      return;
    }
    const result = decodeTypedJson<TrainJobResult>(outcome.result);
    if (result.artifact?.runId !== runId) {
      this.settle(
        runId,
        new Error(`the app window returned a result for another run (${String(result.artifact?.runId)})`),
      );
      return;
    }
    this.settle(runId, null, result);
  }

  private taken(runId: string): Pending {
    const entry = this.pending.get(runId);
    if (entry === undefined || !entry.taken)
      throw new ApiError('not-found', `training run ${runId} is not being trained by a window`);
    return entry;
  }

  /** A window that stops answering (closed, reloaded, crashed) must not leave the job running for ever. */
  private watch(runId: string, entry: Pending): void {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(
      () =>
        this.settle(
          runId,
          entry.cancelRequested
            ? new CancelledError('training cancelled')
            : new Error(
                `the app window training run ${runId} stopped answering for ${this.timeouts.silenceMs / 1000} s (closed or reloaded?)`,
              ),
        ),
      this.timeouts.silenceMs,
    );
  }

  private settle(runId: string, error: Error | null, result?: TrainJobResult): void {
    const entry = this.pending.get(runId);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.pending.delete(runId);
    if (error !== null) entry.reject(error);
    else entry.resolve(result as TrainJobResult);
  }
}

/** The run record's engine entry for a run trained in the Node worker (the renderer engine writes its own). */
export const nodeEngineRecord = (backend: string, reason: string): RunEngine => ({
  place: 'node',
  backend,
  adapter: null,
  isolated: null,
  reason,
  probes: [],
});
