import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AuditDraft, AuditEntry, Checkpoint } from './audit-entry.js';
import { appendAuditEntry, checkCheckpoints, loadAuditLog, sealEntry, syncAuditHead } from './audit-log.js';
import { readRegisteredKeys, registerKey } from './key-registry.js';
import { assertOutside, defaultKeyDir, loadOrCreateKey, type SigningKey } from './keys.js';
import { trainerOfRecord } from './run-signature.js';
import { checkWitness, recordWitness } from './witness.js';
import { checkVersionFolder, type VersionCheck } from './version-check.js';
import { RegistryError } from './errors.js';
import {
  applyEntry,
  cloneState,
  currentProduction,
  replay,
  rollbackTarget,
  type RegistryState,
  type VersionState,
} from './governance.js';
import { copyWithHash, formatSums, sha256, SUMS_FILE } from './hash.js';
import { acquireLock, isPidAlive } from './lock.js';
import {
  buildManifestCore,
  governanceOfVersion,
  manifestCoreHash,
  serializeManifest,
  splitManifest,
} from './manifest.js';
import { renderModelCard } from './model-card.js';
import { checkModelName, checkVersion, sameUser } from './names.js';
import { readGovernedFiles, type FileProblem, type GovernedFiles } from './package-check.js';
import { createRegistryConfig, readRegistryConfig, type RegistryConfig } from './registry-config.js';
import type {
  FetchResult,
  GovernAction,
  GovernResult,
  ModelSummary,
  VersionDetail,
  VersionRef,
} from './registry-types.js';
import { GENERATED_FILES, MANIFEST_FILE, MODEL_CARD_FILE, readRunSource } from './run-source.js';

/**
 * A registry in a folder (a network share in practice):
 *
 *   registry.json  audit.jsonl  audit.head  .lock
 *   .staging/<host>.<pid>.<random>/   packages being written
 *   models/<name>/<version>/          complete packages, renamed into place whole
 *
 * Files are copied outside the lock (publishers copy in parallel); the lock is held only to pick the
 * version number, append the audit entry and rename. The audit entry is the commit point: the next
 * writer redoes the effects of the last entry (finishing a rename or a manifest rewrite) before its own.
 */
export const MODELS_DIR = 'models';
export const STAGING_DIR = '.staging';
export const LOCK_FILE = '.lock';
const STAGING_ID = /^[A-Za-z0-9-]{1,64}\.[0-9]{1,10}\.[0-9a-f]{12}$/;
/** Staging folders of processes on other hosts are removed once this old (their pid cannot be checked). */
const STAGING_ABANDONED_MS = 24 * 3600_000;

const safeHost = () =>
  hostname()
    .replace(/[^A-Za-z0-9-]/g, '-')
    .slice(0, 64) || 'host';

const exists = async (path: string) => {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
};

const syncPath = async (path: string) => {
  try {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms and shares cannot fsync a folder; the files themselves were synced.
  }
};

export interface Staged {
  readonly id: string;
  readonly dir: string;
}

export interface FolderStoreOptions {
  readonly create?: boolean;
  readonly config?: Partial<RegistryConfig>;
  /** Where the acting person's private keys live (default: their config folder, or $PDM_KEY_DIR). */
  readonly keyDir?: string;
  /** A registry server signs every entry with its own key instead of the actor's. */
  readonly serverKey?: SigningKey;
}

/** Successful version checks, by (name, version, sums hash, last governance entry, depth). */
const CHECK_CACHE_LIMIT = 2000;

export class FolderStore {
  private readonly checked = new Map<string, true>();

  private constructor(
    readonly root: string,
    readonly config: RegistryConfig,
    private readonly keyDir: string,
    private readonly serverKey: SigningKey | null,
  ) {}

  /** Opens a registry folder; with `create`, makes one (idempotent, safe against concurrent creators). */
  static async open(root: string, options: FolderStoreOptions = {}): Promise<FolderStore> {
    if (options.create === true) {
      await mkdir(root, { recursive: true });
      await createRegistryConfig(root, options.config);
    }
    const config = await readRegistryConfig(root);
    if (config === null)
      throw new RegistryError(
        'not-found',
        `${root} is not a model registry (no registry.json); publish to it once or run "pdm-studio registry init"`,
      );
    await mkdir(join(root, MODELS_DIR), { recursive: true });
    await mkdir(join(root, STAGING_DIR), { recursive: true });
    return new FolderStore(root, config, options.keyDir ?? defaultKeyDir(), options.serverKey ?? null);
  }

