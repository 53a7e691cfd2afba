/** One epoch of a training job's live loss curve. */
export interface LossPoint {
  readonly epoch: number;
  readonly loss: number | null;
  readonly valLoss: number | null;
}

export interface TrainingProgressEvent {
  readonly jobId: string;
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number | null;
  readonly valLoss: number | null;
}

/** Loss curves by job id, with each job's epoch budget. */
export interface LossCurves {
  readonly [jobId: string]: { readonly epochs: number; readonly points: readonly LossPoint[] } | undefined;
}

const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/**
 * Add one 'training-progress' event: a repeated epoch replaces the earlier point (ensembles and retries report
 * again), points stay in epoch order. Unchanged input when nothing changes, so React can skip a render.
 */
export const addProgress = (curves: LossCurves, event: TrainingProgressEvent): LossCurves => {
  const current = curves[event.jobId];
  const point: LossPoint = { epoch: event.epoch, loss: finiteOrNull(event.loss), valLoss: finiteOrNull(event.valLoss) };
  const points = (current?.points ?? []).filter((p) => p.epoch !== event.epoch);
  const insertAt = points.findIndex((p) => p.epoch > event.epoch);
  const next = insertAt < 0 ? [...points, point] : [...points.slice(0, insertAt), point, ...points.slice(insertAt)];
  return { ...curves, [event.jobId]: { epochs: event.epochs, points: next } };
};

/** The latest epoch reported and the share of the epoch budget it represents. */
export const curveProgress = (
  curve: LossCurves[string],
): { epoch: number; epochs: number; fraction: number } | null => {
  if (curve === undefined || curve.points.length === 0) return null;
  const last = curve.points[curve.points.length - 1] as LossPoint;
  return {
    epoch: last.epoch,
    epochs: curve.epochs,
    fraction: curve.epochs > 0 ? Math.min(1, last.epoch / curve.epochs) : 0,
  };
};
