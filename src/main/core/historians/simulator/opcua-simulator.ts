import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DataType,
  DataValue,
  HistoryData,
  HistoryReadResult,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  ReadRawModifiedDetails,
  SecurityPolicy,
  StatusCodes,
  Variant,
  VariantArrayType,
  makeEUInformation,
  type StatusCode,
  type UAVariable,
} from 'node-opcua';
import { BAD_SENSOR_FAILURE, PlantModel, type Sample, type SimTag } from './plant-model.js';

export interface SimulatorUser {
  readonly userName: string;
  readonly password: string;
}

export interface SimulatorOptions {
  /** 0: a free port. */
  readonly port: number;
  readonly seed: number;
  readonly assets: number;
  readonly days: number;
  /** Last moment of history (ms). Omitted: history ends now and keeps growing while the server runs. */
  readonly endMs?: number;
  readonly periodMs?: number;
  /** Folder for the server's PKI (its certificate and trust lists). */
  readonly pkiDir: string;
  /** When set, only these users may connect (anonymous is refused). */
  readonly users?: readonly SimulatorUser[];
  /** false: a server without Historical Access (variables not historizing; HistoryRead unsupported). */
  readonly history?: boolean;
  /** Most values per node in one HistoryRead answer (the server's own page size). */
  readonly maxValuesPerRead?: number;
  /** Fault injection for client tests: answer a continuation with no data and the same continuation point. */
  readonly repeatContinuationPoint?: boolean;
  /** Delay each HistoryRead answer (ms), to make imports slow enough to interrupt. */
  readonly readDelayMs?: number;
  /**
   * Add two 64-bit integer tags with history to the first asset: `Position` (Int64, negative in the first half
   * of the history) and `EnergyCounter` (UInt64, above 2^63); values from `integerValue`.
   */
  readonly integerTags?: boolean;
}

export type IntegerTagName = 'Position' | 'EnergyCounter';

/** Exact value of an integer tag at grid index k (k0: the first index of the history). */
export const integerValue = (name: IntegerTagName, k: number, k0: number): bigint =>
  name === 'Position' ? BigInt(k - k0 - 50_000) * 4_000_037n : 2n ** 63n + BigInt(k - k0) * 2048n;

/** A 64-bit integer as OPC UA's [high, low] unsigned 32-bit words (two's complement for negatives). */
const words = (value: bigint): [number, number] => {
  const u = BigInt.asUintN(64, value);
  return [Number(u >> 32n), Number(u & 0xffffffffn)];
};

export interface SimulatorTagInfo {
  readonly nodeId: string;
  readonly tag: SimTag;
}

interface ContinuationState {
  readonly tagIndex: number;
  readonly nextK: number;
  readonly endK: number;
  readonly perRead: number;
}

const DEFAULT_PERIOD_MS = 60_000;
const MAX_CONTINUATION_POINTS = 10_000;

/** The real OPC UA server of the plant simulator, on 127.0.0.1 only. */
export class PlantSimulator {
  private readonly continuations = new Map<string, ContinuationState>();
  /** Integer tags (option `integerTags`) by tag index; indexes follow the model's tags. */
  private readonly integerTags = new Map<number, { name: IntegerTagName; dataType: DataType }>();
  /** Stretches held back, as a store-and-forward collector does while its link is down (see `withhold`). */
  private withheld: { tagIndex: number; fromMs: number; toMs: number }[] = [];
  /** HistoryRead calls answered (initial and continued), for tests. */
  historyReads = 0;
  releasedContinuationPoints = 0;

  private constructor(
    private readonly server: OPCUAServer,
    readonly model: PlantModel,
    readonly tags: readonly SimulatorTagInfo[],
    private readonly options: SimulatorOptions,
  ) {}

  get port(): number {
    return this.server.endpoints[0]?.port ?? this.options.port;
  }

  get endpointUrl(): string {
    return `opc.tcp://127.0.0.1:${this.port}`;
  }

  /** Continuation points the server still holds (a client must release them on cancel). */
  get openContinuationPoints(): number {
    return this.continuations.size;
  }

