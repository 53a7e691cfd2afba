import type { Stage } from './governance.js';
import type { Manifest } from './manifest.js';

/** What both registries (folder and HTTP server) answer; the CLI and the app only see this. */
export interface ModelVersionSummary {
  readonly version: number;
  readonly stage: Stage;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly task: Manifest['task'];
  readonly modelType: string;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface ModelSummary {
  readonly name: string;
  readonly production: number | null;
  readonly rollbackTarget: number | null;
  readonly versions: readonly ModelVersionSummary[];
}

export interface PackageFile {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface VersionDetail {
  readonly name: string;
  readonly version: number;
  readonly stage: Stage;
  readonly production: number | null;
  readonly rollbackTarget: number | null;
  readonly manifest: Manifest;
  readonly files: readonly PackageFile[];
}

/** A version number, or the current production version, or the newest version. */
export type VersionRef = number | 'production' | 'latest';

export interface GovernResult {
  readonly name: string;
  readonly version: number;
  readonly stage: Stage;
  readonly production: number | null;
  readonly rollbackTarget: number | null;
}

export interface FetchResult {
  readonly name: string;
  readonly version: number;
  readonly dir: string;
  readonly files: number;
  readonly bytes: number;
}

export interface VerifyProblem {
  readonly kind: 'audit' | 'package';
  readonly message: string;
  readonly seq?: number | null;
  readonly model?: string;
  readonly version?: number;
  readonly file?: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly problems: readonly VerifyProblem[];
  readonly checked: { readonly entries: number; readonly packages: number; readonly files: number };
  readonly head: { readonly seq: number; readonly hash: string } | null;
  /** Facts that are not problems, e.g. how many entries are unsigned (legacy). */
  readonly notes?: readonly string[];
}

export type GovernAction = 'approve' | 'reject' | 'promote' | 'rollback' | 'archive';

export interface Registry {
  readonly location: string;
  /** A repeated publish with the same `idempotencyKey` returns the version the first one made. */
  publish(input: {
    readonly runDir: string;
    readonly name: string;
    readonly idempotencyKey?: string;
  }): Promise<{ name: string; version: number }>;
  list(): Promise<ModelSummary[]>;
  show(name: string, ref: VersionRef): Promise<VersionDetail>;
  /** `version` is ignored by rollback (it always returns to the previous production version). */
  govern(
    action: GovernAction,
    input: { readonly name: string; readonly version?: number; readonly reason?: string },
  ): Promise<GovernResult>;
  fetch(name: string, ref: VersionRef, destDir: string): Promise<FetchResult>;
  verify(): Promise<VerifyReport>;
  /** Verifies one version only (what loading it checks), cached by the registry. */
  verifyVersion(name: string, version: number): Promise<VerifyReport>;
}
