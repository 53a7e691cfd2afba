import { open, rm, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { IngestFileResult } from '../../../shared/domain.js';
import type { ImportPlan } from '../import/plan.js';
import { splitTagAndUnit } from '../import/sniff.js';
import { CancelledError } from '../jobs/cancelled.js';
import { quoteLiteral, type Connection } from './database.js';
import { csvReadFailureOf, directStopOf, isEngineMessage, raiseDirectStop } from './duckdb-errors.js';
import { afterHandover, chooseRoute, type Handover, type IngestRoute } from './ingest-route.js';
import {
  blankLines,
  collectReaderRejects,
  collectRejects,
  rejectBlankedLines,
  swallowingLines,
} from './ingest-rejects.js';
import { longCsvRows, stageFile } from './ingest-stage.js';
import { markLabelCandidates } from './label-candidates.js';
import { dropReaderRejects, ordOf, PENDING_REJECTS, STAGE, type StageContext } from './stage-table.js';

export { emptyLines, lineOfRow } from './ingest-rejects.js';
export { readsTimeNatively } from './ingest-stage.js';

export const DUPLICATE_RULE =
  'one reading per signal and time: a reading already in the workspace is kept, and within a file the first row wins';

export interface IngestProgress {
  (fraction: number | null, message: string): void;
}

export const sha256File = async (file: string, isCancelled: () => boolean): Promise<string> => {
  const hash = createHash('sha256');
  // One buffer, read into again and again: a stream's fresh chunk per read piles up garbage while DuckDB, which
  // imports the same file meanwhile, is using the memory.
  const buffer = Buffer.allocUnsafe(4 << 20);
  const handle = await open(file, 'r');
  try {
    for (;;) {
      if (isCancelled()) throw new CancelledError();
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
};

interface StoreResult {
  readonly rows: number;
  readonly values: number;
  readonly duplicates: number;
  readonly signalIds: readonly number[];
}

/** Thrown inside the import transaction when the optimistic path meets a repeated (signal, time). */
class RetryExactly extends Error {
  constructor() {
    super('duplicate readings found: importing again on the exact path');
    this.name = 'RetryExactly';
  }
}

interface SourceTag {
  readonly asset: string | null;
  readonly src_tag: string;
}

/**
 * Register the signals behind the file's (asset, tag) pairs and map them in `pdm_tagmap`; returns their ids and
 * whether any of them already holds readings.
 */
const registerSignals = async (db: Connection, plan: ImportPlan, distinct: readonly SourceTag[]) => {
  const source = `${plan.format}:${plan.file}`;
  await db.run('DROP TABLE IF EXISTS pdm_tagmap');
  await db.run(
    `CREATE TEMP TABLE pdm_tagmap (asset_in VARCHAR, src_tag VARCHAR, asset VARCHAR, tag VARCHAR, unit VARCHAR, signal_id INTEGER)`,
  );
  const mappings = distinct.map(({ asset, src_tag }) => {
    const { tag, unit } = plan.format === 'cmapss' ? { tag: src_tag, unit: null } : splitTagAndUnit(src_tag);
    const resolvedAsset = plan.assets[tag] ?? asset ?? plan.asset;
    return [asset, src_tag, resolvedAsset, tag, plan.units[tag] ?? unit] as const;
  });
  const literal = (v: string | null) => (v === null ? 'NULL' : quoteLiteral(v));
  for (let start = 0; start < mappings.length; start += 1000) {
    const values = mappings.slice(start, start + 1000).map((m) => `(${m.map(literal).join(', ')}, NULL)`);
    await db.run(`INSERT INTO pdm_tagmap VALUES ${values.join(', ')}`);
  }
  await db.run(
    `INSERT INTO signals (asset, tag, unit, source, time_kind)
     SELECT DISTINCT m.asset, m.tag, m.unit, $1, $2 FROM pdm_tagmap m
     WHERE NOT EXISTS (SELECT 1 FROM signals s WHERE s.asset = m.asset AND s.tag = m.tag)`,
    [source, plan.timeKind],
  );
  const mismatched = await db.all<{ asset: string; tag: string; time_kind: string }>(
    `SELECT s.asset, s.tag, s.time_kind FROM signals s JOIN pdm_tagmap m ON s.asset = m.asset AND s.tag = m.tag
     WHERE s.time_kind <> $1 LIMIT 1`,
    [plan.timeKind],
  );
  const clash = mismatched[0];
  if (clash !== undefined) {
    throw new Error(
      `${plan.file}: signal "${clash.asset} / ${clash.tag}" is indexed by ${clash.time_kind}, this file by ${plan.timeKind}`,
    );
  }
  await db.run(`UPDATE pdm_tagmap m SET signal_id = s.id FROM signals s WHERE s.asset = m.asset AND s.tag = m.tag`);
  const signalIds = (await db.all<{ id: number }>('SELECT DISTINCT signal_id AS id FROM pdm_tagmap ORDER BY 1')).map(
    (r) => r.id,
  );
  const overlap = await db.one<{ n: number }>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM readings WHERE signal_id IN (SELECT signal_id FROM pdm_tagmap) LIMIT 1)`,
  );
  return { signalIds, overlapping: overlap.n > 0 };
};

/**
 * Count the pairs (signal, t) stored twice among the given signals. Only meaningful while those signals hold
 * nothing but this import's readings, stored sorted: then a repeat sits right next to its twin.
 */
const adjacentRepeats = async (db: Connection, signalIds: readonly number[]): Promise<number> => {
  const ids = signalIds.map((id) => Math.trunc(id)).join(', ') || 'NULL';
  const repeats = await db.one<{ n: number }>(
    `SELECT count(*) AS n FROM (SELECT signal_id, t FROM readings WHERE signal_id IN (${ids})) a
     POSITIONAL JOIN (SELECT signal_id AS next_signal, t AS next_t FROM readings WHERE signal_id IN (${ids}) OFFSET 1) b
     WHERE a.signal_id = b.next_signal AND a.t = b.next_t`,
  );
  return repeats.n;
};

/** Register the file's signals, then store the staged readings deduplicated and clustered by (signal, time). */
const storeStaged = async (ctx: StageContext, exact: boolean): Promise<StoreResult> => {
  const { db, plan, step } = ctx;
  await collectRejects(ctx);
  const distinct = await db.all<SourceTag>(`SELECT DISTINCT asset, src_tag FROM ${STAGE}`);
  const { signalIds, overlapping } = await registerSignals(db, plan, distinct);
  const ord = ordOf(plan);
  const joined = `${STAGE} s JOIN pdm_tagmap m ON m.src_tag = s.src_tag AND m.asset_in IS NOT DISTINCT FROM s.asset`;
  const staged = await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${STAGE}`);
  let fresh: string;
  if (!exact && !overlapping) {
    // Optimistic: files rarely repeat a (signal, time), and exact detection up front costs a full grouping.
    // Store sorted, then compare each new reading with its neighbour in one positional scan: the touched
    // signals had no readings before, so their rows are exactly this import's, in sorted order. A repeat
    // rolls the transaction back and the import runs again on the exact path.
    fresh = STAGE;
    await step(
      `INSERT INTO readings SELECT m.signal_id, s.t, s.value, s.quality FROM ${joined} ORDER BY m.signal_id, s.t`,
      0.6,
      0.92,
      'storing',
    );
    if ((await adjacentRepeats(db, signalIds)) > 0) throw new RetryExactly();
  } else {
    // Keep the first row of the file per (signal, time), and nothing the workspace already holds.
    const antiJoin = overlapping
      ? 'WHERE NOT EXISTS (SELECT 1 FROM readings r WHERE r.signal_id = d.signal_id AND r.t = d.t)'
      : '';
    await step(
      `CREATE TEMP TABLE pdm_fresh AS
       SELECT * FROM (
         SELECT m.signal_id, s.t, s.value, s.quality, s.${ord} AS ord FROM ${joined}
         QUALIFY row_number() OVER (PARTITION BY m.signal_id, s.t ORDER BY s.${ord}) = 1
       ) d ${antiJoin}`,
      0.6,
      0.75,
      'resolving duplicates',
    );
    fresh = 'pdm_fresh';
    await step(
      `INSERT INTO readings SELECT signal_id, t, value, quality FROM pdm_fresh ORDER BY signal_id, t`,
      0.75,
      0.97,
      'storing',
    );
  }
  const ordColumn = fresh === STAGE ? ord : 'ord';
  // Long format has one reading per row; the others count source rows that gained at least one reading.
  const stats = await db.one<{ values: number | null; rows: number | null }>(
    plan.format === 'long-csv'
      ? `SELECT count(*) AS "values", count(*) AS rows FROM ${fresh}`
      : `SELECT count(*) AS "values", count(DISTINCT ${ordColumn}) AS rows FROM ${fresh}`,
  );
  await db.run('DROP TABLE IF EXISTS pdm_fresh');
  await db.run('DROP TABLE pdm_tagmap');
  const values = stats.values ?? 0;
  return { rows: stats.rows ?? 0, values, duplicates: staged.n - values, signalIds };
};

/** Rows of the file's head whose tags map the direct path's readings; a tag found later makes it survey the rest. */
const SURVEY_ROWS = 100_000;

const surveyTags = async (db: Connection, plan: ImportPlan, limit: number | null): Promise<SourceTag[]> =>
  db.all<SourceTag>(
    `SELECT DISTINCT asset, src_tag FROM (SELECT asset, src_tag, bad FROM (${longCsvRows(plan, plan.file, null)}) ${limit === null ? '' : `LIMIT ${limit}`})
     WHERE src_tag IS NOT NULL AND bad IS NULL`,
  );

/** What a direct attempt ended in: stored, or handed over to the staged route (its transaction rolled back). */
type DirectOutcome =
  { readonly kind: 'stored'; readonly result: StoreResult } | { readonly kind: 'handover'; readonly reason: Handover };

/**
 * The common case, a clean long CSV of new signals, read straight into `readings` and sorted on the way, with no
 * staging table in between (the staged path writes and reads every reading once more). Runs inside the import
 * transaction. The statement stops (a marker raised in SQL, read back by the error adapter) at the first row it
 * cannot store as is: a row to reject, or a tag the survey missed.
 */
const storeLongCsvDirect = async (ctx: StageContext, tags: readonly SourceTag[]): Promise<DirectOutcome> => {
  const { db, plan, ingestId, step } = ctx;
  const { signalIds, overlapping } = await registerSignals(db, plan, tags);
  if (overlapping) return { kind: 'handover', reason: 'signals with readings' };
  const reject = raiseDirectStop('row to reject');
  let inserted: number;
  try {
    inserted = await step(
      `INSERT INTO readings
       SELECT CASE WHEN s.src_tag IS NULL OR s.bad IS NOT NULL THEN ${reject}
                   ELSE coalesce(m.signal_id, ${raiseDirectStop('tag outside the survey')}) END,
              coalesce(s.t, ${reject}), coalesce(s.value, ${reject}), s.quality
       FROM (${longCsvRows(plan, plan.file, ingestId)}) s
       LEFT JOIN pdm_tagmap m ON m.src_tag = s.src_tag AND m.asset_in IS NOT DISTINCT FROM s.asset
       ORDER BY 1, 2`,
      0.1,
      0.92,
      'reading and storing',
    );
  } catch (error) {
    const stop = directStopOf(error);
    if (stop === null) throw error;
    return { kind: 'handover', reason: stop === 'row to reject' ? 'rows to reject' : 'tags beyond the survey' };
  }
  // An unclosed quote swallowed the lines after it into one reader reject: the staged route reads them again.
  if ((await swallowingLines(db, ingestId)).length > 0) return { kind: 'handover', reason: 'rows to reject' };
  if ((await adjacentRepeats(db, signalIds)) > 0) return { kind: 'handover', reason: 'repeated readings' };
  await db.run('DROP TABLE pdm_tagmap');
  return { kind: 'stored', result: { rows: inserted, values: inserted, duplicates: 0, signalIds } };
};

export interface IngestFileOptions {
  readonly db: Connection;
  readonly plan: ImportPlan;
  readonly progress: IngestProgress;
  readonly isCancelled: () => boolean;
}

const POLL_MS = 150;

/**
 * DuckDB's memory budget while a file imports: sorting a large file by (signal, time) spills less with a little
 * more than the workspace's everyday 1 GB. Measured at 50M rows (npm run bench:ingest): peak RSS 1.5-1.6 GiB at
 * 1.1 GB, against 1.9-2.0 GiB at 1.25 GB, too close to the 2 GiB ceiling for a few percent of speed.
 */
const IMPORT_MEMORY_LIMIT = '1.1GB';

/** Reads of a file whose unclosed quotes swallowed later lines: each read blanks the culprits and reads again. */
const MAX_QUOTE_REREADS = 5;

/** Sentinel that rolls the direct attempt's transaction back when it hands over; never leaves this module. */
class RollBack extends Error {
  constructor(readonly reason: Handover) {
    super(`staged import: ${reason}`);
    this.name = 'RollBack';
  }
}

/** First line (1-based) whose ending differs from the first line's (CRLF vs LF), scanning at most 64 MB. */
const firstOtherLineEnding = async (file: string): Promise<{ line: number; first: string; other: string } | null> => {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(64 << 20);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const bytes = buffer.subarray(0, bytesRead);
    let firstCr: boolean | null = null;
    let line = 1;
    for (let pos = 0; ;) {
      const newline = bytes.indexOf(10, pos);
      if (newline < 0) return null;
      const cr = newline > 0 && bytes[newline - 1] === 13;
      if (firstCr === null) firstCr = cr;
      else if (cr !== firstCr) return { line, first: firstCr ? 'CRLF' : 'LF', other: cr ? 'CRLF' : 'LF' };
      line++;
      pos = newline + 1;
    }
  } finally {
    await handle.close();
  }
};

