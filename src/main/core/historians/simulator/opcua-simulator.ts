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
  VariableIds,
  Variant,
  VariantArrayType,
  Range,
  makeEUInformation,
  type Namespace,
  type StatusCode,
  type UAObject,
  type UAVariable,
} from 'node-opcua';
import { InjectedPlant, type Injection, type Series } from './injections.js';
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
  /** Faults from a given time (drift, unit change, removed or renamed tag, period change); see injections.ts. */
  readonly injections?: readonly Injection[];
  /**
   * The server's clock runs this many times faster than real time from the start (for follow-mode tests):
   * history ends at `endMs` (or the start time) plus N times the real time elapsed, and keeps growing.
   */
  readonly timeScale?: number;
  /** Fault injection for client tests: ServerStatus/CurrentTime answers a null DateTime (no usable time). */
  readonly hideCurrentTime?: boolean;
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
  /** The plant tag behind the node (a renamed node keeps the tag it was renamed from). */
  readonly tag: SimTag;
  /** The name the node is served under and when it exists. */
  readonly series: Series;
}

interface ContinuationState {
  /** Series index in the injected plant, or an integer tag key. */
  readonly tagIndex: number;
  readonly nextK: number;
  readonly endK: number;
  readonly perRead: number;
}

const DEFAULT_PERIOD_MS = 60_000;
const MAX_CONTINUATION_POINTS = 10_000;
/** Keys of the optional integer tags, apart from the series indexes. */
const INTEGER_KEY_BASE = 1_000_000;
/** How often a growing history checks for injected tags that appear, disappear or change unit. */
const STRUCTURE_CHECK_MS = 100;

/** The real OPC UA server of the plant simulator, on 127.0.0.1 only. */
export class PlantSimulator {
  private readonly continuations = new Map<string, ContinuationState>();
  /** Integer tags (option `integerTags`) by tag index; indexes follow the model's tags. */
  private readonly integerTags = new Map<number, { name: IntegerTagName; dataType: DataType }>();
  /** Stretches held back, as a store-and-forward collector does while its link is down (see `withhold`). */
  private withheld: { tagIndex: number; fromMs: number; toMs: number }[] = [];
  /** Nodes of the series present now, by series index. */
  private readonly nodes = new Map<number, UAVariable>();
  /** The unit each present node announces (EUInformation), by series index. */
  private readonly announcedUnits = new Map<number, string>();
  private readonly assetObjects = new Map<string, UAObject>();
  private namespace: Namespace | null = null;
  private structureTimer: NodeJS.Timeout | null = null;
  /** Real and simulated time at the start, for the time scale. */
  private readonly clockOrigin: { readonly realMs: number; readonly simMs: number };
  /** HistoryRead calls answered (initial and continued), for tests. */
  historyReads = 0;
  releasedContinuationPoints = 0;

  private constructor(
    private readonly server: OPCUAServer,
    readonly model: PlantModel,
    private readonly tagInfos: SimulatorTagInfo[],
    private readonly options: SimulatorOptions,
    readonly plant: InjectedPlant,
    originMs: number,
  ) {
    this.clockOrigin = { realMs: Date.now(), simMs: originMs };
  }