  /** A person's own memory of the log (see witness.ts); a registry server is the only writer of its folder. */
  private async checkWitness(entries: readonly AuditEntry[], key: SigningKey): Promise<void> {
    if (this.serverKey === null) await checkWitness(this.keyDir, key.principal, entries);
  }

  private async recordWitness(first: AuditEntry, last: AuditEntry, key: SigningKey): Promise<void> {
    if (this.serverKey === null) await recordWitness(this.keyDir, key.principal, first, last).catch(() => undefined);
  }

  /** The same registry, signing every entry with a registry server's key (the actor stays the token's user). */
  asServer(serverKey: SigningKey): FolderStore {
    return new FolderStore(this.root, this.config, this.keyDir, serverKey);
  }

  /** The version an earlier publish with this idempotency key (by the same user) made, if any. */
  async findIdempotent(
    name: string,
    actor: string,
    idempotencyKey: string,
  ): Promise<{ name: string; version: number } | null> {
    const { state } = await this.readState();
    for (const v of state.get(checkModelName(name))?.versions.values() ?? [])
      if (v.idempotencyKey === idempotencyKey && sameUser(v.author, actor)) return { name, version: v.version };
    return null;
  }

  /**
   * The key that signs an action by `actor`: the server's key on a registry server, else the actor's own,
   * created on first use in their key folder and registered in the registry (first registration wins; a
   * different key for the same name is refused, so nobody signs as someone else from their own computer).
   */
  async signingKey(actor: string): Promise<SigningKey> {
    if (this.serverKey !== null) {
      await registerKey(this.root, this.serverKey);
      return this.serverKey;
    }
    assertOutside(this.keyDir, this.root);
    const key = await loadOrCreateKey(this.keyDir, actor);
    await registerKey(this.root, key);
    return key;
  }

  versionDir(name: string, version: number): string {
    return join(this.root, MODELS_DIR, checkModelName(name), String(checkVersion(version)));
  }

  stagingDir(id: string): string {
    if (!STAGING_ID.test(id)) throw new RegistryError('invalid-argument', 'invalid staging id');
    return join(this.root, STAGING_DIR, id);
  }

  async newStaging(): Promise<Staged> {
    const id = `${safeHost()}.${process.pid}.${randomBytes(6).toString('hex')}`;
    const dir = this.stagingDir(id);
    await mkdir(dir);
    return { id, dir };
  }

  async discardStaging(id: string): Promise<void> {
    await rm(this.stagingDir(id), { recursive: true, force: true });
  }

  /** Copies a run folder's files into a new staging folder, hashing the bytes as they are written. */
  async stageRun(runDir: string): Promise<{ staged: Staged; hashes: Map<string, string> }> {
    const source = await readRunSource(runDir);
    const staged = await this.newStaging();
    try {
      const hashes = new Map<string, string>();
      for (const file of source.files) {
        const digest = await copyWithHash(join(runDir, file.name), join(staged.dir, file.name), {
          fsync: this.config.fsync,
        });
        hashes.set(file.name, digest.sha256);
      }
      return { staged, hashes };
    } catch (error) {
      await this.discardStaging(staged.id);
      throw error;
    }
  }

  async publishRun(
    runDir: string,
    name: string,
    actor: string,
    options: { readonly idempotencyKey?: string } = {},
  ): Promise<{ name: string; version: number }> {
    checkModelName(name);
    const { staged, hashes } = await this.stageRun(runDir);
    try {
      return await this.commit(staged.id, name, actor, hashes, options);
    } catch (error) {
      await this.discardStaging(staged.id);
      throw error;
    }
  }