/** The failure as the user should read it: our own messages pass; the engine's become the file's problem. */
const inUserWords = async (error: unknown, plan: ImportPlan): Promise<Error> => {
  if (error instanceof CancelledError || !isEngineMessage(error)) return error as Error;
  const failure = csvReadFailureOf(error);
  switch (failure.kind) {
    case 'mixed line endings': {
      const other = await firstOtherLineEnding(plan.file).catch(() => null);
      const where = other === null ? '' : `: line 1 ends with ${other.first}, line ${other.line} with ${other.other}`;
      return new Error(
        `${plan.file}: lines end in a mix of CRLF and LF${where}; save the file with one kind of line ending`,
        { cause: error },
      );
    }
    case 'not utf-8':
      return new Error(`${plan.file}: the file is not UTF-8 text; save it as UTF-8`, { cause: error });
    case 'out of memory':
      return new Error(
        `${plan.file}: the import ran out of memory; close other imports or training runs, or split the file`,
        { cause: error },
      );
    case 'other':
      return new Error(
        `${plan.file}: cannot be read as ${plan.format} (check the format, delimiter and time column in the preview)`,
        { cause: error },
      );
    default: {
      const unknown: never = failure.kind;
      throw new Error(`unknown failure ${String(unknown)}`);
    }
  }
};

