import {
  AttributeIds,
  DataType,
  HistoryReadRequest,
  ReadRawModifiedDetails,
  StatusCodes,
  TimestampsToReturn,
  VariableIds,
  type ClientSession,
  type DataValue,
  type HistoryReadResult,
} from 'node-opcua';
import { signalKey, type StreamPart } from '../../workspace/stream-ingest.js';
import type { Workspace } from '../../workspace/workspace.js';
import { CancelledError } from '../../jobs/cancelled.js';
import type { ImportControl, TagProgress } from '../control.js';
import { logged } from '../../jobs/logged.js';
import { log } from '../../log/logger.js';
import { DEFAULT_OVERLAP_MS, planFetch, type Interval } from '../../util/coverage.js';
import { describeTags, type OpcuaTag } from './browse.js';

export interface OpcuaImportRequest {
  readonly endpoint: string;
  readonly nodeIds: readonly string[];
  /**
   * ms since the epoch; omitted: continue each tag from where its imported history ends ("update to now").
   * Parts of [fromMs, toMs) imported before are not fetched again (see ../coverage.ts).
   */
  readonly fromMs?: number | undefined;
  /**
   * ms since the epoch (exclusive); omitted: now on the historian's clock (its Server_ServerStatus_CurrentTime),
   * or on this machine's clock, with a warning, where the server gives no usable time.
   */
  readonly toMs?: number | undefined;
  /**
   * How far (ms) to read back into history imported before, for values a store-and-forward historian delivers
   * late with older timestamps (default 1 hour; 0: never read anything twice).
   */
  readonly overlapMs?: number | undefined;
  /** numValuesPerNode of each HistoryRead. */
  readonly valuesPerRead?: number;
  /** Tags per HistoryRead request. */
  readonly tagsPerRead?: number;
  /**
   * HistoryRead requests in flight at once (default 2): the tags are split into that many groups read side by
   * side, so the server prepares one answer while the client decodes and stores another.
   */
  readonly readsInFlight?: number;
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
  /** Where "now" came from when no end was given: the server's clock, or this machine's (see `warnings`). */
  readonly clock: 'server' | 'local' | null;
  /** Node ids an "update to now" skipped because the server no longer has them (a removed tag). */
  readonly missing: readonly string[];
  /** What the user should know although the import succeeded (a missing tag, the local clock used). */
  readonly warnings: readonly string[];
  /** Per tag: the time ranges fetched (the parts of the request not imported before), in time order. */
  readonly perTag: {
    nodeId: string;
    asset: string;
    tag: string;
    fromMs: number;
    toMs: number;
    ranges: { fromMs: number; toMs: number }[];
    values: number;
  }[];
}

interface TagState {
  readonly index: number;
  readonly meta: OpcuaTag;
  readonly key: string;
  readonly asset: string;
  readonly reads: ReadState[];
}

/** One HistoryRead of one tag over one time range, followed through its continuation points. */
interface ReadState {
  readonly id: number;
  readonly tag: TagState;
  readonly startMs: number;
  readonly endMs: number;
  continuationPoint: Buffer | null;
  lastMs: number;
  received: number;
  done: boolean;
}

const TWO_32 = 4294967296;

/**
 * A value as a number: numbers and booleans; 64-bit integers arrive as [high, low] 32-bit words, both unsigned:
 * an Int64 is negative when the top bit of its high word is set (two's complement), a UInt64 never is.
 * Beyond ±2^53 the number is the nearest double. Anything else has no numeric value.
 */