  /** End of the available history (ms, exclusive). */
  historyEndMs(): number {
    return this.options.endMs ?? Date.now();
  }

  /**
   * Hold back the history of a tag in [fromMs, toMs): reads answer as if it were not there yet, until
   * `forwardWithheld` delivers it (late data with old timestamps, as from a store-and-forward historian).
   */
  withhold(nodeId: string, fromMs: number, toMs: number): void {
    const info = this.tags.find((t) => t.nodeId === nodeId);
    if (info === undefined) throw new Error(`simulator: no tag ${nodeId}`);
    this.withheld.push({ tagIndex: info.tag.index, fromMs, toMs });
  }

  forwardWithheld(): void {
    this.withheld = [];
  }

  /** Grid indexes [first, end) of the history in [fromMs, toMs). */
  indexRange(fromMs: number, toMs: number): [number, number] {
    const first = Math.max(this.model.firstIndex, this.model.firstIndexAtOrAfter(fromMs));
    const end = Math.min(this.model.firstIndexAtOrAfter(toMs), this.model.firstIndexAtOrAfter(this.historyEndMs() + 1));
    return [first, Math.max(first, end)];
  }

  static async start(options: SimulatorOptions): Promise<PlantSimulator> {
    const periodMs = options.periodMs ?? DEFAULT_PERIOD_MS;
    const endMs = options.endMs ?? Date.now();
    const startMs = Math.ceil((endMs - options.days * 86_400_000) / periodMs) * periodMs;
    const model = new PlantModel({ seed: options.seed, assets: options.assets, startMs, endMs, periodMs });
    await mkdir(options.pkiDir, { recursive: true });
    const certificateManager = new OPCUACertificateManager({
      rootFolder: join(options.pkiDir, 'server'),
      automaticallyAcceptUnknownCertificate: true,
    });
    await certificateManager.initialize();
    const users = options.users ?? [];
    const server = new OPCUAServer({
      port: options.port,
      host: '127.0.0.1',
      hostname: '127.0.0.1',
      alternateHostname: [],
      disableDiscovery: true,
      serverCertificateManager: certificateManager,
      certificateFile: join(options.pkiDir, 'server', 'own', 'certs', 'simulator.pem'),
      privateKeyFile: join(options.pkiDir, 'server', 'own', 'private', 'private_key.pem'),
      securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
      securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
      allowAnonymous: users.length === 0,
      userManager: {
        isValidUser: (userName: string, password: string) =>
          users.some((u) => u.userName === userName && u.password === password),
      },
      buildInfo: {
        productName: 'PdM Studio plant simulator',
        manufacturerName: 'PdM Studio',
        softwareVersion: '1.0.0',
      },
      serverCapabilities: { maxHistoryContinuationPoints: MAX_CONTINUATION_POINTS },
    });
    await server.initialize();
    const addressSpace = server.engine.addressSpace;
    if (addressSpace === null) throw new Error('simulator: no address space');
    const namespace = addressSpace.getOwnNamespace();
    const plant = namespace.addFolder(addressSpace.rootFolder.objects, { browseName: 'Plant' });
    const history = options.history !== false;
    const tagInfos: SimulatorTagInfo[] = [];
    const simulator = new PlantSimulator(server, model, tagInfos, options);
    for (const asset of model.assets) {
      const object = namespace.addObject({ organizedBy: plant, browseName: asset, nodeId: `s=${asset}` });
      for (const tag of model.tags.filter((t) => t.asset === asset)) {
        const variable = namespace.addAnalogDataItem({
          componentOf: object,
          browseName: tag.info.name,
          nodeId: `s=${tag.id}`,
          dataType: 'Double',
          engineeringUnitsRange: { low: tag.info.low, high: tag.info.high },
          engineeringUnits: makeEUInformation(tag.info.unece, tag.info.unit, tag.info.unitLongName),
          accessLevel: history ? 'CurrentRead | HistoryRead' : 'CurrentRead',
          userAccessLevel: history ? 'CurrentRead | HistoryRead' : 'CurrentRead',
          historizing: history,
          minimumSamplingInterval: 1000,
          value: { timestamped_get: () => simulator.currentValue(tag.index) },
        });
        simulator.installHistory(variable, tag.index, history);
        tagInfos.push({ nodeId: variable.nodeId.toString(), tag });
      }
      if (options.integerTags === true && asset === model.assets[0]) {
        const integers: [IntegerTagName, DataType][] = [
          ['Position', DataType.Int64],
          ['EnergyCounter', DataType.UInt64],
        ];
        for (const [name, dataType] of integers) {
          const tagIndex = model.tags.length + simulator.integerTags.size;
          simulator.integerTags.set(tagIndex, { name, dataType });
          const variable = namespace.addVariable({
            componentOf: object,
            browseName: name,
            nodeId: `s=${asset}.${name}`,
            dataType: dataType === DataType.Int64 ? 'Int64' : 'UInt64',
            accessLevel: 'CurrentRead | HistoryRead',
            userAccessLevel: 'CurrentRead | HistoryRead',
            historizing: true,
            minimumSamplingInterval: 1000,
            value: { get: () => new Variant({ dataType, arrayType: VariantArrayType.Scalar, value: [0, 0] }) },
          });
          simulator.installHistory(variable, tagIndex, history);
        }
      }
    }
    await server.start();
    return simulator;
  }

