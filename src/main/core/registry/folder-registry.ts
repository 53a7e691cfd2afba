import { FolderStore } from './folder-store.js';
import type {
  FetchResult,
  GovernAction,
  GovernResult,
  ModelSummary,
  Registry,
  VerifyReport,
  VersionDetail,
  VersionRef,
} from './registry-types.js';
import { verifyRegistry } from './verify.js';

/** A folder registry seen through the common Registry interface, acting as one identity. */
export class FolderRegistry implements Registry {
  constructor(
    readonly store: FolderStore,
    readonly actor: string,
  ) {}

  get location(): string {
    return this.store.root;
  }

  publish(input: { readonly runDir: string; readonly name: string }): Promise<{ name: string; version: number }> {
    return this.store.publishRun(input.runDir, input.name, this.actor);
  }

  list(): Promise<ModelSummary[]> {
    return this.store.list();
  }

  show(name: string, ref: VersionRef): Promise<VersionDetail> {
    return this.store.show(name, ref);
  }

  govern(
    action: GovernAction,
    input: { readonly name: string; readonly version?: number; readonly reason?: string },
  ): Promise<GovernResult> {
    return this.store.govern(action, input, this.actor);
  }

  fetch(name: string, ref: VersionRef, destDir: string): Promise<FetchResult> {
    return this.store.fetch(name, ref, destDir);
  }

  verify(): Promise<VerifyReport> {
    return verifyRegistry(this.store);
  }
}
