import {
  AttributeIds,
  BrowseDirection,
  NodeClass,
  NodeClassMask,
  StatusCodes,
  resolveNodeId,
  type BrowseDescriptionLike,
  type BrowseResult,
  type ClientSession,
  type ReferenceDescription,
} from 'node-opcua';

export interface OpcuaTag {
  readonly nodeId: string;
  /** Display name of the variable. */
  readonly name: string;
  /** Display name of the object that holds it (the asset), or null at the top level. */
  readonly asset: string | null;
  readonly unit: string | null;
  readonly low: number | null;
  readonly high: number | null;
  /** The Historizing attribute, or history readable via AccessLevel. */
  readonly historizing: boolean;
}

const ACCESS_HISTORY_READ = 0x04;
const HAS_PROPERTY = resolveNodeId('HasProperty').toString();
const SERVER_OBJECT = resolveNodeId('Server').toString();

const browseAll = async (session: ClientSession, descriptions: BrowseDescriptionLike[]): Promise<BrowseResult[]> => {
  if (descriptions.length === 0) return [];
  const results: BrowseResult[] = [];
  for (let start = 0; start < descriptions.length; start += 200) {
    const slice = await session.browse(descriptions.slice(start, start + 200));
    for (const result of slice) {
      let cp = result.continuationPoint;
      const references = [...(result.references ?? [])];
      let guard = 0;
      while (cp !== null && cp !== undefined && cp.length > 0 && guard++ < 10_000) {
        const next = await session.browseNext(cp, false);
        references.push(...(next.references ?? []));
        cp = next.continuationPoint;
      }
      result.references = references;
      results.push(result);
    }
  }
  return results;
};

const text = (value: unknown): string | null => {
  if (value !== null && typeof value === 'object' && 'text' in value) {
    const t = (value as { text: unknown }).text;
    return typeof t === 'string' && t.length > 0 ? t : null;
  }
  return null;
};

const nodeIdOf = (ref: ReferenceDescription): string => ref.nodeId.toString();

/**
 * Describe variables by node id: name, parent object (asset), engineering unit and range, whether history is
 * readable. Unknown node ids throw one error that names them.
 */
