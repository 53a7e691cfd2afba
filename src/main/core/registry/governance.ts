import { REGISTRY_STAGES } from '../../../shared/registry-stages.js';
import { checkpointOf, type AuditEntry, type Checkpoint } from './audit-entry.js';
import { RegistryError } from './errors.js';
import { sameUser } from './names.js';

/**
 * The governance rules as one pure replay over audit entries: the same function checks a new action
 * before it is appended and re-derives stages and approvals from the log, so the rules cannot drift
 * between "what we allowed" and "what we report".
 */
export const STAGES = REGISTRY_STAGES;
export type Stage = (typeof STAGES)[number];

export interface Decision {
  readonly decision: 'approved' | 'rejected';
  readonly by: string;
  readonly at: string;
  readonly reason: string;
}

export interface StageEvent {
  readonly seq: number;
  readonly action: AuditEntry['action'];
  readonly stage: Stage;
  readonly by: string;
  readonly at: string;
  readonly reason: string | null;
}

export interface VersionState {
  readonly name: string;
  readonly version: number;
  stage: Stage;
  readonly author: string;
  readonly trainedBy: string;
  readonly publishedAt: string;
  readonly publishSeq: number;
  readonly files: Readonly<Record<string, string>>;
  readonly manifestCore: string;
  readonly staging: string | null;
  readonly decisions: Decision[];
  readonly history: StageEvent[];
  /** Signed checkpoint of the last entry that changed this version (null while the log is unsigned). */
  checkpoint: Checkpoint | null;
  /** The publish entry's idempotency key, if the client sent one. */
  readonly idempotencyKey: string | null;
}

export interface ModelState {
  readonly name: string;
  readonly versions: Map<number, VersionState>;
  /** Production versions in promotion order; the last is current, the one before it is the rollback target. */
  readonly productionStack: number[];
}

export type RegistryState = Map<string, ModelState>;

export const currentProduction = (model: ModelState): number | null => model.productionStack.at(-1) ?? null;
export const rollbackTarget = (model: ModelState): number | null => model.productionStack.at(-2) ?? null;

const refuse = (code: 'forbidden' | 'conflict' | 'not-found' | 'invalid-argument', message: string): never => {
  throw new RegistryError(code, message);
};

const versionOf = (state: RegistryState, entry: AuditEntry): VersionState => {
  const v = state.get(entry.model)?.versions.get(entry.version);
  return v ?? refuse('not-found', `${entry.model} version ${entry.version} does not exist`);
};

const requireReason = (entry: AuditEntry): string => {
  const reason = entry.reason?.trim() ?? '';
  return reason === ''
    ? refuse('invalid-argument', `${entry.action} needs a reason (who, when and why are recorded)`)
    : reason;
};

const move = (v: VersionState, stage: Stage, entry: AuditEntry) => {
  v.stage = stage;
  v.checkpoint = checkpointOf(entry);
  v.history.push({
    seq: entry.seq,
    action: entry.action,
    stage,
    by: entry.actor,
    at: entry.time,
    reason: entry.reason,
  });
};

const dropFromStack = (model: ModelState, version: number) => {
  const at = model.productionStack.indexOf(version);
  if (at >= 0) model.productionStack.splice(at, 1);
};