export const numericValue = (dv: Pick<DataValue, 'value'>): number | null => {
  const variant = dv.value;
  if (variant === null || variant === undefined) return null;
  const v = variant.value as unknown;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (
    (variant.dataType === DataType.Int64 || variant.dataType === DataType.UInt64) &&
    Array.isArray(v) &&
    v.length === 2
  ) {
    const high = (v[0] as number) >>> 0;
    const low = (v[1] as number) >>> 0;
    const signedHigh = variant.dataType === DataType.Int64 && high >= 0x80000000 ? high - TWO_32 : high;
    return signedHigh * TWO_32 + low;
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

/**
 * The server's history limits (0: none stated): continuation points it keeps per session and nodes per
 * HistoryRead. A server that cannot tell is read with the request's own limits.
 */
const historyLimits = async (session: ClientSession): Promise<{ continuationPoints: number; nodesPerRead: number }> => {
  const positive = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
  try {
    const [cps, nodes] = await session.read([
      {
        nodeId: `ns=0;i=${VariableIds.Server_ServerCapabilities_MaxHistoryContinuationPoints}`,
        attributeId: AttributeIds.Value,
      },
      {
        nodeId: `ns=0;i=${VariableIds.Server_ServerCapabilities_OperationLimits_MaxNodesPerHistoryReadData}`,
        attributeId: AttributeIds.Value,
      },
    ]);
    return {
      continuationPoints: cps?.statusCode.isGood() === true ? positive(cps.value.value) : 0,
      nodesPerRead: nodes?.statusCode.isGood() === true ? positive(nodes.value.value) : 0,
    };
  } catch {
    return { continuationPoints: 0, nodesPerRead: 0 };
  }
};

/**
 * The server's own time (Server_ServerStatus_CurrentTime, ms), or null where it gives none that is usable. A
 * historian's "now" is its clock, not ours: a simulator on an accelerated clock, or a server whose clock is off,
 * holds history up to its time.
 */
export const serverNow = async (session: ClientSession): Promise<number | null> => {
  try {
    const [dv] = await session.read([
      { nodeId: `ns=0;i=${VariableIds.Server_ServerStatus_CurrentTime}`, attributeId: AttributeIds.Value },
    ]);
    const value: unknown = dv?.statusCode.isGood() === true ? dv.value.value : null;
    // OPC UA's null DateTime (1601) and other non-times mean "not provided".
    return value instanceof Date && Number.isFinite(value.getTime()) && value.getTime() > 0 ? value.getTime() : null;
  } catch {
    return null;
  }
};

/**
 * Node ids the server does not know (BadNodeIdUnknown). An "update to now" skips them: a tag the historian
 * removed must not stop the others from updating (the contract check then blocks the asset that lacks it).
 */
const unknownNodes = async (session: ClientSession, nodeIds: readonly string[]): Promise<string[]> => {
  let reads: DataValue[];
  try {
    reads = await session.read(nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.NodeClass })));
  } catch {
    // A malformed node id: describeTags names it.
    return [];
  }
  return nodeIds.filter((_, i) => reads[i]?.statusCode.equals(StatusCodes.BadNodeIdUnknown) === true);
};