  async stop(): Promise<void> {
    await this.server.shutdown(0);
    this.continuations.clear();
  }

  private currentValue(tagIndex: number): DataValue {
    const sample: Sample = { t: 0, value: null, status: 0 };
    let k = this.model.firstIndexAtOrAfter(this.historyEndMs() + 1) - 1;
    const stop = Math.max(this.model.firstIndex, k - 10_000);
    while (k >= stop && !this.model.sample(tagIndex, k, sample)) k--;
    if (k < stop) return new DataValue({ statusCode: StatusCodes.BadNoCommunication, sourceTimestamp: new Date() });
    return toDataValue(sample);
  }

  private installHistory(variable: UAVariable, tagIndex: number, history: boolean): void {
    const handler = async (
      _context: unknown,
      details: unknown,
      _indexRange: unknown,
      _dataEncoding: unknown,
      continuationData: { continuationPoint?: Buffer | null; releaseContinuationPoints?: boolean },
    ): Promise<HistoryReadResult> => {
      if (!history) return new HistoryReadResult({ statusCode: StatusCodes.BadHistoryOperationUnsupported });
      this.historyReads++;
      if (this.options.readDelayMs !== undefined) await new Promise((r) => setTimeout(r, this.options.readDelayMs));
      return this.historyRead(tagIndex, details, continuationData);
    };
    (variable as unknown as { historyRead: typeof handler }).historyRead = handler;
  }

  private historyRead(
    tagIndex: number,
    details: unknown,
    continuationData: { continuationPoint?: Buffer | null; releaseContinuationPoints?: boolean },
  ): HistoryReadResult {
    const cp = continuationData.continuationPoint;
    if (cp !== undefined && cp !== null && cp.length > 0) {
      const key = cp.toString('hex');
      const state = this.continuations.get(key);
      if (state === undefined || state.tagIndex !== tagIndex) {
        return new HistoryReadResult({ statusCode: StatusCodes.BadContinuationPointInvalid });
      }
      if (continuationData.releaseContinuationPoints === true) {
        this.continuations.delete(key);
        this.releasedContinuationPoints++;
        return new HistoryReadResult({ statusCode: StatusCodes.Good });
      }
      if (this.options.repeatContinuationPoint === true) {
        return new HistoryReadResult({
          statusCode: StatusCodes.Good,
          continuationPoint: cp,
          historyData: new HistoryData({ dataValues: [] }),
        });
      }
      this.continuations.delete(key);
      return this.page(state);
    }
    if (continuationData.releaseContinuationPoints === true)
      return new HistoryReadResult({ statusCode: StatusCodes.Good });
    if (!(details instanceof ReadRawModifiedDetails) || details.isReadModified) {
      return new HistoryReadResult({ statusCode: StatusCodes.BadHistoryOperationUnsupported });
    }
    const start = details.startTime?.getTime() ?? 0;
    const end = details.endTime?.getTime() ?? 0;
    const hasStart = start > 0;
    const hasEnd = end > 0;
    if (!hasStart || (hasEnd && end < start)) {
      // Reverse reads (end before start, or end only) are not offered by this simulator.
      return new HistoryReadResult({ statusCode: StatusCodes.BadHistoryOperationUnsupported });
    }
    if (!hasEnd && details.numValuesPerNode === 0) {
      return new HistoryReadResult({ statusCode: StatusCodes.BadHistoryOperationUnsupported });
    }
    // Raw history in [startTime, endTime): the end is exclusive.
    const [first, endK] = this.indexRange(start, hasEnd ? end : Number.MAX_SAFE_INTEGER);
    const limit = this.options.maxValuesPerRead ?? 10_000;
    const perRead = details.numValuesPerNode > 0 ? Math.min(details.numValuesPerNode, limit) : limit;
    const result = this.page({ tagIndex, nextK: first, endK, perRead });
    if (!hasEnd && result.continuationPoint !== null && result.continuationPoint.length > 0) {
      // startTime and numValuesPerNode only: exactly numValuesPerNode values, no continuation.
      this.continuations.delete(result.continuationPoint.toString('hex'));
      return new HistoryReadResult({ statusCode: result.statusCode, historyData: result.historyData });
    }
    return result;
  }

