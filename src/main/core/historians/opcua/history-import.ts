import {
  DataType,
  HistoryReadRequest,
  ReadRawModifiedDetails,
  StatusCodes,
  TimestampsToReturn,
  type ClientSession,
  type DataValue,
  type HistoryReadResult,
} from 'node-opcua';
import { signalKey, type StreamCheckpoint, type StreamPart } from '../../workspace/stream-ingest.js';
import type { Workspace } from '../../workspace/workspace.js';
import { CancelledError, type ImportControl, type TagProgress } from '../control.js';
import { describeTags, type OpcuaTag } from './browse.js';

export interface OpcuaImportRequest {
  readonly endpoint: string;
  readonly nodeIds: readonly string[];
  /** ms since the epoch; omitted: continue each tag from its checkpoint ("update to now"). */
  readonly fromMs?: number | undefined;
  /** ms since the epoch (exclusive); omitted: now. */
  readonly toMs?: number | undefined;
  /** numValuesPerNode of each HistoryRead. */
  readonly valuesPerRead?: number;
  /** Tags per HistoryRead request. */
  readonly tagsPerRead?: number;
  /** Asset for tags whose parent object has no name. */
  readonly defaultAsset?: string;
}

export interface OpcuaImportResult {
  readonly values: number;
  readonly duplicates: number;
  readonly tags: number;
  readonly resumed: boolean;
  readonly requests: number;
  readonly seconds: number;
  readonly ingestId: number | null;
  readonly signalIds: number[];
  readonly perTag: { nodeId: string; asset: string; tag: string; fromMs: number; toMs: number; values: number }[];
}

interface TagState {
  readonly index: number;
  readonly meta: OpcuaTag;
  readonly key: string;
  readonly asset: string;
  readonly startMs: number;
  continuationPoint: Buffer | null;
  lastMs: number;
  received: number;
  done: boolean;
}

/** A value as a number: numbers and booleans; Int64/UInt64 arrive as [high, low]. Anything else has none. */
const numericValue = (dv: DataValue): number | null => {
  const variant = dv.value;
  if (variant === null || variant === undefined) return null;
  const v = variant.value as unknown;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if ((variant.dataType === DataType.Int64 || variant.dataType === DataType.UInt64) && Array.isArray(v) && v.length === 2) {
    return (v[0] as number) * 4294967296 + (v[1] as number);
  }
  return null;
};

/** Time of a value in µs since the epoch (DateTime has 100 ns resolution; JS keeps ms + picoseconds). */
const micros = (dv: DataValue): number | null => {
  const ts = dv.sourceTimestamp ?? dv.serverTimestamp;
  if (ts === null || ts === undefined) return null;
  const pico = dv.sourceTimestamp ? dv.sourcePicoseconds : dv.serverPicoseconds;
  return ts.getTime() * 1000 + Math.floor((pico ?? 0) / 1_000_000);
};

const historyStatusMessage = (tag: TagState, result: HistoryReadResult): string => {
  const sc = result.statusCode;
  const name = `${tag.asset}/${tag.meta.name} (${tag.meta.nodeId})`;
  if (sc.equals(StatusCodes.BadHistoryOperationUnsupported) || sc.equals(StatusCodes.BadHistoryOperationInvalid)) {
    return `the server does not support raw history reads for ${name} (${sc.name})`;
  }
  if (sc.equals(StatusCodes.BadNodeIdUnknown)) return `unknown tag on the server: ${name}`;
  if (sc.equals(StatusCodes.BadUserAccessDenied) || sc.equals(StatusCodes.BadNotReadable)) {
    return `the server refuses history of ${name} to this user (${sc.name})`;
  }
  if (sc.equals(StatusCodes.BadContinuationPointInvalid)) {
    return `the server forgot the continuation point of ${name} (${sc.name}); run the import again to resume`;
  }
  return `history read of ${name} failed: ${sc.name} (${sc.description})`;
};

/**
 * Import raw history (HistoryRead, ReadRawModifiedDetails) of many tags into the workspace.
 * Each answer is stored with the tags' checkpoints in one transaction, so an interrupted import resumes from
 * the last committed value with no gap and no duplicate. Continuation points are followed, guarded against a
 * server that repeats one without progress, and released on cancel or error.
 */
