import { appendFile, open, readFile, rename, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AuditEntrySchema,
  checkpointOf,
  GENESIS_HASH,
  type AuditDraft,
  type AuditEntry,
  type Checkpoint,
} from './audit-entry.js';
import { canonicalJson } from './canonical-json.js';
import { RegistryError } from './errors.js';
import { sha256 } from './hash.js';
import { readRegisteredKeys, type RegisteredKey } from './key-registry.js';
import { SERVER_PRINCIPAL, signEntryHash, verifyEntryHash, type SigningKey } from './keys.js';

/**
 * The hash-chained audit log: `audit.jsonl`, one entry per line, each carrying the hash of the one before
 * (`prev`) and its own hash over its canonical JSON. `audit.head` records the last sequence number and
 * hash, so deleting the newest entries is detected too (a chain alone cannot see a shortened tail).
 */
export const AUDIT_FILE = 'audit.jsonl';
export const AUDIT_HEAD_FILE = 'audit.head';

export const entryHash = (entry: Omit<AuditEntry, 'hash'> & { hash?: string }): string => {
  const { hash: _ignored, sig: _signature, ...rest } = entry;
  return sha256(canonicalJson(rest));
};

/** Numbers, chains and (with a key) signs an entry; the key's owner and id are part of what is hashed. */
export const sealEntry = (
  draft: AuditDraft,
  last: AuditEntry | undefined,
  time: string,
  key: SigningKey | null = null,
): AuditEntry => {
  const unsealed = {
    seq: (last?.seq ?? 0) + 1,
    time,
    ...draft,
    ...(key === null ? {} : { signer: key.principal, key: key.keyId }),
    prev: last?.hash ?? GENESIS_HASH,
  };
  const hash = entryHash(unsealed);
  return { ...unsealed, hash, ...(key === null ? {} : { sig: signEntryHash(key, hash) }) };
};

/** audit.head: the checkpoint of the newest entry (only seq and hash while the log is unsigned). */
export type AuditHead = Pick<Checkpoint, 'seq' | 'hash'> & Partial<Checkpoint>;

const describeEntry = (e: Pick<AuditEntry, 'seq' | 'action' | 'model' | 'version' | 'actor'>) =>
  `audit entry seq ${e.seq} (${e.action} ${e.model} v${e.version} by ${e.actor})`;

export interface SignatureCheck {
  readonly problems: AuditProblem[];
  /** Entries before the first signed one: written by an older version of the tools. */
  readonly legacy: number;
}

/**
 * Checks that every entry after the first signed one is signed, by its actor (or the registry server),
 * with the key registered for that signer, and that the signature verifies. A forged entry with a correct
 * `prev` and `hash` fails here: making its signature needs the named person's private key.
 */
export const checkSignatures = (
  entries: readonly AuditEntry[],
  keys: ReadonlyMap<string, RegisteredKey>,
): SignatureCheck => {
  const problems: AuditProblem[] = [];
  let legacy = 0;
  let signedSeen = false;
  for (const entry of entries) {
    const where = describeEntry(entry);
    if (entry.sig === undefined || entry.signer === undefined || entry.key === undefined) {
      if (signedSeen)
        problems.push(
          problem(
            entry.seq,
            null,
            `${where} is not signed although the entries before it are: forged or added by hand`,
          ),
        );
      else legacy += 1;
      continue;
    }
    signedSeen = true;
    const why = verifyCheckpointSignature(
      { signer: entry.signer, key: entry.key, sig: entry.sig, hash: entry.hash, by: entry.actor },
      keys,
    );
    if (why !== null) problems.push(problem(entry.seq, null, `${where} ${why}`));
  }
  return { problems, legacy };
};