/** Import one file atomically: everything it adds appears together, or nothing does. */
export const ingestFile = async ({ db, plan, progress, isCancelled }: IngestFileOptions): Promise<IngestFileResult> => {
  const started = Date.now();
  progress(0, 'hashing');
  // What changes the stored result besides the bytes: re-importing with another zone or mapping is new work.
  // The default asset is left out: it follows the file name, and a renamed copy holds the same readings.
  const options = JSON.stringify({
    format: plan.format,
    delimiter: plan.delimiter,
    decimal: plan.decimal,
    timestampFormat: plan.timestampFormat,
    timeZone: plan.timeZone,
    assets: plan.assets,
    units: plan.units,
    timeColumn: plan.timeColumn,
    tagColumn: plan.tagColumn,
    valueColumn: plan.valueColumn,
  });
  const bytes = (await stat(plan.file)).size;
  // The record comes first, so a cancelled or failed hash of a large file is on record too; its hash follows.
  const { id: ingestId } = await db.one<{ id: number }>(
    `INSERT INTO ingests (file, format, sha256, options, status, bytes) VALUES ($1, $2, '', $3, 'running', $4) RETURNING id`,
    [plan.file, plan.format, options, bytes],
  );
  const finish = async (
    status: 'done' | 'failed' | 'cancelled',
    message: string | null,
    r?: StoreResult & { rejected: number },
  ) =>
    db.run(
      `UPDATE ingests SET status = $1, message = $2, finished_at = now(), rows = $3, "values" = $4, rejected = $5, duplicates = $6 WHERE id = $7`,
      [status, message, r?.rows ?? 0, r?.values ?? 0, r?.rejected ?? 0, r?.duplicates ?? 0, ingestId],
    );
  const recordFailure = async (error: unknown): Promise<void> => {
    const cancelled = error instanceof CancelledError;
    await finish(cancelled ? 'cancelled' : 'failed', cancelled ? 'cancelled by user' : (error as Error).message).catch(
      () => undefined,
    );
  };
  // Only a file with the size of an earlier import (or one from before sizes were kept) can repeat it: hash that
  // first and stop if it does. Any other file is new, and is hashed while it imports.
  const maybeRepeat = await db.all(
    `SELECT 1 FROM ingests WHERE status = 'done' AND (bytes IS NULL OR bytes = $1) AND id <> $2 LIMIT 1`,
    [bytes, ingestId],
  );
  const hashing = sha256File(plan.file, isCancelled);
  // Settled here so an abandoned import leaves no unhandled rejection; awaited below for the result.
  hashing.catch(() => undefined);
  const recordHash = async (): Promise<string> => {
    const sha256 = await hashing;
    await db.run('UPDATE ingests SET sha256 = $1 WHERE id = $2', [sha256, ingestId]);
    return sha256;
  };
  const warnings = [...plan.warnings];
  if (maybeRepeat.length > 0) {
    const sha256 = await recordHash().catch(async (error: unknown) => {
      await recordFailure(error);
      throw error;
    });
    const earlier = await db.all<{ id: number; file: string; same: boolean }>(
      `SELECT id, file, options::VARCHAR = $2 AS same FROM ingests WHERE sha256 = $1 AND status = 'done' AND id <> $3
       ORDER BY same DESC, id LIMIT 1`,
      [sha256, options, ingestId],
    );
    const firstEarlier = earlier[0];
    if (firstEarlier?.same === true) {
      await finish('done', `identical to ingest #${firstEarlier.id}; nothing new`);
      progress(1, 'already imported');
      return {
        ingestId,
        file: plan.file,
        format: plan.format,
        sha256,
        rows: 0,
        values: 0,
        rejected: 0,
        duplicates: 0,
        signals: 0,
        signalIds: [],
        previouslyImported: true,
        seconds: (Date.now() - started) / 1000,
        warnings,
      };
    }
    if (firstEarlier !== undefined) {
      // Same bytes, other choices (asset names, zone, mapping): stored again, but never silently.
      warnings.push(
        `the same content was imported before (ingest #${firstEarlier.id}, ${firstEarlier.file}) with other options; its readings are stored again under this import's names`,
      );
    }
  }
  if (plan.assetIsDefault) {
    // A default asset (the file's base name) already filled from another file: the readings join it, said aloud.
    const others = await db.all<{ source: string }>(
      `SELECT DISTINCT source FROM signals WHERE asset = $1 AND source <> $2 ORDER BY 1 LIMIT 3`,
      [plan.asset, `${plan.format}:${plan.file}`],
    );
    if (others.length > 0) {
      warnings.push(
        `asset "${plan.asset}" (named after the file) already holds signals from ${others.map((o) => o.source.replace(/^[a-z-]+:/, '')).join(', ')}; this file's readings join it (choose an asset name to keep them apart)`,
      );
    }
  }
  const step = async (sql: string, from: number, to: number, message: string): Promise<number> => {
    if (isCancelled()) throw new CancelledError();
    progress(from, message);
    const timer = setInterval(() => {
      if (isCancelled()) db.interrupt();
      const p = db.progress();
      progress(p === null ? from : from + (to - from) * p, message);
    }, POLL_MS);
    const stepStarted = performance.now();
    try {
      const changed = await db.change(sql);
      if (process.env['PDM_INGEST_TIMINGS'] === '1') {
        process.stderr.write(`[ingest] ${message}: ${((performance.now() - stepStarted) / 1000).toFixed(2)} s\n`);
      }
      return changed;
    } catch (error) {
      if (isCancelled()) throw new CancelledError();
      throw error;
    } finally {
      clearInterval(timer);
    }
  };
  let ctx: StageContext = { db, plan, ingestId, source: plan.file, step };
  const scratchFolders: string[] = [];
  /** One transaction that stores the file's readings and rejects and closes the record; nothing of it shows before. */
  const commit = (store: () => Promise<StoreResult>) =>
    db.transaction(async () => {
      const stored = await store();
      const rejected = await db.one<{ n: number }>(
        'SELECT count(DISTINCT coalesce(line, -1)) AS n FROM rejects WHERE ingest_id = $1',
        [ingestId],
      );
      await recordHash();
      if (isCancelled()) throw new CancelledError();
      const summary = { ...stored, rejected: rejected.n };
      await finish('done', null, summary);
      return summary;
    });
  /** One direct attempt with the given tags: committed, or rolled back and handed over. */
  const attemptDirect = async (tags: readonly SourceTag[]) =>
    commit(async () => {
      const outcome = await storeLongCsvDirect(ctx, tags);
      if (outcome.kind === 'handover') throw new RollBack(outcome.reason);
      // The reader's own rejects exist once the statement that read the file has run.
      await collectReaderRejects(db, plan, ingestId);
      return outcome.result;
    })
      .then((result) => ({ kind: 'stored' as const, result }))
      .catch(async (error: unknown) => {
        await dropReaderRejects(db, ingestId);
        if (error instanceof RollBack) return { kind: 'handover' as const, reason: error.reason };
        throw error;
      });
  /** The direct route: the head's tags first; a tag beyond them surveys the whole file once. */
  const runDirect = async (): Promise<IngestRoute | (StoreResult & { rejected: number })> => {
    let outcome = await attemptDirect(await surveyTags(db, plan, SURVEY_ROWS));
    if (outcome.kind === 'handover' && outcome.reason === 'tags beyond the survey') {
      outcome = await attemptDirect(await surveyTags(db, plan, null));
    }
    return outcome.kind === 'stored' ? outcome.result : afterHandover(outcome.reason);
  };
  /** Stage the file; an unclosed quote that swallowed later lines is blanked out and the file read again. */
  const stageAll = async (): Promise<void> => {
    const blanked = new Set<number>();
    for (let read = 0; ; read++) {
      await stageFile(ctx);
      const swallowing =
        plan.format === 'long-csv' || plan.format === 'wide-csv' ? await swallowingLines(db, ingestId) : [];
      if (swallowing.length === 0 || read === MAX_QUOTE_REREADS) break;
      for (const line of swallowing) blanked.add(line);
      await dropReaderRejects(db, ingestId);
      await db.run(`DROP TABLE IF EXISTS ${STAGE}`);
      const { copy, folder, removed } = await blankLines(plan.file, blanked);
      scratchFolders.push(folder);
      ctx = { ...ctx, source: copy };
      await db.run(`DROP TABLE IF EXISTS ${PENDING_REJECTS}`);
      await rejectBlankedLines(db, plan, ingestId, removed);
    }
  };
  try {
    await db.run(`SET TimeZone = 'UTC'`);
    await db.run(`SET memory_limit = '${IMPORT_MEMORY_LIMIT}'`);
    let route = chooseRoute(plan);
    let result: (StoreResult & { rejected: number }) | null = null;
    if (route.path === 'direct') {
      const direct = await runDirect();
      if ('path' in direct) route = direct;
      else result = direct;
    }
    if (result === null) {
      const exact = route.path === 'staged' && route.exact;
      // Staging tables are this connection's temporary tables, created before the transaction so their row ids
      // count from 0; everything that lands in the workspace happens inside it.
      await stageAll();
      const staged = (exactly: boolean) => commit(async () => storeStaged(ctx, exactly));
      result = await staged(exact).catch((error: unknown) => {
        if (error instanceof RetryExactly) return staged(true);
        throw error;
      });
    }
    // Label columns (a 0/1 failure flag, a state code) are marked so training does not take them as inputs.
    if (plan.format !== 'cmapss') await markLabelCandidates(db, result.signalIds);
    const sha256 = await hashing;
    await db.run('CHECKPOINT');
    progress(1, 'done');
    return {
      ingestId,
      file: plan.file,
      format: plan.format,
      sha256,
      rows: result.rows,
      values: result.values,
      rejected: result.rejected,
      duplicates: result.duplicates,
      signals: result.signalIds.length,
      signalIds: [...result.signalIds],
      previouslyImported: false,
      seconds: (Date.now() - started) / 1000,
      warnings,
    };
  } catch (error) {
    const failure = isCancelled() ? new CancelledError() : await inUserWords(error, plan);
    await recordFailure(failure);
    throw failure;
  } finally {
    for (const table of [
      STAGE,
      PENDING_REJECTS,
      'pdm_wide',
      'pdm_cmapss_rows',
      'pdm_sorted',
      'pdm_fresh',
      'pdm_tagmap',
    ]) {
      await db.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    }
    await dropReaderRejects(db, ingestId).catch(() => undefined);
    for (const folder of scratchFolders) await rm(folder, { recursive: true, force: true }).catch(() => undefined);
    await db.run(`SET memory_limit = ${quoteLiteral(db.memoryLimit)}`).catch(() => undefined);
  }
};