  /** The history of a tag at grid index k, or null where there is none (dropout, before the start, withheld). */
  private dataValueAt(tagIndex: number, k: number): DataValue | null {
    const t = k * this.model.options.periodMs;
    if (this.withheld.some((w) => w.tagIndex === tagIndex && t >= w.fromMs && t < w.toMs)) return null;
    const integer = this.integerTags.get(tagIndex);
    if (integer !== undefined) {
      if (k < this.model.firstIndex) return null;
      return new DataValue({
        value: new Variant({
          dataType: integer.dataType,
          arrayType: VariantArrayType.Scalar,
          value: words(integerValue(integer.name, k, this.model.firstIndex)),
        }),
        statusCode: StatusCodes.Good,
        sourceTimestamp: new Date(t),
      });
    }
    const sample: Sample = { t: 0, value: null, status: 0 };
    return this.model.sample(tagIndex, k, sample) ? toDataValue(sample) : null;
  }

  private page(state: ContinuationState): HistoryReadResult {
    const values: DataValue[] = [];
    let k = state.nextK;
    for (; k < state.endK && values.length < state.perRead; k++) {
      const dv = this.dataValueAt(state.tagIndex, k);
      if (dv !== null) values.push(dv);
    }
    // Skip a trailing gap so a continuation point is handed out only when values follow.
    while (k < state.endK && this.dataValueAt(state.tagIndex, k) === null) k++;
    let continuationPoint: Buffer | null = null;
    if (k < state.endK) {
      if (this.continuations.size >= MAX_CONTINUATION_POINTS) {
        const oldest = this.continuations.keys().next().value;
        if (oldest !== undefined) this.continuations.delete(oldest);
      }
      continuationPoint = randomBytes(16);
      this.continuations.set(continuationPoint.toString('hex'), { ...state, nextK: k });
    }
    const statusCode: StatusCode =
      values.length === 0 && continuationPoint === null ? StatusCodes.GoodNoData : StatusCodes.Good;
    return new HistoryReadResult({
      statusCode,
      continuationPoint: continuationPoint ?? undefined,
      historyData: new HistoryData({ dataValues: values }),
    });
  }
}

const toDataValue = (sample: Sample): DataValue =>
  sample.status === BAD_SENSOR_FAILURE
    ? new DataValue({ statusCode: StatusCodes.BadSensorFailure, sourceTimestamp: new Date(sample.t) })
    : new DataValue({
        value: new Variant({ dataType: DataType.Double, value: sample.value ?? Number.NaN }),
        statusCode: StatusCodes.Good,
        sourceTimestamp: new Date(sample.t),
      });

/** Parse the value of a `--end` style option: an ISO date or nothing. */
export const parseEnd = (raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  if (!Number.isFinite(ms)) throw new Error(`not a date: ${raw}`);
  return ms;
};