/** Null if the signature is good; otherwise why not, in words. */
export const verifyCheckpointSignature = (
  c: {
    readonly signer: string;
    readonly key: string;
    readonly sig: string;
    readonly hash: string;
    readonly by: string;
  },
  keys: ReadonlyMap<string, RegisteredKey>,
): string | null => {
  if (c.signer !== c.by && c.signer !== SERVER_PRINCIPAL)
    return `is signed by ${c.signer}, not by ${c.by} who it names as the actor: forged`;
  const registered = keys.get(c.signer);
  if (registered === undefined)
    return `is signed with key ${c.key.slice(0, 16)}…, but no key of ${c.signer} is registered in keys/: forged, or keys/${c.signer}.pub was deleted`;
  if (registered.keyId !== c.key)
    return `is signed with key ${c.key.slice(0, 16)}…, but ${c.signer}'s registered key is ${registered.keyId.slice(0, 16)}…: forged, or keys/${c.signer}.pub was replaced`;
  if (!verifyEntryHash(registered.publicKey, c.hash, c.sig))
    return `carries a signature that does not verify with ${c.signer}'s key: forged`;
  return null;
};

/**
 * Compares signed checkpoints found outside the log (audit.head, manifests) with the log: one that
 * verifies and names an entry the log no longer has, or a different one, proves entries were removed or
 * replaced, whoever rewrote audit.jsonl afterwards.
 */
export const checkCheckpoints = (
  entries: readonly AuditEntry[],
  evidence: readonly { readonly where: string; readonly checkpoint: Checkpoint }[],
  keys: ReadonlyMap<string, RegisteredKey>,
): AuditProblem[] => {
  const problems: AuditProblem[] = [];
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  const lastSeq = entries.at(-1)?.seq ?? 0;
  const reported = new Set<string>();
  for (const { where, checkpoint: c } of evidence) {
    const what = `${c.action} by ${c.by}`;
    const why = verifyCheckpointSignature(c, keys);
    let message: string | null = null;
    if (why !== null) message = `the audit checkpoint in ${where} (seq ${c.seq}, ${what}) ${why}`;
    else if (c.seq > lastSeq)
      message = `${c.seq === lastSeq + 1 ? `audit entry seq ${c.seq} was` : `audit entries seq ${lastSeq + 1}..${c.seq} were`} removed from the end of the log: ${where} holds the checkpoint of seq ${c.seq} (${what}, signed by ${c.signer}), the log ends at seq ${lastSeq}`;
    else if (!bySeq.has(c.seq))
      message = `audit entry seq ${c.seq} was removed: ${where} holds its checkpoint (${what}, signed by ${c.signer})`;
    else if (bySeq.get(c.seq)?.hash !== c.hash)
      message = `audit entry seq ${c.seq} was replaced: ${where} holds the checkpoint of seq ${c.seq} (${what}, signed by ${c.signer}) and the log has a different entry there`;
    if (message !== null && !reported.has(message)) {
      reported.add(message);
      problems.push(problem(c.seq, null, message));
    }
  }
  return problems;
};

export interface AuditProblem {
  readonly kind: 'audit';
  /** The sequence number concerned (of the edited entry, or the first missing one). */
  readonly seq: number | null;
  readonly line: number | null;
  readonly message: string;
}

export interface AuditCheck {
  /** Entries that parsed and carry their own correct hash, in file order. */
  readonly entries: AuditEntry[];
  readonly problems: AuditProblem[];
  /** Sequence numbers of entries found edited (their content may not be trusted). */
  readonly damaged: Set<number>;
}

const problem = (seq: number | null, line: number | null, message: string): AuditProblem => ({
  kind: 'audit',
  seq,
  line,
  message,
});