  /** The tag nodes present now, in browse order (removed and not yet renamed tags are absent). */
  get tags(): readonly SimulatorTagInfo[] {
    return this.tagInfos;
  }

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
    const scale = this.options.timeScale;
    if (scale === undefined) return this.options.endMs ?? Date.now();
    return this.clockOrigin.simMs + (Date.now() - this.clockOrigin.realMs) * scale;
  }

  /**
   * Hold back the history of a tag in [fromMs, toMs): reads answer as if it were not there yet, until
   * `forwardWithheld` delivers it (late data with old timestamps, as from a store-and-forward historian).
   */
  withhold(nodeId: string, fromMs: number, toMs: number): void {
    const info = this.tagInfos.find((t) => t.nodeId === nodeId);
    if (info === undefined) throw new Error(`simulator: no tag ${nodeId}`);
    this.withheld.push({ tagIndex: this.plant.series.indexOf(info.series), fromMs, toMs });
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
    if (options.timeScale !== undefined && !(options.timeScale > 0 && Number.isFinite(options.timeScale)))
      throw new Error(`simulator: the time scale must be a positive number, not ${options.timeScale}`);
    const model = new PlantModel({ seed: options.seed, assets: options.assets, startMs, endMs, periodMs });
    const plant = new InjectedPlant(model, options.injections ?? []);
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
    const plantFolder = namespace.addFolder(addressSpace.rootFolder.objects, { browseName: 'Plant' });
    const history = options.history !== false;
    const tagInfos: SimulatorTagInfo[] = [];
    const simulator = new PlantSimulator(server, model, tagInfos, options, plant, endMs);
    simulator.namespace = namespace;
    const now = simulator.historyEndMs();
    for (const asset of model.assets) {
      const object = namespace.addObject({ organizedBy: plantFolder, browseName: asset, nodeId: `s=${asset}` });
      simulator.assetObjects.set(asset, object);
      plant.series.forEach((s, key) => {
        if (s.asset === asset && s.fromMs <= now && now < s.untilMs) simulator.addSeriesNode(key, now);
      });
      if (options.integerTags === true && asset === model.assets[0]) {
        const integers: [IntegerTagName, DataType][] = [
          ['Position', DataType.Int64],
          ['EnergyCounter', DataType.UInt64],
        ];
        for (const [name, dataType] of integers) {
          const tagIndex = INTEGER_KEY_BASE + simulator.integerTags.size;
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
    if (options.timeScale !== undefined || options.hideCurrentTime === true) simulator.publishSimulatedClock();
    await server.start();
    const grows = options.endMs === undefined || options.timeScale !== undefined;
    if (grows && (options.injections ?? []).length > 0) {
      simulator.structureTimer = setInterval(() => simulator.syncStructure(), STRUCTURE_CHECK_MS);
      simulator.structureTimer.unref();
    }
    return simulator;
  }

  /**
   * Serve the simulated clock as Server_ServerStatus_CurrentTime (and in the ServerStatus structure), as a
   * historian whose clock this is would: clients that "update to now" ask the server for its time, so history
   * that runs ahead of real time is fetched up to the simulator's now, not the client's.
   */
  private publishSimulatedClock(): void {
    const addressSpace = this.server.engine.addressSpace;
    const status = addressSpace?.findNode(`ns=0;i=${VariableIds.Server_ServerStatus}`) as
      (UAVariable & { $extensionObject?: object }) | null | undefined;
    const inner = status?.$extensionObject;
    if (status === null || status === undefined || inner === undefined) {
      throw new Error('simulator: the server has no ServerStatus to carry the simulated clock');
    }
    status.$extensionObject = new Proxy(inner, {
      get: (target, prop, receiver) =>
        prop !== 'currentTime'
          ? Reflect.get(target, prop, receiver)
          : this.options.hideCurrentTime === true
            ? null
            : new Date(this.historyEndMs()),
    });
  }

  /** Add the node of series `key`, announcing the unit in force at `now`. */
  private addSeriesNode(key: number, now: number): void {
    const s = this.plant.series[key];
    const tag = this.model.tags[s?.tagIndex ?? -1];
    const object = this.assetObjects.get(s?.asset ?? '');
    if (s === undefined || tag === undefined || object === undefined || this.namespace === null) return;
    const history = this.options.history !== false;
    const unit = this.plant.unitAt(tag.index, now);
    const variable = this.namespace.addAnalogDataItem({
      componentOf: object,
      browseName: s.name,
      nodeId: `s=${s.id}`,
      dataType: 'Double',
      engineeringUnitsRange: { low: unit.low, high: unit.high },
      engineeringUnits: makeEUInformation(unit.unece, unit.unit, unit.unitLongName),
      accessLevel: history ? 'CurrentRead | HistoryRead' : 'CurrentRead',
      userAccessLevel: history ? 'CurrentRead | HistoryRead' : 'CurrentRead',
      historizing: history,
      minimumSamplingInterval: 1000,
      value: { timestamped_get: () => this.currentValue(key) },
    });
    this.installHistory(variable, key, history);
    this.nodes.set(key, variable);
    this.announcedUnits.set(key, unit.unit);
    const info: SimulatorTagInfo = { nodeId: variable.nodeId.toString(), tag, series: s };
    const at = this.tagInfos.findIndex((t) => this.plant.series.indexOf(t.series) > key);
    if (at < 0) this.tagInfos.push(info);
    else this.tagInfos.splice(at, 0, info);
  }

  /**
   * Bring the address space to the simulator's "now": injected tags appear (renamed) or disappear (removed,
   * renamed away) and unit changes reach EUInformation and EURange, as a reconfigured historian would show.
   */
  syncStructure(): void {
    const now = this.historyEndMs();
    this.plant.series.forEach((s, key) => {
      const present = s.fromMs <= now && now < s.untilMs;
      const node = this.nodes.get(key);
      if (present && node === undefined) this.addSeriesNode(key, now);
      else if (!present && node !== undefined) {
        this.namespace?.deleteNode(node);
        this.nodes.delete(key);
        this.announcedUnits.delete(key);
        const at = this.tagInfos.findIndex((t) => t.series === s);
        if (at >= 0) this.tagInfos.splice(at, 1);
      }
    });
    for (const [key, node] of this.nodes) {
      const s = this.plant.series[key];
      if (s === undefined) continue;
      const unit = this.plant.unitAt(s.tagIndex, now);
      if (this.announcedUnits.get(key) === unit.unit) continue;
      const item = node as unknown as {
        engineeringUnits?: UAVariable;
        euRange?: UAVariable;
      };
      item.engineeringUnits?.setValueFromSource({
        dataType: DataType.ExtensionObject,
        value: makeEUInformation(unit.unece, unit.unit, unit.unitLongName),
      });
      item.euRange?.setValueFromSource({
        dataType: DataType.ExtensionObject,
        value: new Range({ low: unit.low, high: unit.high }),
      });
      this.announcedUnits.set(key, unit.unit);
    }
  }

  async stop(): Promise<void> {
    if (this.structureTimer !== null) clearInterval(this.structureTimer);
    this.structureTimer = null;
    await this.server.shutdown(0);
    this.continuations.clear();
  }

  private currentValue(key: number): DataValue {
    const sample: Sample = { t: 0, value: null, status: 0 };
    const series = this.plant.series[key];
    let k = this.model.firstIndexAtOrAfter(this.historyEndMs() + 1) - 1;
    const stop = Math.max(this.model.firstIndex, k - 10_000);
    while (k >= stop && (series === undefined || !this.plant.sample(series, k, sample))) k--;
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
    const series = this.plant.series[tagIndex];
    return series !== undefined && this.plant.sample(series, k, sample) ? toDataValue(sample) : null;
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