export const describeTags = async (session: ClientSession, nodeIds: readonly string[]): Promise<OpcuaTag[]> => {
  if (nodeIds.length === 0) return [];
  const attributes = [
    AttributeIds.NodeClass,
    AttributeIds.DisplayName,
    AttributeIds.AccessLevel,
    AttributeIds.Historizing,
  ];
  const invalid = nodeIds.filter((id) => {
    try {
      resolveNodeId(id);
      return false;
    } catch {
      return true;
    }
  });
  if (invalid.length > 0)
    throw new Error(`not a node id: ${invalid.join(', ')} (expected e.g. ns=1;s=P-101.VibrationRMS)`);
  const reads = await session.read(
    nodeIds.flatMap((nodeId) => attributes.map((attributeId) => ({ nodeId, attributeId }))),
  );
  const unknown = nodeIds.filter(
    (_, i) => reads[i * attributes.length]?.statusCode.equals(StatusCodes.BadNodeIdUnknown) === true,
  );
  if (unknown.length > 0) {
    throw new Error(
      `unknown tag${unknown.length > 1 ? 's' : ''} on the server: ${unknown.join(', ')} (no such node; browse to find the right node ids)`,
    );
  }
  const notVariables = nodeIds.filter((_, i) => reads[i * attributes.length]?.value.value !== NodeClass.Variable);
  if (notVariables.length > 0) throw new Error(`not a variable (no values to import): ${notVariables.join(', ')}`);
  const browse = await browseAll(
    session,
    nodeIds.flatMap((nodeId) => [
      {
        nodeId,
        browseDirection: BrowseDirection.Forward,
        referenceTypeId: 'HasProperty',
        includeSubtypes: true,
        nodeClassMask: NodeClassMask.Variable,
        resultMask: 63,
      },
      {
        nodeId,
        browseDirection: BrowseDirection.Inverse,
        referenceTypeId: 'HierarchicalReferences',
        includeSubtypes: true,
        nodeClassMask: NodeClassMask.Object,
        resultMask: 63,
      },
    ]),
  );
  const propertyIds: { index: number; kind: 'unit' | 'range'; nodeId: string }[] = [];
  const parents: (string | null)[] = [];
  nodeIds.forEach((_, i) => {
    for (const ref of browse[2 * i]?.references ?? []) {
      const name = ref.browseName.name;
      if (name === 'EngineeringUnits') propertyIds.push({ index: i, kind: 'unit', nodeId: nodeIdOf(ref) });
      if (name === 'EURange') propertyIds.push({ index: i, kind: 'range', nodeId: nodeIdOf(ref) });
    }
    const parent = (browse[2 * i + 1]?.references ?? []).find((r) => r.nodeId.toString() !== 'ns=0;i=85');
    parents.push(parent ? (text(parent.displayName) ?? parent.browseName.name ?? null) : null);
  });
  const propertyValues =
    propertyIds.length === 0
      ? []
      : await session.read(propertyIds.map((p) => ({ nodeId: p.nodeId, attributeId: AttributeIds.Value })));
  const units = new Map<number, string>();
  const ranges = new Map<number, { low: number; high: number }>();
  propertyIds.forEach((p, k) => {
    const value = propertyValues[k]?.value.value as unknown;
    if (p.kind === 'unit') {
      const unit =
        value !== null && typeof value === 'object' && 'displayName' in value
          ? text((value as { displayName: unknown }).displayName)
          : null;
      if (unit !== null) units.set(p.index, unit);
    } else if (value !== null && typeof value === 'object' && 'low' in value && 'high' in value) {
      const r = value as { low: number; high: number };
      if (Number.isFinite(r.low) && Number.isFinite(r.high)) ranges.set(p.index, { low: r.low, high: r.high });
    }
  });
  return nodeIds.map((nodeId, i) => {
    const at = (k: number) => reads[i * attributes.length + k]?.value.value as unknown;
    const access = typeof at(2) === 'number' ? (at(2) as number) : 0;
    return {
      nodeId,
      name: text(at(1)) ?? nodeId,
      asset: parents[i] ?? null,
      unit: units.get(i) ?? null,
      low: ranges.get(i)?.low ?? null,
      high: ranges.get(i)?.high ?? null,
      historizing: at(3) === true || (access & ACCESS_HISTORY_READ) !== 0,
    };
  });
};

/** Walk the address space below Objects and describe every variable (properties excluded). */
export const browseTags = async (
  session: ClientSession,
  options: { readonly maxNodes?: number; readonly maxDepth?: number; readonly historizingOnly?: boolean } = {},
): Promise<OpcuaTag[]> => {
  const maxNodes = options.maxNodes ?? 20_000;
  const maxDepth = options.maxDepth ?? 10;
  const seen = new Set<string>();
  const variables: string[] = [];
  let frontier = ['ns=0;i=85'];
  for (let depth = 0; depth < maxDepth && frontier.length > 0 && seen.size < maxNodes; depth++) {
    const results = await browseAll(
      session,
      frontier.map((nodeId) => ({
        nodeId,
        browseDirection: BrowseDirection.Forward,
        referenceTypeId: 'HierarchicalReferences',
        includeSubtypes: true,
        nodeClassMask: NodeClassMask.Object | NodeClassMask.Variable,
        resultMask: 63,
      })),
    );
    const next: string[] = [];
    for (const result of results) {
      for (const ref of result.references ?? []) {
        const id = nodeIdOf(ref);
        if (seen.has(id) || id === SERVER_OBJECT || ref.referenceTypeId.toString() === HAS_PROPERTY) continue;
        seen.add(id);
        if (ref.nodeClass === NodeClass.Variable) variables.push(id);
        next.push(id);
      }
    }
    frontier = next;
  }
  const tags: OpcuaTag[] = [];
  for (let start = 0; start < variables.length; start += 500)
    tags.push(...(await describeTags(session, variables.slice(start, start + 500))));
  return options.historizingOnly === true ? tags.filter((t) => t.historizing) : tags;
};