/** Checks the whole chain and reports each edited, inserted or deleted entry by sequence number and line. */
export const checkAuditLog = (text: string, head: AuditHead | null): AuditCheck => {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const entries: AuditEntry[] = [];
  const problems: AuditProblem[] = [];
  const damaged = new Set<number>();
  let expectedSeq = 1;
  let previous: { entry: AuditEntry; line: number } | null = null;
  let previousOk = true;
  lines.forEach((raw, index) => {
    const line = index + 1;
    let entry: AuditEntry | null = null;
    try {
      const parsed = AuditEntrySchema.safeParse(JSON.parse(raw));
      if (parsed.success) entry = parsed.data;
    } catch {
      entry = null;
    }
    if (entry === null) {
      problems.push(
        problem(
          expectedSeq,
          line,
          `audit entry at line ${line} (seq ${expectedSeq}?) is not a valid entry: edited or corrupted`,
        ),
      );
      damaged.add(expectedSeq);
      expectedSeq += 1;
      previous = null;
      previousOk = false;
      return;
    }
    if (entry.seq > expectedSeq) {
      const range =
        entry.seq - 1 === expectedSeq ? `seq ${expectedSeq} is` : `seq ${expectedSeq}..${entry.seq - 1} are`;
      problems.push(problem(expectedSeq, line, `audit entry ${range} missing before line ${line}: deleted`));
    } else if (entry.seq < expectedSeq) {
      problems.push(
        problem(entry.seq, line, `audit entry at line ${line} repeats seq ${entry.seq}: inserted or reordered`),
      );
    }
    const selfOk = entryHash(entry) === entry.hash;
    if (!selfOk) {
      problems.push(
        problem(
          entry.seq,
          line,
          `audit entry seq ${entry.seq} (line ${line}, ${entry.action} ${entry.model} v${entry.version}) was edited: its content does not match its hash`,
        ),
      );
      damaged.add(entry.seq);
    } else if (entry.seq === expectedSeq) {
      const prev = previous as { entry: AuditEntry; line: number } | null;
      const expectedPrev = prev === null ? (entry.seq === 1 ? GENESIS_HASH : null) : prev.entry.hash;
      if (expectedPrev !== null && previousOk && entry.prev !== expectedPrev && prev !== null) {
        problems.push(
          problem(
            prev.entry.seq,
            prev.line,
            `audit entry seq ${prev.entry.seq} (line ${prev.line}) was edited and re-hashed: entry seq ${entry.seq} no longer chains to it`,
          ),
        );
        damaged.add(prev.entry.seq);
      } else if (expectedPrev === GENESIS_HASH && entry.prev !== GENESIS_HASH) {
        problems.push(
          problem(
            entry.seq,
            line,
            `audit entry seq 1 (line ${line}) does not start the chain: entries before it were deleted`,
          ),
        );
      }
    }
    if (selfOk) entries.push(entry);
    expectedSeq = Math.max(expectedSeq, entry.seq + 1);
    previous = { entry, line };
    previousOk = selfOk;
  });
  const lastSeq = expectedSeq - 1;
  if (head !== null) {
    if (head.seq > lastSeq) {
      const range = head.seq === lastSeq + 1 ? `seq ${head.seq} is` : `seq ${lastSeq + 1}..${head.seq} are`;
      const what = head.action === undefined ? '' : `, the last a ${head.action} by ${head.by ?? '?'}`;
      problems.push(
        problem(
          lastSeq + 1,
          null,
          `audit entry ${range} missing at the end of the log (audit.head records seq ${head.seq}${what}): deleted`,
        ),
      );
    } else if (head.seq === lastSeq) {
      const last = entries.at(-1);
      if (last !== undefined && last.seq === lastSeq && last.hash !== head.hash && !damaged.has(lastSeq)) {
        problems.push(
          problem(
            lastSeq,
            lines.length,
            `audit entry seq ${lastSeq} (line ${lines.length}) was edited and re-hashed: it does not match audit.head`,
          ),
        );
        damaged.add(lastSeq);
      }
    }
  } else if (lines.length > 0) {
    problems.push(
      problem(
        null,
        null,
        `${AUDIT_HEAD_FILE} is missing: it records the newest entry, so entries after seq ${lastSeq} may have been deleted with it`,
      ),
    );
  }
  return { entries, problems, damaged };
};

const readText = async (path: string): Promise<string | null> => {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
};

