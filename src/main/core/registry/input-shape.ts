import { RegistryError } from './errors.js';

/*
 * The model must read the data its manifest promises: every model the app trains takes one window of
 * `window.length` steps by `features.length` signals ([null, length, features] with the batch first). A package
 * whose model takes anything else would fail at the first score, or worse, read a reshaped window as if it were
 * right; publishing refuses it.
 */

type Shape = readonly (number | null)[];

interface LayerJson {
  readonly class_name?: unknown;
  readonly config?: {
    readonly batch_input_shape?: unknown;
    readonly batchInputShape?: unknown;
    readonly name?: unknown;
  };
}

const asShape = (value: unknown): Shape | null =>
  Array.isArray(value) && value.every((d) => d === null || typeof d === 'number') ? (value as Shape) : null;

/**
 * The input shapes a TF.js layers model.json declares: the functional model's input layers, or the first layer of
 * a Sequential model. Empty when it declares none (the check then cannot tell and says so).
 */
export const declaredInputShapes = (modelJson: unknown): Shape[] => {
  const topology = (modelJson as { modelTopology?: unknown } | null)?.modelTopology as
    { config?: { layers?: unknown; input_layers?: unknown } | unknown[] } | undefined;
  const config = topology?.config;
  // Old Sequential files keep the layer list as the config itself.
  const layers = (Array.isArray(config) ? config : ((config as { layers?: unknown } | undefined)?.layers ?? [])) as
    LayerJson[] | unknown;
  if (!Array.isArray(layers)) return [];
  const list = layers as LayerJson[];
  const inputNames = (config as { input_layers?: unknown } | undefined)?.input_layers;
  const shapeOf = (layer: LayerJson | undefined) =>
    asShape(layer?.config?.batch_input_shape ?? layer?.config?.batchInputShape);
  if (Array.isArray(inputNames) && inputNames.length > 0) {
    return inputNames
      .map((entry) => (Array.isArray(entry) ? entry[0] : entry))
      .map((name) => shapeOf(list.find((l) => l.config?.name === name)))
      .filter((s): s is Shape => s !== null);
  }
  const first = shapeOf(list[0]);
  return first === null ? [] : [first];
};

const show = (shape: Shape) =>
  `[${shape
    .slice(1)
    .map((d) => (d === null ? 'any' : String(d)))
    .join(', ')}]`;

/** Refuse a model whose input is not one window of `length` steps x `features` signals, naming both shapes. */
export const checkModelInputShape = (
  modelJson: unknown,
  contract: { readonly length: number; readonly features: number },
  source = 'model.json',
): void => {
  const expected: Shape = [null, contract.length, contract.features];
  const want = `a window of ${contract.length} steps x ${contract.features} features ${show(expected)}`;
  const shapes = declaredInputShapes(modelJson);
  if (shapes.length === 0)
    throw new RegistryError('invalid-argument', `${source} declares no input shape; the manifest promises ${want}`);
  if (shapes.length > 1)
    throw new RegistryError('invalid-argument', `${source} has ${shapes.length} inputs; the manifest promises ${want}`);
  const shape = shapes[0] as Shape;
  const matches =
    shape.length === expected.length && shape.slice(1).every((d, i) => d === null || d === expected[i + 1]);
  if (!matches)
    throw new RegistryError(
      'invalid-argument',
      `${source} takes input ${show(shape)} per window, but run.json's data contract is ${want}: refusing to publish a model that does not read its own data`,
    );
};