  private async withLock<T>(
    work: (entries: AuditEntry[], state: RegistryState, check: () => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const lock = await acquireLock(join(this.root, LOCK_FILE), { staleMs: this.config.lockStaleMs });
    try {
      const entries = await loadAuditLog(this.root, { repair: true });
      const state = this.replayStrict(entries);
      await this.redoLast(entries, state);
      return await work(entries, state, lock.check);
    } finally {
      await lock.release();
    }
  }

  private replayStrict(entries: readonly AuditEntry[]): RegistryState {
    const { state, problems } = replay(entries);
    if (problems.length > 0) {
      throw new RegistryError(
        'integrity',
        `the audit log breaks the rules at seq ${problems[0]?.seq ?? '?'} (${problems[0]?.message ?? ''}); run "pdm-studio registry verify"`,
      );
    }
    return state;
  }

  /** Finishes whatever the last entry's writer may have left half done (idempotent). */
  private async redoLast(entries: readonly AuditEntry[], state: RegistryState): Promise<void> {
    await syncAuditHead(this.root, entries, { fsync: this.config.fsync });
    const last = entries.at(-1);
    if (last === undefined) return;
    if (last.action === 'publish') {
      const target = this.versionDir(last.model, last.version);
      if (
        !(await exists(target)) &&
        last.staging !== undefined &&
        (await exists(join(this.stagingDir(last.staging), SUMS_FILE)))
      ) {
        await mkdir(join(this.root, MODELS_DIR, last.model), { recursive: true });
        await rename(this.stagingDir(last.staging), target);
      }
      return;
    }
    for (const version of [last.version, last.previous]) {
      if (typeof version === 'number') await this.materialize(entries, state, last.model, version);
    }
  }

  /** Rewrites a version's manifest, card and SHA256SUMS from the replayed governance state if they differ. */
  private async materialize(
    entries: readonly AuditEntry[],
    state: RegistryState,
    name: string,
    version: number,
  ): Promise<void> {
    const v = state.get(name)?.versions.get(version);
    const dir = this.versionDir(name, version);
    if (v === undefined || !(await exists(dir))) return;
    // Leftovers of an interrupted rewrite are redone from scratch.
    for (const file of [MANIFEST_FILE, MODEL_CARD_FILE, SUMS_FILE])
      await rm(join(dir, `${file}.next`), { force: true });
    const current = await readGovernedFiles(dir, `${name} version ${version}`);
    const { core, governance } = splitManifest(current.manifest);
    // The manifest about to be overwritten may be the only evidence that later entries existed.
    const checkpoint = (governance.checkpoint as Checkpoint | undefined) ?? null;
    if (checkpoint !== null) await this.refuseIfCheckpointLost(entries, name, version, checkpoint);
    if (manifestCoreHash(core) !== v.manifestCore) {
      throw new RegistryError(
        'integrity',
        `${name} version ${version}: ${MANIFEST_FILE} differs from what was published; run "pdm-studio registry verify"`,
      );
    }
    const manifestText = serializeManifest(core, governanceOfVersion(v));
    if (manifestText === current.manifestText) return;
    await this.writeGoverned(dir, manifestText, current.sums, true);
  }

  private async writeGoverned(
    dir: string,
    manifestText: string,
    sums: ReadonlyMap<string, string>,
    replace: boolean,
  ): Promise<void> {
    const manifest = JSON.parse(manifestText) as Parameters<typeof renderModelCard>[0];
    const card = renderModelCard(manifest, sums);
    const nextSums = new Map(sums);
    nextSums.set(MANIFEST_FILE, sha256(manifestText));
    nextSums.set(MODEL_CARD_FILE, sha256(card));
    const files: [string, string][] = [
      [MANIFEST_FILE, manifestText],
      [MODEL_CARD_FILE, card],
      [SUMS_FILE, formatSums(nextSums)],
    ];
    const suffix = replace ? '.next' : '';
    for (const [file, text] of files) {
      await writeFile(join(dir, file + suffix), text);
      if (this.config.fsync) await syncPath(join(dir, file + suffix));
    }
    // SHA256SUMS last: a reader that sees the new sums sees the new manifest and card too.
    if (replace) for (const [file] of files) await rename(join(dir, file + suffix), join(dir, file));
  }

  /** Removes staging folders whose process is gone (same host) or that were abandoned long ago. */
  private async cleanStaging(keep: string): Promise<void> {
    const now = Date.now();
    for (const id of await readdir(join(this.root, STAGING_DIR))) {
      if (id === keep) continue;
      const [host, pid] = id.split('.');
      const dir = join(this.root, STAGING_DIR, id);
      let abandoned = host === safeHost() && pid !== undefined && !isPidAlive(Number(pid));
      if (!abandoned)
        abandoned = now - (await stat(dir).catch(() => ({ mtimeMs: now }))).mtimeMs > STAGING_ABANDONED_MS;
      if (abandoned) await rm(dir, { recursive: true, force: true });
    }
  }

  /** Makes a staged package a version: number, manifest, card, sums, audit entry, rename. */
  async commit(
    stagingId: string,
    name: string,
    actor: string,
    hashes: ReadonlyMap<string, string>,
    options: { readonly idempotencyKey?: string } = {},
  ): Promise<{ name: string; version: number }> {
    checkModelName(name);
    const idempotencyKey = options.idempotencyKey;
    if (idempotencyKey !== undefined && !/^[A-Za-z0-9._-]{8,128}$/.test(idempotencyKey))
      throw new RegistryError('invalid-argument', 'idempotency key: 8 to 128 letters, digits, ".", "_" or "-"');
    const dir = this.stagingDir(stagingId);
    const source = await readRunSource(dir);
    const expected = source.files.map((f) => f.name).sort();
    const given = [...hashes.keys()].sort();
    if (expected.join('\n') !== given.join('\n')) {
      throw new RegistryError(
        'invalid-argument',
        `the package must hold exactly ${expected.join(', ')} (got ${given.join(', ')})`,
      );
    }
    const key = await this.signingKey(actor);
    const trainer = await trainerOfRecord(dir, source.run.createdBy, actor);
    // The trainer's key is registered like anyone's: first use wins, a different key for the name is refused.
    if (trainer.signature !== null)
      await registerKey(this.root, {
        principal: trainer.signature.signer,
        publicKey: trainer.signature.publicKey,
        keyId: trainer.signature.keyId,
      });
    return this.withLock(async (entries, state, check) => {
      const model = state.get(name);
      // The same publish repeated (a client that never saw the answer) gets the version it already made.
      const done =
        idempotencyKey === undefined
          ? undefined
          : [...(model?.versions.values() ?? [])].find(
              (x) => x.idempotencyKey === idempotencyKey && sameUser(x.author, actor),
            );
      if (done !== undefined) {
        await this.discardStaging(stagingId);
        return { name, version: done.version };
      }
      await this.checkWitness(entries, key);
      await this.cleanStaging(stagingId);
      const onDisk = (await readdir(join(this.root, MODELS_DIR, name)).catch(() => [] as string[]))
        .map(Number)
        .filter(Number.isInteger);
      const version = Math.max(0, ...(model === undefined ? [] : model.versions.keys()), ...onDisk) + 1;
      const time = new Date().toISOString();
      const core = buildManifestCore(source, { name, version, createdBy: actor, createdAt: time });
      const draft: AuditDraft = {
        actor,
        action: 'publish',
        model: name,
        version,
        reason: null,
        files: Object.fromEntries([...hashes].filter(([file]) => !GENERATED_FILES.includes(file))),
        manifestCore: manifestCoreHash(core),
        trainedBy: trainer.trainedBy,
        staging: stagingId,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      };
      const entry = sealEntry(draft, entries.at(-1), time, key);
      const next = cloneState(state);
      applyEntry(next, entry);
      const v = next.get(name)?.versions.get(version) as VersionState;
      await this.writeGoverned(dir, serializeManifest(core, governanceOfVersion(v)), hashes, false);
      if (this.config.fsync) await syncPath(dir);
      await check();
      await appendAuditEntry(this.root, entry, { fsync: this.config.fsync });
      await this.recordWitness(entries[0] ?? entry, entry, key);
      await mkdir(join(this.root, MODELS_DIR, name), { recursive: true });
      await rename(dir, this.versionDir(name, version));
      if (this.config.fsync) await syncPath(join(this.root, MODELS_DIR, name));
      return { name, version };
    });
  }

  async govern(
    action: GovernAction,
    input: { readonly name: string; readonly version?: number; readonly reason?: string },
    actor: string,
  ): Promise<GovernResult> {
    const name = checkModelName(input.name);
    const reason = input.reason?.trim() === '' || input.reason === undefined ? null : input.reason.trim();
    if (reason !== null && reason.length > 2000)
      throw new RegistryError('invalid-argument', 'reason: at most 2000 characters');
    const key = await this.signingKey(actor);
    return this.withLock(async (entries, state, check) => {
      await this.checkWitness(entries, key);
      const model = state.get(name) ?? fail('not-found', `no model named ${name}`);
      let version: number;
      let previous: number | null = null;
      if (action === 'rollback') {
        const current = currentProduction(model);
        const target = rollbackTarget(model);
        if (current === null || target === null)
          fail('conflict', `${name} has no earlier production version to roll back to`);
        version = target as number;
        previous = current;
      } else {
        version = checkVersion(input.version ?? fail('invalid-argument', `${action} needs --version`));
        if (action === 'promote') previous = currentProduction(model);
      }
      const draft: AuditDraft = {
        actor,
        action,
        model: name,
        version,
        reason,
        ...(action === 'promote' || action === 'rollback' ? { previous } : {}),
      };
      const entry = sealEntry(draft, entries.at(-1), new Date().toISOString(), key);
      if (action === 'approve') await this.refuseWithoutHeldOutEvaluation(state, name, version);
      // Checked before the entry is appended: a manifest holding evidence of removed entries stops the write.
      for (const affected of [version, previous])
        if (affected !== null) await this.checkEvidence(entries, name, affected);
      applyEntry(state, entry);
      await check();
      await appendAuditEntry(this.root, entry, { fsync: this.config.fsync });
      await this.recordWitness(entries[0] ?? entry, entry, key);
      const all = [...entries, entry];
      for (const affected of [version, previous])
        if (affected !== null) await this.materialize(all, state, name, affected);
      const after = state.get(name) as typeof model;
      const v = after.versions.get(version) as VersionState;
      return {
        name,
        version,
        stage: v.stage,
        production: currentProduction(after),
        rollbackTarget: rollbackTarget(after),
      };
    });
  }

  /**
   * Approval needs figures from a held-out evaluation set. A package whose figures come from the validation assets
   * (which also chose the epoch and the threshold) is refused here, before the entry is appended; the audit replay
   * itself does not check it, so logs written before this rule still replay. Stage and existence are left to the
   * governance rules (their messages say more).
   */
  private async refuseWithoutHeldOutEvaluation(state: RegistryState, name: string, version: number): Promise<void> {
    const v = state.get(name)?.versions.get(version);
    const dir = this.versionDir(name, version);
    if (v === undefined || v.stage !== 'candidate' || !(await exists(dir))) return;
    const { manifest } = await readGovernedFiles(dir, `${name} version ${version}`);
    if (manifest.evaluation.dataset !== null) return;
    throw new RegistryError(
      'forbidden',
      `${name} version ${version} cannot be approved: it has no held-out evaluation set. Its figures come from ` +
        `"validation (used for tuning)", the assets that also chose the training epoch and the alarm threshold ` +
        `(run ${manifest.lineage.runId}). Train again with an evaluation block (evaluation.assets: assets the ` +
        'run does not train on), publish that run and approve the new version.',
    );
  }

  /** The replayed state, read without the lock (readers never block writers). */
  async readState(): Promise<{ entries: AuditEntry[]; state: RegistryState }> {
    const entries = await loadAuditLog(this.root);
    return { entries, state: this.replayStrict(entries) };
  }

  /** Versions of a model that are visible (renamed into place); a publish in flight is not. */
  private async visibleVersions(name: string): Promise<Set<number>> {
    const names = await readdir(join(this.root, MODELS_DIR, name)).catch(() => [] as string[]);
    return new Set(names.filter((n) => /^[1-9][0-9]*$/.test(n)).map(Number));
  }

  async list(): Promise<ModelSummary[]> {
    const { state } = await this.readState();
    const models: ModelSummary[] = [];
    for (const model of [...state.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const visible = await this.visibleVersions(model.name);
      const versions = [];
      for (const v of [...model.versions.values()].filter((x) => visible.has(x.version))) {
        const files = await readGovernedFiles(
          this.versionDir(model.name, v.version),
          `${model.name} version ${v.version}`,
        );
        const m = files.manifest;
        versions.push({
          version: v.version,
          stage: v.stage,
          createdAt: m.createdAt,
          createdBy: m.createdBy,
          task: m.task,
          modelType: m.modelType,
          metrics: m.evaluation.metrics,
        });
      }
      models.push({
        name: model.name,
        production: currentProduction(model),
        rollbackTarget: rollbackTarget(model),
        versions,
      });
    }
    return models;
  }

  async resolve(name: string, ref: VersionRef): Promise<{ state: RegistryState; version: VersionState }> {
    checkModelName(name);
    const { state } = await this.readState();
    const model = state.get(name) ?? fail('not-found', `no model named ${name}`);
    const visible = await this.visibleVersions(name);
    const number =
      ref === 'production'
        ? (currentProduction(model) ?? fail('not-found', `${name} has no production version`))
        : ref === 'latest'
          ? Math.max(0, ...[...model.versions.keys()].filter((n) => visible.has(n)))
          : checkVersion(ref);
    const version = model.versions.get(number);
    if (version === undefined || !visible.has(number)) fail('not-found', `${name} version ${number} does not exist`);
    return { state, version: version as VersionState };
  }

  /** Refuses a write when the manifest of a version it touches holds a checkpoint the log no longer has. */
  private async checkEvidence(entries: readonly AuditEntry[], name: string, version: number): Promise<void> {
    let checkpoint: Checkpoint | null = null;
    try {
      const raw = JSON.parse(await readFile(join(this.versionDir(name, version), MANIFEST_FILE), 'utf8')) as {
        checkpoint?: Checkpoint;
      };
      checkpoint = raw.checkpoint ?? null;
    } catch {
      return; // a missing or broken manifest is refused by materialize, naming it
    }
    if (checkpoint === null) return;
    await this.refuseIfCheckpointLost(entries, name, version, checkpoint);
  }

  /** Refuses a write when `checkpoint` (from the version's manifest) vouches for entries the log no longer has. */
  private async refuseIfCheckpointLost(
    entries: readonly AuditEntry[],
    name: string,
    version: number,
    checkpoint: Checkpoint,
  ): Promise<void> {
    const removed = checkCheckpoints(
      entries,
      [{ where: `${MODELS_DIR}/${name}/${version}/${MANIFEST_FILE}`, checkpoint }],
      await readRegisteredKeys(this.root),
    );
    if (removed.length > 0)
      throw new RegistryError(
        'integrity',
        `${removed[0]?.message ?? ''}; refused, nothing was changed; run "pdm-studio registry verify"`,
      );
  }

  /**
   * Runs the one version check (the same `verify` runs) and caches a pass by name, version, the hash of
   * SHA256SUMS and the last governance entry: viewing a version costs one pass over that version only.
   */
  private async checkVersionCached(
    dir: string,
    v: VersionState,
    contents: 'all' | 'small',
  ): Promise<readonly FileProblem[] | VersionCheck> {
    let sumsText: string;
    try {
      sumsText = await readFile(join(dir, SUMS_FILE), 'utf8');
    } catch {
      sumsText = '';
    }
    const key = [v.name, v.version, sha256(sumsText), v.history.at(-1)?.seq ?? 0, v.checkpoint?.hash ?? ''].join('/');
    if (this.checked.has(`${key}/all`) || this.checked.has(`${key}/${contents}`)) return [];
    const result = await checkVersionFolder(dir, v, { contents, governance: true });
    if (result.problems.length === 0) {
      if (this.checked.size >= CHECK_CACHE_LIMIT) this.checked.clear();
      this.checked.set(`${key}/${contents}`, true);
    }
    return result;
  }

  /** The problems of one version, by the same check as `verify` (cached); empty if it loads cleanly. */
  async checkOne(name: string, ref: VersionRef): Promise<{ version: number; problems: readonly FileProblem[] }> {
    for (let attempt = 0; ; attempt += 1) {
      const { version: v } = await this.resolve(name, ref);
      const result = await this.checkVersionCached(this.versionDir(name, v.version), v, 'all');
      const problems = Array.isArray(result) ? result : (result as VersionCheck).problems;
      // A writer appends the entry, then rewrites the manifest: a reader in between waits and looks again.
      const lag = !Array.isArray(result) && (result as VersionCheck).onlyGovernanceLag;
      if (!lag || attempt >= 5) return { version: v.version, problems };
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
  }

  /** Manifest, card and sums of a version, verified; the governance part reflects the audit log. */
  async readPackage(
    name: string,
    ref: VersionRef,
    options: { readonly contents?: 'all' | 'small' } = {},
  ): Promise<{ detail: VersionDetail; files: GovernedFiles; dir: string }> {
    let found: { state: RegistryState; version: VersionState } | null = null;
    for (let attempt = 0; found === null; attempt += 1) {
      const resolved = await this.resolve(name, ref);
      const dir = this.versionDir(name, resolved.version.version);
      // By default the small files are hashed and everything else is checked against the publish record; the
      // big files' bytes are hashed by whoever copies them (fetch, the HTTP client) or by verifyVersion.
      const result = await this.checkVersionCached(dir, resolved.version, options.contents ?? 'small');
      if (Array.isArray(result) || (result as VersionCheck).problems.length === 0) {
        found = resolved;
        break;
      }
      const check = result as VersionCheck;
      if (!check.onlyGovernanceLag || attempt >= 5)
        fail('integrity', `${check.problems[0]?.message ?? `${name}: damaged`}; the package is refused`);
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
    const { state, version: v } = found;
    const dir = this.versionDir(name, v.version);
    const files = await readGovernedFiles(dir, `${name} version ${v.version}`);
    const { core } = splitManifest(files.manifest);
    const manifest = { ...core, ...governanceOfVersion(v) };
    const model = state.get(name) as NonNullable<ReturnType<RegistryState['get']>>;
    const sizes = new Map(core.files.map((f) => [f.name, f.bytes]));
    sizes.set(MANIFEST_FILE, Buffer.byteLength(files.manifestText));
    sizes.set(MODEL_CARD_FILE, Buffer.byteLength(files.cardText));
    const detail: VersionDetail = {
      name,
      version: v.version,
      stage: v.stage,
      production: currentProduction(model),
      rollbackTarget: rollbackTarget(model),
      manifest,
      files: [...files.sums].map(([file, hex]) => ({ name: file, bytes: sizes.get(file) ?? 0, sha256: hex })),
    };
    return { detail, files, dir };
  }

  async show(name: string, ref: VersionRef): Promise<VersionDetail> {
    return (await this.readPackage(name, ref)).detail;
  }

  /** Copies a version to `destDir` (which must not exist), verifying every byte against SHA256SUMS. */
  async fetch(name: string, ref: VersionRef, destDir: string): Promise<FetchResult> {
    // The small files are checked here; every other byte is hashed below as it is copied.
    const { detail, files, dir } = await this.readPackage(name, ref, { contents: 'small' });
    const partial = `${destDir}.partial-${randomBytes(4).toString('hex')}`;
    if (await exists(destDir)) throw new RegistryError('conflict', `${destDir} already exists`);
    await mkdir(partial, { recursive: true });
    try {
      let bytes = 0;
      for (const [file, expected] of files.sums) {
        if (file === MANIFEST_FILE || file === MODEL_CARD_FILE) continue;
        const digest = await copyWithHash(join(dir, file), join(partial, file));
        if (digest.sha256 !== expected)
          throw new RegistryError(
            'integrity',
            `${name} version ${detail.version}: ${file} does not match ${SUMS_FILE}; the package was modified and is refused`,
          );
        bytes += digest.bytes;
      }
      await writeFile(join(partial, MANIFEST_FILE), files.manifestText);
      await writeFile(join(partial, MODEL_CARD_FILE), files.cardText);
      await writeFile(join(partial, SUMS_FILE), formatSums(files.sums));
      await rename(partial, destDir);
      return { name, version: detail.version, dir: destDir, files: files.sums.size + 1, bytes };
    } catch (error) {
      await rm(partial, { recursive: true, force: true });
      throw error;
    }
  }
}

const fail = (code: 'not-found' | 'conflict' | 'invalid-argument' | 'integrity', message: string): never => {
  throw new RegistryError(code, message);
};