export const readAuditHead = async (root: string): Promise<AuditHead | null> => {
  const text = await readText(join(root, AUDIT_HEAD_FILE));
  if (text === null) return null;
  try {
    const head = JSON.parse(text) as AuditHead;
    if (typeof head.seq === 'number' && typeof head.hash === 'string') return head;
  } catch {
    // fall through
  }
  throw new RegistryError('integrity', `${AUDIT_HEAD_FILE} is damaged; run "pdm-studio registry verify"`);
};

export const readAuditText = async (root: string): Promise<string> => (await readText(join(root, AUDIT_FILE))) ?? '';

/**
 * The entries of an intact log, for operations. Anything but a torn final line (a writer killed in the
 * middle of appending, which had not committed anything) makes the registry refuse to work.
 * `repair` (only under the lock) cuts such a torn line off.
 */
export const loadAuditLog = async (
  root: string,
  options: { readonly repair?: boolean } = {},
): Promise<AuditEntry[]> => {
  const path = join(root, AUDIT_FILE);
  let text = (await readText(path)) ?? '';
  if (text !== '' && !text.endsWith('\n')) {
    const cut = text.lastIndexOf('\n') + 1;
    if (options.repair === true) await truncate(path, cut);
    text = text.slice(0, cut);
  }
  let head = await readAuditHead(root);
  const keys = await readRegisteredKeys(root);
  const check = checkAuditLog(text, null);
  const last = check.entries.at(-1);
  // A writer killed between appending and updating the head leaves the head one behind (or, after the very
  // first entry, absent): not tampering, provided that entry's signature holds (checked below).
  if (head !== null && last !== undefined && head.seq === last.seq - 1 && last.prev === head.hash)
    head = { seq: last.seq, hash: last.hash };
  if (head === null && last !== undefined && last.seq === 1 && check.entries.length === 1)
    head = { seq: last.seq, hash: last.hash };
  const full = checkAuditLog(text, head);
  const problems = [...full.problems, ...checkSignatures(full.entries, keys).problems];
  if (head?.sig !== undefined) {
    const c = {
      ...head,
      action: head.action ?? 'publish',
      by: head.by ?? '',
      signer: head.signer ?? '',
      key: head.key ?? '',
    };
    problems.push(...checkCheckpoints(full.entries, [{ where: AUDIT_HEAD_FILE, checkpoint: c as Checkpoint }], keys));
  }
  if (problems.length > 0) {
    throw new RegistryError(
      'integrity',
      `the audit log is damaged (${problems[0]?.message ?? ''}); run "pdm-studio registry verify"`,
    );
  }
  return full.entries;
};

const writeHead = async (root: string, entry: AuditEntry, fsync: boolean) => {
  const path = join(root, AUDIT_HEAD_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(checkpointOf(entry) ?? { seq: entry.seq, hash: entry.hash })}\n`);
  if (fsync) await syncFile(temp);
  await rename(temp, path);
};

const syncFile = async (path: string) => {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

/** Appends one sealed entry (caller holds the lock) and moves the head to it. */
export const appendAuditEntry = async (
  root: string,
  entry: AuditEntry,
  options: { readonly fsync: boolean },
): Promise<void> => {
  const path = join(root, AUDIT_FILE);
  await appendFile(path, `${JSON.stringify(entry)}\n`);
  if (options.fsync) await syncFile(path);
  await writeHead(root, entry, options.fsync);
};

/** Brings a lagging head up to the last entry (after a writer died between the two writes). */
export const syncAuditHead = async (
  root: string,
  entries: readonly AuditEntry[],
  options: { readonly fsync: boolean },
): Promise<void> => {
  const last = entries.at(-1);
  if (last === undefined) return;
  const head = await readAuditHead(root);
  if (head?.seq !== last.seq || head.hash !== last.hash || (head.sig === undefined && last.sig !== undefined))
    await writeHead(root, last, options.fsync);
};