const historyStatusMessage = (tag: Pick<TagState, 'asset' | 'meta'>, result: HistoryReadResult): string => {
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
 * Each tag fetches the parts of the requested range it has not imported yet (its coverage, see ../coverage.ts),
 * each part reaching `overlapMs` back into what was imported before, for late data. Answers are stored with the
 * tags' checkpoints and coverage in the same transaction, so an interrupted import resumes from the last
 * committed value with no gap and no duplicate. Continuation points are followed, guarded against a server that
 * repeats one without progress, and released on cancel or error. Large signals get trend tiles afterwards.
 *
 * Speed: a bounded pipeline. `readsInFlight` lanes of reads each keep one HistoryRead in flight and convert every
 * answer at once into typed arrays; a single writer meanwhile stores whatever answers are queued (at most one
 * per lane plus one) in one transaction, each tag's checkpoint at its last stored value.
 */
const importOpcuaHistoryUnlogged = async (
  workspace: Workspace,
  session: ClientSession,
  request: OpcuaImportRequest,
  control: ImportControl = {},
): Promise<OpcuaImportResult> => {
  const started = Date.now();
  const isCancelled = control.isCancelled ?? (() => false);
  const overlapMs = request.overlapMs ?? DEFAULT_OVERLAP_MS;
  if (!Number.isFinite(overlapMs) || overlapMs < 0) throw new Error(`overlap: not a duration in ms: ${overlapMs}`);
  const valuesPerRead = request.valuesPerRead ?? 10_000;
  const requested = [...new Set(request.nodeIds)];
  if (requested.length === 0) throw new Error('name at least one tag');
  const warnings: string[] = [];
  // With a start time a missing tag is an error (most likely a typo); "update to now" goes on without it.
  const missing: string[] = request.fromMs === undefined ? await unknownNodes(session, requested) : [];
  // Every tag gone: describeTags says so as an error.
  const nodeIds = missing.length === requested.length ? requested : requested.filter((id) => !missing.includes(id));
  if (missing.length > 0 && missing.length < requested.length) {
    warnings.push(
      `${missing.join(', ')}: no longer on the server at ${request.endpoint} (BadNodeIdUnknown); ` +
        `skipped, so ${missing.length > 1 ? 'these signals get' : 'its signal gets'} no new data`,
    );
  }
  let clock: OpcuaImportResult['clock'] = null;
  let toMs = request.toMs ?? 0;
  if (request.toMs === undefined) {
    const now = await serverNow(session);
    clock = now === null ? 'local' : 'server';
    toMs = now ?? Date.now();
    if (now === null) {
      warnings.push(
        `${request.endpoint} does not give its current time (Server_ServerStatus_CurrentTime): ` +
          "updated to this computer's clock instead",
      );
    }
  }
  for (const warning of warnings)
    log.warn('historian', 'opcua import warning', { endpoint: request.endpoint, warning });
  const metas = await describeTags(session, nodeIds);
  // Within the server's limits: every tag of a request in flight holds one continuation point.
  const limits = await historyLimits(session);
  let inFlight = Math.max(1, Math.floor(request.readsInFlight ?? 2));
  let tagsPerRead = Math.max(1, Math.floor(request.tagsPerRead ?? 20));
  if (limits.nodesPerRead > 0) tagsPerRead = Math.min(tagsPerRead, limits.nodesPerRead);
  if (limits.continuationPoints > 0) {
    inFlight = Math.min(inFlight, limits.continuationPoints);
    tagsPerRead = Math.min(tagsPerRead, Math.max(1, Math.floor(limits.continuationPoints / inFlight)));
  }
  const noHistory = metas.filter((m) => !m.historizing);
  if (noHistory.length > 0) {
    throw new Error(
      `the server keeps no history for ${noHistory.map((m) => `${m.name} (${m.nodeId})`).join(', ')}: ` +
        'the variable is not historizing and offers no HistoryRead access',
    );
  }
  const source = `opcua:${request.endpoint}`;
  // Queued behind another job on the workspace: say so, and let cancel end the wait.
  const sink = await workspace.openStream({
    source,
    mode: 'per-batch',
    format: 'opcua',
    onWait: (message) => control.progress?.(0, message),
    isCancelled,
  });
  const tags: TagState[] = [];
  const reads: ReadState[] = [];
  let requests = 0;
  let resumed = false;
  let outcome: { status: 'done' | 'failed' | 'cancelled'; message: string | null } = {
    status: 'failed',
    message: 'interrupted',
  };
  try {
    const assetOf = (m: OpcuaTag) => m.asset ?? request.defaultAsset ?? new URL(request.endpoint).host;
    await sink.declare(
      metas.map((m) => ({ asset: assetOf(m), tag: m.name, unit: m.unit, validMin: m.low, validMax: m.high })),
    );
    const checkpoints = await sink.checkpoints();
    const coverage = await sink.coverage();
    metas.forEach((meta, index) => {
      const asset = assetOf(meta);
      const key = signalKey(asset, meta.name);
      const checkpoint = checkpoints.get(key);
      // A checkpoint without coverage (no reading left of that import): where it started is unknown, so nothing
      // counts as covered; "update to now" continues from the checkpoint, looking back the overlap.
      const covered: readonly Interval[] =
        coverage.get(key)?.covered ??
        (checkpoint === undefined
          ? []
          : [{ from: checkpoint.lastT + 1 - Math.max(1, overlapMs * 1000), to: checkpoint.lastT + 1 }]);
      const plan = planFetch(
        covered,
        { from: request.fromMs === undefined ? undefined : request.fromMs * 1000, to: toMs * 1000 },
        overlapMs * 1000,
        checkpoint?.lastT ?? null,
      );
      if (plan === null) {
        throw new Error(
          `no start time given and ${asset}/${meta.name} was never imported from ${request.endpoint}: give a start time`,
        );
      }
      if (plan.resumed) resumed = true;
      const tag: TagState = { index, meta, key, asset, reads: [] };
      for (const part of plan.parts) {
        // HistoryRead takes ms: widen to whole ms (what lies outside the part is a duplicate at most).
        const startMs = Math.floor(part.from / 1000);
        const endMs = Math.ceil(part.to / 1000);
        if (endMs <= startMs) continue;
        const read: ReadState = {
          id: reads.length,
          tag,
          startMs,
          endMs,
          continuationPoint: null,
          lastMs: startMs,
          received: 0,
          done: false,
        };
        tag.reads.push(read);
        reads.push(read);
      }
      tags.push(tag);
    });

    const progress = () => {
      if (control.progress === undefined) return;
      const per: TagProgress[] = tags.map((t) => {
        const span = t.reads.reduce((s, r) => s + (r.endMs - r.startMs), 0);
        const done = t.reads.reduce(
          (s, r) => s + (r.done ? r.endMs - r.startMs : Math.max(0, r.lastMs - r.startMs)),
          0,
        );
        return {
          id: t.meta.nodeId,
          values: t.reads.reduce((s, r) => s + r.received, 0),
          fraction: span === 0 ? 1 : Math.min(1, done / span),
        };
      });
      const overall = per.reduce((s, p) => s + p.fraction, 0) / Math.max(1, per.length);
      control.progress(overall, `${per.reduce((s, p) => s + p.values, 0)} values`, per);
    };

    const fetch = async (batch: readonly ReadState[]): Promise<HistoryReadResult[]> => {
      requests++;
      const first = batch[0] as ReadState;
      const response = await session.historyRead(
        new HistoryReadRequest({
          historyReadDetails: new ReadRawModifiedDetails({
            isReadModified: false,
            startTime: new Date(first.startMs),
            endTime: new Date(first.endMs),
            numValuesPerNode: valuesPerRead,
            returnBounds: false,
          }),
          timestampsToReturn: TimestampsToReturn.Source,
          releaseContinuationPoints: false,
          nodesToRead: batch.map((r) => ({
            nodeId: r.tag.meta.nodeId,
            continuationPoint: r.continuationPoint ?? undefined,
          })),
        }),
      );
      const results = response.results ?? [];
      if (results.length !== batch.length)
        throw new Error(`the server answered ${results.length} results for ${batch.length} tags`);
      return results;
    };

    /**
     * One answer as columns (typed arrays, no object per value), and the reads' new continuation points. Every
     * continuation point of the answer is taken over before a failure is raised, so that it is released. Each
     * part states the time it completes: up to its last value, or the whole range when the read is done.
     */
    const toParts = (batch: readonly ReadState[], results: readonly HistoryReadResult[]): StreamPart[] => {
      const parts: StreamPart[] = [];
      let failure: Error | null = null;
      batch.forEach((read, j) => {
        const tag = read.tag;
        const result = results[j] as HistoryReadResult;
        const cp =
          result.continuationPoint !== null &&
          result.continuationPoint !== undefined &&
          result.continuationPoint.length > 0
            ? result.continuationPoint
            : null;
        const previous = read.continuationPoint;
        read.continuationPoint = cp;
        if (failure !== null) return;
        if (
          result.statusCode.equals(StatusCodes.BadNodeIdUnknown) &&
          request.fromMs === undefined &&
          !missing.includes(tag.meta.nodeId)
        ) {
          // Removed while this "update to now" ran: what was stored stays (with its checkpoint), the range is left
          // uncovered for a later import, and the other tags go on, as for a tag already gone when it started.
          read.done = true;
          missing.push(tag.meta.nodeId);
          warnings.push(
            `${tag.meta.nodeId}: removed from the server at ${request.endpoint} during the import (BadNodeIdUnknown); ` +
              `${read.received} value(s) of it were stored, the rest of its range is left for a later import`,
          );
          return;
        }
        if (result.statusCode.isBad()) {
          failure = new Error(historyStatusMessage(tag, result));
          return;
        }
        const values = (result.historyData as { dataValues?: DataValue[] } | null)?.dataValues ?? [];
        const n = values.length;
        const t = new Float64Array(n);
        const v = new Float64Array(n);
        const q = new Uint32Array(n);
        let m = 0;
        for (let i = 0; i < n; i++) {
          const dv = values[i] as DataValue;
          const time = micros(dv);
          if (time === null) continue;
          t[m] = time;
          // NaN: no usable value (stored as NULL).
          v[m] = numericValue(dv) ?? Number.NaN;
          q[m] = dv.statusCode.value >>> 0;
          m++;
        }
        if (cp !== null && previous !== null && cp.equals(previous) && m === 0) {
          failure = new Error(
            `the server repeated the same continuation point for ${tag.asset}/${tag.meta.name} without sending data; ` +
              'stopped to avoid an endless loop (a server bug: try a smaller range or another server version)',
          );
          return;
        }
        if (m > 0) read.lastMs = Math.floor((t[m - 1] as number) / 1000);
        read.received += m;
        if (cp === null) read.done = true;
        if (m > 0 || cp === null) {
          const coveredTo = cp === null ? read.endMs * 1000 : (t[m - 1] as number) + 1;
          parts.push({
            key: tag.key,
            t: t.subarray(0, m),
            value: v.subarray(0, m),
            quality: q.subarray(0, m),
            covered: { from: read.startMs * 1000, to: coveredTo },
          });
        }
      });
      if (failure !== null) throw failure;
      return parts;
    };

    const release = async (active: readonly ReadState[]) => {
      const open = active.filter((r) => r.continuationPoint !== null);
      if (open.length === 0) return;
      await session
        .historyRead(
          new HistoryReadRequest({
            historyReadDetails: new ReadRawModifiedDetails({
              isReadModified: false,
              startTime: new Date(0),
              endTime: new Date(toMs),
              numValuesPerNode: 1,
              returnBounds: false,
            }),
            timestampsToReturn: TimestampsToReturn.Source,
            releaseContinuationPoints: true,
            nodesToRead: open.map((r) => ({
              nodeId: r.tag.meta.nodeId,
              continuationPoint: r.continuationPoint ?? undefined,
            })),
          }),
        )
        .catch(() => undefined);
      for (const r of open) r.continuationPoint = null;
    };

    // Lanes: sets of reads made together, one request in flight each. Reads of different time ranges cannot
    // share a request (one range per request), so they are grouped by range first.
    const groups = new Map<string, ReadState[]>();
    for (const r of reads) {
      const range = `${r.startMs}/${r.endMs}`;
      groups.set(range, [...(groups.get(range) ?? []), r]);
    }
    const lanes: ReadState[][] = [];
    for (const group of groups.values()) {
      const count = Math.min(group.length, Math.max(Math.ceil(group.length / tagsPerRead), inFlight));
      const size = Math.ceil(group.length / count);
      for (let start = 0; start < group.length; start += size) lanes.push(group.slice(start, start + size));
    }

    // A bounded pipeline: lanes fetch and convert answers into `queue`; one writer stores everything queued in one
    // transaction (merged per read, each tag's checkpoint at its last stored value) while the lanes fetch on.
    const queue: StreamPart[][] = [];
    const maxQueued = Math.min(lanes.length, inFlight) + 1;
    let failure: unknown = null;
    let stopReading = false;
    let wake: (() => void) | null = null;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const waitForChange = () => new Promise<void>((resolve) => (wake = resolve));
    let lanesRunning = 0;
    const laneWaiters: (() => void)[] = [];
    const wakeLanes = () => {
      for (const w of laneWaiters.splice(0)) w();
    };

    const runLane = async (lane: readonly ReadState[]) => {
      let batch = lane.filter((r) => !r.done);
      while (batch.length > 0 && !stopReading) {
        if (isCancelled()) {
          stopReading = true;
          break;
        }
        const parts = toParts(batch, await fetch(batch));
        if (parts.length > 0) {
          queue.push(parts);
          notify();
        }
        batch = batch.filter((r) => !r.done);
        while (queue.length >= maxQueued && !stopReading)
          await new Promise<void>((resolve) => laneWaiters.push(resolve));
      }
    };

    const lanePool = async () => {
      let next = 0;
      const worker = async () => {
        while (next < lanes.length && failure === null && !stopReading) {
          const lane = lanes[next++] as ReadState[];
          await runLane(lane);
        }
      };
      lanesRunning = Math.min(inFlight, lanes.length);
      await Promise.all(
        Array.from({ length: lanesRunning }, () =>
          worker()
            .catch((error: unknown) => {
              failure ??= error;
              stopReading = true;
            })
            .finally(() => {
              lanesRunning--;
              notify();
            }),
        ),
      );
    };

    // Pages of the same tag and range become one part: consecutive pages of a read, so times keep increasing and
    // the covered intervals join.
    const merge = (pages: readonly StreamPart[][]): StreamPart[] => {
      const byRange = new Map<string, StreamPart[]>();
      for (const page of pages) {
        for (const part of page) {
          const id = `${part.key}\u0000${part.covered?.from ?? ''}`;
          byRange.set(id, [...(byRange.get(id) ?? []), part]);
        }
      }
      return [...byRange.values()].map((list) => {
        if (list.length === 1) return list[0] as StreamPart;
        const n = list.reduce((s, p) => s + p.t.length, 0);
        const t = new Float64Array(n);
        const v = new Float64Array(n);
        const q = new Uint32Array(n);
        let at = 0;
        for (const p of list) {
          t.set(p.t as Float64Array, at);
          v.set(p.value as Float64Array, at);
          q.set(p.quality as Uint32Array, at);
          at += p.t.length;
        }
        const first = list[0] as StreamPart;
        const last = list[list.length - 1] as StreamPart;
        return {
          key: last.key,
          t,
          value: v,
          quality: q,
          ...(first.covered && last.covered ? { covered: { from: first.covered.from, to: last.covered.to } } : {}),
        };
      });
    };

    // After a lane failed, the writer still stores what was fetched before the failure (with its checkpoints).
    const writer = async () => {
      for (;;) {
        if (queue.length === 0) {
          if (lanesRunning === 0) return;
          await waitForChange();
          continue;
        }
        const pages = queue.splice(0);
        wakeLanes();
        await sink.write(merge(pages));
        progress();
        if (isCancelled()) throw new CancelledError();
      }
    };

    progress();
    const reading = lanePool();
    try {
      await writer();
    } catch (error) {
      failure ??= error;
    }
    stopReading = stopReading || failure !== null;
    wakeLanes();
    await reading;
    if (failure === null && isCancelled()) failure = new CancelledError();
    if (failure !== null) {
      queue.length = 0;
      await release(reads);
      throw failure;
    }
    progress();
    outcome = { status: 'done', message: null };
  } catch (error) {
    const cancelled = error instanceof CancelledError;
    const message = cancelled ? 'cancelled by user' : (error as Error).message;
    outcome = { status: cancelled ? 'cancelled' : 'failed', message };
    const received = reads.reduce((s, r) => s + r.received, 0);
    const summary = await sink
      .finish(outcome.status, message, { endpoint: request.endpoint, nodeIds, fromMs: request.fromMs, toMs })
      .catch(() => null);
    await sink.close();
    if (cancelled) throw error;
    const kept = summary?.values ?? 0;
    const lostConnection =
      /closed|disconnect|ECONNRESET|socket|BadConnectionClosed|BadSecureChannelClosed|BadSessionClosed|Transaction has timed out|premature/i.test(
        message,
      );
    const hint =
      received > 0 || kept > 0
        ? ` (${kept} values were stored before the failure with their checkpoints: run the same import again to resume)`
        : '';
    throw new Error(`${lostConnection ? `connection to ${request.endpoint} lost: ` : ''}${message}${hint}`, {
      cause: error,
    });
  }
  const summary = await sink.finish(outcome.status, outcome.message, {
    endpoint: request.endpoint,
    nodeIds,
    fromMs: request.fromMs,
    toMs,
    overlapMs,
  });
  await sink.close();
  // Large signals answer trends from tiles, as after a file import (tiles of a grown signal are rebuilt).
  if (summary.values > 0) {
    control.progress?.(1, 'indexing trends');
    await workspace.refreshTrendTiles(summary.signalIds);
  }
  return {
    values: summary.values,
    duplicates: summary.duplicates,
    tags: tags.length,
    resumed,
    requests,
    seconds: (Date.now() - started) / 1000,
    ingestId: summary.ingestId,
    signalIds: summary.signalIds,
    clock,
    missing,
    warnings,
    perTag: tags.map((t) => ({
      nodeId: t.meta.nodeId,
      asset: t.asset,
      tag: t.meta.name,
      fromMs: t.reads[0]?.startMs ?? toMs,
      toMs,
      ranges: t.reads.map((r) => ({ fromMs: r.startMs, toMs: r.endMs })),
      values: t.reads.reduce((s, r) => s + r.received, 0),
    })),
  };
};

/** importOpcuaHistory with its start and outcome in the log (endpoint, tag count, values; never a password). */
export const importOpcuaHistory = (
  workspace: Workspace,
  session: ClientSession,
  request: OpcuaImportRequest,
  control: ImportControl = {},
): Promise<OpcuaImportResult> =>
  logged(
    'historian',
    'opcua import',
    { workspace: workspace.path, endpoint: request.endpoint, tags: request.nodeIds.length },
    () => importOpcuaHistoryUnlogged(workspace, session, request, control),
    (r) => ({ values: r.values, duplicates: r.duplicates, resumed: r.resumed, requests: r.requests }),
  );
