import { rm } from 'node:fs/promises';
import type { DriftReference } from '../../../shared/monitoring.js';
import type { Manifest } from '../../../shared/registry-manifest.js';
import type { SeriesScorer } from './score.js';

/** A model package fetched from the registry (hash-verified) with its scoring worker running. */
export interface LoadedPackage {
  /** Confirmed version and package hash: a change of either means another package. */
  readonly key: string;
  readonly manifest: Manifest;
  readonly reference: DriftReference | null;
  readonly predictor: SeriesScorer;
  /** The scratch folder the package was fetched into. */
  readonly scratch: string;
}

export const disposePackage = async (loaded: LoadedPackage): Promise<void> => {
  loaded.predictor.dispose();
  await rm(loaded.scratch, { recursive: true, force: true });
};

/**
 * What a follow loop keeps between rounds, by deployment (a champion and its challengers): fetching a package and
 * starting its worker took seconds of every round, most of follow mode's latency.
 */
export class PackageCache {
  private readonly kept = new Map<string, LoadedPackage>();

  get(deploymentId: string): LoadedPackage | undefined {
    return this.kept.get(deploymentId);
  }

  keep(deploymentId: string, loaded: LoadedPackage): void {
    this.drop(deploymentId);
    this.kept.set(deploymentId, loaded);
  }

  /** Forget and dispose (the worker ends, the scratch folder goes). */
  drop(deploymentId: string): void {
    const loaded = this.kept.get(deploymentId);
    if (loaded === undefined) return;
    this.kept.delete(deploymentId);
    void disposePackage(loaded);
  }

  async clear(): Promise<void> {
    const all = [...this.kept.values()];
    this.kept.clear();
    await Promise.all(all.map(disposePackage));
  }
}