/** Applies one entry to the state, or throws if the rules forbid it (the state is then unchanged). */
export const applyEntry = (state: RegistryState, entry: AuditEntry): void => {
  const label = `${entry.model} version ${entry.version}`;
  switch (entry.action) {
    case 'publish': {
      let model = state.get(entry.model);
      if (model === undefined) {
        model = { name: entry.model, versions: new Map(), productionStack: [] };
        state.set(entry.model, model);
      }
      const highest = Math.max(0, ...model.versions.keys());
      if (entry.version <= highest) refuse('conflict', `${label}: versions only grow (highest is ${highest})`);
      const version: VersionState = {
        name: entry.model,
        version: entry.version,
        stage: 'candidate',
        author: entry.actor,
        trainedBy: entry.trainedBy ?? entry.actor,
        publishedAt: entry.time,
        publishSeq: entry.seq,
        files: entry.files ?? {},
        manifestCore: entry.manifestCore ?? '',
        staging: entry.staging ?? null,
        decisions: [],
        history: [],
        checkpoint: null,
        idempotencyKey: entry.idempotencyKey ?? null,
      };
      model.versions.set(entry.version, version);
      move(version, 'candidate', entry);
      return;
    }
    case 'approve': {
      const v = versionOf(state, entry);
      const reason = requireReason(entry);
      if (v.stage !== 'candidate') refuse('conflict', `${label} is ${v.stage}; only a candidate can be approved`);
      if (sameUser(entry.actor, v.author) || sameUser(entry.actor, v.trainedBy)) {
        refuse(
          'forbidden',
          `four-eyes rule: ${entry.actor} published or trained ${label} and cannot approve it; another person must`,
        );
      }
      v.decisions.push({ decision: 'approved', by: entry.actor, at: entry.time, reason });
      move(v, 'approved', entry);
      return;
    }
    case 'reject': {
      const v = versionOf(state, entry);
      const reason = requireReason(entry);
      if (v.stage !== 'candidate' && v.stage !== 'approved')
        refuse('conflict', `${label} is ${v.stage}; only a candidate or approved version can be rejected`);
      v.decisions.push({ decision: 'rejected', by: entry.actor, at: entry.time, reason });
      dropFromStack(state.get(entry.model) as ModelState, entry.version);
      move(v, 'rejected', entry);
      return;
    }
    case 'promote': {
      const v = versionOf(state, entry);
      const model = state.get(entry.model) as ModelState;
      if (v.stage !== 'approved')
        refuse('conflict', `${label} is ${v.stage}; only an approved version can go to production`);
      const previous = currentProduction(model);
      if ((entry.previous ?? null) !== previous)
        refuse('conflict', `${label}: production changed meanwhile (now ${previous ?? 'none'})`);
      if (previous !== null) move(model.versions.get(previous) as VersionState, 'approved', entry);
      dropFromStack(model, entry.version);
      model.productionStack.push(entry.version);
      move(v, 'production', entry);
      return;
    }
    case 'rollback': {
      const model = state.get(entry.model) ?? refuse('not-found', `no model named ${entry.model}`);
      const current = currentProduction(model);
      const target = rollbackTarget(model);
      if (current === null || target === null)
        refuse('conflict', `${entry.model} has no earlier production version to roll back to`);
      if (entry.previous !== current || entry.version !== target)
        refuse('conflict', `${entry.model}: production changed meanwhile`);
      model.productionStack.pop();
      move(model.versions.get(current as number) as VersionState, 'approved', entry);
      move(versionOf(state, entry), 'production', entry);
      return;
    }
    case 'archive': {
      const v = versionOf(state, entry);
      if (v.stage === 'production')
        refuse('conflict', `${label} is in production; promote another version or roll back first`);
      if (v.stage === 'archived') refuse('conflict', `${label} is already archived`);
      dropFromStack(state.get(entry.model) as ModelState, entry.version);
      move(v, 'archived', entry);
      return;
    }
  }
};

export interface ReplayProblem {
  readonly seq: number;
  readonly message: string;
}

/** Replays entries; an entry the rules reject is reported and skipped (only a tampered log has one). */
export const replay = (entries: readonly AuditEntry[]): { state: RegistryState; problems: ReplayProblem[] } => {
  const state: RegistryState = new Map();
  const problems: ReplayProblem[] = [];
  for (const entry of entries) {
    try {
      applyEntry(state, entry);
    } catch (error) {
      problems.push({ seq: entry.seq, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { state, problems };
};

export const cloneState = (state: RegistryState): RegistryState =>
  new Map(
    [...state].map(([name, model]) => [
      name,
      {
        name,
        productionStack: [...model.productionStack],
        versions: new Map(
          [...model.versions].map(([n, v]) => [n, { ...v, decisions: [...v.decisions], history: [...v.history] }]),
        ),
      },
    ]),
  );