export const importOpcuaHistory = async (
  workspace: Workspace,
  session: ClientSession,
  request: OpcuaImportRequest,
  control: ImportControl = {},
): Promise<OpcuaImportResult> => {
  const started = Date.now();
  const isCancelled = control.isCancelled ?? (() => false);
  const toMs = request.toMs ?? Date.now();
  const valuesPerRead = request.valuesPerRead ?? 10_000;
  const tagsPerRead = request.tagsPerRead ?? 20;
  const nodeIds = [...new Set(request.nodeIds)];
  if (nodeIds.length === 0) throw new Error('name at least one tag');
  const metas = await describeTags(session, nodeIds);
  const noHistory = metas.filter((m) => !m.historizing);
  if (noHistory.length > 0) {
    throw new Error(
      `the server keeps no history for ${noHistory.map((m) => `${m.name} (${m.nodeId})`).join(', ')}: ` +
        'the variable is not historizing and offers no HistoryRead access',
    );
  }
  const source = `opcua:${request.endpoint}`;
  const sink = await workspace.openStream({ source, mode: 'per-batch', format: 'opcua' });
  const tags: TagState[] = [];
  let requests = 0;
  let resumed = false;
  let outcome: { status: 'done' | 'failed' | 'cancelled'; message: string | null } = { status: 'failed', message: 'interrupted' };
  try {
    const assetOf = (m: OpcuaTag) => m.asset ?? request.defaultAsset ?? new URL(request.endpoint).host;
    await sink.declare(
      metas.map((m) => ({ asset: assetOf(m), tag: m.name, unit: m.unit, validMin: m.low, validMax: m.high })),
    );
    const checkpoints = await sink.checkpoints();
    metas.forEach((meta, index) => {
      const asset = assetOf(meta);
      const key = signalKey(asset, meta.name);
      const checkpoint = checkpoints.get(key);
      const checkpointMs = checkpoint === undefined ? undefined : Math.floor(checkpoint.lastT / 1000);
      let startMs: number;
      if (request.fromMs === undefined) {
        if (checkpointMs === undefined) {
          throw new Error(`no start time given and ${asset}/${meta.name} was never imported from ${request.endpoint}: give a start time`);
        }
        startMs = checkpointMs;
        resumed = true;
      } else if (checkpointMs !== undefined && checkpointMs >= request.fromMs && checkpointMs < toMs) {
        // Resume at the last committed value (inclusive: the store drops that one duplicate), never after it.
        startMs = checkpointMs;
        resumed = true;
      } else {
        startMs = request.fromMs;
      }
      tags.push({ index, meta, key, asset, startMs, continuationPoint: null, lastMs: startMs, received: 0, done: startMs >= toMs });
    });

    const progress = () => {
      if (control.progress === undefined) return;
      const per: TagProgress[] = tags.map((t) => ({
        id: t.meta.nodeId,
        values: t.received,
        fraction: t.done ? 1 : Math.min(1, Math.max(0, (t.lastMs - t.startMs) / Math.max(1, toMs - t.startMs))),
      }));
      const overall = per.reduce((s, p) => s + p.fraction, 0) / Math.max(1, per.length);
      control.progress(overall, `${per.reduce((s, p) => s + p.values, 0)} values`, per);
    };

    const fetch = async (batch: TagState[]): Promise<HistoryReadResult[]> => {
      requests++;
      const response = await session.historyRead(
        new HistoryReadRequest({
          historyReadDetails: new ReadRawModifiedDetails({
            isReadModified: false,
            startTime: new Date(Math.min(...batch.map((t) => t.startMs))),
            endTime: new Date(toMs),
            numValuesPerNode: valuesPerRead,
            returnBounds: false,
          }),
          timestampsToReturn: TimestampsToReturn.Source,
          releaseContinuationPoints: false,
          nodesToRead: batch.map((t) => ({ nodeId: t.meta.nodeId, continuationPoint: t.continuationPoint ?? undefined })),
        }),
      );
      const results = response.results ?? [];
      if (results.length !== batch.length) throw new Error(`the server answered ${results.length} results for ${batch.length} tags`);
      return results;
    };

    // Tags whose start times differ cannot share one request (one time range per request): group by start.
    const groups = new Map<number, TagState[]>();
    for (const t of tags.filter((x) => !x.done)) groups.set(t.startMs, [...(groups.get(t.startMs) ?? []), t]);

    const toParts = (batch: TagState[], results: HistoryReadResult[]): StreamPart[] => {
      const parts: StreamPart[] = [];
      batch.forEach((tag, j) => {
        const result = results[j] as HistoryReadResult;
        if (result.statusCode.isBad()) throw new Error(historyStatusMessage(tag, result));
        const values = (result.historyData as { dataValues?: DataValue[] } | null)?.dataValues ?? [];
        const t: number[] = [];
        const v: (number | null)[] = [];
        const q: number[] = [];
        for (const dv of values) {
          const time = micros(dv);
          if (time === null) continue;
          t.push(time);
          v.push(numericValue(dv));
          q.push(dv.statusCode.value >>> 0);
        }
        const cp = result.continuationPoint !== null && result.continuationPoint !== undefined && result.continuationPoint.length > 0 ? result.continuationPoint : null;
        const lastMs = t.length > 0 ? Math.floor((t[t.length - 1] as number) / 1000) : tag.lastMs;
        if (cp !== null && tag.continuationPoint !== null && cp.equals(tag.continuationPoint) && t.length === 0) {
          throw new Error(
            `the server repeated the same continuation point for ${tag.asset}/${tag.meta.name} without sending data; ` +
              'stopped to avoid an endless loop (a server bug: try a smaller range or another server version)',
          );
        }
        tag.continuationPoint = cp;
        tag.lastMs = lastMs;
        tag.received += t.length;
        if (cp === null) tag.done = true;
        const checkpoint: StreamCheckpoint | undefined =
          t.length > 0 ? { lastT: t[t.length - 1] as number, continuation: JSON.stringify({ toMs, complete: cp === null }) } : undefined;
        if (t.length > 0 || checkpoint !== undefined) parts.push({ key: tag.key, t, value: v, quality: q, ...(checkpoint ? { checkpoint } : {}) });
      });
      return parts;
    };

    const release = async (active: TagState[]) => {
      const open = active.filter((t) => t.continuationPoint !== null);
      if (open.length === 0) return;
      await session
        .historyRead(
          new HistoryReadRequest({
            historyReadDetails: new ReadRawModifiedDetails({ isReadModified: false, startTime: new Date(0), endTime: new Date(toMs), numValuesPerNode: 1, returnBounds: false }),
            timestampsToReturn: TimestampsToReturn.Source,
            releaseContinuationPoints: true,
            nodesToRead: open.map((t) => ({ nodeId: t.meta.nodeId, continuationPoint: t.continuationPoint ?? undefined })),
          }),
        )
        .catch(() => undefined);
      for (const t of open) t.continuationPoint = null;
    };

    progress();
    for (const group of groups.values()) {
      for (let start = 0; start < group.length; start += tagsPerRead) {
        let batch = group.slice(start, start + tagsPerRead);
        let pending: Promise<HistoryReadResult[]> | null = fetch(batch);
        let pendingBatch = batch;
        try {
          while (pending !== null) {
            const results = await pending;
            pending = null;
            const parts = toParts(pendingBatch, results);
            batch = pendingBatch.filter((t) => !t.done);
            // Ask for the next page while this one is being stored.
            if (batch.length > 0 && !isCancelled()) {
              pendingBatch = batch;
              pending = fetch(batch);
              pending.catch(() => undefined);
            }
            if (parts.length > 0) await sink.write(parts);
            progress();
            if (isCancelled()) {
              if (pending !== null) await (pending as Promise<HistoryReadResult[]>).then((r) => toParts(pendingBatch, r)).catch(() => undefined);
              throw new CancelledError();
            }
          }
        } catch (error) {
          if (pending !== null) await (pending as Promise<HistoryReadResult[]>).catch(() => undefined);
          await release(group);
          throw error;
        }
      }
    }
    outcome = { status: 'done', message: null };
  } catch (error) {
    const cancelled = error instanceof CancelledError;
    const message = cancelled ? 'cancelled by user' : (error as Error).message;
    outcome = { status: cancelled ? 'cancelled' : 'failed', message };
    const received = tags.reduce((s, t) => s + t.received, 0);
    const summary = await sink.finish(outcome.status, message, { endpoint: request.endpoint, nodeIds, fromMs: request.fromMs, toMs }).catch(() => null);
    await sink.close();
    if (cancelled) throw error;
    const kept = summary?.values ?? 0;
    const lostConnection = /closed|disconnect|ECONNRESET|socket|BadConnectionClosed|BadSecureChannelClosed|BadSessionClosed|Transaction has timed out|premature/i.test(message);
    const hint =
      received > 0 || kept > 0
        ? ` (${kept} values were stored before the failure with their checkpoints: run the same import again to resume)`
        : '';
    throw new Error(`${lostConnection ? `connection to ${request.endpoint} lost: ` : ''}${message}${hint}`, { cause: error });
  }
  const summary = await sink.finish(outcome.status, outcome.message, { endpoint: request.endpoint, nodeIds, fromMs: request.fromMs, toMs });
  await sink.close();
  return {
    values: summary.values,
    duplicates: summary.duplicates,
    tags: tags.length,
    resumed,
    requests,
    seconds: (Date.now() - started) / 1000,
    ingestId: summary.ingestId,
    signalIds: summary.signalIds,
    perTag: tags.map((t) => ({ nodeId: t.meta.nodeId, asset: t.asset, tag: t.meta.name, fromMs: t.startMs, toMs, values: t.received })),
  };
};
