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

  publish(input: {
    readonly runDir: string;
    readonly name: string;
    readonly idempotencyKey?: string;
  }): Promise<{ name: string; version: number }> {
    return this.store.publishRun(
      input.runDir,
      input.name,
      this.actor,
      input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey },
    );
  }

  /** The same check as verify and every load, for one version only (cached): what the app shows beside a version. */
  async verifyVersion(name: string, version: number): Promise<VerifyReport> {
    const { problems } = await this.store.checkOne(name, version);
    return {
      ok: problems.length === 0,
      problems: problems.map((p) => ({ kind: 'package', model: name, version, file: p.file, message: p.message })),
      checked: { entries: 0, packages: 1, files: 0 },
      head: null,
    };
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
